"""`python -m benchmarks`: start the servers, run every scenario, print and save."""

import argparse
import datetime
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from mpt_api_client import MPTClient
from mpt_api_client.auth import BearerTokenAuthentication

from benchmarks.clients import Counter, GraphQL, Rest
from benchmarks.load import throughput_section
from benchmarks.measure import Loop
from benchmarks.profile import profile
from benchmarks.report import Section, as_json, render
from benchmarks.scaling import sandbox_scaling
from benchmarks.scenarios import Bench, fan_out, nested_walk, projection, single_object
from benchmarks.servers import CACHE, demo_tokens_of, facade, sandbox, seeded_file
from benchmarks.stress import stress, stress_section

SCENARIOS = (
    "single",
    "walk",
    "fanout",
    "projection",
    "throughput",
    "scaling",
    "load",
)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    # Scale 4 holds 54 accounts: the nested walk's 50 are all there.
    parser.add_argument(
        "--scale", type=int, default=4, help="sandbox dataset scale (default 4)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer repetitions, 5 s throughput and 10 s load runs",
    )
    parser.add_argument("--out", type=Path, help="where to write the JSON results")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="instead of the scenarios, profile the facade (pyinstrument) on the "
        "nested walk and the single object and write HTML call trees to DIR",
    )
    parser.add_argument(
        "--only",
        help=f"comma-separated subset of {','.join(SCENARIOS)} (default: all)",
    )
    return parser.parse_args(argv)


def _progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _latency_scenarios(bench: Bench, wanted: set[str]) -> list[Section]:
    runs = [
        ("single", single_object),
        ("walk", nested_walk),
        ("fanout", fan_out),
        ("projection", projection),
    ]
    sections = []
    for name, scenario in runs:
        if name in wanted:
            _progress(f"scenario {name}")
            sections.append(scenario(bench))
    return sections


def _run(args: argparse.Namespace, workdir: Path) -> list[Section]:
    wanted = set(args.only.split(",") if args.only else SCENARIOS)
    token = demo_tokens_of(seeded_file(args.scale))["Operations"]["bearer"]
    sections: list[Section] = []
    with sandbox(args.scale, workdir) as upstream:
        if wanted & {"single", "walk", "fanout", "projection"}:
            with facade(upstream.url, workdir) as service:
                counter = Counter()
                mpt = MPTClient.from_config(
                    BearerTokenAuthentication(token), upstream.url, timeout=120
                )
                mpt.http_client.httpx_client.event_hooks["request"] = [counter.hook]
                loop, gql, rest = (
                    Loop(),
                    GraphQL(service.url, token),
                    Rest(upstream.url, token),
                )
                bench = Bench(gql, rest, mpt, counter, loop, args.quick)
                try:
                    sections += _latency_scenarios(bench, wanted)
                finally:
                    loop.run(rest.aclose())
                    loop.close()
                    gql.close()
                    rest.close()
                    mpt.http_client.httpx_client.close()
        if "throughput" in wanted:
            _progress("scenario throughput")
            seconds = 5.0 if args.quick else 20.0
            sections.append(throughput_section(upstream.url, token, workdir, seconds))
    if "scaling" in wanted:
        _progress("scenario scaling")
        sections.append(sandbox_scaling(workdir, args.quick))
    if "load" in wanted:
        _progress("scenario load")
        seconds = 10.0 if args.quick else 60.0
        run = stress(workdir, seconds=seconds, scale=args.scale)
        sections.append(stress_section(run))
    return sections


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    started = datetime.datetime.now(datetime.UTC)
    load = os.getloadavg()[0]
    if args.profile:
        token = demo_tokens_of(seeded_file(args.scale))["Operations"]["bearer"]
        with tempfile.TemporaryDirectory(prefix="accounts-graph-bench-") as tmp:
            files = profile(args.scale, token, Path(tmp), args.profile, args.quick)
        print("\n".join(f"profile written to {path}" for path in files))
        return
    with tempfile.TemporaryDirectory(prefix="accounts-graph-bench-") as tmp:
        sections = _run(args, Path(tmp))
    meta = {
        "command": "python -m benchmarks " + " ".join(sys.argv[1:]),
        "started": started.isoformat(timespec="seconds"),
        "scale": args.scale,
        "quick": args.quick,
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "load_average_at_start": load,
        "load_average_at_end": os.getloadavg()[0],
    }
    preamble = [
        f"accounts-graph benchmark: {meta['command'].strip()}",
        f"{meta['started']}, {meta['machine']}, Python {meta['python']}, "
        f"load average {load:.1f} at start, {meta['load_average_at_end']:.1f} at end;",
        "sandbox, facade and this client are separate processes on loopback;",
        "times are medians [min-max] of alternating repetitions in this run",
    ]
    print(render(sections, preamble))
    out = args.out or CACHE / f"results-scale-{args.scale}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(as_json(sections, meta), indent=2, default=str) + "\n")
    print(f"\nJSON written to {out}")


if __name__ == "__main__":
    main()
