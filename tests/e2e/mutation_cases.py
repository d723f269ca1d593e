"""Helpers for the mutation tests: documents, payloads, uploads, scratch callers.

Every mutation test acts on scratch objects (made over REST with the Operations
demo token, or through GraphQL) inside scratch accounts whose callers hold a JWT
signed with the sandbox's key, so the demo data stays as it is.
"""

import json
from dataclasses import dataclass
from typing import Any

import httpx

from tests.conftest import GraphQLClient, auth
from tests.images import image
from tests.sandbox.factories import jwt_for, new_account, unique

ERRORS = "errors { message field code platformCode }"
ADDRESS = {
    "addressLine1": "Bahnhofstrasse 1",
    "postCode": "8001",
    "city": "Zurich",
    "state": "ZH",
    "country": "CH",
}
PNG = image("PNG")
PREFLIGHT = {"GraphQL-Require-Preflight": "1"}
GATE_CODES = {"FORBIDDEN", "UNAUTHENTICATED"}

_TYPES = {
    "id": "ID!",
    "accountId": "ID!",
    "userId": "ID!",
    "groupId": "ID!",
    "groupIds": "[ID!]!",
    "userGroupId": "ID!",
    "password": "String!",
    "icon": "Upload!",
}


@dataclass(frozen=True)
class Caller:
    """Someone calling the facade: its account and its bearer token."""

    account_id: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return auth(self.token)


def scratch_caller(
    rest: httpx.Client, ops: dict[str, str], sandbox_app: Any, kind: str
) -> Caller:
    """A new account of `kind` (a client gets a CDG) and a JWT acting for it."""
    extra = {"externalId": unique("CDG-")} if kind == "Client" else {}
    account = new_account(rest, ops, type=kind, **extra)
    return Caller(account["id"], jwt_for(sandbox_app, account["id"], kind))


def document(field: str, selection: str, names: list[str]) -> str:
    """A mutation document calling `field` with one variable per argument."""
    types = {**_TYPES, "input": field[0].upper() + field[1:] + "Input!"}
    head = ", ".join(f"${n}: {types[n]}" for n in names)
    call = ", ".join(f"{n}: ${n}" for n in names)
    head = f"({head})" if head else ""
    call = f"({call})" if call else ""
    return f"mutation{head} {{ {field}{call} {{ {selection} }} }}"


def mutate(
    gql: GraphQLClient,
    token: str | None,
    field: str,
    selection: str,
    **variables: Any,
) -> dict[str, Any]:
    """Run one mutation with its arguments as variables; return the whole answer."""
    return gql(document(field, selection, list(variables)), token, variables)


def done(body: dict[str, Any], field: str) -> dict[str, Any]:
    """The payload of a mutation that succeeded: no errors of either kind."""
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"][field]
    assert payload["errors"] == [], payload
    return payload


def refused(body: dict[str, Any], field: str) -> list[dict[str, Any]]:
    """The payload errors of a mutation the upstream refused; no top-level error."""
    assert "errors" not in body, body
    payload = body["data"][field]
    errors: list[dict[str, Any]] = payload["errors"]
    assert errors, payload
    assert all(v is None for k, v in payload.items() if k != "errors"), payload
    return errors


def succeed(
    gql: GraphQLClient, token: str, field: str, selection: str, **variables: Any
) -> dict[str, Any]:
    """Run a mutation that must succeed; return its payload."""
    return done(mutate(gql, token, field, selection + " " + ERRORS, **variables), field)


def refuse(
    gql: GraphQLClient, token: str, field: str, selection: str, **variables: Any
) -> list[dict[str, Any]]:
    """Run a mutation the upstream must refuse; return the payload errors."""
    body = mutate(gql, token, field, selection + " " + ERRORS, **variables)
    return refused(body, field)


def top_code(body: dict[str, Any]) -> str:
    """The code of the one top-level error of an answer."""
    [error] = body["errors"]
    code: str = error["extensions"]["code"]
    return code


def upstream_requests(body: dict[str, Any]) -> int:
    requests: int = body["extensions"]["upstream"]["requests"]
    return requests


def upload(
    gql: GraphQLClient,
    token: str | None,
    field: str,
    selection: str,
    object_id: str,
    data: bytes,
    *,
    filename: str = "icon.png",
    content_type: str = "image/png",
) -> dict[str, Any]:
    """Post `field(id, icon)` as a GraphQL multipart request, the file as part 0."""
    operations = {
        "query": document(field, selection, ["id", "icon"]),
        "variables": {"id": object_id, "icon": None},
    }
    files = {
        "operations": (None, json.dumps(operations).encode(), "application/json"),
        "map": (
            None,
            json.dumps({"0": ["variables.icon"]}).encode(),
            "application/json",
        ),
        "0": (filename, data, content_type),
    }
    # A multipart request is "simple" to a browser: it must say it is not a
    # cross-site form post.
    headers = {**(auth(token) if token else {}), **PREFLIGHT}
    response = gql.http.post("/graphql", files=files, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def node(
    gql: GraphQLClient, token: str, field: str, object_id: str, selection: str
) -> dict[str, Any]:
    """Read one object through its root field, e.g. `buyer(id)`; it must exist."""
    data = query(gql, token, f'{{ {field}(id: "{object_id}") {{ {selection} }} }}')
    found: dict[str, Any] = data[field]
    return found


def query(gql: GraphQLClient, token: str, text: str) -> dict[str, Any]:
    """Run a query that must succeed; return its data."""
    body = gql(text, token)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def rest_get(rest: httpx.Client, ops: dict[str, str], path: str) -> dict[str, Any]:
    response = rest.get(path, headers=ops)
    assert response.status_code == 200, response.text[:500]
    doc: dict[str, Any] = response.json()
    return doc
