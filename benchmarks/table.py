"""The one table every benchmark prints: measurement, value, target, met."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(func: Callable[[], object], repeats: int = 20, warmup: int = 2) -> float:
    """Median wall time of ``func()`` after ``warmup`` untimed calls [s]."""
    for _ in range(warmup):
        func()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def print_table(rows: list[tuple[str, str, str, bool | None]], title: str | None = None) -> None:
    """Print rows of (measurement, value, target, met) as a markdown table."""
    if title:
        print(f"\n### {title}\n")
    print("| measurement | value | target | met |")
    print("|---|---|---|---|")
    for measurement, value, target, met in rows:
        mark = "" if met is None else ("yes" if met else "NO")
        print(f"| {measurement} | {value} | {target} | {mark} |")
