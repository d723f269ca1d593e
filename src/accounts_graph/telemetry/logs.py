"""Log output: every line carries the request id (and the trace id when a span
is recording); human-readable text by default, one JSON object a line on demand.

Applied once by the entry points (`configure_logging`); no module attaches
handlers of its own.
"""

import logging
import logging.config
import time
from typing import Any

import orjson
from opentelemetry import trace

from accounts_graph.platform.tokens import redact_credentials as redact
from accounts_graph.telemetry.request_id import current_request_id

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
LOG_FORMATS = ("text", "json")

# What a LogRecord holds on its own; anything else on a record came in `extra=`.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
    "trace_id",
    "span_id",
    # uvicorn's duplicate of the message with ANSI colours.
    "color_message",
}


class RequestContextFilter(logging.Filter):
    """Put the current request id (and trace and span ids) on every record.

    Outside a request of the facade, a record keeps the id it was given
    (`extra={"request_id": …}`): the sandbox's, which is its caller's.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = (
            current_request_id() or getattr(record, "request_id", None) or "-"
        )
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            record.trace_id = format(context.trace_id, "032x")
            record.span_id = format(context.span_id, "016x")
        return True


class TextFormatter(logging.Formatter):
    """The default format, secrets redacted."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = "-"
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request and trace
    ids, the process id, fields passed in `extra=`, and the exception if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _iso_time(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": _request_id(record),
            "pid": record.process,
        }
        for name in ("trace_id", "span_id"):
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        for name, value in vars(record).items():
            if name not in _STANDARD and not name.startswith("_"):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        text = orjson.dumps(entry, default=str).decode()
        return redact(text)


def _request_id(record: logging.LogRecord) -> str | None:
    found = getattr(record, "request_id", None)
    return None if found in (None, "-") else str(found)


def _iso_time(created: float) -> str:
    seconds = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created))
    return f"{seconds}.{int(created % 1 * 1000):03d}Z"


def configure_logging(level: str, log_format: str = "text") -> None:
    """Send every logger's records to stderr, in `log_format` ("text" or "json").

    Raises:
        ValueError: `log_format` is neither.
    """
    if log_format not in LOG_FORMATS:
        raise ValueError(f"Unknown log format {log_format!r}: use text or json.")
    formatter = JsonFormatter if log_format == "json" else TextFormatter
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {"request": {"()": RequestContextFilter}},
            "formatters": {"default": {"()": formatter}},
            "handlers": {
                "stderr": {
                    "class": "logging.StreamHandler",
                    "filters": ["request"],
                    "formatter": "default",
                }
            },
            "root": {"level": level.upper(), "handlers": ["stderr"]},
        }
    )
