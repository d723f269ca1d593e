"""With every logger at DEBUG, the service's output never holds a token, a
password or anything else secret a caller sent, whatever the upstream answers.

The service runs as a real process, its output read from its stderr. It quiets
httpx and httpcore itself; here they are turned up to DEBUG too (the one
change to the service, made by the small launcher below), so the test covers
what those libraries would print.
"""

import os
import secrets
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from accounts_graph.platform.tokens import CLAIM_ACCOUNT_ID, CLAIM_ACCOUNT_TYPE
from accounts_graph.sandbox.app import create_sandbox_app
from accounts_graph.sandbox.faults import Faults
from tests.conftest import auth
from tests.servers import free_port, process_serving, running

LAUNCHER = """
import logging
import sys

import accounts_graph.app


def every_logger_at_debug() -> None:
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.DEBUG)


accounts_graph.app.quiet_http_loggers = every_logger_at_debug
from accounts_graph.cli import main

main(sys.argv[1:])
"""


def _canary(label: str) -> str:
    return f"Canary{label}{secrets.token_hex(12)}"


def _forged_jwt(account_id: str, canary: str) -> str:
    claims = {CLAIM_ACCOUNT_ID: account_id, CLAIM_ACCOUNT_TYPE: "Operations"}
    return jwt.encode({**claims, "jti": canary}, canary, algorithm="HS256")


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A sandbox whose token lookups for TKN-9999-0500 and licensee lists fail
    with 500; other requests it answers normally (unknown tokens: 401)."""
    faults = Faults.parse(
        rules=[
            "GET /public/v1/accounts/api-tokens/TKN-9999-0500 status=500",
            "GET /public/v1/accounts/licensees* status=500",
        ]
    )
    app = create_sandbox_app(
        tmp_path_factory.mktemp("logs") / "db.sqlite3", faults=faults
    )
    with running(app) as url:
        yield url


@pytest.fixture(scope="module")
def service(
    upstream: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """`accounts-graph serve --log-level DEBUG` over the sandbox; its URL and
    the file its output goes to."""
    port = free_port()
    output = tmp_path_factory.mktemp("service") / "output.log"
    argv = [sys.executable, "-c", LAUNCHER, "serve", "--upstream", upstream]
    argv += ["--port", str(port), "--log-level", "DEBUG"]
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with process_serving(argv, url, "/healthz", output, env=env, stdout_too=True):
        yield url, output


def _post(url: str, token: str, query: str, **variables: Any) -> httpx.Response:
    return httpx.post(
        url + "/graphql",
        json={"query": query, "variables": variables},
        headers=auth(token),
        timeout=60,
    )


def test_debug_output_never_holds_a_secret_whatever_the_upstream_answers(
    service: tuple[str, Path],
    upstream: str,
    tokens: dict[str, str],
    demo_accounts: dict[str, str],
) -> None:
    url, output = service
    unknown = "idt:TKN-9999-0401:" + _canary("Unknown")
    failing = "idt:TKN-9999-0500:" + _canary("Failing")
    forged = _forged_jwt(demo_accounts["Operations"], _canary("Forged"))
    short_password, password = _canary("Pw")[:11], _canary("Password")
    ops = tokens["Operations"]
    user = httpx.get(
        f"{upstream}/public/v1/accounts/users?limit=1", headers=auth(ops)
    ).json()["data"][0]["id"]
    set_password = (
        "mutation($id: ID!, $p: String!) { setUserPassword(id: $id, password: $p)"
        " { user { id } errors { message field } } }"
    )

    answers = [
        # The upstream answers 401 to the token lookup.
        _post(url, unknown, "{ viewer { role } }"),
        # The upstream answers 500 to the token lookup.
        _post(url, failing, "{ viewer { role } }"),
        # A forged JWT: the upstream answers 401, then 500 (an injected fault).
        _post(url, forged, "{ buyers { totalCount } }"),
        _post(url, forged, "{ licensees { totalCount } }"),
        # Passwords: refused (too short) and accepted, and one in the wrong
        # place, which GraphQL's validation would otherwise quote.
        _post(url, ops, set_password, id=user, p=short_password),
        _post(url, ops, set_password, id=user, p=password),
        _post(
            url,
            ops,
            "mutation($i: CreateAccountInput!) { createAccount(input: $i)"
            " { account { id } } }",
            i={"name": "X", "password": password},
        ),
        # A GET, with the secret in the query string.
        httpx.get(
            url + "/graphql",
            params={
                "query": "{ viewer { role } }",
                "variables": f'{{"p": "{password}"}}',
            },
            # Past the cross-site check, so the service reads the variables.
            headers={**auth(unknown), "GraphQL-Require-Preflight": "1"},
        ),
    ]
    log = _log_after(output, requests=len(answers))

    codes = [
        [e["extensions"]["code"] for e in a.json().get("errors", [])] for a in answers
    ]
    assert codes[:4] == [
        ["UNAUTHENTICATED"],
        ["UPSTREAM_ERROR"],
        ["UNAUTHENTICATED"],
        ["UPSTREAM_ERROR"],
    ]
    assert answers[4].json()["data"]["setUserPassword"]["errors"]
    assert answers[5].json()["data"]["setUserPassword"]["user"]["id"] == user
    # The output is really captured, library DEBUG lines and upstream answers too.
    assert "httpcore" in log and "uvicorn" in log
    assert "upstream GET /api-tokens/{id} -> 401" in log
    assert "upstream GET /api-tokens/{id} -> 500" in log
    assert "upstream GET /licensees -> 500" in log
    assert "status=200" in log
    for secret in (unknown, failing, forged, ops, short_password, password):
        assert secret not in log
        assert all(secret not in a.text for a in answers)
    for part in forged.split(".")[1:]:
        assert part not in log


def _log_after(output: Path, requests: int) -> str:
    """The output once the access lines of `requests` requests are in: each is
    written just after its answer was sent."""
    deadline = time.monotonic() + 30
    while True:
        log = output.read_text()
        done = log.count(" POST /graphql status=") + log.count(" GET /graphql status=")
        if done >= requests or time.monotonic() > deadline:
            return log
        time.sleep(0.05)
