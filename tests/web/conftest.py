"""Web fixtures: an app per test on the test database, and signed-in clients per role."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from polisee.config import Settings
from polisee.records.db import transaction
from polisee.services import accounts
from polisee.services.audit import CLI_ACTOR
from polisee.web.app import create_app

PASSWORD = "correct horse battery"
ROLES = ["member", "cluster_manager", "policy_maker", "analyst", "admin"]


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    # Semantic search off: pages read the same whether or not the extra is installed here
    # (tests/web/test_practices.py switches it on to test the model's path).
    settings = Settings(
        var_dir=tmp_path / "var", database_url=database_url, secret_key="s" * 40, semantic=False
    )
    application = create_app(settings, max_request_bytes=64 * 1024)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
def people(database_url: str) -> dict[str, str]:
    """One user per role in one organisation; returns role -> email."""
    emails = {}
    with transaction(database_url) as db:
        org = accounts.create_organisation(db, name="Pannon Agency", kind="agency", actor=CLI_ACTOR)
        for role in ROLES:
            email = f"{role}@example.eu"
            user = accounts.create_user(
                db, email=email, display_name=role.title(), password=PASSWORD, actor=CLI_ACTOR
            )
            accounts.grant_role(
                db, user_id=user.id, organisation_id=org.id, role=role, actor=CLI_ACTOR
            )
            emails[role] = email
    return emails


def form_token(client: TestClient, path: str = "/login") -> str:
    """The csrf_token hidden field of the page at ``path``."""
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, f"no form token on {path}"
    return found.group(1)


def log_in(client: TestClient, email: str, password: str = PASSWORD) -> None:
    token = form_token(client)
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


@pytest.fixture
def login() -> Callable[[TestClient, str], None]:
    return log_in
