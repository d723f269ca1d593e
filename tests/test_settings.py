"""The settings table: variables, flags and the README's table, all from one place."""

import argparse
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from accounts_graph import cli
from accounts_graph.settings import (
    Row,
    SettingError,
    Settings,
    add_flags,
    markdown_table,
    rows,
    unknown_variables,
)

ROOT = Path(__file__).resolve().parents[1]


def _parse(command: str, *argv: str) -> dict[str, object]:
    parser = argparse.ArgumentParser(exit_on_error=False)
    add_flags(parser, command)
    return vars(parser.parse_args(argv))


def test_readme_carries_the_current_table() -> None:
    readme = (ROOT / "README.md").read_text()

    assert markdown_table() in readme, (
        "README.md's settings table is out of date; replace it with:\n"
        + markdown_table()
    )


def test_every_setting_has_a_variable_and_a_flag() -> None:
    for row in rows():
        assert row.spec.help
        if row.spec.reader is not None:
            # OpenTelemetry's own variables choose the exporters; no flag.
            assert row.name == "traces_exporters" and not row.commands
            continue
        assert row.variable in (
            "ACCOUNTS_GRAPH_" + row.name.upper(),
            "PROMETHEUS_MULTIPROC_DIR",
        )
        assert row.commands
        for command in row.commands:
            assert row.name in _parse(command, row.flag(command), *_sample(row))


def _sample(row: Row) -> list[str]:
    """A valid value of the flag's setting, as command-line words."""
    if row.kind is bool:
        return []
    if row.spec.choices:
        return [row.spec.choices[0]]
    if row.spec.maximum is not None:
        return [str(row.spec.maximum)]
    return [{int: "2", float: "2.5"}.get(row.kind, "x")]


def test_help_of_each_command_names_its_variables(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for command in ("serve", "sandbox", "tokens"):
        with pytest.raises(SystemExit):
            cli.main([command, "--help"])
        shown = " ".join(capsys.readouterr().out.split())

        for row in rows():
            assert (row.variable in shown) == (command in row.commands), row.name


def test_variables_are_read_by_type() -> None:
    environ = {
        "ACCOUNTS_GRAPH_PORT": "9000",
        "ACCOUNTS_GRAPH_UPSTREAM_TIMEOUT": "2.5",
        "ACCOUNTS_GRAPH_GRAPHIQL": "off",
        "ACCOUNTS_GRAPH_DB_PATH": "/tmp/x.sqlite3",
        "ACCOUNTS_GRAPH_LOG_LEVEL": "debug",
        "ACCOUNTS_GRAPH_UPSTREAM_URL": "https://api.example.test",
    }

    settings = Settings.from_env(environ=environ)

    assert settings.port == 9000
    assert settings.upstream_timeout == 2.5
    assert settings.graphiql is False
    assert settings.db_path == Path("/tmp/x.sqlite3")
    assert settings.log_level == "DEBUG"
    assert settings.upstream_url == "https://api.example.test"


def test_empty_variables_count_as_unset() -> None:
    settings = Settings.from_env(
        environ={"ACCOUNTS_GRAPH_PORT": "", "ACCOUNTS_GRAPH_UPSTREAM_URL": ""}
    )

    assert settings.port == 8000
    assert settings.upstream_url is None


def test_flags_win_over_variables_and_variables_over_defaults() -> None:
    environ = {"ACCOUNTS_GRAPH_PORT": "9000", "ACCOUNTS_GRAPH_WORKERS": "3"}
    flags = _parse("serve", "--port", "9100")

    settings = Settings.from_env("serve", environ=environ, **flags)

    assert settings.port == 9100
    assert settings.workers == 3
    assert settings.host == "127.0.0.1"


def test_sandbox_command_listens_on_8001_unless_told() -> None:
    assert Settings.from_env("sandbox", environ={}).sandbox_port == 8001
    assert Settings.from_env("serve", environ={}).sandbox_port == 0
    told = {"ACCOUNTS_GRAPH_SANDBOX_PORT": "8500"}
    assert Settings.from_env("sandbox", environ=told).sandbox_port == 8500
    flags = _parse("sandbox", "--port", "8600")
    assert Settings.from_env("sandbox", environ=told, **flags).sandbox_port == 8600


def test_boolean_flags_turn_on_and_off() -> None:
    assert _parse("serve", "--no-graphiql") == {"graphiql": False}
    assert _parse("serve", "--graphiql") == {"graphiql": True}
    assert _parse("serve") == {}


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("ACCOUNTS_GRAPH_PORT", "eighty", "expected an integer, got 'eighty'"),
        ("ACCOUNTS_GRAPH_PORT", "70000", "must be at most 65535"),
        ("ACCOUNTS_GRAPH_WORKERS", "0", "must be at least 1"),
        ("ACCOUNTS_GRAPH_UPSTREAM_TIMEOUT", "soon", "expected a number"),
        ("ACCOUNTS_GRAPH_UPSTREAM_TIMEOUT", "nan", "expected a finite number"),
        ("ACCOUNTS_GRAPH_READINESS_TIMEOUT", "inf", "expected a finite number"),
        ("ACCOUNTS_GRAPH_UPSTREAM_BACKOFF", "-inf", "expected a finite number"),
        ("ACCOUNTS_GRAPH_GRAPHIQL", "maybe", "expected true or false"),
        ("ACCOUNTS_GRAPH_LOG_LEVEL", "loud", "expected one of DEBUG, INFO"),
    ],
)
def test_bad_variables_fail_naming_the_variable(
    variable: str, value: str, message: str
) -> None:
    with pytest.raises(SettingError, match=f"^{variable}: {message}"):
        Settings.from_env(environ={variable: value})


def test_bad_variable_stops_the_command_with_its_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ACCOUNTS_GRAPH_SCALE", "big")

    with pytest.raises(SystemExit) as stopped:
        cli.main(["tokens", "--db", "/nonexistent/never-created.sqlite3"])

    assert stopped.value.code == (
        "accounts-graph: ACCOUNTS_GRAPH_SCALE: expected an integer, got 'big'"
    )
    assert not Path("/nonexistent").exists()


def test_bad_flag_stops_the_command_with_its_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main(["serve", "--workers", "none"])

    assert stopped.value.code == 2
    assert "argument --workers: expected an integer, got 'none'" in (
        capsys.readouterr().err
    )


def test_settings_built_in_code_are_checked_too() -> None:
    with pytest.raises(SettingError, match=r"^scale: must be at least 1"):
        Settings(scale=0)


def test_export_hands_every_setting_to_worker_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # setenv, unlike delenv of an absent variable, has the variable removed again
    # after the test, whatever export() writes.
    for row in rows():
        monkeypatch.setenv(row.variable, "")
    chosen = Settings(
        port=9001,
        upstream_url="http://127.0.0.1:1",
        graphiql=False,
        identity_ttl=5,
        db_path=Path("/tmp/elsewhere.sqlite3"),
        log_level="warning",
    )

    chosen.export()

    assert Settings.from_env() == chosen


@pytest.fixture
def _root_logger_restored() -> Iterator[None]:
    """`main` configures logging for the process; give the suite its own back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("_root_logger_restored")
def test_unknown_variables_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    assert unknown_variables({"ACCOUNTS_GRAPH_UPSTREAM": "x", "HOME": "/"}) == [
        "ACCOUNTS_GRAPH_UPSTREAM"
    ]
    monkeypatch.setenv("ACCOUNTS_GRAPH_UPSTREAM", "https://typo.example.test")

    cli.main(["tokens", "--db", str(tmp_path / "db.sqlite3")])

    assert "Ignoring ACCOUNTS_GRAPH_UPSTREAM: no setting has that name" in (
        capfd.readouterr().err
    )
