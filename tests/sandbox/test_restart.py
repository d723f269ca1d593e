"""A sandbox reopened on its file serves the same data, seeded once."""

import logging
from pathlib import Path
from typing import Any

import pytest

from accounts_graph.platform.resources import RESOURCES
from accounts_graph.sandbox.app import create_sandbox_app
from accounts_graph.sandbox.auth import authenticate
from accounts_graph.sandbox.bootstrap import demo_tokens
from accounts_graph.sandbox.store import Store

Snapshot = dict[str, Any]


def _snapshot(app: Any) -> Snapshot:
    """Everything a restart must keep: documents, counts and the store's meta."""
    store: Store = app.state.sandbox.store
    docs = {
        resource.name: store.select(resource, "1", [], [], 10_000_000, 0)[0]
        for resource in RESOURCES
    }
    return {
        "docs": {name: {d["id"]: d for d in found} for name, found in docs.items()},
        "ids": {name: [d["id"] for d in found] for name, found in docs.items()},
        "counts": {r.name: store.count(r) for r in RESOURCES},
        "seeded_scale": store.get_meta("seeded_scale"),
        "demo_tokens": demo_tokens(store),
        "signing_key": app.state.sandbox.signing_key.to_pem(),
    }


def _close(app: Any) -> None:
    app.state.sandbox.store.close()


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Snapshot]:
    path = tmp_path_factory.mktemp("restart") / "sandbox.sqlite3"
    app = create_sandbox_app(path, scale=1)
    snapshot = _snapshot(app)
    _close(app)
    return path, snapshot


def test_first_start_seeds_every_resource_at_scale_1(
    first: tuple[Path, Snapshot],
) -> None:
    _, snapshot = first

    assert snapshot["seeded_scale"] == "1"
    assert all(count > 0 for count in snapshot["counts"].values())
    assert {t["role"] for t in snapshot["demo_tokens"]} == {
        "Client",
        "Vendor",
        "Operations",
    }
    for name, ids in snapshot["ids"].items():
        assert len(ids) == len(set(ids)) == snapshot["counts"][name]


def test_restart_on_same_file_keeps_ids_and_documents(
    first: tuple[Path, Snapshot],
) -> None:
    path, before = first

    app = create_sandbox_app(path, scale=1)
    after = _snapshot(app)
    _close(app)

    assert after["ids"] == before["ids"]
    assert after["docs"] == before["docs"]


def test_restart_on_same_file_duplicates_nothing(
    first: tuple[Path, Snapshot],
) -> None:
    path, before = first

    app = create_sandbox_app(path, scale=1)
    after = _snapshot(app)
    _close(app)

    assert after["counts"] == before["counts"]
    assert after["seeded_scale"] == before["seeded_scale"] == "1"
    assert after["demo_tokens"] == before["demo_tokens"]


def test_restart_keeps_tokens_and_signing_key_valid(
    first: tuple[Path, Snapshot],
) -> None:
    path, before = first

    app = create_sandbox_app(path, scale=1)
    store, key = app.state.sandbox.store, app.state.sandbox.signing_key
    callers = {
        t["role"]: authenticate(store, f"Bearer {t['bearer']}", key)
        for t in before["demo_tokens"]
    }
    _close(app)

    assert key.to_pem() == before["signing_key"]
    for token in before["demo_tokens"]:
        assert callers[token["role"]].role.value == token["role"]
        assert callers[token["role"]].account_id == token["account"]


@pytest.mark.parametrize("scale", [2, 3])
def test_restart_with_another_scale_reseeds_nothing(
    scale: int, first: tuple[Path, Snapshot], caplog: pytest.LogCaptureFixture
) -> None:
    path, before = first

    with caplog.at_level(logging.WARNING, logger="accounts_graph.sandbox.bootstrap"):
        app = create_sandbox_app(path, scale=scale)
    after = _snapshot(app)
    _close(app)

    assert after["seeded_scale"] == "1"
    assert f"--scale {scale} ignored" in caplog.text
    assert after["counts"] == before["counts"]
    assert after["ids"] == before["ids"]
    assert after["docs"] == before["docs"]


def test_restart_after_many_reopenings_still_matches_first_start(
    first: tuple[Path, Snapshot],
) -> None:
    path, before = first

    for scale in (1, 2, 1):
        _close(create_sandbox_app(path, scale=scale))
    app = create_sandbox_app(path, scale=1)
    after = _snapshot(app)
    _close(app)

    assert after == before


def test_fresh_file_at_scale_2_seeds_more_than_scale_1(
    first: tuple[Path, Snapshot], tmp_path: Path
) -> None:
    _, at_one = first

    app = create_sandbox_app(tmp_path / "bigger.sqlite3", scale=2)
    at_two = _snapshot(app)
    _close(app)

    assert at_two["seeded_scale"] == "2"
    assert sum(at_two["counts"].values()) > sum(at_one["counts"].values())
