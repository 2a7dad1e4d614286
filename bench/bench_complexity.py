"""Economic complexity, every year: polisee (ecomplexity preset) vs ecomplexity 0.5.3.

Both run on the reference synthetic panel (``/work/shared/bench/synthetic_panel.py``),
each in a fresh subprocess with the same environment, computing RCA, presence,
proximity, density, ECI, PCI, COI and COG for every year. Prints one line per size:

    size  polisee_s  peer_s  ratio  polisee_MB  peer_MB

``*_s`` is the best wall time of ``POLISEE_BENCH_REPEAT`` (3) runs of the computation
alone (input already in memory: a DataFrame for the peer, a Panel for polisee -- building
the Panel is timed separately and shown at the end of the line). polisee runs as a user
gets it: the default ``n_jobs`` fits the years on every core the process may use (two here;
the peer has no parallel mode); its time on one thread (``n_jobs=1``) is at the end of the
line with that ratio. ``*_MB`` is the memory the first run added: the child's peak RSS
(``ru_maxrss``) minus its RSS just before the call; the children's total peak RSS is shown
at the end of the line too. Results are checked equal to 1e-9.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

SHARED_BENCH = Path(os.environ.get("POLISEE_SHARED_BENCH", "/work/shared/bench"))
COLS = {"time": "time", "loc": "loc", "prod": "prod", "val": "val"}
PER_UNIT = ("eci", "pci", "coi", "diversity", "ubiquity")
FIELDS = ("rca", "density", "cog", "presence", *PER_UNIT)
# Each side runs this many times in its child and keeps its best time (timeit's rule: on a
# shared machine the slower runs measure the neighbours); memory is read after the first run.
REPEAT = int(os.environ.get("POLISEE_BENCH_REPEAT", "3"))


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(which: str, data_path: str, out_path: str) -> None:
    """Run one side in this (fresh) process; print a JSON line with time and memory."""
    df = pd.read_parquet(data_path)
    report: dict[str, float] = {}
    if which.startswith("polisee"):
        from polisee.analytics.complexity import EconomicComplexity
        from polisee.analytics.panel import Panel

        t0 = time.perf_counter()
        panel = Panel.from_frame(df, region="loc", industry="prod", year="time", value="val")
        report["panel_s"] = time.perf_counter() - t0
        del df
        before = _rss_mb()
        n_jobs = int(which.removeprefix("polisee")) if which != "polisee" else None
        times = []
        for _ in range(REPEAT):
            t0 = time.perf_counter()
            ec = EconomicComplexity(convention="ecomplexity", n_jobs=n_jobs).fit(panel)
            times.append(time.perf_counter() - t0)
            if len(times) == 1:
                report["peak_mb"] = _peak_mb()
                report["added_mb"] = report["peak_mb"] - before
        report["threads"] = float(n_jobs or min(len(os.sched_getaffinity(0)), len(panel.years)))
        report["seconds"] = min(times)
        np.savez(
            out_path,
            years=ec.eci_.index.get_level_values("year").unique().to_numpy(),
            regions=ec.rca_.index.get_level_values("region").unique().to_numpy().astype(str),
            industries=ec.rca_.columns.to_numpy().astype(str),
            **{name: getattr(ec, f"{name}_").to_numpy(dtype=float) for name in FIELDS},
            proximity=ec.proximity_.to_numpy(),
        )
    else:
        import ecomplexity

        before = _rss_mb()
        times = []
        for _ in range(REPEAT):
            t0 = time.perf_counter()
            # ecomplexity 0.5.3 prints its log-supermodularity check and warns (pandas'
            # deprecated set_index(inplace=True), supermodularity below 80%): silenced here,
            # neither changes its results.
            with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                warnings.simplefilter("ignore")
                out = ecomplexity.ecomplexity(df, cols_input=COLS, presence_test="rca")
            times.append(time.perf_counter() - t0)
            if len(times) == 1:
                report["peak_mb"] = _peak_mb()
                report["added_mb"] = report["peak_mb"] - before
        report["seconds"] = min(times)
        out = out.sort_values(["time", "loc", "prod"])
        np.savez(
            out_path,
            keys=out[["time", "loc", "prod"]].astype(str).to_numpy().astype("U"),
            **{
                c: out[c].to_numpy(dtype=float) for c in ("rca", "density", "cog", "mcp", *PER_UNIT)
            },
        )
    print(json.dumps(report))


def _spawn(which: str, data_path: Path, out_path: Path, env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "child", which, str(data_path), str(out_path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{which} child failed:\n{done.stderr[-4000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _max_difference(ours_path: Path, peer_path: Path) -> float:
    """Largest absolute difference between the two results, over every compared value."""
    ours = np.load(ours_path)
    peer = np.load(peer_path)
    years, regions, industries = ours["years"], ours["regions"], ours["industries"]
    n_t, n_r, n_p = len(years), len(regions), len(industries)
    keys = peer["keys"]
    y = np.searchsorted(years.astype(str), keys[:, 0])
    r = np.searchsorted(regions, keys[:, 1])
    p = np.searchsorted(industries, keys[:, 2])
    worst = 0.0
    pairs = {"rca": "rca", "density": "density", "cog": "cog", "presence": "mcp"}
    for name, peer_name in pairs.items():
        mine = ours[name].reshape(n_t, n_r, n_p)[y, r, p]
        worst = max(worst, float(np.nanmax(np.abs(mine - peer[peer_name]))))
        if (np.isnan(mine) != np.isnan(peer[peer_name])).any():
            return float("inf")
    for name, index in (("eci", r), ("coi", r), ("diversity", r), ("pci", p), ("ubiquity", p)):
        size = n_r if index is r else n_p
        mine = ours[name].reshape(n_t, size)[y, index]
        worst = max(worst, float(np.nanmax(np.abs(mine - peer[name]))))
    return worst


def _proximity_difference(data_path: Path, ours_path: Path) -> float:
    """ecomplexity.proximity for the first year against polisee's proximity_."""
    import ecomplexity

    df = pd.read_parquet(data_path)
    first = df[df["time"] == df["time"].min()]
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        prox = ecomplexity.proximity(first, cols_input=COLS)
    wide = prox.set_index(["prod_1", "prod_2"])["proximity"].unstack()
    ours = np.load(ours_path)
    n_p = len(ours["industries"])
    mine = ours["proximity"][:n_p]
    wide = wide.reindex(index=ours["industries"], columns=ours["industries"])
    return float(np.nanmax(np.abs(mine - wide.to_numpy())))


def run() -> None:
    sys.path.insert(0, str(SHARED_BENCH))
    from synthetic_panel import SIZES, make_panel

    env = dict(os.environ)
    # Both children get the same BLAS setting. One thread: on this shared 2-core
    # machine OpenBLAS threads slow the many mid-sized products down (measured).
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    print(f"   OPENBLAS_NUM_THREADS={env['OPENBLAS_NUM_THREADS']} in both children", flush=True)
    print(
        f"{'size':<6}{'polisee_s':>10}{'peer_s':>9}{'ratio':>8}{'polisee_MB':>12}{'peer_MB':>9}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="bench_complexity_") as tmp:
        folder = Path(tmp)
        for size in ("nuts2", "nuts3"):
            data_path = folder / f"{size}.parquet"
            make_panel(*SIZES[size]).to_parquet(data_path)
            ours_path, peer_path = folder / f"{size}_polisee.npz", folder / f"{size}_peer.npz"
            ours = _spawn("polisee", data_path, ours_path, env)
            single = _spawn("polisee1", data_path, folder / f"{size}_polisee1.npz", env)
            peer = _spawn("peer", data_path, peer_path, env)
            diff = max(
                _max_difference(ours_path, peer_path),
                _max_difference(folder / f"{size}_polisee1.npz", peer_path),
                _proximity_difference(data_path, ours_path),
            )
            same = "identical to 1e-9" if diff <= 1e-9 else "DIFFERENT"
            print(
                f"{size:<6}{ours['seconds']:>10.3f}{peer['seconds']:>9.2f}"
                f"{peer['seconds'] / ours['seconds']:>8.1f}{ours['added_mb']:>12.0f}"
                f"{peer['added_mb']:>9.0f}   [{same}: max |diff| {diff:.1e}; Panel build "
                f"{ours['panel_s']:.2f} s; peak RSS {ours['peak_mb']:.0f} / {peer['peak_mb']:.0f} MB; "
                f"{ours['threads']:.0f} threads by default; n_jobs=1: {single['seconds']:.3f} s, "
                f"ratio {peer['seconds'] / single['seconds']:.1f}]",
                flush=True,
            )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "child":
        _child(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        run()
