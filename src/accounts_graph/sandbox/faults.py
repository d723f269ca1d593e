"""Injected upstream trouble: added latency, random server errors, fixed answers.

The sandbox is a well-behaved Accounts API; the real one is not always. With
`Faults` it answers as a struggling upstream would, so the facade's timeouts
and retries can be tested over real HTTP and a load test can run with a share
of failures. `FaultInjection` wraps the whole sandbox as ASGI middleware; a
fault answers before the request reaches the API, so a failed write was not
made.

- `latency`: seconds every API request waits before it is handled.
- `error_rate`: the share of API requests answered with a random 500, 502, 503
  or 504 instead.
- rules, for chosen requests, each written as

      [METHODS] PATTERN [query=Q] [status=N] [retry-after=S] [delay=S] [rate=R]
      [times=N]

  e.g. `GET /public/v1/accounts/sellers* status=429 retry-after=3600` or
  `/public/v1/accounts/buyers* delay=30`. PATTERN is a shell pattern over the
  path, Q one over the percent-decoded query string (`query=*select=-*`: an
  endpoint that refuses to leave default fields out); METHODS a
  comma-separated list (default: any). The request waits
  `delay` seconds, then gets `status` (with `Retry-After: S` when given) or,
  without a status, its normal answer. `rate` applies the rule to that share of
  the matching requests, `times` to the first N only. The first rule that
  applies wins; the random errors skip requests a rule answered.

A wait ends early when the client hangs up, as the facade does on its own
timeout, so a long delay never holds the sandbox's shutdown.
"""

import asyncio
import logging
import random
import time
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from http import HTTPStatus
from urllib.parse import unquote

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accounts_graph.sandbox.problems import trace_id

logger = logging.getLogger(__name__)

API_PATHS = "/public/v1/accounts/*"
RANDOM_STATUSES = (500, 502, 503, 504)


@dataclass(frozen=True)
class FaultRule:
    """A fixed fault for the requests whose method and path match."""

    pattern: str
    methods: frozenset[str] = frozenset()
    status: int | None = None
    retry_after: int | None = None
    delay: float = 0.0
    rate: float = 1.0
    times: int | None = None
    query: str = "*"

    def matches(self, method: str, path: str, query: str = "") -> bool:
        return (
            (not self.methods or method in self.methods)
            and fnmatchcase(path, self.pattern)
            and fnmatchcase(query, self.query)
        )

    @classmethod
    def parse(cls, text: str) -> "FaultRule":
        """Read a rule written as the module docstring shows.

        Raises:
            ValueError: naming what is wrong with it.
        """
        words = text.split()
        methods: frozenset[str] = frozenset()
        if words and not words[0].startswith("/"):
            methods = frozenset(m.strip().upper() for m in words.pop(0).split(","))
        if not words or not words[0].startswith("/"):
            raise ValueError(f"fault rule {text!r}: expected a path pattern ('/…')")
        pattern, options = words[0], words[1:]
        values: dict[str, str] = {}
        for option in options:
            name, sep, value = option.partition("=")
            if not sep or name not in _OPTIONS:
                known = ", ".join(_OPTIONS)
                raise ValueError(
                    f"fault rule {text!r}: {option!r} is not one of {known}=…"
                )
            values[name] = value
        try:
            rule = cls(
                pattern,
                methods,
                status=_opt(values, "status", int),
                retry_after=_opt(values, "retry-after", int),
                delay=_or(_opt(values, "delay", float), 0.0),
                rate=_or(_opt(values, "rate", float), 1.0),
                times=_opt(values, "times", int),
                query=values.get("query", "*"),
            )
        except ValueError as error:
            raise ValueError(f"fault rule {text!r}: {error}") from error
        rule.check(text)
        return rule

    def check(self, text: str) -> None:
        """Refuse values no upstream could answer.

        Raises:
            ValueError: naming the value.
        """
        problems = []
        if self.status is not None and not 400 <= self.status <= 599:
            problems.append("status must be 400 to 599")
        if self.retry_after is not None and self.retry_after < 0:
            problems.append("retry-after must be 0 or more seconds")
        if self.delay < 0:
            problems.append("delay must be 0 or more seconds")
        if not 0 < self.rate <= 1:
            problems.append("rate must be above 0 and at most 1")
        if self.times is not None and self.times < 1:
            problems.append("times must be 1 or more")
        if self.status is None and not self.delay:
            problems.append("give a status, a delay or both")
        if problems:
            raise ValueError(f"fault rule {text!r}: " + "; ".join(problems))


_OPTIONS = ("query", "status", "retry-after", "delay", "rate", "times")


def _or(value: float | None, default: float) -> float:
    return default if value is None else value


def _opt[T](values: dict[str, str], name: str, kind: type[T]) -> T | None:
    raw = values.get(name)
    if raw is None:
        return None
    try:
        return kind(raw)  # type: ignore[call-arg]
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number") from None


@dataclass(frozen=True)
class Faults:
    """What trouble the sandbox injects; nothing by default."""

    latency: float = 0.0
    error_rate: float = 0.0
    rules: tuple[FaultRule, ...] = ()
    # A fixed seed makes the random errors repeat from run to run.
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.latency < 0:
            raise ValueError("fault latency must be 0 or more seconds")
        if not 0 <= self.error_rate <= 1:
            raise ValueError("fault error rate must be between 0 and 1")

    @property
    def active(self) -> bool:
        return bool(self.latency or self.error_rate or self.rules)

    @classmethod
    def parse(
        cls,
        latency: float = 0.0,
        error_rate: float = 0.0,
        rules: Iterable[str] = (),
        seed: int | None = None,
    ) -> "Faults":
        """Build faults from settings; `rules` may hold `;`-separated rules.

        Raises:
            ValueError: a value or rule is not valid.
        """
        texts = [part.strip() for text in rules for part in text.split(";")]
        return cls(
            latency,
            error_rate,
            tuple(FaultRule.parse(text) for text in texts if text),
            seed,
        )


@dataclass(frozen=True)
class Arrival:
    """A request the sandbox saw, and the status injected instead of its answer."""

    at: float
    method: str
    path: str
    injected: int | None


@dataclass
class FaultRecord:
    """The faults in force and what they did: recent arrivals, counts by status."""

    faults: Faults
    arrivals: deque[Arrival] = field(default_factory=lambda: deque(maxlen=10_000))
    injected: Counter[int] = field(default_factory=Counter)
    # Requests whose client hung up during an injected wait.
    abandoned: int = 0
    _used: Counter[int] = field(default_factory=Counter)
    _random: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        self._random.seed(self.faults.seed)

    def use(self, faults: Faults) -> None:
        """Inject `faults` from now on, with a fresh record."""
        self.faults = faults
        self.arrivals.clear()
        self.injected.clear()
        self.abandoned = 0
        self._used.clear()
        self._random.seed(faults.seed)

    def seen(self, pattern: str = "*", method: str | None = None) -> list[Arrival]:
        """Return the recorded arrivals whose path matches `pattern`."""
        return [
            a
            for a in self.arrivals
            if fnmatchcase(a.path, pattern) and method in (None, a.method)
        ]

    def rule_for(self, method: str, path: str, query: str = "") -> FaultRule | None:
        """Pick the rule that applies to this request, using up its `times`."""
        for index, rule in enumerate(self.faults.rules):
            if not rule.matches(method, path, query):
                continue
            if rule.times is not None and self._used[index] >= rule.times:
                continue
            if rule.rate < 1 and self._random.random() >= rule.rate:
                continue
            self._used[index] += 1
            return rule
        return None

    def random_error(self, path: str) -> int | None:
        rate = self.faults.error_rate
        if rate and fnmatchcase(path, API_PATHS) and self._random.random() < rate:
            return self._random.choice(RANDOM_STATUSES)
        return None


class FaultInjection:
    """ASGI middleware that injects `record.faults` into the app's answers."""

    def __init__(self, app: ASGIApp, record: FaultRecord) -> None:
        self.app = app
        self.record = record

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        query = unquote(scope.get("query_string", b"").decode("latin-1"))
        record = self.record
        rule = record.rule_for(method, path, query)
        status = rule.status if rule is not None else record.random_error(path)
        record.arrivals.append(Arrival(time.monotonic(), method, path, status))
        wait = rule.delay if rule is not None else 0.0
        if fnmatchcase(path, API_PATHS):
            wait += record.faults.latency
        body: list[Message] = []
        if wait or status is not None:
            body = await _read_body(receive)
        if wait and not await _wait_unless_gone(wait, receive):
            record.abandoned += 1
            return
        if status is None:
            await self.app(scope, _replay(body, receive), send)
            return
        record.injected[status] += 1
        logger.debug("injected %s for %s %s", status, method, path)
        await _answer(send, status, rule.retry_after if rule is not None else None)


async def _read_body(receive: Receive) -> list[Message]:
    """Read the whole request body, to hand on later or to leave unread."""
    messages = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body"):
            return messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed


async def _wait_unless_gone(seconds: float, receive: Receive) -> bool:
    """Wait `seconds`; return False as soon as the client disconnects instead."""
    gone = asyncio.ensure_future(receive())
    try:
        done, _ = await asyncio.wait({gone}, timeout=seconds)
        return not done or gone.result()["type"] != "http.disconnect"
    finally:
        gone.cancel()


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


async def _answer(send: Send, status: int, retry_after: int | None) -> None:
    problem = {
        "type": "about:blank",
        "title": _phrase(status),
        "status": status,
        "detail": "The sandbox injected this fault.",
        "traceId": trace_id(),
    }
    body = orjson.dumps(problem)
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
