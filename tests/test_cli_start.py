"""What `accounts-graph` says when it cannot start, or starts with a risk."""

import logging
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from accounts_graph.cli import main


@pytest.fixture(autouse=True)
def _root_logger_restored() -> Iterator[None]:
    """`main` configures logging for the process; give the suite its own back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        yield taken.getsockname()[1]


@pytest.mark.parametrize("command", ["serve", "sandbox"])
def test_a_busy_port_is_one_line_not_a_traceback(
    busy_port: int, tmp_path: Path, command: str
) -> None:
    arguments = [command, "--port", str(busy_port), "--db", str(tmp_path / "db")]
    if command == "serve":
        arguments += ["--upstream", "http://127.0.0.1:9"]
        arguments.remove("--db")
        arguments.remove(str(tmp_path / "db"))

    with pytest.raises(SystemExit) as exit:
        main(arguments)

    assert str(exit.value.code) == (
        f"accounts-graph: cannot listen on 127.0.0.1:{busy_port}: "
        "Address already in use"
    )


@pytest.mark.parametrize(
    ("extra", "warned"),
    [([], True), (["--jwks-url", "http://127.0.0.1:9/.well-known/jwks.json"], False)],
)
def test_serve_warns_when_it_cannot_verify_user_tokens(
    busy_port: int, capfd: pytest.CaptureFixture[str], extra: list[str], warned: bool
) -> None:
    upstream = ["--upstream", "http://127.0.0.1:9"]
    # The busy port stops it once past the warning.
    with pytest.raises(SystemExit):
        main(["serve", "--port", str(busy_port), *upstream, *extra])

    assert ("User tokens (JWTs) are not verified" in capfd.readouterr().err) is warned


def test_serve_shows_no_credentials_of_the_upstream_url(
    busy_port: int, capfd: pytest.CaptureFixture[str]
) -> None:
    upstream = "http://robot:s3cr3t-pass@127.0.0.1:9/base"

    with pytest.raises(SystemExit):
        main(["serve", "--port", str(busy_port), "--upstream", upstream])

    shown = capfd.readouterr()
    assert "upstream Accounts API: http://***@127.0.0.1:9/base" in shown.out
    assert "s3cr3t-pass" not in shown.out + shown.err


def test_a_reader_that_leaves_early_gets_no_traceback() -> None:
    # `accounts-graph export-schema | head -1`: the pipe closes after one line,
    # long before the schema's 80 KB are written.
    writer = subprocess.Popen(
        [sys.executable, "-m", "accounts_graph.cli", "export-schema"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert writer.stdout is not None and writer.stderr is not None
    writer.stdout.readline()
    writer.stdout.close()
    stderr = writer.stderr.read().decode()
    writer.wait(timeout=30)

    assert "Traceback" not in stderr
    assert "BrokenPipeError" not in stderr
