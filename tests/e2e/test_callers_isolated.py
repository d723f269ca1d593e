"""Loaders live for one request: callers interleaving many concurrent requests
never see each other's objects.

The service runs as `accounts-graph serve`, a process of its own, as callers
meet it: in the test process, its server thread would share one interpreter
with the sandbox's and with 200 clients.
"""

import asyncio
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import auth
from tests.servers import cli_process

QUERY = """{
  viewer { role account { id name } }
  accounts(first: 50) { totalCount nodes { id name } }
  users(first: 50) { totalCount nodes { id email } }
  apiTokens(first: 50) { nodes { id name account { id name } } }
  userGroups(first: 50) { nodes { id name account { id } users { id } } }
}"""


async def test_two_callers_interleaving_200_requests_see_only_their_own(
    sandbox_url: str,
    tokens: dict[str, str],
    demo_accounts: dict[str, str],
    tmp_path: Path,
) -> None:
    callers = ["Client", "Vendor"]
    order = [callers[i % 2] for i in range(200)]
    serve = cli_process(
        "serve",
        "--upstream",
        sandbox_url,
        output=tmp_path / "serve.log",
        probe="/healthz",
    )
    limits = httpx.Limits(max_connections=200)
    with serve as facade_url:
        async with httpx.AsyncClient(
            base_url=facade_url, timeout=120, limits=limits
        ) as http:

            async def ask(role: str) -> dict[str, Any]:
                response = await http.post(
                    "/graphql", json={"query": QUERY}, headers=auth(tokens[role])
                )
                body: dict[str, Any] = response.json()
                return body

            alone = {role: await ask(role) for role in callers}
            answers = await asyncio.gather(*(ask(role) for role in order))

    for role in callers:
        assert "errors" not in alone[role]
        own = alone[role]["data"]
        assert own["viewer"]["account"]["id"] == demo_accounts[role]
        assert {n["id"] for n in own["accounts"]["nodes"]} == {demo_accounts[role]}
    assert alone["Client"]["data"] != alone["Vendor"]["data"]
    for role, answer in zip(order, answers, strict=True):
        # Every answer is the one the caller gets alone, to the last object.
        assert answer["data"] == alone[role]["data"]
