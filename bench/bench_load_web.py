"""Load test: 100 signed-in users mixing page views, API calls and writes for 2 minutes.

The platform runs as ``uvicorn`` with 2 worker processes in a child process on
127.0.0.1, on PostgreSQL when ``POLISEE_BENCH_DATABASE_URL`` is set, else on a fresh
SQLite file, with the demo statistics (``$POLISEE_VAR_DIR/stats.duckdb`` when it exists,
else the demo is loaded into a temporary directory first, as in ``bench_web``).

Users: 80 members who read (pages and API, half each) and 20 writers who post the write
kinds of ``bench/_platform.py`` (``WRITE_KINDS``: administrators creating organisations
and respondents saving assessment answers, alternately) half of the time and read otherwise. Each user waits 2-8 s between requests (think time: a person
reading a page; mean 5 s, so about 20 requests per second are offered;
``POLISEE_BENCH_THINK=0.5,1.5`` offers 100) and keeps one HTTP/1.1 connection, spoken
directly so that the load generator's own CPU stays small on this 2-core machine. The
server's log goes to a temporary file whose last lines are printed when a request failed.

Prints per kind ``requests, p50, p95, p99 (ms), req/s, errors`` and the goal check
(no errors, p95 < 300 ms). ``POLISEE_BENCH_SECONDS`` and ``POLISEE_BENCH_USERS``
shorten a run; the defaults are the issue's 120 s and 100 users.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx

from bench._platform import (
    WRITE_KINDS,
    PlatformServer,
    WriteKind,
    Writer,
    create_user,
    sign_in,
)

SECONDS = float(os.environ.get("POLISEE_BENCH_SECONDS", "120"))
USERS = int(os.environ.get("POLISEE_BENCH_USERS", "100"))
WRITER_SHARE = 0.2
THINK = tuple(float(x) for x in os.environ.get("POLISEE_BENCH_THINK", "2,8").split(","))
GOAL_P95_MS = 300.0
IDLE_REUSE = 4.0

PAGES = ["/", "/regions", "/clusters", "/industries", "/map", "/account/password"]
APIS = [
    "/api/v1/me",
    "/api/v1/indicators",
    "/api/v1/regions?country=HU&per_page=20",
    "/api/v1/industries",
    "/api/v1/clusters",
]


@dataclass
class Stats:
    """Latencies (seconds) and errors per kind of request."""

    times: dict[str, list[float]] = field(
        default_factory=lambda: {"page": [], "api": [], "write": []}
    )
    errors: dict[str, int] = field(default_factory=lambda: {"page": 0, "api": 0, "write": 0})
    statuses: dict[int, int] = field(default_factory=dict)


class Connection:
    """One keep-alive HTTP/1.1 connection with a cookie, reading whole responses."""

    def __init__(self, host: str, port: int, cookie: str) -> None:
        self.host, self.port, self.cookie = host, port, cookie
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used = time.monotonic()

    async def request(self, method: str, path: str, body: bytes = b"", token: str = "") -> int:
        # uvicorn closes a keep-alive connection idle for 5 s; as a browser would, open a
        # new one rather than send on a connection the server is closing.
        if self.writer is not None and time.monotonic() - self.used > IDLE_REUSE:
            self.close()
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nCookie: {self.cookie}\r\n"
        if method == "POST":
            head += (
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\nX-CSRF-Token: {token}\r\n"
            )
        self.writer.write(head.encode() + b"\r\n" + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        status = int(raw.split(b" ", 2)[1])
        headers = {
            k.strip().lower(): v.strip()
            for k, _, v in (line.partition(b":") for line in raw.split(b"\r\n")[1:] if line)
        }
        if b"content-length" in headers:
            await self.reader.readexactly(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding") == b"chunked":
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        if headers.get(b"connection") == b"close":
            self.close()
        self.used = time.monotonic()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class User:
    """A signed-in user: its session cookie, form token and, for writers, a write kind."""

    email: str
    cookie: str
    token: str
    kind: WriteKind | None
    writer: Writer | None


async def _user(
    user: User, host: str, port: int, regions: list[str], stats: Stats, deadline: float, seed: int
) -> None:
    rng = random.Random(seed)
    connection = Connection(host, port, user.cookie)
    n = 0
    try:
        while time.perf_counter() < deadline:
            await asyncio.sleep(rng.uniform(*THINK))
            if time.perf_counter() >= deadline:
                break
            roll = rng.random()
            if user.writer is not None and roll < 0.5:
                kind, ok = "write", (200, 201, 303)
                request = user.writer(f"load-{user.email}", n)
                method, path, body = "POST", request.path, urlencode(request.data).encode()
            elif roll < 0.75:
                kind, ok = "page", (200,)
                choice = rng.choice([*PAGES, "region"])
                path = f"/regions/{rng.choice(regions)}" if choice == "region" else choice
                method, body = "GET", b""
            else:
                kind, ok = "api", (200,)
                choice = rng.choice([*APIS, "region"])
                path = f"/api/v1/regions/{rng.choice(regions)}" if choice == "region" else choice
                method, body = "GET", b""
            n += 1
            started = time.perf_counter()
            try:
                status = await connection.request(method, path, body, user.token)
            except (OSError, ValueError, asyncio.IncompleteReadError):
                stats.errors[kind] += 1
                connection.close()
                continue
            stats.times[kind].append(time.perf_counter() - started)
            stats.statuses[status] = stats.statuses.get(status, 0) + 1
            if status not in ok:
                stats.errors[kind] += 1
    finally:
        connection.close()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _users(server: PlatformServer, run: str) -> list[User]:
    writers = max(1, round(USERS * WRITER_SHARE))
    kinds = list(WRITE_KINDS.values())
    users = []
    for i in range(USERS):
        kind = kinds[i % len(kinds)] if i < writers else None
        email = f"{run}-{i:03d}@example.eu"
        create_user(
            server.database_url,
            email,
            role=kind.role if kind else "member",
            organisation=f"{run} agency",
        )
        writer = kind.prepare(server.database_url, email) if kind is not None else None
        with httpx.Client(base_url=server.base_url, timeout=30) as client:
            token = sign_in(client, email)
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        users.append(User(email, cookie, token, kind, writer))
    return users


def _warm(server: PlatformServer, users: list[User]) -> list[str]:
    """Every URL a few times per worker, as earlier visitors would have: returns regions."""
    headers = {"Cookie": users[0].cookie}
    with httpx.Client(base_url=server.base_url, timeout=120, headers=headers) as client:
        listing = client.get("/api/v1/regions", params={"level": 2, "per_page": 500}).json()
        regions = [r["code"] for r in listing["items"] if r["has_data"]][:40]
        for _ in range(2 * server.workers):
            for url in [
                *PAGES,
                *APIS,
                *(f"/regions/{c}" for c in regions),
                *(f"/api/v1/regions/{c}" for c in regions),
            ]:
                client.get(url).raise_for_status()
    return regions


def run() -> None:
    """Start the platform, sign the users in, warm it, run the load, print the table."""
    from bench.bench_web import _var_dir

    var_dir = _var_dir()
    records = Path(tempfile.mkdtemp(prefix="polisee-load-"))
    url = os.environ.get("POLISEE_BENCH_DATABASE_URL") or f"sqlite:///{records / 'records.sqlite3'}"
    run_id = f"u{int(time.time())}"
    log = records / "server.log"
    server = PlatformServer(database_url=url, var_dir=var_dir, workers=2, log=log)
    server.start()
    try:
        users = _users(server, run_id)
        regions = _warm(server, users)
        stats = Stats()
        host, port = "127.0.0.1", server.port
        deadline = time.perf_counter() + SECONDS
        started = time.perf_counter()
        asyncio.run(_gather(users, host, port, regions, stats, deadline))
        elapsed = time.perf_counter() - started
        problems = []
        for write_kind in WRITE_KINDS.values():
            keys = {f"load-{u.email}" for u in users if u.kind is write_kind}
            for key in sorted(keys):
                problems += write_kind.check(url, set(), key)
    finally:
        server.stop()
        log_tail = log.read_text(errors="replace").splitlines()[-30:] if log.exists() else []
        shutil.rmtree(records, ignore_errors=True)
    backend = "postgresql" if url.startswith("postgresql") else "sqlite"
    print(
        f"   {USERS} users ({round(USERS * WRITER_SHARE)} writers), think time "
        f"{THINK[0]:g}-{THINK[1]:g} s, {SECONDS:.0f} s, records on {backend}, 2 workers"
    )
    print(
        f"{'kind':<7}{'requests':>9}{'p50_ms':>8}{'p95_ms':>8}{'p99_ms':>8}{'req_per_s':>10}{'errors':>7}"
    )
    every: list[float] = []
    for kind, times in stats.times.items():
        every += times
        print(
            f"{kind:<7}{len(times):>9}{_percentile(times, 0.5) * 1000:>8.1f}{_percentile(times, 0.95) * 1000:>8.1f}"
            f"{_percentile(times, 0.99) * 1000:>8.1f}{len(times) / elapsed:>10.1f}{stats.errors[kind]:>7}"
        )
    errors = sum(stats.errors.values())
    p95 = _percentile(every, 0.95) * 1000
    print(
        f"{'all':<7}{len(every):>9}{_percentile(every, 0.5) * 1000:>8.1f}{p95:>8.1f}"
        f"{_percentile(every, 0.99) * 1000:>8.1f}{len(every) / elapsed:>10.1f}{errors:>7}"
    )
    print(
        f"   statuses {dict(sorted(stats.statuses.items()))}; half-written writes: {len(problems)}"
    )
    if errors and log_tail:
        print("   server log (last lines):\n      " + "\n      ".join(log_tail))
    verdict = "met" if errors == 0 and p95 < GOAL_P95_MS and not problems else "NOT met"
    print(f"   goal (zero errors, p95 < {GOAL_P95_MS:.0f} ms): {verdict}", flush=True)


async def _gather(
    users: list[User], host: str, port: int, regions: list[str], stats: Stats, deadline: float
) -> None:
    await asyncio.gather(
        *(_user(u, host, port, regions, stats, deadline, seed=i) for i, u in enumerate(users))
    )


if __name__ == "__main__":
    run()
