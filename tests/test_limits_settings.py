"""Settings: limits read from the environment, checked at start-up, and the same
defaults as the schema's own."""

import dataclasses
import re

import pytest

from accounts_graph.endpoint import query_limits
from accounts_graph.graph.limits import QueryLimits
from accounts_graph.settings import ENV_PREFIX, Settings


def test_the_schema_defaults_are_the_settings_defaults() -> None:
    assert query_limits(Settings()) == QueryLimits()


def test_limits_and_switches_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in {
        "MAX_DEPTH": "5",
        "MAX_ALIASES": "4",
        "MAX_TOKENS": "300",
        "MAX_PAGE_SIZE": "50",
        "MAX_COST": "1000",
        "MAX_BODY_BYTES": "2048",
        "MAX_UPLOAD_BYTES": "4096",
        "GRAPHQL_GET": "false",
        "CSRF_PREVENTION": "off",
        "PRODUCTION": "1",
    }.items():
        monkeypatch.setenv(ENV_PREFIX + name, value)

    settings = Settings.from_env()

    assert query_limits(settings) == QueryLimits(5, 4, 300, 50, 1000, production=True)
    assert (settings.max_body_bytes, settings.max_upload_bytes) == (2048, 4096)
    assert not settings.graphql_get and not settings.csrf_prevention


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PRODUCTION", "maybe", "ACCOUNTS_GRAPH_PRODUCTION: expected true or false"),
        ("MAX_DEPTH", "0", "ACCOUNTS_GRAPH_MAX_DEPTH: must be at least 1"),
        ("MAX_COST", "-5", "ACCOUNTS_GRAPH_MAX_COST: must be at least 1"),
        ("MAX_PAGE_SIZE", "500", "ACCOUNTS_GRAPH_MAX_PAGE_SIZE: must be at most 100"),
        ("MAX_TOKENS", "lots", "ACCOUNTS_GRAPH_MAX_TOKENS: expected an integer"),
    ],
)
def test_a_bad_value_stops_the_start(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(ENV_PREFIX + name, value)

    with pytest.raises(ValueError, match=re.escape(message)):
        Settings.from_env()


def test_export_hands_the_limits_to_worker_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Empty values read as unset, and monkeypatch puts back what export writes.
    for field in dataclasses.fields(Settings):
        monkeypatch.setenv(ENV_PREFIX + field.name.upper(), "")
    chosen = Settings(
        upstream_url="http://127.0.0.1:1",
        production=True,
        max_cost=77,
        max_page_size=7,
        csrf_prevention=False,
    )

    chosen.export()
    rebuilt = Settings.from_env()

    assert query_limits(rebuilt) == query_limits(chosen)
    assert not rebuilt.csrf_prevention and not rebuilt.serves_graphiql
