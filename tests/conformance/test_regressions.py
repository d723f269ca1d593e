"""One test per failure the generated suites found, with the exact input that failed.

REST answers are validated against the corrected document as the contract test
does (OpenAPI 3.0 semantics, `openapi-schema-validator`).
"""

import json
import uuid
from typing import Any

import httpx
import pytest
from openapi_schema_validator import OAS30Validator, validate

from accounts_graph.graph.errors import ErrorCode
from accounts_graph.sandbox.openapi import corrected
from accounts_graph.sandbox.openapi_paths import API
from accounts_graph.upstream.client import url_safe
from tests.conformance.conftest import Scratch

DOCUMENT = corrected()


def conforms(body: Any, schema_name: str) -> None:
    schema = {"$ref": f"#/components/schemas/{schema_name}"}
    validate(body, {**schema, "components": DOCUMENT["components"]}, cls=OAS30Validator)


def body_schema(path: str, method: str, media: str = "application/json") -> Any:
    content = DOCUMENT["paths"][API + path][method]["requestBody"]["content"]
    return content[media]["schema"]


def rest(scratch: Scratch) -> httpx.Client:
    return httpx.Client(base_url=scratch.sandbox_url + API, timeout=30)


# Found by `GET /accounts` (Client): limit=1154556560654870 was accepted, which
# the first draft of the document forbade (int32). The platform clamps a larger
# limit to 100, so the document may not bound it.
def test_huge_limit_is_clamped_and_the_document_allows_it(scratch: Scratch) -> None:
    with rest(scratch) as http:
        response = http.get(
            "/accounts?limit=1154556560654870", headers=scratch.headers("Client")
        )

    assert response.status_code == 200, response.text[:300]
    assert response.json()["$meta"]["pagination"]["limit"] == 100
    parameters = DOCUMENT["paths"][API + "/accounts"]["get"]["parameters"]
    limit = next(p for p in parameters if p["name"] == "limit")["schema"]
    assert "maximum" not in limit and "format" not in limit


# Found by `POST /user-groups` (Vendor): `"account": null` was accepted (the
# group goes to the caller's account) while the document made `account` a
# non-null object. An optional member sent as null means "not sent".
USER_GROUP_BODY = json.loads(
    r'{"\u00e5*\udadb\udf86\uea09": false, "\u00d6\ud81c\udedf\u0006\r\u00b1t'
    r'\u001c\u00e8\u009d\udb7b\udda2s4": {}, "": {"": {"V\u00b8\ud989\udccf0'
    r'\u0014": null, "\u00e9\u009a?": null, "": null}, "\u0080\ud859\udf38>'
    r"\u0083d\u0090\uda3f\udf46\udb2f\udfc5\u001d\u009e\udb84\udd14\u00a5"
    r'\u00e1\u00c0\u00bf": 1.7335180405154526e+16, "\u00e8\u00eb": true}, '
    r'"l\udb2c\udd2b\u001e": {"\u00e7#\ud87e\uddf9\uda80\udf19": false, '
    r'"\u00cc9\u00f1": "\ud87b\udefc\u008f\uda93\udf51\u00cd\u00d64\u0000'
    r'\u008b\u008b_\u00a5\u00f1tW\u00076", "\ud872\ude9e\u00c9": "\u0010'
    r'\u00a1\udb2a\udef0"}, "\ud981\udefe\ud862\udf97\u00be\ud93d\udf3d4'
    r'\u0014\u0005\u00e9VU}": {"H\uc12a\u00c5\u00a6\udbf8\udc0c:\ud84e\udd30'
    r'\u00e6": true, "k\u00b8\u00a7zM\u0018\u00f9\u00c7\uda76\uddde\udab1'
    r'\udd65": null, "5\u0016\u0001\ud8bc\udf1d\u000e\u00c0": '
    r'1.6364191116255936e+16}, "account": null, "name": "\u00dfe\u00a9\ud956'
    r'\udf10\ud861\ude6e"}'
)


def test_null_account_of_a_new_group_means_the_callers(scratch: Scratch) -> None:
    with rest(scratch) as http:
        response = http.post(
            "/user-groups", json=USER_GROUP_BODY, headers=scratch.headers("Vendor")
        )

    assert response.status_code == 201, response.text[:300]
    conforms(response.json(), "UserGroup")
    schema = {
        **body_schema("/user-groups", "post"),
        "components": DOCUMENT["components"],
    }
    validate(USER_GROUP_BODY, schema, cls=OAS30Validator)  # a valid request now


# Found by `POST /cloud-tenants` (Operations): a tenant created without `type`
# answered `"type": null`, which the document's CloudTenant never is.
def test_cloud_tenant_created_without_type_gets_the_default(scratch: Scratch) -> None:
    ids = {"pyraTenantId": str(uuid.uuid4()), "cloudConsumptionId": str(uuid.uuid4())}
    with rest(scratch) as http:
        response = http.post(
            "/cloud-tenants",
            json={"name": "No type", "externalIds": ids},
            headers=scratch.headers("Operations"),
        )

    assert response.status_code == 201, response.text[:300]
    assert response.json()["type"] == "AwsDirect"
    conforms(response.json(), "CloudTenant")


# Found by `POST /sellers` (Operations): a seller created without an address
# answered `"address": null`; the published generator cannot mark a `$ref`
# member nullable, so the document said it never is.
def test_seller_without_address_answers_null_address(scratch: Scratch) -> None:
    with rest(scratch) as http:
        response = http.post(
            "/sellers",
            json={"name": "0", "currencies": ["EUR"]},
            headers=scratch.headers("Operations"),
        )

    assert response.status_code == 201, response.text[:300]
    assert response.json()["address"] is None
    conforms(response.json(), "Seller")


# Found by `POST /sellers` (Operations, 50 examples): members the platform sets
# itself (`$meta`, `id`, `erpLink`) were ignored whatever their value, while the
# document typed them. The corrected create body leaves them out.
def test_seller_create_ignores_members_the_platform_sets(scratch: Scratch) -> None:
    body = {"$meta": False, "currencies": ["\u00e0\u00dd"], "erpLink": "", "id": None}
    with rest(scratch) as http:
        response = http.post(
            "/sellers",
            json={**body, "name": "0"},
            headers=scratch.headers("Operations"),
        )

    assert response.status_code == 201, response.text[:300]
    members = body_schema("/sellers", "post")["properties"]
    assert not {"$meta", "id", "erpLink", "status"} & set(members)


# Found by multipart `POST /accounts` (Operations, 50 examples): `account.groups`
# holding arrays was accepted: groups are made under /user-groups, never by an
# account's body, which the corrected document now says.
def test_account_create_ignores_groups(scratch: Scratch) -> None:
    account = {"name": "Ignored groups", "type": "Client", "serviceLevel": "Elite"}
    files = {"account": (None, json.dumps({**account, "groups": [[]]}), "text/json")}
    with rest(scratch) as http:
        response = http.post(
            "/accounts", files=files, headers=scratch.headers("Operations")
        )

    assert response.status_code == 201, response.text[:300]
    part = body_schema("/accounts", "post", "multipart/form-data")["properties"]
    assert "groups" not in part["account"]["properties"]


def graphql(scratch: Scratch, role: str, query: str) -> dict[str, Any]:
    response = httpx.post(
        scratch.facade_url + "/graphql",
        json={"query": query},
        headers=scratch.headers(role),
        timeout=30,
    )
    assert response.status_code == 200, response.text[:300]
    body: dict[str, Any] = response.json()
    return body


def codes(body: dict[str, Any]) -> set[str]:
    return {e["extensions"]["code"] for e in body.get("errors") or []}


# Found by generated queries (Client): an id with a control character reached
# the upstream URL raw, httpx refused to build it, and the answer was a masked
# INTERNAL_SERVER_ERROR.
@pytest.mark.parametrize("character", ["\t", "\x1f", "#", " "])
def test_id_with_control_character_is_not_found(
    scratch: Scratch, character: str
) -> None:
    literal = json.dumps(f"UGR-0000{character}0000")

    body = graphql(scratch, "Client", f"{{ userGroup(id: {literal}) {{ id }} }}")

    assert body["data"] == {"userGroup": None}
    assert codes(body) <= {ErrorCode.NOT_FOUND, ErrorCode.BAD_USER_INPUT}


def test_url_safe_escapes_what_a_url_cannot_carry() -> None:
    assert url_safe("in(id,('a\tb#c d\x7f'))&limit=1") == (
        "in(id,('a%09b%23c%20d%7F'))&limit=1"
    )


# Found by generated mutations (Client): an empty id made the path
# `/user-groups/`, which the sandbox answers with a redirect; the facade read
# the empty answer as the object and crashed (INTERNAL_SERVER_ERROR).
def test_mutation_on_empty_id_answers_a_documented_error(scratch: Scratch) -> None:
    query = (
        'mutation { updateUserGroup(id: "", input: { moduleIds: [], name: "", '
        "buyerIds: [] }) { errors { platformCode } } }"
    )

    body = graphql(scratch, "Client", query)

    assert codes(body) == {"NOT_FOUND"}
    assert body["extensions"]["upstream"]["requests"] == 0


# Found by multipart `PUT /sellers/{id}` (Operations): `address.country` sent as
# a list crashed the country check (a list does not hash): 500.
SELLER_PART = (
    r'{"\"J\u00ff\u00c4\n\u00db": [[null, null], {"\u00cb\u00fd\u0094": null}, '
    r'null], "": {}, "\u000b\u0091=\u0013": {}, "\b": [], "\u008d\ud81d\udc5f'
    r'\u00b4\r\u00e7\udbbd\udc54Y": {}, "currencies": ["i", "\u00c2\u0012'
    r'\u00e9"], "name": "\ud83d\ude0d", "address": {"\r&U3X\u008b": true, "D#'
    r"\u0084\u00f5\u00af\ud9e9\udc77\u00f7\u00cc\u00d7\u0011(\u00e8\u001dO'"
    r'\ud802\ude60a\u0084\u00ccZ\u00c9_": [], "state": "+\udae5\ude474", '
    r'"addressLine1": "\u00eeT", "postCode": "~\u0000L\ud9ee\ude75\ud813\udfb1('
    r'\ud9b9\udcad6X&HBpA", "city": "", "country": []}, "externalId": null}'
)


def test_country_sent_as_a_list_is_refused(scratch: Scratch) -> None:
    files = {
        "\x15\u00f2\u00ba\u00a4": (None, "-448774398465675200"),
        "seller": (None, SELLER_PART.encode(), "application/json"),
        "logo": ("logo", b"\xf3\x96\x9f\x94s\xc2\x9cM", "image/png"),
    }
    with rest(scratch) as http:
        multipart = http.put(
            "/sellers/SEL-0000-0000", files=files, headers=scratch.headers("Operations")
        )
        plain = http.post(
            "/sellers",
            json={**json.loads(SELLER_PART), "currencies": ["EUR"], "name": "x"},
            headers=scratch.headers("Operations"),
        )

    assert multipart.status_code == plain.status_code == 400, multipart.text[:300]
    assert "address.country" in plain.json()["errors"]


# Found by generated mutations: an `Upload` given as an inline string literal
# reached the upload code as a str: INTERNAL_SERVER_ERROR.
def test_icon_given_inline_is_bad_user_input(scratch: Scratch) -> None:
    query = (
        'mutation { uploadLicenseeIcon(id: "LCE-0000-0000-0000", icon: "x") '
        "{ errors { code } } }"
    )

    body = graphql(scratch, "Operations", query)

    assert codes(body) == {"BAD_USER_INPUT"}
