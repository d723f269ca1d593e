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
    upstream_timeout: float = 10.0
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
            ("upstream_timeout", float),
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
                ENV_PREFIX + "UPSTREAM_TIMEOUT": str(self.upstream_timeout),
                ENV_PREFIX + "LOG_LEVEL": self.log_level,
                ENV_PREFIX + "GRAPHIQL": "true" if self.graphiql else "false",
            }
        )
