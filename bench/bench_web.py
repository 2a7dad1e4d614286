"""Web: evidence explorer latency under 20 concurrent clients (profiles and map data).

The app (``create_app`` + ``install_evidence``) runs with uvicorn in a subprocess on
127.0.0.1 against the demo statistics store: ``$POLISEE_VAR_DIR/stats.duckdb`` when it
exists, else the demo is loaded into a temporary directory first (about 20 s). Every URL
is requested before timing, as earlier visitors would have (the cache keeps computed
evidence per data version). Then 20 clients (asyncio, one keep-alive HTTP/1.1 connection
each, spoken directly so that the clients' own CPU does not starve the server on a 2-core
machine; httpx is used for warm-up) request for 30 s in turn a
region profile (``/regions/{code}``, rotating over NUTS-2 regions) and all-NUTS-2 map data
(``/maps/values.json``, rotating over indicators). Prints one line per case:

    case  p50_ms  p95_ms  req_per_s  errors

Goals: profile p95 < 150 ms, map data p95 < 100 ms, no errors.
"""

from __future__ import annotations

import asyncio
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLIENTS = 20
WORKERS = int(os.environ.get("POLISEE_BENCH_WORKERS", "2"))
SECONDS = 30.0
REGIONS = 60
MAPS = [
    "/maps/values.json?indicator=lq&industry=C29&level=2&year=2014",
    "/maps/values.json?indicator=gdp_pps_hab&level=2&year=2014",
    "/maps/values.json?indicator=employment&level=2&year=2014",
    "/maps/values.json?indicator=eci&level=2&year=2014",
    "/maps/values.json?indicator=stars&cluster=4&level=2&year=2014",
    "/maps/values.json?indicator=lq&industry=C26&level=2&year=2014",
]


def make_app() -> object:
    """The platform with the evidence explorer, from the environment (uvicorn's factory)."""
    from polisee.config import Settings
    from polisee.web.app import create_app
    from polisee.web.evidence_app import install_evidence

    settings = Settings()
    app = create_app(settings)
    install_evidence(app, settings)
    return app


def serve(var_dir: str, port: int) -> None:
    """The child: uvicorn with WORKERS processes, each with its own read-only store and cache."""
    import uvicorn

    os.environ["POLISEE_VAR_DIR"] = var_dir
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'records.sqlite3'}"
    from polisee.records.migrate import upgrade

    upgrade(url)  # once, before the workers start (they would race to create the schema)
    os.environ["POLISEE_DATABASE_URL"] = url
    os.environ["POLISEE_SECRET_KEY"] = "b" * 40
    uvicorn.run(
        "bench.bench_web:make_app",
        factory=True,
        host="127.0.0.1",
        port=port,
        workers=WORKERS,
        log_level="warning",
        access_log=False,
    )


def _var_dir() -> Path:
    given = os.environ.get("POLISEE_VAR_DIR")
    if given and (Path(given) / "stats.duckdb").exists():
        return Path(given)
    from polisee.config import default_data_dir
    from polisee.services.demo import load_demo
    from polisee.statsdb import StatsStore

    var = Path(tempfile.mkdtemp(prefix="polisee-bench-"))
    with StatsStore(var / "stats.duckdb") as store:
        load_demo(store, default_data_dir())
    return var


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _load(base: str) -> dict[str, tuple[list[float], int]]:
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=30.0) as client:
        listing = (await client.get("/api/v1/regions?level=2&per_page=500")).json()
        codes = [r["code"] for r in listing["items"] if r["has_data"]][:REGIONS]
        profiles = [f"/regions/{code}" for code in codes]
        # Each worker process keeps its own cache: warm every URL a few times over.
        for _ in range(2 * WORKERS):
            for url in [*profiles, *MAPS]:
                (await client.get(url)).raise_for_status()
    host, port = base.removeprefix("http://").split(":")
    results: dict[str, list[float]] = {"profile": [], "map": []}
    errors = {"profile": 0, "map": 0}
    deadline = time.perf_counter() + SECONDS

    async def user(i: int) -> None:
        # One keep-alive HTTP/1.1 connection per client, spoken directly: a full HTTP client
        # library costs about as much CPU per request as the server on this 2-core machine.
        reader, writer = await asyncio.open_connection(host, int(port))
        n = i
        try:
            while time.perf_counter() < deadline:
                case = "profile" if n % 2 == 0 else "map"
                url = profiles[n % len(profiles)] if case == "profile" else MAPS[n % len(MAPS)]
                n += 1
                start = time.perf_counter()
                try:
                    writer.write(f"GET {url} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
                    head = await reader.readuntil(b"\r\n\r\n")
                    status = int(head.split(b" ", 2)[1])
                    length = 0
                    for line in head.split(b"\r\n")[1:]:
                        name, _, value = line.partition(b":")
                        if name.strip().lower() == b"content-length":
                            length = int(value)
                    await reader.readexactly(length)
                except (OSError, ValueError, asyncio.IncompleteReadError):
                    errors[case] += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
                    continue
                elapsed = time.perf_counter() - start
                if status == 200 and length > 0:
                    results[case].append(elapsed)
                else:
                    errors[case] += 1
        finally:
            writer.close()

    await asyncio.gather(*(user(i) for i in range(CLIENTS)))
    return {case: (times, errors[case]) for case, times in results.items()}


def run() -> None:
    """Start the server, warm it, load it for 30 s with 20 clients; print one line per case."""
    var_dir = _var_dir()
    port = _port()
    root = Path(__file__).resolve().parents[1]
    code = f"from bench.bench_web import serve; serve({str(var_dir)!r}, {port})"
    child = subprocess.Popen([sys.executable, "-c", code], cwd=root)
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/api/v1/indicators", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or child.poll() is not None:
                raise RuntimeError("the web server did not start")
            time.sleep(0.2)
        before = resource.getrusage(resource.RUSAGE_SELF)
        results = asyncio.run(_load(base))
        after = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        child.terminate()
        child.wait(timeout=10)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    server_cpu = children.ru_utime + children.ru_stime
    print(f"{'case':<10}{'p50_ms':>8}{'p95_ms':>8}{'req_per_s':>11}{'errors':>8}")
    for case, (times, errors) in results.items():
        print(
            f"{case:<10}{_percentile(times, 0.5) * 1000:>8.1f}{_percentile(times, 0.95) * 1000:>8.1f}"
            f"{len(times) / SECONDS:>11.1f}{errors:>8}",
            flush=True,
        )
    print(f"   cpu seconds: clients {client_cpu:.1f} (incl. warm-up wait), server {server_cpu:.1f}")


if __name__ == "__main__":
    run()
