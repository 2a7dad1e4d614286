"""The evidence explorer on an app: the read-only statistics store, the cache and the routers.

``install_evidence(app, settings)`` is called once after ``create_app``. Without a statistics
store the pages explain how to load data instead of failing; the store is looked for again
on later requests, so loading the data does not need a restart.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI, Request
from starlette.responses import JSONResponse, Response

from polisee.config import Settings
from polisee.services.evidence import EvidenceCache, open_store
from polisee.statsdb import StatsStore
from polisee.web.routes.api_evidence import router as api_router
from polisee.web.routes.evidence import NoData
from polisee.web.routes.evidence import router as pages_router
from polisee.web.templating import render

__all__ = ["EvidenceState", "install_evidence"]

RETRY_SECONDS = 5.0


@dataclass
class EvidenceState:
    """What the evidence routes share: the store (opened lazily), its cache, the data dir."""

    stats_path: Path
    data_dir: Path
    cache: EvidenceCache = field(default_factory=EvidenceCache)
    _store: StatsStore | None = None
    _tried: float = -1e9
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def store(self) -> StatsStore | None:
        """The read-only store, or None while no data has been loaded."""
        if self._store is not None:
            return self._store
        with self._lock:
            now = time.monotonic()
            if self._store is None and now - self._tried >= RETRY_SECONDS:
                self._tried = now
                self._store = open_store(self.stats_path)
        return self._store

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None


async def _no_data(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse(
            {"detail": "no statistics are loaded yet", "where": None}, status_code=503
        )
    return render(request, "evidence/no_data.html", {}, status_code=503)


def install_evidence(app: FastAPI, settings: Settings) -> EvidenceState:
    """Attach the statistics store and cache to ``app.state.evidence`` and add the routes.

    Calling it again on the same app changes nothing and returns the existing state.
    """
    existing: EvidenceState | None = getattr(app.state, "evidence", None)
    if existing is not None:
        return existing
    state = EvidenceState(stats_path=settings.stats_path, data_dir=settings.data_dir)
    state.store()
    app.state.evidence = state
    app.add_exception_handler(NoData, _no_data)
    app.include_router(pages_router)
    app.include_router(api_router)
    return state
