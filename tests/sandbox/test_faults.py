"""The sandbox's fault injection, over real HTTP: fixed answers, delays, random
5xx, and the `accounts-graph sandbox` flags that set them."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.conftest import API, auth
from tests.servers import free_port, process_serving, running

from accounts_graph.sandbox.app import create_sandbox_app
from accounts_graph.sandbox.faults import (
    RANDOM_STATUSES,
    FaultRecord,
    FaultRule,
    Faults,
)

SELLERS = API + "/sellers*"


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    app = create_sandbox_app(
        tmp_path_factory.mktemp("faults") / "db.sqlite3", faults=Faults()
    )
    with running(app) as url:
        yield app, url


@pytest.fixture
def record(faulty: tuple[Any, str]) -> Iterator[FaultRecord]:
    found: FaultRecord = faulty[0].state.faults
    yield found
    found.use(Faults())


@pytest.fixture
def client(faulty: tuple[Any, str], tokens: dict[str, str]) -> Iterator[httpx.Client]:
    headers = auth(tokens["Operations"])
    with httpx.Client(base_url=faulty[1], headers=headers, timeout=30) as http:
        yield http


def test_rule_answers_its_status_with_retry_after_and_problem_details(
    record: FaultRecord, client: httpx.Client
) -> None:
    record.use(Faults.parse(rules=[f"GET {SELLERS} status=429 retry-after=3600"]))

    response = client.get(API + "/sellers")

    assert response.status_code == 429
    assert response.headers["retry-after"] == "3600"
    problem = response.json()
    assert problem["status"] == 429
    assert problem["title"] == "Too Many Requests"
    assert problem["traceId"]
    assert client.get(API + "/buyers").status_code == 200
    assert [a.injected for a in record.seen(SELLERS)] == [429]


def test_rule_matches_its_methods_only(
    record: FaultRecord, client: httpx.Client
) -> None:
    record.use(Faults.parse(rules=[f"POST,PUT {SELLERS} status=503"]))

    read = client.get(API + "/sellers")
    write = client.post(API + "/sellers", json={})

    assert read.status_code == 200
    assert write.status_code == 503
    assert record.injected == {503: 1}


def test_rule_with_a_query_pattern_matches_that_query_only(
    record: FaultRecord, client: httpx.Client
) -> None:
    record.use(Faults.parse(rules=[f"GET {SELLERS} query=*select=-* status=400"]))

    dropping = client.get(API + "/sellers?select=-address,%2Baudit&limit=1")
    adding = client.get(API + "/sellers?select=%2Baudit&limit=1")
    ordered = client.get(API + "/sellers?order=-name&limit=1")

    assert dropping.status_code == 400
    assert dropping.json()["title"] == "Bad Request"
    assert adding.status_code == ordered.status_code == 200
    assert record.injected == {400: 1}


def test_rule_with_times_applies_to_the_first_requests_only(
    record: FaultRecord, client: httpx.Client
) -> None:
    record.use(Faults.parse(rules=[f"{SELLERS} status=502 times=2"]))

    statuses = [client.get(API + "/sellers").status_code for _ in range(4)]

    assert statuses == [502, 502, 200, 200]


def test_delay_without_status_answers_normally_afterwards(
    record: FaultRecord, client: httpx.Client
) -> None:
    record.use(Faults.parse(rules=[f"{SELLERS} delay=0.3"]))

    started = time.monotonic()
    response = client.get(API + "/sellers")

    # A lower bound only: the answer cannot come before the injected delay.
    assert time.monotonic() - started >= 0.3
    assert response.status_code == 200
    assert response.json()["data"]


def test_delayed_request_is_abandoned_when_the_client_hangs_up(
    record: FaultRecord, faulty: tuple[Any, str], tokens: dict[str, str]
) -> None:
    record.use(Faults.parse(rules=[f"POST {API}/accounts delay=600"]))
    body = {"name": "NeverMade", "type": "Client", "serviceLevel": "Elite"}

    with pytest.raises(httpx.ReadTimeout):
        httpx.post(
            faulty[1] + API + "/accounts",
            json=body,
            headers=auth(tokens["Operations"]),
            timeout=httpx.Timeout(5, read=0.5),
        )

    deadline = time.monotonic() + 30
    while not record.abandoned and time.monotonic() < deadline:
        time.sleep(0.05)
    assert record.abandoned == 1
    found = httpx.get(
        faulty[1] + API + "/accounts?eq(name,NeverMade)",
        headers=auth(tokens["Operations"]),
    )
    assert found.json()["data"] == []


def test_error_rate_answers_random_server_errors_on_api_paths_only(
    record: FaultRecord, client: httpx.Client
) -> None:
    record.use(Faults(error_rate=1.0, seed=7))

    statuses = {client.get(API + "/buyers").status_code for _ in range(40)}
    keys = client.get("/.well-known/jwks.json")

    assert statuses <= set(RANDOM_STATUSES)
    assert len(statuses) > 1
    assert keys.status_code == 200


def test_error_rate_with_a_seed_repeats_its_choices(
    record: FaultRecord, client: httpx.Client
) -> None:
    def run() -> list[int]:
        record.use(Faults(error_rate=0.5, seed=42))
        return [client.get(API + "/buyers?limit=1").status_code for _ in range(30)]

    first, second = run(), run()

    assert first == second
    assert 200 in first
    assert set(first) - {200}


def test_latency_delays_every_api_request(
    record: FaultRecord, client: httpx.Client
) -> None:
    record.use(Faults(latency=0.2))

    started = time.monotonic()
    response = client.get(API + "/buyers?limit=1")

    assert time.monotonic() - started >= 0.2
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("status=503", "expected a path pattern"),
        ("GET /x", "give a status, a delay or both"),
        ("/x status=200", "status must be 400 to 599"),
        ("/x status=abc", "status='abc' is not a number"),
        ("/x status=503 rate=0", "rate must be above 0"),
        ("/x status=503 times=0", "times must be 1 or more"),
        ("/x status=503 color=red", "'color=red' is not one of"),
    ],
)
def test_invalid_rule_is_refused_with_its_reason(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FaultRule.parse(text)


def test_rules_parse_from_one_setting_separated_by_semicolons() -> None:
    faults = Faults.parse(
        0.01, 0.05, [f"GET {SELLERS} status=429 retry-after=5; /b* delay=1.5 rate=0.5"]
    )

    assert faults.rules == (
        FaultRule(SELLERS, frozenset({"GET"}), status=429, retry_after=5),
        FaultRule("/b*", delay=1.5, rate=0.5),
    )
    assert (faults.latency, faults.error_rate) == (0.01, 0.05)


def test_sandbox_command_injects_the_faults_its_flags_give(
    tmp_path: Path, tokens: dict[str, str]
) -> None:
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "accounts-graph"),
        "sandbox",
        "--port",
        str(port),
        "--db",
        str(tmp_path / "db.sqlite3"),
        "--faults",
        f"GET {SELLERS} status=503 retry-after=7",
        "--error-rate",
        "0",
    ]
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "sandbox.log"
    with process_serving(command, url, "/.well-known/jwks.json", log, stdout_too=True):
        sellers = httpx.get(url + API + "/sellers", headers=auth(tokens["Client"]))
        buyers = httpx.get(url + API + "/buyers", headers=auth(tokens["Client"]))
    output = log.read_text()

    assert (sellers.status_code, sellers.headers["retry-after"]) == (503, "7")
    assert buyers.status_code == 200
    assert "injects faults" in output


def test_sandbox_command_refuses_an_invalid_rule() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "accounts_graph.cli", "sandbox", "--faults", "/x"],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=60,
    )

    assert result.returncode == 1
    assert "give a status, a delay or both" in result.stderr
