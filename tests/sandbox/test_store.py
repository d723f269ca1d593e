"""The store's write discipline, on a real SQLite file: WAL, BEGIN IMMEDIATE, busy.

A second `sqlite3` connection stands for another process on the same file.
"""

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.conftest import API, auth
from tests.servers import running

from accounts_graph.platform.resources import ACCOUNT
from accounts_graph.sandbox.app import create_sandbox_app
from accounts_graph.sandbox.bootstrap import demo_tokens
from accounts_graph.sandbox.store import Store, StoreBusy, version_of

DOC = {"id": "ACC-0000-0001", "name": "Before", "audit": {"created": {"at": "x"}}}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "store.sqlite3", busy_timeout=0.2)
    with store.transaction() as conn:
        store.put(conn, ACCOUNT, DOC)
    yield store
    store.close()


@pytest.fixture
def other(store: Store) -> Iterator[sqlite3.Connection]:
    """Another process's connection: no busy wait, autocommit."""
    conn = sqlite3.connect(store.path, timeout=0, isolation_level=None)
    yield conn
    conn.close()


def _name_seen_by(conn: sqlite3.Connection) -> str:
    row = conn.execute(
        "SELECT json_extract(doc, '$.name') FROM accounts WHERE id = ?", (DOC["id"],)
    ).fetchone()
    return str(row[0])


def test_file_is_in_wal_mode(store: Store, other: sqlite3.Connection) -> None:
    mode = other.execute("PRAGMA journal_mode").fetchone()[0]

    assert mode == "wal"


def test_write_transaction_takes_the_write_lock_before_it_reads(
    store: Store, other: sqlite3.Connection
) -> None:
    with store.transaction(), pytest.raises(sqlite3.OperationalError, match="locked"):
        # Nothing written yet: a deferred BEGIN would still let the other in.
        other.execute("BEGIN IMMEDIATE")


def test_reader_sees_the_last_commit_while_a_write_is_open(
    store: Store, other: sqlite3.Connection
) -> None:
    with store.transaction() as conn:
        store.put(conn, ACCOUNT, {**DOC, "name": "After"})
        during = _name_seen_by(other)
    after = _name_seen_by(other)

    assert (during, after) == ("Before", "After")


def test_transaction_opened_inside_another_commits_with_it(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as conn:
        with store.transaction() as inner:
            store.put(inner, ACCOUNT, {**DOC, "name": "Inner"})
        store.put(conn, ACCOUNT, {**DOC, "id": "ACC-0000-0002"})
        raise RuntimeError("the outer transaction fails")

    assert store.get(ACCOUNT, DOC["id"]) == DOC
    assert store.get(ACCOUNT, "ACC-0000-0002") is None


def test_write_lock_held_elsewhere_past_the_timeout_is_store_busy(
    store: Store, other: sqlite3.Connection
) -> None:
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreBusy), store.transaction() as conn:
            store.put(conn, ACCOUNT, {**DOC, "name": "Lost"})
    finally:
        other.execute("ROLLBACK")

    assert store.get(ACCOUNT, DOC["id"]) == DOC


def test_version_changes_with_every_change_and_only_then(store: Store) -> None:
    stored = store.get(ACCOUNT, DOC["id"])
    assert stored is not None

    assert version_of(stored) == version_of(DOC)
    assert version_of({**DOC, "name": "Other"}) != version_of(DOC)
    assert version_of(dict(reversed(DOC.items()))) == version_of(DOC)


@pytest.fixture
def busy_sandbox(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    app = create_sandbox_app(tmp_path / "busy.sqlite3", busy_timeout=0.2)
    with running(app) as url:
        yield url + API, app


def test_write_refused_with_503_while_another_process_holds_the_lock(
    busy_sandbox: tuple[str, Any],
) -> None:
    url, app = busy_sandbox
    token = next(
        t for t in demo_tokens(app.state.sandbox.store) if t["role"] == "Client"
    )
    account = f"/accounts/{token['account']}"
    headers = auth(token["bearer"])
    locker = sqlite3.connect(app.state.sandbox.store.path, isolation_level=None)

    with httpx.Client(base_url=url, headers=headers, timeout=30) as http:
        before = http.get(account).json()
        locker.execute("BEGIN IMMEDIATE")
        try:
            refused = http.put(account, json={"name": "Renamed while locked"})
            read = http.get(account)
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        retried = http.put(account, json={"name": "Renamed after"})

    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "1"
    assert refused.json()["title"] == "Service Unavailable"
    assert read.status_code == 200
    assert read.json()["name"] == before["name"]
    assert retried.status_code == 200
    assert retried.json()["name"] == "Renamed after"
