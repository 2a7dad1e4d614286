"""Fault tests on the real server: SIGKILL in the middle of 1,000 concurrent writes.

Every write the server acknowledged must be in the database after a restart, and no
change may be half-written. The writes come from ``bench._platform.WRITE_KINDS``, so a
new write endpoint is tested by adding its kind there.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from bench._platform import WRITE_KINDS, PlatformServer, create_user, fire_writes, sign_in

pytestmark = pytest.mark.slow

WRITES = 1000
CONCURRENCY = 50
KILL_AFTER = 300


@pytest.mark.parametrize("kind", sorted(WRITE_KINDS), ids=sorted(WRITE_KINDS))
def test_acknowledged_writes_survive_a_killed_server(
    database_url: str, tmp_path: Path, kind: str
) -> None:
    write = WRITE_KINDS[kind]
    email = f"writer-{kind}@example.eu"
    create_user(database_url, email, role=write.role)
    writer = write.prepare(database_url, email)
    server = PlatformServer(database_url=database_url, var_dir=tmp_path / "var")
    server.start()
    try:
        with httpx.Client(base_url=server.base_url) as client:
            token = sign_in(client, email)
            cookies = client.cookies
        killed_at: list[int] = []

        def kill_midway(acknowledged: int) -> None:
            if acknowledged >= KILL_AFTER and not killed_at:
                killed_at.append(acknowledged)
                server.kill()

        outcome = asyncio.run(
            fire_writes(
                server.base_url,
                writer,
                "kill",
                cookies=cookies,
                token=token,
                count=WRITES,
                concurrency=CONCURRENCY,
                on_ack=kill_midway,
            )
        )
        assert killed_at, f"the server was not killed: {len(outcome.acknowledged)} acknowledged"
        assert KILL_AFTER <= len(outcome.acknowledged) < WRITES
        assert outcome.failed > 0
        server.start()
        assert write.check(database_url, outcome.acknowledged, "kill") == []
        # The restarted platform takes writes again.
        with httpx.Client(base_url=server.base_url) as client:
            token = sign_in(client, email)
            again = writer("after", 0)
            response = client.request(
                again.method, again.path, data=again.data, headers={"x-csrf-token": token}
            )
        assert response.status_code in (200, 201, 303)
        assert write.check(database_url, {again.key}, "after") == []
    finally:
        server.stop()
