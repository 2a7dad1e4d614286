"""The real platform in a subprocess, signed-in clients, and pluggable write traffic.

Shared by the fault tests (``tests/web/test_faults.py``) and the load test
(``bench/bench_load_web.py``). Write traffic comes from a :class:`WriteKind`: a set-up that
returns the writer's request factory (request number -> :class:`WriteRequest`) and a checker that, given the keys
of the acknowledged writes, reads the database and lists what is missing or
half-written. :data:`WRITE_KINDS` names the kinds the platform has; a new write
endpoint is added there and every harness uses it: administrators creating organisations,
respondents saving assessment answers.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import func, select

from polisee.records.accounts import Organisation
from polisee.records.assessments import Answer, Framework
from polisee.records.audit import AuditEntry
from polisee.records.db import make_engine, make_session_factory, transaction
from polisee.records.migrate import upgrade
from polisee.services import accounts, assessment
from polisee.services.audit import CLI_ACTOR
from polisee.services.sessions import principal_of

__all__ = [
    "ACKNOWLEDGED",
    "WRITE_KINDS",
    "PlatformServer",
    "WriteKind",
    "WriteRequest",
    "Writer",
    "create_user",
    "fire_writes",
    "free_port",
    "sign_in",
]

ACKNOWLEDGED = frozenset({200, 201, 303})
"""Statuses that tell the client its write was stored."""

PASSWORD = "load test password"


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PlatformServer:
    """``polisee serve`` in a child process on 127.0.0.1, with its own environment."""

    def __init__(
        self,
        *,
        database_url: str,
        var_dir: Path,
        port: int | None = None,
        data_dir: Path | None = None,
        workers: int = 1,
        log: Path | None = None,
    ) -> None:
        self.database_url = database_url
        self.var_dir = var_dir
        self.port = port or free_port()
        self.workers = workers
        self.log = log
        self.env = dict(os.environ)
        self.env.update(
            {
                "POLISEE_DATABASE_URL": database_url,
                "POLISEE_VAR_DIR": str(var_dir),
                "POLISEE_SECRET_KEY": "k" * 40,
            }
        )
        if data_dir is not None:
            self.env["POLISEE_DATA_DIR"] = str(data_dir)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90.0) -> None:
        """Start the server and wait until it answers."""
        upgrade(self.database_url)  # before the workers start: they would race to create it
        if self.workers > 1:
            code = (
                "import uvicorn; uvicorn.run('polisee.web.app:app_from_environment', factory=True,"
                f" host='127.0.0.1', port={self.port}, workers={self.workers},"
                " log_level='warning', access_log=False)"
            )
            command = [sys.executable, "-c", code]
        else:
            command = [
                sys.executable,
                "-c",
                "import sys; from polisee.cli import main; sys.argv[0] = 'polisee'; main()",
                "serve",
                "--port",
                str(self.port),
            ]
        # A session of its own, so that a kill reaches uvicorn's worker processes too.
        sink = self.log.open("ab") if self.log is not None else subprocess.DEVNULL
        try:
            self.process = subprocess.Popen(
                command, env=self.env, stdout=sink, stderr=sink, start_new_session=True
            )
        finally:
            if self.log is not None:
                sink.close()  # type: ignore[union-attr]
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(self.base_url + "/login", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError("the server did not start in time")
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL: no shutdown handler, no flush, as in a power cut of the process."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        """A normal shutdown."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def create_user(
    database_url: str, email: str, role: str = "admin", organisation: str = "Load"
) -> None:
    """A user with ``role`` in ``organisation`` (created when missing), password :data:`PASSWORD`."""
    upgrade(database_url)
    with transaction(database_url) as db:
        try:
            org = accounts.find_organisation(db, organisation)
        except Exception:
            org = accounts.create_organisation(
                db, name=organisation, kind="agency", actor=CLI_ACTOR
            )
        user = accounts.create_user(
            db, email=email, display_name=email.split("@")[0], password=PASSWORD, actor=CLI_ACTOR
        )
        accounts.grant_role(db, user_id=user.id, organisation_id=org.id, role=role, actor=CLI_ACTOR)


_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def sign_in(client: httpx.Client, email: str, password: str = PASSWORD) -> str:
    """Sign ``client`` in; returns the session's form token (sent as ``X-CSRF-Token``)."""
    page = client.get("/login")
    token = _TOKEN.search(page.text)
    assert token, "no form token on /login"
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    if response.status_code != 303:
        raise RuntimeError(f"sign-in of {email} failed with {response.status_code}")
    own = _TOKEN.search(client.get("/account/password").text)
    assert own, "no form token on /account/password"
    return own.group(1)


@dataclass(frozen=True)
class WriteRequest:
    """One write: the form posted and the key the checker looks for afterwards."""

    method: str
    path: str
    data: dict[str, str]
    key: str


Writer = Callable[[str, int], WriteRequest]
"""Builds the i-th write of a run (``writer(run, i)``) for one signed-in writer."""


@dataclass(frozen=True)
class WriteKind:
    """A kind of write traffic: who sends it, how to set it up, and how to check it.

    ``prepare(database_url, email)`` creates what the writer ``email`` (a user with
    ``role``) needs before it signs in — an assessment to answer, for one — and returns
    its :data:`Writer`. ``check(database_url, acknowledged keys, run)`` reads the database
    and lists what is missing or half-written.
    """

    name: str
    role: str
    prepare: Callable[[str, str], Writer]
    check: Callable[[str, set[str], str], list[str]]


# --- organisations (administrators) ----------------------------------------------------------


def _organisation_writer(database_url: str, email: str) -> Writer:
    def write(run: str, i: int) -> WriteRequest:
        name = f"{run}-{i:05d}"
        return WriteRequest("POST", "/admin/organisations", {"name": name, "kind": "agency"}, name)

    return write


def _check_organisations(database_url: str, acked: set[str], run: str) -> list[str]:
    """Every acknowledged organisation exists, and every organisation of the run has
    exactly its one audit entry (a half-written change would lack it or have it alone)."""
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as db:
            stored = dict(
                db.execute(
                    select(Organisation.name, Organisation.id).where(
                        Organisation.name.like(f"{run}-%")
                    )
                ).all()
            )
            every_id = {str(i) for i in db.scalars(select(Organisation.id))}
            audited = dict(
                db.execute(
                    select(AuditEntry.entity_id, func.count())
                    .where(AuditEntry.action == "organisation.create")
                    .group_by(AuditEntry.entity_id)
                ).all()
            )
    finally:
        engine.dispose()
    problems = [f"acknowledged but missing: {key}" for key in sorted(acked - set(stored))]
    problems += [
        f"{name} has {audited.get(str(org_id), 0)} audit entries, expected 1"
        for name, org_id in sorted(stored.items())
        if audited.get(str(org_id), 0) != 1
    ]
    orphans = sorted(k for k in audited if k not in every_id)
    problems += [f"audit entry for organisation {k} that does not exist" for k in orphans]
    return problems


# --- assessment answers (respondents) --------------------------------------------------------

ANSWER_CAPACITY = 1_200
"""Distinct answers one writer can give: the fault test sends 1,000 and one more after the
restart; a load-test writer sends a few dozen."""


def _answer_writer(database_url: str, email: str) -> Writer:
    """Assessments of one owner with ``email`` invited to each as a respondent; the writer
    answers one criterion per request, never the same one twice, as a draft whose comment
    carries the write's key (so the checker can tell which write a row came from)."""
    with transaction(database_url) as db:
        owner_email = f"owner-{email}"
        owner = accounts.create_user(
            db,
            email=owner_email,
            display_name=owner_email.split("@")[0],
            password=PASSWORD,
            actor=CLI_ACTOR,
        )
        organisation = accounts.create_organisation(
            db, name=f"Assessing agency of {email}", kind="agency", actor=CLI_ACTOR
        )
        accounts.grant_role(
            db,
            user_id=owner.id,
            organisation_id=organisation.id,
            role="policy_maker",
            actor=CLI_ACTOR,
        )
        principal = principal_of(db, owner)
        targets: list[tuple[int, str]] = []
        round_year = 1990
        while len(targets) < ANSWER_CAPACITY:
            created = assessment.create_assessment(
                db, principal=principal, region_code="HU21", round_year=round_year
            )
            assessment.invite_respondent(
                db, created.id, principal=principal, email=email, stakeholder_group="business"
            )
            framework = db.get(Framework, created.framework_id)
            assert framework is not None
            criteria = assessment.definition_of(framework).criteria
            targets += [(created.id, c.key) for c in criteria]
            round_year += 1
    taken = itertools.count()

    def write(run: str, i: int) -> WriteRequest:
        n = next(taken)
        if n >= len(targets):
            raise RuntimeError(f"{email} has answered all {len(targets)} criteria prepared")
        assessment_id, criterion = targets[n]
        key = f"{run}-{i:05d}"
        return WriteRequest(
            "POST",
            f"/assessments/{assessment_id}/answers/{criterion}",
            {
                "action": "draft",
                f"score-{criterion}": str(i % 6),
                f"evidence-{criterion}": f"Evidence of write {key}",
                f"comment-{criterion}": key,
            },
            key,
        )

    return write


def _check_answers(database_url: str, acked: set[str], run: str) -> list[str]:
    """Every acknowledged answer is stored whole (score, evidence and comment of its write),
    and every stored answer of the run is in exactly one audit entry of its respondent."""
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as db:
            rows = db.execute(
                select(Answer.comment, Answer.score, Answer.evidence, Answer.respondent_id).where(
                    Answer.comment.like(f"{run}-%")
                )
            ).all()
            respondents = {row.respondent_id for row in rows}
            entries = db.execute(
                select(AuditEntry.entity_id, AuditEntry.after).where(
                    AuditEntry.action == "assessment.answers_save",
                    AuditEntry.entity == "assessment_respondent",
                    AuditEntry.entity_id.in_([str(r) for r in respondents]),
                )
            ).all()
    finally:
        engine.dispose()
    stored = {row.comment: row for row in rows}
    problems = [f"acknowledged but missing: {key}" for key in sorted(acked - set(stored))]
    for key, row in sorted(stored.items()):
        i = int(key.rsplit("-", 1)[1])
        if row.score != i % 6 or row.evidence != f"Evidence of write {key}":
            problems.append(f"{key} is half-written: score {row.score}, {row.evidence!r}")
    audited: dict[str, int] = {}
    for entry in entries:
        for answer in (entry.after or {}).values():
            comment = answer.get("comment", "") if isinstance(answer, dict) else ""
            audited[comment] = audited.get(comment, 0) + 1
    problems += [
        f"{key} has {audited.get(key, 0)} audit entries, expected 1"
        for key in sorted(stored)
        if audited.get(key, 0) != 1
    ]
    return problems


WRITE_KINDS: dict[str, WriteKind] = {
    "organisations": WriteKind(
        "organisations", "admin", prepare=_organisation_writer, check=_check_organisations
    ),
    "assessment_answers": WriteKind(
        "assessment_answers", "member", prepare=_answer_writer, check=_check_answers
    ),
}
"""Write traffic the harnesses can send; the fault test and the load test use every kind."""


@dataclass
class WriteOutcome:
    """What the clients saw: the keys acknowledged, and the other answers."""

    acknowledged: set[str] = field(default_factory=set)
    refused: dict[int, int] = field(default_factory=dict)
    failed: int = 0


async def fire_writes(
    base_url: str,
    write: Writer,
    run: str,
    *,
    cookies: httpx.Cookies,
    token: str,
    count: int,
    concurrency: int,
    on_ack: Callable[[int], None] | None = None,
) -> WriteOutcome:
    """Send ``count`` writes, ``concurrency`` at a time; connection errors count as failed."""
    outcome = WriteOutcome()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(count):
        queue.put_nowait(i)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(
        base_url=base_url, cookies=cookies, timeout=30.0, limits=limits
    ) as client:

        async def worker() -> None:
            while True:
                try:
                    i = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                request = write(run, i)
                try:
                    response = await client.request(
                        request.method,
                        request.path,
                        data=request.data,
                        headers={"x-csrf-token": token},
                    )
                except httpx.HTTPError:
                    outcome.failed += 1
                    continue
                if response.status_code in ACKNOWLEDGED:
                    outcome.acknowledged.add(request.key)
                    if on_ack is not None:
                        on_ack(len(outcome.acknowledged))
                else:
                    outcome.refused[response.status_code] = (
                        outcome.refused.get(response.status_code, 0) + 1
                    )

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return outcome
