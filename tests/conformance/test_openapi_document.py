"""The sandbox serves the published document with its defects corrected, and valid.

Each test names one correction of `sandbox/openapi.py` and checks it on the
document the sandbox actually serves.
"""

from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate

from accounts_graph.sandbox.openapi import CORRECTIONS, correct, corrected, published
from accounts_graph.sandbox.openapi_paths import API, DOCUMENT
from accounts_graph.sandbox.openapi_schemas import operations

SCHEMAS = "#/components/schemas/"


@pytest.fixture(scope="module")
def served(sandbox_url: str) -> dict[str, Any]:
    response = httpx.get(sandbox_url + DOCUMENT, timeout=30)  # no token: public
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("application/json")
    document: dict[str, Any] = response.json()
    return document


def _schema(doc: dict[str, Any], name: str) -> dict[str, Any]:
    schema: dict[str, Any] = doc["components"]["schemas"][name]
    return schema


def _body(doc: dict[str, Any], path: str, method: str, media: str) -> dict[str, Any]:
    content = doc["paths"][API + path][method]["requestBody"]["content"]
    found: dict[str, Any] = content[media]
    return found


def test_served_document_validates_with_openapi_spec_validator(
    served: dict[str, Any],
) -> None:
    validate(served)  # raises on the first violation of OpenAPI 3.0


def test_served_document_is_the_corrected_published_one(
    served: dict[str, Any],
) -> None:
    assert served == corrected()
    assert served["info"]["version"] == published()["info"]["version"]


def test_correction_leaves_the_published_document_alone() -> None:
    original = published()

    correct(original)

    assert original == published()
    assert len(CORRECTIONS) >= 14


def test_readme_lists_every_correction() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme.split("## Conformance", 1)[1].split("\n## ", 1)[0]

    for correction in CORRECTIONS:
        assert f"- `{correction.__name__}`: " in section, correction.__name__


def test_entities_are_flat_and_open(served: dict[str, Any]) -> None:
    account = _schema(served, "Account")

    assert "allOf" not in account
    assert "additionalProperties" not in account
    assert {"id", "name", "type", "status", "icon", "description"} <= set(
        account["properties"]
    )
    assert set(account["required"]) == {"name", "status", "type"}


def test_request_bodies_refer_to_objects_by_id(served: dict[str, Any]) -> None:
    create = _body(served, "/buyers", "post", "application/json")["schema"]
    licensee = _body(served, "/licensees", "post", "application/json")["schema"]

    assert create["properties"]["account"]["anyOf"] == [
        {"$ref": SCHEMAS + "AccountDto"},
        {"$ref": SCHEMAS + "Null"},
    ]
    assert licensee["properties"]["seller"] == {"$ref": SCHEMAS + "SellerDto"}
    assert _schema(served, "SellerDto")["required"] == ["id"]


def test_bodies_leave_out_what_the_platform_sets(served: dict[str, Any]) -> None:
    create = _body(served, "/buyers", "post", "application/json")["schema"]
    update = _body(served, "/accounts/{id}", "put", "application/json")["schema"]
    activate = _body(served, "/buyers/{id}/activate", "post", "application/json")

    assert not {"id", "audit", "$meta", "status", "sellers"} & set(create["properties"])
    assert "type" not in update["properties"]
    assert set(activate["schema"]["properties"]) == {"account", "externalIds"}


@pytest.mark.parametrize(
    ("path", "method", "part", "file"),
    [
        ("/accounts", "post", "account", "logo"),
        ("/buyers/{id}", "put", "buyer", "logo"),
        ("/licensees", "post", "licensee", "logo"),
        ("/sellers/{id}", "put", "seller", "logo"),
        ("/erp-links/{id}", "put", "erpLink", "logo"),
        ("/users/{id}", "put", "user", "icon"),
    ],
)
def test_multipart_is_one_json_part_and_one_file(
    served: dict[str, Any], path: str, method: str, part: str, file: str
) -> None:
    multipart = _body(served, path, method, "multipart/form-data")
    json_body = _body(served, path, method, "application/json")

    assert set(multipart["schema"]["properties"]) == {part, file}
    assert multipart["schema"]["properties"][part] == json_body["schema"]
    assert multipart["encoding"][part]["contentType"] == "application/json"
    assert multipart["schema"]["properties"][file]["format"] == "binary"


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/buyers/{id}/synchronize", "post"),
        ("/sellers/{id}/enable", "post"),
        ("/erp-links/{id}/icon", "get"),
        ("/users/{id}/accounts", "get"),
        ("/accounts/{accountId}/users", "get"),
        ("/accounts/{accountId}/users/{userId}", "put"),
        ("/accounts/{accountId}/users/{userId}/groups/{userGroupId}", "delete"),
    ],
)
def test_unpublished_endpoints_are_added(
    served: dict[str, Any], path: str, method: str
) -> None:
    assert method in served["paths"][API + path]
    assert method not in published()["paths"].get(API + path, {})


def test_lists_take_rql_and_answer_the_envelope(served: dict[str, Any]) -> None:
    parameters = served["paths"][API + "/buyers"]["get"]["parameters"]
    by_name = {p["name"]: p for p in parameters}

    assert set(by_name) == {"select", "order", "limit", "offset", "filter"}
    assert by_name["filter"]["style"] == "form" and by_name["filter"]["explode"]
    assert _schema(served, "BuyerListResponse")["required"] == ["$meta", "data"]
    pagination = _schema(served, "PaginationMetadata")
    assert pagination["required"] == ["offset", "limit", "total"]


def test_every_operation_declares_its_problems_and_token(
    served: dict[str, Any],
) -> None:
    assert served["security"] == [{"bearer": []}]
    assert served["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    for path, method, operation in operations(served):
        responses = operation["responses"]
        if path.endswith("/icon") or path == DOCUMENT:
            assert operation["security"] == [], path
            continue
        assert "security" not in operation, path
        assert {"401", "403"} <= set(responses), (method, path)
        if method != "get":
            assert "409" in responses, (method, path)
        problem = responses["401"]["content"]["application/problem+json"]
        assert problem["schema"] == {"$ref": SCHEMAS + "ProblemDetails"}


def test_create_answers_link_to_the_created_object(served: dict[str, Any]) -> None:
    links = served["paths"][API + "/buyers"]["post"]["responses"]["201"]["links"]
    ids = {link["operationId"] for link in links.values()}

    assert {"getBuyersById", "putBuyersById", "deleteBuyersById"} <= ids
    member = served["paths"][API + "/{accountId}/users"]["post"]["responses"]["201"]
    link = member["links"]["GetByAccountIdUsersByUserId"]
    assert link["parameters"] == {
        "userId": "$response.body#/id",
        "accountId": "$request.path.accountId",
    }


def test_writes_to_one_object_take_if_match_and_reads_answer_etag(
    served: dict[str, Any],
) -> None:
    paths = served["paths"]

    def takes_if_match(path: str, method: str) -> bool:
        parameters = paths[API + path][method].get("parameters", [])
        return any(p["name"] == "If-Match" for p in parameters)

    assert takes_if_match("/buyers/{id}", "put")
    assert takes_if_match("/buyers/{id}", "delete")
    assert takes_if_match("/buyers/{id}/disable", "post")
    assert takes_if_match("/accounts/{accountId}/users/{userId}/groups", "post")
    assert not takes_if_match("/buyers", "post")
    assert not takes_if_match("/{accountId}/users", "post")
    read = paths[API + "/buyers/{id}"]["get"]["responses"]["200"]
    assert read["headers"]["ETag"]["schema"] == {"type": "string"}
