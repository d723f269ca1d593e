"""Log output: the request id on every line, text by default, JSON on demand,
and no credential in either."""

import io
import json
import logging
from collections.abc import Iterator

import pytest

from accounts_graph.telemetry.logs import (
    JsonFormatter,
    RequestContextFilter,
    TextFormatter,
    configure_logging,
    redact,
)
from accounts_graph.telemetry.request_id import bind_request_id, unbind_request_id

TOKEN = "idt:TKN-0000-0001:PvPzxfNxUHsv8GO20keA57nbOVJ3rFVR"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJVU1ItMDAwMSJ9.c2lnbmF0dXJl"


@pytest.fixture
def output() -> Iterator[tuple[logging.Logger, io.StringIO, logging.Handler]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    logger = logging.getLogger("tests.telemetry.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, stream, handler
    logger.removeHandler(handler)


def test_text_lines_carry_the_request_id(
    output: tuple[logging.Logger, io.StringIO, logging.Handler],
) -> None:
    logger, stream, handler = output
    handler.setFormatter(TextFormatter())

    logger.info("before")
    token = bind_request_id("req-7")
    logger.info("during %s", "work")
    unbind_request_id(token)

    before, during = stream.getvalue().splitlines()
    assert before.endswith("INFO tests.telemetry.logs [-] before")
    assert during.endswith("INFO tests.telemetry.logs [req-7] during work")


def test_json_lines_hold_fields_extras_and_the_exception(
    output: tuple[logging.Logger, io.StringIO, logging.Handler],
) -> None:
    logger, stream, handler = output
    handler.setFormatter(JsonFormatter())

    token = bind_request_id("req-8")
    try:
        raise KeyError("missing")
    except KeyError:
        logger.exception("failed at %s", "step", extra={"status": 500})
    unbind_request_id(token)
    logger.warning("outside")

    failed, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert failed["level"] == "ERROR"
    assert failed["logger"] == "tests.telemetry.logs"
    assert failed["message"] == "failed at step"
    assert failed["request_id"] == "req-8"
    assert failed["status"] == 500
    assert "KeyError: 'missing'" in failed["exception"]
    assert failed["time"].endswith("Z") and isinstance(failed["pid"], int)
    assert outside["request_id"] is None
    assert "exception" not in outside


@pytest.mark.parametrize("formatter", [TextFormatter, JsonFormatter])
def test_credentials_in_a_message_are_redacted(
    output: tuple[logging.Logger, io.StringIO, logging.Handler],
    formatter: type[logging.Formatter],
) -> None:
    logger, stream, handler = output
    handler.setFormatter(formatter())

    logger.warning("header was Authorization: Bearer %s", TOKEN)
    logger.warning("raw token %s and jwt %s", TOKEN, JWT)

    text = stream.getvalue()
    assert "PvPzxfNxUHsv8GO20keA57nbOVJ3rFVR" not in text
    assert JWT not in text
    assert "Bearer [redacted]" in text
    assert "idt:TKN-0000-0001:[redacted]" in text


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        (f"[{TOKEN}] GET /buyers", "[idt:TKN-0000-0001:[redacted]] GET /buyers"),
        (
            f"GET /accounts/{TOKEN}/users",
            "GET /accounts/idt:TKN-0000-0001:[redacted]/users",
        ),
        (
            f"Authorization: Bearer {TOKEN}, next",
            "Authorization: Bearer [redacted], next",
        ),
        (f"'Bearer {JWT}'", "'Bearer [redacted]'"),
        # `idt:` is optional in an API token, and as optional in what is hidden.
        (f"id={TOKEN[4:]} POST", "id=TKN-0000-0001:[redacted] POST"),
        # `Bearer` as a word, not a header: the words after it stay.
        ("operation=Bearer errors=0", "operation=Bearer errors=0"),
        ("id=t-anon-bearer POST /graphql", "id=t-anon-bearer POST /graphql"),
    ],
)
def test_redaction_keeps_the_text_around_a_credential(
    output: tuple[logging.Logger, io.StringIO, logging.Handler],
    message: str,
    shown: str,
) -> None:
    logger, stream, handler = output
    handler.setFormatter(TextFormatter())

    logger.warning("%s", message)

    assert stream.getvalue().rstrip("\n").endswith(shown)


def test_redact_leaves_ordinary_text_alone() -> None:
    line = "upstream GET /api-tokens/{id} -> 200 in 1.2 ms (TKN-0000-0001)"

    assert redact(line) == line


def test_configure_logging_rejects_an_unknown_format() -> None:
    with pytest.raises(ValueError, match="Unknown log format 'xml'"):
        configure_logging("INFO", "xml")
