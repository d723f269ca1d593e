"""The sandbox's own OpenAPI document: the published one, its defects corrected.

`GET /public/v1/accounts/openapi.json` (public) serves the published Accounts API
document shipped in `platform/accounts-openapi.json`, put through `CORRECTIONS`:
small named functions, each fixing one defect by what the document says rather
than by a list of its names, so a newer published document can be dropped in.
The README's "Conformance" section lists them, one line each.
"""

import copy
import json
from collections.abc import Callable
from functools import lru_cache
from importlib.resources import files
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from accounts_graph.sandbox.context import JSON
from accounts_graph.sandbox.openapi_bodies import bodies_list_what_the_platform_reads
from accounts_graph.sandbox.openapi_paths import (
    add_client_account_user_paths,
    add_unpublished_endpoints,
    declare_preconditions,
    declare_problem_responses,
    declare_rql_parameters,
    describe_itself,
    json_part_multipart,
    link_created_objects,
    name_operations,
    require_bearer_token,
)
from accounts_graph.sandbox.openapi_schemas import (
    Doc,
    merge_reference_schemas,
    null_means_absent_in_bodies,
    nullable_object_references,
    open_closed_objects,
    plain_user_update,
    problem_details_members,
    reference_by_id_in_bodies,
    require_list_envelope,
)

PUBLISHED = "accounts-openapi.json"

# In order: schemas are flattened and opened before request views copy them;
# the multipart part reuses the JSON body's view; links need operation ids.
CORRECTIONS: tuple[Callable[[Doc], None], ...] = (
    merge_reference_schemas,
    open_closed_objects,
    nullable_object_references,
    reference_by_id_in_bodies,
    plain_user_update,
    bodies_list_what_the_platform_reads,
    null_means_absent_in_bodies,
    json_part_multipart,
    add_unpublished_endpoints,
    add_client_account_user_paths,
    describe_itself,
    declare_rql_parameters,
    require_list_envelope,
    problem_details_members,
    declare_problem_responses,
    declare_preconditions,
    require_bearer_token,
    name_operations,
    link_created_objects,
)


def published() -> Doc:
    """The published document as shipped with the package."""
    text = files("accounts_graph.platform").joinpath(PUBLISHED).read_text("utf-8")
    document: Doc = json.loads(text)
    return document


def correct(document: Doc) -> Doc:
    """Return a corrected copy of `document` (the argument is left as it is)."""
    fixed = copy.deepcopy(document)
    for correction in CORRECTIONS:
        correction(fixed)
    info = fixed.setdefault("info", {})
    info["description"] = (
        str(info.get("description", "")) + "\n\nServed by the embedded Accounts API "
        "with the published document's defects corrected."
    ).strip()
    return fixed


@lru_cache(maxsize=1)
def _served() -> bytes:
    return json.dumps(correct(published())).encode()


def corrected() -> Doc:
    """The corrected published document, as the sandbox serves it."""
    document: dict[str, Any] = json.loads(_served())
    return document


async def openapi_document(request: Request) -> Response:
    return Response(_served(), media_type=JSON.media_type)


def routes() -> list[Route]:
    return [Route("/openapi.json", openapi_document, methods=["GET"])]
