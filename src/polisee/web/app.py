"""The app factory: ``create_app(settings)`` builds the whole web platform on one records DB."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from polisee import __version__
from polisee.config import Settings
from polisee.records.db import make_engine, make_session_factory, transaction
from polisee.records.migrate import upgrade
from polisee.services.financing import ensure_builtin_ladders
from polisee.services.semantic import SemanticSearch
from polisee.web.errors import install_error_handlers
from polisee.web.evidence_app import install_evidence
from polisee.web.routes import (
    admin,
    api,
    api_clusters,
    api_partners,
    api_plans,
    api_practices,
    api_scoreboard,
    assessment_links,
    assessment_results,
    assessments,
    auth,
    cluster_organisations,
    financing,
    frameworks,
    home,
    notifications,
    partner_network,
    partner_requests,
    partners,
    plan_editor,
    plans,
    reports,
    scoreboard,
)
from polisee.web.routes.groups import install_groups
from polisee.web.routes.practices import install_practices
from polisee.web.security import SecurityHeadersMiddleware, verify_csrf

__all__ = ["MAX_REQUEST_BYTES", "app_from_environment", "create_app"]

MAX_REQUEST_BYTES = 1 << 20
STATIC_DIR = Path(__file__).resolve().parent / "static"


def _secret_key(settings: Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    # Without a configured key, one is generated once and kept beside the stores.
    path = settings.var_dir / "secret_key"
    if not path.exists():
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(settings: Settings, *, max_request_bytes: int = MAX_REQUEST_BYTES) -> FastAPI:
    """The platform on ``settings.database_url``, whose schema is created or upgraded first."""
    if settings.database_url.startswith("sqlite:///"):
        Path(settings.database_url.removeprefix("sqlite:///")).parent.mkdir(
            parents=True, exist_ok=True
        )
    upgrade(settings.database_url)
    with transaction(settings.database_url) as db:
        ensure_builtin_ladders(db)
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        # The statistics store holds a DuckDB file open; release it with the records engine.
        evidence = getattr(app.state, "evidence", None)
        if evidence is not None:
            evidence.close()
        engine.dispose()

    app = FastAPI(
        title="polisee",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        max_body_size=max_request_bytes,
        dependencies=[Depends(verify_csrf)],
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.secret_key = _secret_key(settings)
    app.state.semantic = SemanticSearch(settings.semantic)
    app.add_middleware(SecurityHeadersMiddleware)
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (
        home,
        auth,
        admin,
        api,
        assessments,
        assessment_links,
        assessment_results,
        frameworks,
        api_practices,
        notifications,
        cluster_organisations,
        financing,
        api_clusters,
        reports,
        partners,
        partner_requests,
        partner_network,
        api_partners,
        plans,
        plan_editor,
        api_plans,
    ):
        app.include_router(module.router)
    install_practices(app, settings)
    install_groups(app, settings)
    install_evidence(app, settings)
    # The scoreboard reads the evidence explorer's store and cache (app.state.evidence).
    for module in (scoreboard, api_scoreboard):
        app.include_router(module.router)
    return app


def app_from_environment() -> FastAPI:
    """The app on ``Settings()`` from the environment (``uvicorn --factory``, ``polisee serve``)."""
    return create_app(Settings())
