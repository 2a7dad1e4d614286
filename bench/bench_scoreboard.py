"""Scoreboard: six theme indices with the 1,000-draw uncertainty analysis for all NUTS-2 regions.

On the demo statistics store (``$POLISEE_VAR_DIR/stats.duckdb`` when it holds every demo
dataset, else the demo is loaded into a temporary directory first, about 20 s). Prints one
line per case:

    case  regions  indicators  draws  median_s  max_s  cpu_s  goal_s

- ``full``: everything from the store with an empty cache: the 19 indicators (SBS, LFS, R&D,
  JRC/WIOD CO2, EGSS; stars, strong clusters, complexity, relatedness, shift-share), then the
  six composite indices (winsorising, normalisation, aggregation) and 1,000 Monte Carlo draws
  per theme. The goal of the issue: under 2 s.
- ``reweighted``: the same with the indicators already cached (what a new weight scenario
  costs): composite indices and draws only.
- ``draws``: the 1,000-draw rank analysis of one four-indicator theme alone.

Three runs per case (the first ``full`` run also warms DuckDB's buffers, as a running server
would have them); the median and the slowest wall times are shown, and the median CPU time of
this process (on a shared machine the wall time includes waiting for a core).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

GOAL_SECONDS = 2.0
RUNS = 3


def _store_path() -> Path:
    from polisee.services.demo import DEMO_DATASETS
    from polisee.statsdb import StatsStore

    given = os.environ.get("POLISEE_VAR_DIR")
    if given and (Path(given) / "stats.duckdb").exists():
        path = Path(given) / "stats.duckdb"
        with StatsStore(path, read_only=True) as store:
            loaded = set(store.datasets()["dataset"])
        if {d.dataset for d in DEMO_DATASETS} <= loaded:
            return path
    from polisee.config import default_data_dir
    from polisee.services.demo import load_demo

    path = Path(tempfile.mkdtemp(prefix="polisee-bench-")) / "stats.duckdb"
    with StatsStore(path) as store:
        load_demo(store, default_data_dir())
    return path


def _line(
    case: str, regions: int, indicators: int, draws: int, times: list[tuple[float, float]]
) -> None:
    wall = [w for w, _ in times]
    cpu = statistics.median(c for _, c in times)
    print(
        f"{case:<11} regions={regions:<4} indicators={indicators:<3} draws={draws:<5} "
        f"median_s={statistics.median(wall):.3f}  max_s={max(wall):.3f}  cpu_s={cpu:.3f}  "
        f"goal_s={GOAL_SECONDS}",
        flush=True,
    )


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = _clock()
    return wall - start[0], cpu - start[1]


def run() -> None:
    from polisee.analytics.composite import CompositeIndex
    from polisee.services import scoreboard as sb
    from polisee.services.evidence import EvidenceCache
    from polisee.statsdb import StatsStore

    path = _store_path()
    with StatsStore(path, read_only=True) as store:
        times = []
        board = None
        for _ in range(RUNS):
            started = _clock()
            board = sb.scoreboard(store, level=2, draws=1000, cache=EvidenceCache(256))
            times.append(_since(started))
        assert board is not None
        regions = len(board.indicators.values)
        computed = sum(1 for d in sb.indicator_definitions() if d.compute is not None)
        _line("full", regions, computed, 1000, times)

        cache = EvidenceCache(256)
        sb.scoreboard(store, level=2, draws=1000, cache=cache)
        times = []
        for weight in range(2, 2 + RUNS):
            started = _clock()
            sb.scoreboard(store, level=2, draws=1000, weights={"eci": weight}, cache=cache)
            times.append(_since(started))
        _line("reweighted", regions, computed, 1000, times)

        keys = [d.key for d in sb.indicators_of("innovation")]
        values = board.indicators.values[keys]
        index = CompositeIndex(normalisation={"eci": "z-score", "rd_personnel": "z-score"}).fit(
            values
        )
        times = []
        for _ in range(RUNS):
            started = _clock()
            index.uncertainty(draws=1000)
            times.append(_since(started))
        _line("draws", regions, len(keys), 1000, times)


if __name__ == "__main__":
    run()
