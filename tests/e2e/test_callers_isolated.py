"""Loaders live for one request: callers interleaving many concurrent requests
never see each other's objects."""

import asyncio
from typing import Any

import httpx

from tests.conftest import auth

QUERY = """{
  viewer { role account { id name } }
  accounts(first: 50) { totalCount nodes { id name } }
  users(first: 50) { totalCount nodes { id email } }
  apiTokens(first: 50) { nodes { id name account { id name } } }
  userGroups(first: 50) { nodes { id name account { id } users { id } } }
}"""


async def test_two_callers_interleaving_200_requests_see_only_their_own(
    facade_url: str, tokens: dict[str, str], demo_accounts: dict[str, str]
) -> None:
    callers = ["Client", "Vendor"]
    limits = httpx.Limits(max_connections=200)
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
        order = [callers[i % 2] for i in range(200)]
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
