"""Configuration: one frozen object, read once from flags and the environment."""

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

ENV_PREFIX = "ACCOUNTS_GRAPH_"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def default_db_path() -> Path:
    return Path.home() / ".local" / "share" / "accounts-graph" / "sandbox.sqlite3"


@dataclass(frozen=True)
class Settings:
    """Every setting of the service, with a safe default."""

    host: str = "127.0.0.1"
    port: int = 8000
    # None: run the embedded Accounts API in-process and use it.
    upstream_url: str | None = None
    db_path: Path = field(default_factory=default_db_path)
    scale: int = 1
    sandbox_host: str = "127.0.0.1"
    # 0: any free port (the embedded sandbox of `serve`).
    sandbox_port: int = 0
    # Seconds: to connect to the upstream, to wait for each read, and for one
    # upstream request in all (retries and waits included).
    upstream_connect_timeout: float = 3.0
    upstream_read_timeout: float = 10.0
    upstream_timeout: float = 20.0
    # Tries of one upstream read (writes get one), and the first backoff's bound.
    upstream_attempts: int = 3
    upstream_backoff: float = 0.1
    # Verify user tokens (JWTs) against a JWKS URL or a key (a PEM public key,
    # or an HMAC secret); without both, their claims only decide early refusals.
    # `serve` with the embedded sandbox uses the sandbox's JWKS.
    jwks_url: str | None = None
    jwt_key: str | None = field(default=None, repr=False)
    jwt_audience: str | None = None
    jwt_issuer: str | None = None
    # Faults the sandbox injects (see sandbox/faults.py): seconds added to each
    # request, the share answered with a random 5xx, `;`-separated rules.
    sandbox_latency: float = 0.0
    sandbox_error_rate: float = 0.0
    sandbox_faults: str = ""
    # A fixed seed repeats the random faults from run to run.
    sandbox_fault_seed: int | None = None
    log_level: str = "INFO"
    graphiql: bool = True
    # Facade processes behind one socket; the embedded sandbox still runs once.
    workers: int = 1

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        """Build settings from `ACCOUNTS_GRAPH_*` variables, then `overrides`."""
        env = os.environ
        values: dict[str, object] = {}
        for name, kind in (
            ("host", str),
            ("port", int),
            ("upstream_url", str),
            ("db_path", Path),
            ("scale", int),
            ("sandbox_host", str),
            ("sandbox_port", int),
            ("upstream_connect_timeout", float),
            ("upstream_read_timeout", float),
            ("upstream_timeout", float),
            ("upstream_attempts", int),
            ("upstream_backoff", float),
            ("jwks_url", str),
            ("jwt_key", str),
            ("jwt_audience", str),
            ("jwt_issuer", str),
            ("sandbox_latency", float),
            ("sandbox_error_rate", float),
            ("sandbox_faults", str),
            ("sandbox_fault_seed", int),
            ("log_level", str),
            ("workers", int),
        ):
            raw = env.get(ENV_PREFIX + name.upper())
            if raw:
                values[name] = kind(raw)
        if ENV_PREFIX + "GRAPHIQL" in env:
            values["graphiql"] = env[ENV_PREFIX + "GRAPHIQL"].lower() in ("1", "true")
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)  # type: ignore[arg-type]

    def export(self) -> None:
        """Write the facade's settings to `ACCOUNTS_GRAPH_*` variables.

        Worker processes started afterwards build the same facade from them with
        `Settings.from_env()`.
        """
        os.environ.update(
            {
                ENV_PREFIX + "UPSTREAM_URL": self.upstream_url or "",
                ENV_PREFIX + "UPSTREAM_CONNECT_TIMEOUT": str(
                    self.upstream_connect_timeout
                ),
                ENV_PREFIX + "UPSTREAM_READ_TIMEOUT": str(self.upstream_read_timeout),
                ENV_PREFIX + "UPSTREAM_TIMEOUT": str(self.upstream_timeout),
                ENV_PREFIX + "UPSTREAM_ATTEMPTS": str(self.upstream_attempts),
                ENV_PREFIX + "UPSTREAM_BACKOFF": str(self.upstream_backoff),
                ENV_PREFIX + "JWKS_URL": self.jwks_url or "",
                ENV_PREFIX + "JWT_KEY": self.jwt_key or "",
                ENV_PREFIX + "JWT_AUDIENCE": self.jwt_audience or "",
                ENV_PREFIX + "JWT_ISSUER": self.jwt_issuer or "",
                ENV_PREFIX + "LOG_LEVEL": self.log_level,
                ENV_PREFIX + "GRAPHIQL": "true" if self.graphiql else "false",
            }
        )
