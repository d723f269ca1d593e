"""What an answer of the Accounts API holds: its decoded body, or the error its
status means; and the secrets a request's body carries, which no error may echo."""

from typing import Any

import httpx
import orjson

from accounts_graph.upstream.errors import error_for_status
from accounts_graph.upstream.retries import retry_after_of

# Request body members that hold a secret: never echoed back from an error.
SECRET_FIELDS = frozenset({"password", "code", "invitationCode", "secret", "token"})


def body_of(
    response: httpx.Response, method: str, shown: str, secrets: list[str]
) -> Any:
    """Return an answer's decoded body, or raise the error its status means.

    Raises:
        UpstreamStatusError: the status is not a success.
    """
    body = _decode(response)
    # Redirects are not followed (see `client.build_http_client`), so a 3xx
    # answer (the sandbox's to a path with an empty id, say) has no object: an
    # error.
    if response.status_code < 300:
        return body
    raise error_for_status(
        response.status_code,
        body if isinstance(body, dict) else {},
        method,
        shown,
        retry_after=retry_after_of(response),
        secrets=secrets,
    )


def secrets_in(body: Any) -> list[str]:
    """Return the values a request body carries under a secret's name."""
    if isinstance(body, dict):
        found = []
        for key, value in body.items():
            if key in SECRET_FIELDS and isinstance(value, str):
                found.append(value)
            else:
                found += secrets_in(value)
        return found
    if isinstance(body, list):
        return [secret for item in body for secret in secrets_in(item)]
    return []


def _decode(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return {"title": response.reason_phrase, "detail": "Unreadable answer."}
