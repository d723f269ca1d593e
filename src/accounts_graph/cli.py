"""The `accounts-graph` command: serve, sandbox, export-schema, tokens."""

import argparse
import asyncio
import logging
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import uvicorn

from accounts_graph.settings import Settings
from accounts_graph.telemetry.logs import configure_logging

logger = logging.getLogger("accounts_graph")


def _bound_socket(host: str, port: int) -> socket.socket:
    # IPPROTO_TCP, not the default 0: asyncio turns Nagle's algorithm off only on
    # connections whose protocol says TCP, and they inherit it from this socket.
    # With Nagle on, a keep-alive answer written in two parts (head, body) waits
    # for the client's delayed ACK: about 40 ms a request.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """Return the event loop uvicorn itself would pick: uvloop when installed."""
    # No log_config: the default one would replace our handlers on uvicorn's loggers.
    return uvicorn.Config(app="", log_config=None).get_loop_factory()


def _server(app: object, settings: Settings) -> uvicorn.Server:
    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        log_level=settings.log_level.lower(),
        access_log=False,
        log_config=None,
    )
    return uvicorn.Server(config)


def _sandbox_app(settings: Settings) -> Any:
    """Create the embedded Accounts API with the faults the settings ask for."""
    from accounts_graph.sandbox.app import create_sandbox_app
    from accounts_graph.sandbox.faults import Faults

    faults = Faults.parse(
        settings.sandbox_latency,
        settings.sandbox_error_rate,
        [settings.sandbox_faults],
        settings.sandbox_fault_seed,
    )
    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    if not faults.active:
        return create_sandbox_app(settings.db_path, settings.scale)
    logger.warning("the sandbox injects faults: %s", faults)
    return create_sandbox_app(settings.db_path, settings.scale, faults=faults)


def _with_sandbox_keys(settings: Settings, sandbox_url: str) -> Settings:
    """Verify user tokens against the embedded sandbox's published keys, unless
    the settings name a key of their own."""
    from accounts_graph.sandbox.auth import JWKS_PATH

    if settings.jwt_key or settings.jwks_url:
        return settings
    return replace(settings, jwks_url=sandbox_url + JWKS_PATH)


def _print_banner(
    settings: Settings, upstream: str, tokens: list[dict[str, str]]
) -> None:
    url = f"http://{settings.host}:{settings.port}/graphql"
    if settings.serves_graphiql:
        print(f"accounts-graph: GraphiQL at {url}")
    else:
        print(f"accounts-graph: GraphQL at {url}")
    if settings.production:
        print("  production mode: no introspection, no GraphiQL unless asked")
    if settings.workers > 1:
        print(f"  {settings.workers} worker processes")
    print(f"  upstream Accounts API: {upstream}")
    if tokens:
        print("  demo tokens (send as 'Authorization: Bearer <token>'):")
        for token in tokens:
            print(f"    {token['role']:<11} {token['account']}  {token['bearer']}")
    sys.stdout.flush()


async def _serve(settings: Settings) -> None:
    from accounts_graph.app import create_app, policy_of, tune_gc, verifier_of
    from accounts_graph.telemetry.tracing import build_tracer_provider

    servers = []
    tokens: list[dict[str, str]] = []
    upstream = settings.upstream_url
    if upstream is None:
        from accounts_graph.sandbox.bootstrap import demo_tokens

        sandbox = _sandbox_app(settings)
        sandbox_socket = _bound_socket(settings.sandbox_host, settings.sandbox_port)
        host, port = sandbox_socket.getsockname()[:2]
        upstream = f"http://{host}:{port}"
        settings = _with_sandbox_keys(settings, upstream)
        servers.append((_server(sandbox, settings), [sandbox_socket]))
        tokens = demo_tokens(sandbox.state.sandbox.store)
    facade = create_app(
        upstream,
        settings=settings,
        policy=policy_of(settings),
        verifier=verifier_of(settings),
        metrics=settings.metrics,
        metrics_dir=settings.metrics_dir,
        tracer_provider=build_tracer_provider(settings.traces_exporters),
    )
    servers.append(
        (_server(facade, settings), [_bound_socket(settings.host, settings.port)])
    )
    _print_banner(settings, upstream, tokens)
    tune_gc()
    await asyncio.gather(*(server.serve(sockets=socks) for server, socks in servers))


def _serve_workers(settings: Settings) -> None:
    """Run `settings.workers` facade processes behind one socket.

    Each worker builds its facade from the environment (`app_from_env`); the
    embedded sandbox, when no upstream is configured, runs once in this process
    on a thread, and the workers reach it by the URL exported to them. The
    workers write their metric values to one directory (PROMETHEUS_MULTIPROC_DIR,
    or a temporary one removed at exit), so any worker's `/metrics` answers for
    all of them.
    """
    tokens: list[dict[str, str]] = []
    sandbox_server: uvicorn.Server | None = None
    thread: threading.Thread | None = None
    if settings.upstream_url is None:
        from accounts_graph.sandbox.bootstrap import demo_tokens

        sandbox = _sandbox_app(settings)
        sock = _bound_socket(settings.sandbox_host, settings.sandbox_port)
        host, port = sock.getsockname()[:2]
        settings = replace(settings, upstream_url=f"http://{host}:{port}")
        settings = _with_sandbox_keys(settings, settings.upstream_url or "")
        sandbox_server = _server(sandbox, settings)
        thread = threading.Thread(
            target=sandbox_server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        thread.start()
        while not sandbox_server.started and thread.is_alive():
            time.sleep(0.01)
        tokens = demo_tokens(sandbox.state.sandbox.store)
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
            log_level=settings.log_level.lower(),
            access_log=False,
            log_config=None,
        )
    finally:
        if sandbox_server is not None and thread is not None:
            sandbox_server.should_exit = True
            thread.join(timeout=10)
        if own_metrics_dir and settings.metrics_dir is not None:
            shutil.rmtree(settings.metrics_dir, ignore_errors=True)


async def _sandbox(settings: Settings) -> None:
    from accounts_graph.sandbox.bootstrap import demo_tokens

    app = _sandbox_app(settings)
    sock = _bound_socket(settings.sandbox_host, settings.sandbox_port)
    host, port = sock.getsockname()[:2]
    print(f"Embedded Accounts API at http://{host}:{port}/public/v1/accounts")
    for token in demo_tokens(app.state.sandbox.store):
        print(f"  {token['role']:<11} {token['account']}  {token['bearer']}")
    sys.stdout.flush()
    await _server(app, settings).serve(sockets=[sock])


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
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the GraphQL API (and the sandbox)")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8000)")
    serve.add_argument(
        "--upstream",
        dest="upstream_url",
        help="base URL of a real Accounts API, e.g. https://api.platform.softwareone.com;"
        " without it the embedded sandbox runs in-process",
    )
    serve.add_argument("--db", dest="db_path", type=Path, help="sandbox SQLite file")
    serve.add_argument("--scale", type=int, help="sandbox dataset multiplier")
    serve.add_argument("--log-level", dest="log_level", help="DEBUG, INFO, WARNING…")
    serve.add_argument(
        "--log-format",
        dest="log_format",
        choices=("text", "json"),
        help="text (default) or json, one object a line",
    )
    serve.add_argument(
        "--workers",
        type=int,
        help="facade processes (default 1); the embedded sandbox still runs once",
    )
    serve.add_argument(
        "--production",
        action="store_const",
        const=True,
        help="no introspection, no name suggestions in errors, no GraphiQL unless "
        "--graphiql",
    )
    serve.add_argument(
        "--graphiql",
        action="store_const",
        const=True,
        help="serve GraphiQL at /graphql (the default outside production)",
    )

    sandbox = commands.add_parser("sandbox", help="run the embedded Accounts API alone")
    sandbox.add_argument("--host", dest="sandbox_host", help="default 127.0.0.1")
    sandbox.add_argument(
        "--port", dest="sandbox_port", type=int, default=8001, help="default 8001"
    )
    sandbox.add_argument("--db", dest="db_path", type=Path, help="SQLite file")
    sandbox.add_argument("--scale", type=int, help="dataset multiplier")
    sandbox.add_argument("--log-level", dest="log_level")
    sandbox.add_argument(
        "--latency",
        dest="sandbox_latency",
        type=float,
        help="seconds added to every API request (default 0)",
    )
    sandbox.add_argument(
        "--error-rate",
        dest="sandbox_error_rate",
        type=float,
        help="share of API requests answered with a random 500/502/503/504, "
        "e.g. 0.05 (default 0)",
    )
    sandbox.add_argument(
        "--fault",
        dest="sandbox_faults",
        action="append",
        metavar="RULE",
        help="a fixed fault, repeatable: '[METHODS] PATTERN [status=N] "
        "[retry-after=S] [delay=S] [rate=R] [times=N]', e.g. "
        "'GET /public/v1/accounts/sellers* status=503'",
    )
    sandbox.add_argument(
        "--fault-seed",
        dest="sandbox_fault_seed",
        type=int,
        help="seed of the random faults, to repeat a run",
    )

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

    tokens = commands.add_parser("tokens", help="print the sandbox's demo tokens")
    tokens.add_argument("--db", dest="db_path", type=Path, help="SQLite file")
    return parser


def main(argv: list[str] | None = None) -> None:
    args = vars(_parser().parse_args(argv))
    command = args.pop("command")
    if command == "export-schema":
        _export_schema(args["federation"])
        return
    if command == "capabilities":
        from accounts_graph.platform.capabilities import markdown_table

        print(markdown_table())
        return
    if args.get("sandbox_faults"):
        args["sandbox_faults"] = ";".join(args["sandbox_faults"])
    try:
        settings = Settings.from_env(**args)
        configure_logging(settings.log_level, settings.log_format)
        if command == "serve":
            from accounts_graph.telemetry.tracing import require_exporters

            require_exporters(settings.traces_exporters)
    except (ValueError, RuntimeError) as error:
        sys.exit(f"accounts-graph: {error}")
    _check(settings)
    if command == "serve" and settings.workers > 1:
        _serve_workers(settings)
    elif command == "serve":
        asyncio.run(_serve(settings), loop_factory=_loop_factory())
    elif command == "sandbox":
        asyncio.run(_sandbox(settings), loop_factory=_loop_factory())
    elif command == "tokens":
        _tokens(settings)


def _check(settings: Settings) -> None:
    """Exit with a clear message when a setting does not parse (a fault rule,
    a JWT key), before anything starts."""
    from accounts_graph.app import verifier_of
    from accounts_graph.sandbox.faults import Faults

    try:
        Faults.parse(
            settings.sandbox_latency,
            settings.sandbox_error_rate,
            [settings.sandbox_faults],
            settings.sandbox_fault_seed,
        )
        verifier_of(settings)
    except ValueError as error:
        sys.exit(f"accounts-graph: {error}")


if __name__ == "__main__":
    main()
