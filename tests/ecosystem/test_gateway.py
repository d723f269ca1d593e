"""accounts-graph composed with a second subgraph behind a real Apollo Gateway.

The supergraph is composed by `@apollo/composition` from what `accounts-graph
export-schema --federation` prints and from the agreements subgraph of these
tests; queries go through the gateway process and cross both subgraphs.
"""

from pathlib import Path
from typing import Any

import httpx
import pytest

from accounts_graph.app import create_app
from accounts_graph.settings import Settings
from tests.ecosystem.agreements import AgreementRecord
from tests.ecosystem.conftest import RecordedFacade, compose, gateway, node_run
from tests.servers import running

AGREEMENTS_WITH_ACCOUNTS = """
query AgreementsWithAccounts {
  agreements {
    id
    name
    account {
      id
      name
      status
      buyers { name }
      agreements { id }
    }
  }
}
"""


def _through(gateway_url: str, query: str, token: str | None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        gateway_url, json={"query": query}, headers=headers, timeout=30
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_agreements_get_their_accounts_from_accounts_graph_in_one_request(
    gateway_url: str,
    recorded: RecordedFacade,
    agreements: list[AgreementRecord],
    tokens: dict[str, str],
) -> None:
    recorded.recorder.seen.clear()

    body = _through(gateway_url, AGREEMENTS_WITH_ACCOUNTS, tokens["Operations"])

    assert "errors" not in body, body["errors"]
    found = body["data"]["agreements"]
    assert [a["id"] for a in found] == [r.id for r in agreements]
    for agreement, record in zip(found, agreements, strict=True):
        account = agreement["account"]
        assert account["id"] == record.account_id
        assert account["name"] and account["status"]
        # Back to the agreements subgraph for the account's other agreements.
        assert agreement["id"] in [a["id"] for a in account["agreements"]]
    # Five references to four accounts: one request for all of them, one for
    # all their buyers.
    [accounts] = recorded.requests_to("accounts")
    assert all(r.account_id in accounts for r in agreements)
    assert len(recorded.requests_to("buyers")) == 1
    assert len(recorded.recorder.seen) == 2


def test_the_gateway_answers_what_accounts_graph_answers_directly(
    gateway_url: str, recorded: RecordedFacade, tokens: dict[str, str]
) -> None:
    query = (
        "{ accounts(first: 5, orderBy: [{field: ID}]) { totalCount nodes "
        "{ id name buyers { name erpLinks { seller { name } } } } } }"
    )

    through = _through(gateway_url, query, tokens["Operations"])
    direct = recorded.gql(query, tokens["Operations"])

    assert through["data"] == direct["data"]


def test_accounts_get_their_agreements_from_the_other_subgraph(
    gateway_url: str, agreements: list[AgreementRecord], tokens: dict[str, str]
) -> None:
    client = agreements[0].account_id
    query = (
        f'{{ account(id: "{client}") {{ name type agreements {{ id name }} '
        "buyers { name } } }"
    )

    body = _through(gateway_url, query, tokens["Client"])

    assert "errors" not in body, body["errors"]
    account = body["data"]["account"]
    assert account["type"] == "CLIENT"
    assert account["buyers"]
    assert account["agreements"] == [
        {"id": r.id, "name": r.name} for r in agreements if r.account_id == client
    ]


def test_accounts_outside_the_callers_reach_come_back_null_with_not_found(
    gateway_url: str,
    agreements: list[AgreementRecord],
    tokens: dict[str, str],
    demo_accounts: dict[str, str],
) -> None:
    query = "{ agreements { id account { id name } } }"

    body = _through(gateway_url, query, tokens["Client"])

    by_id = {a["id"]: a["account"] for a in body["data"]["agreements"]}
    hidden = [r for r in agreements if r.account_id != demo_accounts["Client"]]
    for record in agreements:
        # The id comes from the agreements subgraph; what only accounts-graph
        # knows is null where it refused.
        assert by_id[record.id]["id"] == record.account_id
        assert bool(by_id[record.id]["name"]) == (record not in hidden)
    errors = body["errors"]
    assert {error["extensions"]["code"] for error in errors} == {"NOT_FOUND"}
    assert sorted(error["path"][1] for error in errors) == [
        agreements.index(r) for r in hidden
    ]


def test_without_a_token_accounts_graph_answers_unauthenticated(
    gateway_url: str,
) -> None:
    body = _through(gateway_url, "{ accounts(first: 1) { totalCount } }", None)

    assert body["data"] is None or body["data"]["accounts"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.usefixtures("node_tools")
def test_in_production_the_gateway_composes_offline_and_resolves_entities(
    sandbox_url: str,
    agreements_url: str,
    agreements: list[AgreementRecord],
    tokens: dict[str, str],
    tmp_path: Path,
) -> None:
    production = create_app(
        sandbox_url, settings=Settings(production=True), identity_ttl=3600
    )
    with running(production) as accounts_url:
        refused = httpx.post(
            f"{accounts_url}/graphql",
            json={"query": "{ _service { sdl } }"},
            headers={"Authorization": f"Bearer {tokens['Operations']}"},
            timeout=30,
        ).json()
        supergraph = compose(tmp_path, accounts_url, agreements_url)
        with gateway(supergraph) as gateway_url:
            body = _through(gateway_url, AGREEMENTS_WITH_ACCOUNTS, tokens["Operations"])

    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "errors" not in body, body["errors"]
    found = body["data"]["agreements"]
    assert [a["account"]["id"] for a in found] == [r.account_id for r in agreements]
    assert all(a["account"]["name"] for a in found)


@pytest.mark.usefixtures("node_tools")
def test_a_subgraph_that_contradicts_ours_does_not_compose(
    supergraph: Path, tmp_path: Path
) -> None:
    accounts_sdl = supergraph.with_name("accounts.graphql")
    rogue = tmp_path / "rogue.graphql"
    rogue.write_text(
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.0", '
        'import: ["@key"])\n'
        'type Account @key(fields: "id") { id: ID! name: Int }\n'
        "type Query { rogue: Account }\n"
    )

    composed = node_run(
        "node",
        "federation/compose.mjs",
        f"accounts=http://127.0.0.1:1/graphql={accounts_sdl}",
        f"rogue=http://127.0.0.1:2/graphql={rogue}",
    )

    assert composed.returncode == 1
    assert "Account.name" in composed.stderr
    assert composed.stdout == ""
