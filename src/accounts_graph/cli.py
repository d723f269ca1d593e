"""The `accounts-graph` command: serve, sandbox, export-schema, tokens, capabilities."""

import argparse
import asyncio
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import uvicorn

from accounts_graph.servers import (
    bound_socket,
    build_server,
    loop_factory,
    run_servers,
    uvicorn_options,
)
from accounts_graph.settings import Settings, add_flags, unknown_variables
from accounts_graph.telemetry.logs import configure_logging

logger = logging.getLogger("accounts_graph")


def _without_credentials(url: str) -> str:
    """The URL as it may be shown: a user and password in it become `***`."""
    parsed = urlsplit(url)
    if not (parsed.username or parsed.password):
        return url
    host = parsed.netloc.rpartition("@")[2]
    return urlunsplit(parsed._replace(netloc=f"***@{host}"))


def _print_banner(
    settings: Settings, upstream: str, tokens: list[dict[str, str]]
) -> None:
    print(f"accounts-graph: GraphiQL at http://{settings.host}:{settings.port}/graphql")
    if settings.workers > 1:
        print(f"  {settings.workers} worker processes")
    print(f"  upstream Accounts API: {_without_credentials(upstream)}")
    if tokens:
        print("  demo tokens (send as 'Authorization: Bearer <token>'):")
        for token in tokens:
            print(f"    {token['role']:<11} {token['account']}  {token['bearer']}")
    sys.stdout.flush()


def _embedded_sandbox(
    settings: Settings, access_level: int = logging.DEBUG
) -> tuple[Any, Any, list[dict[str, str]]]:
    """Create the embedded Accounts API, with the faults the settings ask for, and
    bind its socket: (app, socket, tokens). Its requests are logged at
    `access_level`: beside the facade, its own lines would drown the facade's."""
    from accounts_graph.sandbox.app import create_sandbox_app
    from accounts_graph.sandbox.bootstrap import demo_tokens

    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    faults = _faults(settings)
    if faults.active:
        logger.warning("the sandbox injects faults: %s", faults)
    app = create_sandbox_app(
        settings.db_path,
        settings.scale,
        faults=faults if faults.active else None,
        access_level=access_level,
    )
    sock = bound_socket(settings.sandbox_host, settings.sandbox_port)
    return app, sock, demo_tokens(app.state.sandbox.store)


def _faults(settings: Settings) -> Any:
    from accounts_graph.sandbox.faults import Faults

    return Faults.parse(
        settings.sandbox_latency,
        settings.sandbox_error_rate,
        [settings.sandbox_faults],
        settings.sandbox_fault_seed,
    )


def _with_embedded_sandbox(settings: Settings, sock: Any) -> Settings:
    """Point the facade at the embedded sandbox listening on `sock`, and verify
    user tokens against its published keys unless the settings name their own."""
    from accounts_graph.sandbox.auth import JWKS_PATH

    host, port = sock.getsockname()[:2]
    upstream = f"http://{host}:{port}"
    settings = replace(settings, upstream_url=upstream)
    if settings.jwt_key or settings.jwks_url:
        return settings
    return replace(settings, jwks_url=upstream + JWKS_PATH)


def _check(settings: Settings) -> None:
    """Exit with a clear message when a setting does not parse (a fault rule,
    a JWT key), before anything starts."""
    from accounts_graph.app import verifier_of

    try:
        _faults(settings)
        verifier_of(settings)
    except ValueError as error:
        sys.exit(f"accounts-graph: {error}")


async def _serve(settings: Settings) -> None:
    from accounts_graph.app import build_app, tune_gc

    sandbox = []
    tokens: list[dict[str, str]] = []
    if settings.upstream_url is None:
        app, sock, tokens = _embedded_sandbox(settings)
        settings = _with_embedded_sandbox(settings, sock)
        sandbox.append((build_server(app, settings), sock))
    assert settings.upstream_url is not None
    facade = build_server(build_app(settings), settings)
    _print_banner(settings, settings.upstream_url, tokens)
    tune_gc()
    # The facade stops first, so the requests it finishes still reach the sandbox.
    await run_servers([(facade, bound_socket(settings.host, settings.port)), *sandbox])


def _serve_workers(settings: Settings) -> None:
    """Run `settings.workers` facade processes behind one socket.

    Each worker builds its facade from the environment (`app_from_env`); the
    embedded sandbox, when no upstream is configured, runs once in this process
    on a thread, and the workers reach it by the URL exported to them. The
    workers write their metric values to one directory (PROMETHEUS_MULTIPROC_DIR,
    or a temporary one removed at exit), so any worker's `/metrics` answers for
    all of them. uvicorn's supervisor stops the workers on SIGTERM, each
    finishing its requests in flight; the sandbox stops after them.
    """
    tokens: list[dict[str, str]] = []
    sandbox_server: uvicorn.Server | None = None
    thread: threading.Thread | None = None
    if settings.upstream_url is None:
        app, sock, tokens = _embedded_sandbox(settings)
        settings = _with_embedded_sandbox(settings, sock)
        sandbox_server = build_server(app, settings)
        thread = threading.Thread(
            target=sandbox_server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        thread.start()
        while not sandbox_server.started and thread.is_alive():
            time.sleep(0.01)
    own_metrics_dir = settings.metrics and settings.metrics_dir is None
    if own_metrics_dir:
        settings = replace(
            settings, metrics_dir=Path(tempfile.mkdtemp(prefix="accounts-graph-"))
        )
    if settings.metrics_dir is not None:
        from accounts_graph.telemetry.metrics import prepare_multiprocess_dir

        prepare_multiprocess_dir(settings.metrics_dir)
    assert settings.upstream_url is not None
    settings.export()
    _print_banner(settings, settings.upstream_url, tokens)
    try:
        uvicorn.run(
            "accounts_graph.app:app_from_env",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            **uvicorn_options(settings),  # type: ignore[arg-type]
        )
    finally:
        if sandbox_server is not None and thread is not None:
            sandbox_server.should_exit = True
            thread.join(timeout=settings.shutdown_timeout + 10)
        if own_metrics_dir and settings.metrics_dir is not None:
            shutil.rmtree(settings.metrics_dir, ignore_errors=True)


async def _sandbox(settings: Settings) -> None:
    app, sock, tokens = _embedded_sandbox(settings, access_level=logging.INFO)
    host, port = sock.getsockname()[:2]
    print(f"Embedded Accounts API at http://{host}:{port}/public/v1/accounts")
    for token in tokens:
        print(f"  {token['role']:<11} {token['account']}  {token['bearer']}")
    sys.stdout.flush()
    await run_servers([(build_server(app, settings), sock)])


def _export_schema(federation: bool) -> None:
    from accounts_graph.graph.federation_sdl import api_sdl, subgraph_sdl
    from accounts_graph.graph.schema import schema

    print(subgraph_sdl(schema) if federation else api_sdl(schema))


def _tokens(settings: Settings) -> None:
    from accounts_graph.sandbox.bootstrap import bootstrap, demo_tokens
    from accounts_graph.sandbox.store import Store

    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    store = Store(settings.db_path)
    bootstrap(store, settings.scale)
    for token in demo_tokens(store):
        print(f"{token['role']:<11} {token['account']}  {token['bearer']}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="accounts-graph",
        description="A GraphQL API over the Marketplace Accounts API.",
        epilog="Every flag has an ACCOUNTS_GRAPH_* variable; a flag wins over it.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("serve", "run the GraphQL API (and the embedded sandbox)"),
        ("sandbox", "run the embedded Accounts API alone"),
        ("tokens", "print the sandbox's demo tokens"),
    ):
        add_flags(commands.add_parser(name, help=text, description=text), name)
    export = commands.add_parser("export-schema", help="print the GraphQL SDL")
    export.add_argument(
        "--federation",
        action="store_true",
        help="print the Apollo Federation v2 subgraph SDL (@link, @key, _service, "
        "_entities) that a gateway composes, instead of the API clients see",
    )
    commands.add_parser(
        "capabilities", help="print the role matrix as a Markdown table"
    )
    return parser


def main(argv: list[str] | None = None) -> None:
    try:
        _run(argv)
    except BrokenPipeError:
        # The reader of the output left (`accounts-graph capabilities | head`):
        # nothing more to say, and nowhere to say it. Python would report the
        # pipe again while flushing stdout at exit, so stdout goes nowhere now.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


def _run(argv: list[str] | None) -> None:
    parser = _parser()
    args = vars(parser.parse_args(argv))
    command = args.pop("command")
    if command == "export-schema":
        _export_schema(args["federation"])
        return
    if command == "capabilities":
        from accounts_graph.platform.capabilities import markdown_table

        print(markdown_table())
        return
    try:
        settings = Settings.from_env(command, **args)
        configure_logging(settings.log_level, settings.log_format)
        if command == "serve":
            from accounts_graph.telemetry.tracing import require_exporters

            require_exporters(settings.traces_exporters)
    except (ValueError, RuntimeError) as error:
        sys.exit(f"accounts-graph: {error}")
    for name in unknown_variables():
        logger.warning("Ignoring %s: no setting has that name", name)
    _check(settings)
    if (
        command == "serve"
        and settings.upstream_url
        and not (settings.jwt_key or settings.jwks_url)
    ):
        logger.warning(
            "User tokens (JWTs) are not verified: set ACCOUNTS_GRAPH_JWKS_URL or "
            "ACCOUNTS_GRAPH_JWT_KEY. Their unverified claims decide only early "
            "refusals and what `viewer` reports; the upstream decides the rest."
        )
    if command == "serve" and settings.workers > 1:
        _serve_workers(settings)
    elif command == "serve":
        asyncio.run(_serve(settings), loop_factory=loop_factory())
    elif command == "sandbox":
        asyncio.run(_sandbox(settings), loop_factory=loop_factory())
    elif command == "tokens":
        _tokens(settings)


if __name__ == "__main__":
    main()
