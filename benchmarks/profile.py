"""Profiles of the facade process (pyinstrument) answering the nested walk and
the single object: where a request's CPU goes, as HTML call trees."""

import signal
from pathlib import Path

from pyinstrument.renderers import ConsoleRenderer, HTMLRenderer
from pyinstrument.session import Session

from benchmarks.clients import GraphQL, Rest
from benchmarks.scenarios import SINGLE
from benchmarks.servers import facade, sandbox
from benchmarks.walk import walk_graphql

INTERVAL = "0.0005"


def profile(
    scale: int, token: str, workdir: Path, out: Path, quick: bool
) -> list[Path]:
    """Run each operation many times against a profiled facade; return the files."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sandbox(scale, workdir) as upstream:
        rest = Rest(upstream.url, token)
        buyer = rest.get("/buyers?order=name&limit=1")["data"][0]["id"]
        rest.close()
        runs = {
            "walk": (50 if quick else 200, lambda gql: walk_graphql(gql, 50)),
            "single": (500 if quick else 2000, lambda gql: gql(SINGLE, {"id": buyer})),
        }
        for name, (count, operation) in runs.items():
            raw = out / f"profile-{name}.pyisession"
            runner: tuple[str, ...] = ("-m", "pyinstrument", "-i", INTERVAL)
            runner += ("-r", "pyisession", "-o", str(raw))
            with facade(upstream.url, workdir, runner=runner) as server:
                gql = GraphQL(server.url, token)
                for _ in range(count):
                    operation(gql)
                gql.close()
                # SIGINT: uvicorn shuts down cleanly and pyinstrument writes out.
                server.stop(signal.SIGINT)
            written += _render(raw)
    return written


def _render(raw: Path) -> list[Path]:
    """Write the saved session as an HTML call tree and a short text one."""
    session = Session.load(raw)
    html, text = raw.with_suffix(".html"), raw.with_suffix(".txt")
    html.write_text(HTMLRenderer().render(session))
    console = ConsoleRenderer(unicode=False, color=False, time="percent_of_total")
    text.write_text(console.render(session))
    raw.unlink()
    return [html, text]
