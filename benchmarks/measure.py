"""Timing sides against each other: alternated in one run, summarised by median."""

import asyncio
import gc
import statistics
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

Side = Callable[[], object]


@dataclass(frozen=True)
class Summary:
    """Repeated timings of one side, in milliseconds."""

    median: float
    min: float
    max: float
    count: int

    @classmethod
    def of(cls, seconds: list[float]) -> "Summary":
        ms = [s * 1000 for s in seconds]
        return cls(statistics.median(ms), min(ms), max(ms), len(ms))

    def __str__(self) -> str:
        return f"{_ms(self.median)} [{_ms(self.min)}-{_ms(self.max)}]"

    def as_dict(self) -> dict[str, float]:
        return {
            "median_ms": round(self.median, 3),
            "min_ms": round(self.min, 3),
            "max_ms": round(self.max, 3),
            "repetitions": self.count,
        }


def _ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def alternate(
    sides: dict[str, Side], repetitions: int, warmup: int = 3
) -> dict[str, Summary]:
    """Time each side `repetitions` times, in turn (A B A B …), after a warm-up.

    Alternating spreads any drift of the machine (another process, a CPU
    frequency change) over every side alike, so their ratio stays fair.
    """
    for _ in range(warmup):
        for side in sides.values():
            side()
    gc.collect()
    timings: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(repetitions):
        for name, side in sides.items():
            started = time.perf_counter()
            side()
            timings[name].append(time.perf_counter() - started)
    return {name: Summary.of(values) for name, values in timings.items()}


class Loop:
    """One event loop for the async sides, so their clients keep connections."""

    def __init__(self) -> None:
        self.runner = asyncio.Runner()

    def run[T](self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.runner.run(coroutine)

    def close(self) -> None:
        self.runner.close()


def percentile(values: list[float], fraction: float) -> float:
    """Return the value below which `fraction` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[rank]
