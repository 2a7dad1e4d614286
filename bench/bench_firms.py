"""Firm-level aggregation: 50 M firm-year rows on DuckDB, 5 M on Spark local mode.

Synthetic firm records (``polisee.sources.synthetic``: real NUTS-3 codes and NACE classes,
lognormal sizes, 5 years) are written to Parquet a chunk at a time (never 50 M rows in
memory), then aggregated to NUTS-2 x NACE division x year with the confidentiality rules,
each run in a fresh child process whose peak RSS (``VmHWM``) is reported. Prints:

    case  rows  seconds  peak_MB  cells

``duckdb`` includes the check that (firm_id, year) is unique (a 64-bit hash per key);
``duckdb-no-key-check`` leaves it out. ``spark-local`` is ``local[2]`` on this 2-core
machine: ``seconds`` is the aggregation, the JVM start is reported separately;
``peak_MB`` of Spark is the Python driver only (the JVM is a grandchild). ``validate``
is the reader's batch validation of a CSV-like Parquet (the step a raw file goes
through before aggregation). Sizes via ``POLISEE_BENCH_FIRM_ROWS`` and
``POLISEE_BENCH_SPARK_ROWS``; the files go to ``POLISEE_BENCH_DIR`` (default a temp
dir) and are deleted afterwards.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROWS = int(os.environ.get("POLISEE_BENCH_FIRM_ROWS", str(50_000_000)))
SPARK_ROWS = int(os.environ.get("POLISEE_BENCH_SPARK_ROWS", str(5_000_000)))
YEARS = [2015, 2016, 2017, 2018, 2019]
# Bytes of Parquet per row, measured: about 14; twice that for both files and spill room.
BYTES_PER_ROW = 30


def _codes() -> tuple[list[str], list[str]]:
    from polisee.config import default_data_dir
    from polisee.sources.classifications import load_nace, load_nuts

    data = default_data_dir()
    nuts = load_nuts(data, 2021)
    regions = nuts[(nuts["level"] == 3) & ~nuts["is_extra_regio"]]["code"].tolist()
    nace = load_nace(data)
    classes = nace[nace["level"] == 4]["code"].tolist()
    return regions, classes


def _peak_mb() -> int:
    """This process's peak resident memory. Not ``ru_maxrss``: Linux carries it over from
    the parent through fork and exec, so a child would report at least its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def child(case: str, path: str) -> None:
    """Run one case in this (fresh) process; print a JSON line."""
    from polisee.statsdb.firms import FirmAggregation, aggregate_cells, apply_confidentiality

    spec = FirmAggregation(region_level=2, nace_level="division")
    out: dict[str, object] = {}
    started = time.perf_counter()
    if case == "validate":
        from polisee.config import default_data_dir
        from polisee.services.firms import firm_codes, write_canonical

        target = Path(path).with_name("validated.parquet")
        rows = write_canonical(Path(path), target, codes=firm_codes(default_data_dir()))
        target.unlink()
        out["cells"] = 0
        out["rows"] = rows
    elif case.startswith("spark"):
        from polisee.statsdb.spark import spark_session

        session = spark_session("local[2]", conf={"spark.driver.memory": "4g"})
        out["jvm_start_s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        cells = aggregate_cells(path, spec, engine="spark", spark=session)
        apply_confidentiality(cells, spec)
        out["cells"] = len(cells)
        session.stop()
    else:
        cells = aggregate_cells(path, spec, check_keys=case == "duckdb")
        apply_confidentiality(cells, spec)
        out["cells"] = len(cells)
    out["seconds"] = round(time.perf_counter() - started, 2)
    out["peak_mb"] = _peak_mb()
    print(json.dumps(out), flush=True)


def _run(case: str, path: Path) -> dict[str, object]:
    root = Path(__file__).resolve().parents[1]
    code = f"from bench.bench_firms import child; child({case!r}, {str(path)!r})"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{case} failed:\n{done.stderr[-3000:]}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run() -> None:
    """Generate, aggregate, print one line per case, delete the files."""
    from polisee.sources.synthetic import write_synthetic_firms

    base = Path(os.environ.get("POLISEE_BENCH_DIR") or tempfile.gettempdir())
    free = shutil.disk_usage(base).free
    needed = (ROWS + SPARK_ROWS) * BYTES_PER_ROW
    if free < needed:
        raise RuntimeError(f"needs {needed / 1e9:.1f} GB free in {base}, has {free / 1e9:.1f} GB")
    work = Path(tempfile.mkdtemp(prefix="polisee-bench-firms-", dir=base))
    try:
        regions, classes = _codes()
        big, small = work / "firms_big.parquet", work / "firms_small.parquet"
        started = time.perf_counter()
        rows = write_synthetic_firms(big, ROWS, regions=regions, classes=classes, years=YEARS)
        generated = time.perf_counter() - started
        spark_rows = write_synthetic_firms(
            small, SPARK_ROWS, regions=regions, classes=classes, years=YEARS, seed=99
        )
        print(
            f"   generated {rows:,} rows in {generated:.0f} s ({big.stat().st_size / 1e6:,.0f} MB "
            f"Parquet); {len(regions)} NUTS-3 regions, {len(classes)} NACE classes, {len(YEARS)} years",
            flush=True,
        )
        print(f"{'case':<22}{'rows':>12}{'seconds':>9}{'peak_MB':>9}{'cells':>8}")
        for case, path, n in (
            ("duckdb", big, rows),
            ("duckdb-no-key-check", big, rows),
            ("duckdb-5M", small, spark_rows),
            ("spark-local", small, spark_rows),
            ("validate", small, spark_rows),
        ):
            result = _run(case.removesuffix("-5M"), path)
            print(
                f"{case:<22}{n:>12,}{result['seconds']:>9}{result['peak_mb']:>9}{result['cells']:>8}"
                + (f"   (JVM start {result['jvm_start_s']} s)" if "jvm_start_s" in result else ""),
                flush=True,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    run()
