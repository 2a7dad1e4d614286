"""Eurostat bulk TSV load: polisee's read_eurostat_tsv vs a plain pandas baseline.

Both read ``sbs_r_nuts06_r2.tsv.gz`` (195,227 series x 8 years = 1.56 M cells) from
``$POLISEE_DATA_DIR/eurostat_regional`` (default ``/work/shared/data``), each in a fresh
subprocess so that neither pollutes the other's memory. Prints one line per case:

    case  polisee_s  peer_s  ratio  polisee_MB  peer_MB

``*_s`` is the best wall time of three runs in the child (file on disk -> long frame with
split keys, float values and flags); ``*_MB`` the child's peak RSS (``ru_maxrss``) after
the first run, which includes the interpreter and imported libraries (~100 MB). ``ratio`` = peer_s / polisee_s.
The baseline is ``pd.read_csv(sep='\\t')`` + ``melt`` + value/flag split with ``.str``.
A third line times a DuckDB SQL reader (``read_csv`` + ``unpivot`` + ``regexp_extract``)
as a second peer, to record why polisee parses with pyarrow instead.
Both sides are checked to read the same number of present values.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(
    os.environ.get("POLISEE_DATA_DIR", str(Path(__file__).resolve().parents[2] / "shared" / "data"))
)
FILE = DATA / "eurostat_regional" / "sbs_r_nuts06_r2.tsv.gz"
REPEAT = 3


def _pandas(path: Path) -> int:
    import pandas as pd

    raw = pd.read_csv(path, sep="\t", dtype=str)
    key = raw.columns[0]
    long = raw.melt(id_vars=[key], var_name="year", value_name="cell")
    parts = long["cell"].str.strip().str.split(" ", n=1, expand=True)
    long["value"] = pd.to_numeric(parts[0].replace(":", None), errors="coerce")
    long["flag"] = parts[1].fillna("") if 1 in parts.columns else ""
    dims = key.split("\\")[0].split(",")
    codes = long[key].str.split(",", expand=True)
    codes.columns = dims
    long["year"] = long["year"].str.strip().astype("int64")
    frame = pd.concat([codes, long[["year", "value", "flag"]]], axis=1)
    return int(frame["value"].notna().sum())


def _duckdb(path: Path) -> int:
    import duckdb

    con = duckdb.connect()
    rel = con.read_csv(str(path), sep="\t", header=True, all_varchar=True, quotechar="")
    key = rel.columns[0]
    years = ", ".join(f'"{c}"' for c in rel.columns[1:])
    con.register("raw", rel)
    frame = con.sql(
        f"""
        SELECT string_split("{key}", ',') AS codes, trim(year)::BIGINT AS year,
               TRY_CAST(regexp_extract(trim(cell), '^([^ ]*)', 1) AS DOUBLE) AS value,
               regexp_extract(trim(cell), ' (.*)$', 1) AS flag
        FROM (UNPIVOT raw ON {years} INTO NAME year VALUE cell)
        """
    ).df()
    return int(frame["value"].notna().sum())


def _polisee(path: Path) -> int:
    from polisee.sources.eurostat import read_eurostat_tsv

    result = read_eurostat_tsv(path, aggregates="keep", extra_regio="keep")
    return int(result.frame["value"].notna().sum())


def _polisee_store(path: Path) -> int:
    """End to end: read, harmonise to NUTS 2021, write dimensions and facts, summarise."""
    import tempfile

    from polisee.services.data import load_statistics
    from polisee.statsdb import StatsStore

    with tempfile.TemporaryDirectory() as tmp:
        store = StatsStore(Path(tmp) / "stats.duckdb")
        with store.transaction():
            summary = load_statistics(store, path, data_dir=DATA)
        store.close()
    return summary.values_present


def _child(which: str, path: str) -> None:
    func = {"polisee": _polisee, "pandas": _pandas, "duckdb": _duckdb, "store": _polisee_store}[
        which
    ]
    best = float("inf")
    present = 0
    peak = 0.0
    for i in range(REPEAT):
        t0 = time.perf_counter()
        present = func(Path(path))
        best = min(best, time.perf_counter() - t0)
        if i == 0:
            # Later runs reuse memory the allocators kept; the first run's peak is the cost.
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": best, "peak_mb": peak, "present": present}))


def _measure(which: str, path: Path) -> dict[str, float]:
    code = f"from bench.bench_load import _child; _child({which!r}, {str(path)!r})"
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run() -> None:
    """Time and measure each side in its own subprocess; print one line per case."""
    if not FILE.is_file():
        print(f"   skipped: {FILE} not found (set POLISEE_DATA_DIR)")
        return
    ours = _measure("polisee", FILE)
    print(f"{'case':<22}{'polisee_s':>10}{'peer_s':>9}{'ratio':>8}{'polisee_MB':>12}{'peer_MB':>9}")
    for peer in ("pandas", "duckdb"):
        theirs = _measure(peer, FILE)
        if theirs["present"] != ours["present"]:
            raise AssertionError(
                f"{peer} read {theirs['present']} values, polisee {ours['present']}"
            )
        print(
            f"{'sbs_r_nuts06_r2/' + peer:<22}{ours['seconds']:>10.2f}{theirs['seconds']:>9.2f}"
            f"{theirs['seconds'] / ours['seconds']:>8.2f}{ours['peak_mb']:>12.0f}"
            f"{theirs['peak_mb']:>9.0f}",
            flush=True,
        )
    # End to end into the store (harmonised to NUTS 2021, so fewer values than the raw parse:
    # extra-regio rows are left out and rows that cannot be harmonised are kept apart).
    store = _measure("store", FILE)
    pandas = _measure("pandas", FILE)
    print(
        f"{'load-into-store/pandas':<22}{store['seconds']:>10.2f}{pandas['seconds']:>9.2f}"
        f"{pandas['seconds'] / store['seconds']:>8.2f}{store['peak_mb']:>12.0f}{pandas['peak_mb']:>9.0f}",
        flush=True,
    )


if __name__ == "__main__":
    run()
