"""What the browser tests share: Debian's chromium, its flags, and a real uvicorn server."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

BROWSER = os.environ.get("POLISEE_BROWSER", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# Without the background-networking flags chromium keeps calling out of this closed network.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
needs_chromium = pytest.mark.skipif(not Path(BROWSER).exists(), reason=f"no chromium at {BROWSER}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Run ``app`` with uvicorn in a thread on a free loopback port; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not instance.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(timeout=10)


@contextmanager
def analyst_app(
    tmp_path_factory: pytest.TempPathFactory, organisation: str, email: str, password: str
) -> Iterator[FastAPI]:
    """The platform on the demo statistics with a fresh SQLite records file and one analyst
    (``email``/``password``) of ``organisation``; closes both stores afterwards."""
    from tests.services.test_evidence import demo_stats_path
    from tests.web.test_evidence_pages import evidence_app

    from polisee.records.db import transaction
    from polisee.services import accounts
    from polisee.services.audit import CLI_ACTOR

    var_dir = demo_stats_path(tmp_path_factory).parent
    records = tmp_path_factory.mktemp("browser") / "records.sqlite3"
    application = evidence_app(var_dir, records)
    with transaction(f"sqlite:///{records}") as db:
        org = accounts.create_organisation(db, name=organisation, kind="agency", actor=CLI_ACTOR)
        user = accounts.create_user(
            db, email=email, display_name="Anna Analyst", password=password, actor=CLI_ACTOR
        )
        accounts.grant_role(
            db, user_id=user.id, organisation_id=org.id, role="analyst", actor=CLI_ACTOR
        )
    try:
        yield application
    finally:
        application.state.evidence.close()
        application.state.engine.dispose()
