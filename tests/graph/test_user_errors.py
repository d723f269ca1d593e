"""Payload errors made of the Accounts API's problem details."""

import pytest

from accounts_graph.graph.mutations.errors import user_errors
from accounts_graph.upstream.errors import error_for_status


@pytest.mark.parametrize(
    ("problem_type", "platform_code"),
    [
        ("https://tools.ietf.org/html/rfc9110#section-15.5.1", None),
        ("https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1", None),
        ("https://api.example.com/errors/accounts#MPTAC02-0001", "MPTAC02-0001"),
        ("https://api.example.com/errors/accounts", None),
        ("", None),
    ],
)
def test_the_platform_code_is_a_platform_types_anchor_never_an_rfc_section(
    problem_type: str, platform_code: str | None
) -> None:
    problem = {"type": problem_type, "title": "Bad Request", "detail": "Refused."}

    [error] = user_errors(error_for_status(400, problem, "POST", "/buyers"))

    assert error.platform_code == platform_code
    assert error.message == "Refused."
