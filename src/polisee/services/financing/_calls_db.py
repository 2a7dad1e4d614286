"""Funding calls in the records: calls and criteria, applications with their eligibility
check, evaluators' score sheets (immutable, corrected by new versions), appeal notes,
stored allocations and what-if simulations.

Object-level rules: a cluster manager sees and acts on the applications of the cluster
organisations it manages only; evaluators (``application:evaluate``) and call managers
(``call:manage``) see every application; an evaluator never scores an application of an
organisation they belong to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.accounts import User
from polisee.records.clusters import ClusterOrganisation
from polisee.records.financing import (
    Allocation,
    AppealNote,
    Application,
    CallCriterion,
    CallStatus,
    FundingCall,
    ScoreSheet,
)
from polisee.records.permissions import Permission
from polisee.services.audit import record_change
from polisee.services.clusters import Viewer, get_cluster
from polisee.services.financing._allocate import (
    AllocationResult,
    CallTerms,
    Candidate,
    CriterionTerms,
    Scenario,
    allocate,
    simulate,
)
from polisee.services.financing._evaluations_db import evaluate_cluster
from polisee.services.financing._ladders_db import ladder_of, latest_ladder
from polisee.services.financing._text import Phrase

__all__ = [
    "ApplicationView",
    "CriterionInput",
    "SheetView",
    "add_appeal_note",
    "allocation_rows",
    "appeal_notes",
    "apply_to_call",
    "call_terms",
    "create_call",
    "get_application",
    "get_call",
    "latest_allocation",
    "list_calls",
    "reproduce_allocation",
    "run_allocation",
    "sees_all_applications",
    "set_call_status",
    "simulate_call",
    "submit_scores",
    "visible_applications",
    "visible_sheets",
]

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_MONEY_LIMIT = Decimal("1e13")
_TRANSITIONS = {
    CallStatus.DRAFT: {CallStatus.OPEN},
    CallStatus.OPEN: {CallStatus.CLOSED},
    CallStatus.CLOSED: {CallStatus.OPEN},
}


@dataclass(frozen=True)
class CriterionInput:
    """A selection criterion as the call manager enters it."""

    key: str
    name: str
    weight: Decimal
    max_score: int = 10


@dataclass(frozen=True)
class ApplicationView:
    """An application with its cluster organisation and whether the viewer manages it."""

    application: Application
    cluster: ClusterOrganisation
    own: bool


@dataclass(frozen=True)
class SheetView:
    """A score sheet as shown to the viewer; ``evaluator`` is a name for the agency and
    "Evaluator n" for applicants; ``current`` marks each evaluator's latest version."""

    sheet: ScoreSheet
    evaluator: str
    current: bool


def sees_all_applications(viewer: Viewer) -> bool:
    """Evaluators, call managers and administrators see every application of a call."""
    return viewer.admin or bool(
        {Permission.APPLICATION_EVALUATE, Permission.CALL_MANAGE} & viewer.permissions
    )


def _money(value: Decimal | str, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InputError(f"expected an amount in euro, got {value!r}", field=field) from None
    if not number.is_finite() or not Decimal(0) < number <= _MONEY_LIMIT:
        raise InputError(f"expected an amount above 0, got {value}", field=field)
    return number.quantize(Decimal("0.01"))


def _fraction(value: Decimal | str, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InputError(f"expected a fraction like 0.5, got {value!r}", field=field) from None
    if not number.is_finite() or not Decimal(0) < number <= 1:
        raise InputError(f"expected a fraction above 0 and at most 1, got {value}", field=field)
    return number


def create_call(
    session: Session,
    viewer: Viewer,
    *,
    title: str,
    ladder_key: str,
    eligible_stages: Sequence[str],
    budget: Decimal | str,
    max_grant: Decimal | str,
    cofinancing_rate: Decimal | str,
    opens_on: date,
    closes_on: date,
    criteria: Sequence[CriterionInput],
    description: str = "",
    min_score: Decimal | str = "0",
    allow_partial: bool = False,
    demo: bool = False,
) -> FundingCall:
    """A new call in draft; its stages must exist on the newest version of the ladder."""
    clean_title = " ".join(title.split())
    if not 1 <= len(clean_title) <= 300:
        raise InputError(f"expected 1 to 300 characters, got {len(clean_title)}", field="title")
    ladder = ladder_of(latest_ladder(session, ladder_key))
    stages = list(dict.fromkeys(s.strip() for s in eligible_stages if s.strip()))
    if not stages:
        raise InputError("expected at least one eligible stage", field="eligible_stages")
    unknown = [s for s in stages if s not in ladder.stage_keys()]
    if unknown:
        raise InputError(
            f"expected stages of {ladder.key} among {ladder.stage_keys()}, got {unknown}",
            field="eligible_stages",
        )
    if closes_on < opens_on:
        raise InputError(f"expected a closing date on or after {opens_on}", field="closes_on")
    if not criteria:
        raise InputError("expected at least one selection criterion", field="criteria")
    keys = [c.key for c in criteria]
    for c in criteria:
        if not _KEY.match(c.key):
            raise InputError(
                f"expected a criterion key like 'quality', got {c.key!r}", field="criteria"
            )
        if c.weight <= 0 or not 1 <= c.max_score <= 100 or not c.name.strip():
            raise InputError(
                f"criterion {c.key!r}: expected a name, a positive weight and a maximum score of 1 to 100",
                field="criteria",
            )
    if len(set(keys)) != len(keys):
        raise InputError(f"criterion keys must differ, got {keys}", field="criteria")
    try:
        floor = Decimal(str(min_score).strip())
    except InvalidOperation:
        raise InputError(
            f"expected a score from 0 to 100, got {min_score!r}", field="min_score"
        ) from None
    if not Decimal(0) <= floor <= 100:
        raise InputError(f"expected a score from 0 to 100, got {floor}", field="min_score")
    call = FundingCall(
        title=clean_title,
        description=description.strip()[:4000],
        ladder_key=ladder.key,
        eligible_stages=[s for s in ladder.stage_keys() if s in stages],
        budget=_money(budget, "budget"),
        max_grant=_money(max_grant, "max_grant"),
        cofinancing_rate=_fraction(cofinancing_rate, "cofinancing_rate"),
        min_score=floor,
        allow_partial=allow_partial,
        opens_on=opens_on,
        closes_on=closes_on,
        status=CallStatus.DRAFT,
        organisation_id=min(viewer.organisations) if viewer.organisations else None,
        demo=demo,
        created_by_id=viewer.user_id,
        criteria=[
            CallCriterion(
                key=c.key,
                position=i,
                name=c.name.strip()[:300],
                weight=c.weight,
                max_score=c.max_score,
            )
            for i, c in enumerate(criteria)
        ],
    )
    session.add(call)
    session.flush()
    record_change(
        session,
        viewer.actor,
        "call.create",
        "funding_call",
        call.id,
        after={
            "title": call.title,
            "ladder": call.ladder_key,
            "eligible_stages": call.eligible_stages,
            "budget": str(call.budget),
            "max_grant": str(call.max_grant),
            "cofinancing_rate": str(call.cofinancing_rate),
            "allow_partial": allow_partial,
            "criteria": [
                {"key": c.key, "weight": str(c.weight), "max_score": c.max_score} for c in criteria
            ],
        },
    )
    return call


def get_call(session: Session, call_id: int) -> FundingCall:
    """A call with its criteria."""
    call = session.scalar(
        select(FundingCall)
        .where(FundingCall.id == call_id)
        .options(selectinload(FundingCall.criteria))
    )
    if call is None:
        raise NotFound(f"no call {call_id}")
    return call


def list_calls(session: Session) -> list[FundingCall]:
    """Every call, newest first, with criteria."""
    return list(
        session.scalars(
            select(FundingCall)
            .options(selectinload(FundingCall.criteria))
            .order_by(FundingCall.opens_on.desc(), FundingCall.id.desc())
        )
    )


def set_call_status(session: Session, viewer: Viewer, call_id: int, status: str) -> FundingCall:
    """Open a draft call, close an open one, or reopen a closed one."""
    call = get_call(session, call_id)
    try:
        target = CallStatus(status)
    except ValueError:
        raise InputError(f"expected one of open, closed, got {status!r}", field="status") from None
    if target not in _TRANSITIONS[call.status]:
        raise Conflict(f"a {call.status.value} call cannot become {target.value}")
    before = call.status.value
    call.status = target
    session.flush()
    record_change(
        session,
        viewer.actor,
        "call.status",
        "funding_call",
        call.id,
        before={"status": before},
        after={"status": target.value},
    )
    return call


def apply_to_call(
    session: Session,
    viewer: Viewer,
    call_id: int,
    cluster_id: int,
    *,
    title: str,
    eligible_budget: Decimal | str,
    summary: str = "",
    today: date | None = None,
) -> Application:
    """Apply on behalf of a cluster organisation the viewer manages.

    Eligibility is checked at once: the organisation is evaluated (and the evaluation
    stored) on the newest version of the call's ladder, and its stage must be among the
    call's eligible stages. An ineligible application is kept, with the reasons.
    """
    call = get_call(session, call_id)
    cluster = get_cluster(session, viewer, cluster_id)
    if not viewer.manages(cluster):
        raise PermissionDenied("only the cluster's own managers apply on its behalf")
    day = today or date.today()
    if call.status != CallStatus.OPEN or not call.opens_on <= day <= call.closes_on:
        raise Conflict(
            f"the call takes applications from {call.opens_on} to {call.closes_on} while open"
        )
    if session.scalar(
        select(Application.id).where(
            Application.call_id == call.id, Application.cluster_id == cluster.id
        )
    ):
        raise Conflict(f"{cluster.name} has applied to this call already")
    clean_title = " ".join(title.split())
    if not 1 <= len(clean_title) <= 300:
        raise InputError(f"expected 1 to 300 characters, got {len(clean_title)}", field="title")
    budget = _money(eligible_budget, "eligible_budget")
    stored = evaluate_cluster(session, viewer, cluster.id, call.ladder_key, as_of=day, store=True)
    result = stored.evaluation
    reasons: list[Phrase] = []
    if result.stage is None:
        reasons.append(Phrase("no stage of {ladder} is reached", {"ladder": result.ladder_name}))
    elif result.stage not in call.eligible_stages:
        reasons.append(
            Phrase(
                "the stage reached, {stage}, is not among the eligible stages",
                {"stage": result.stage_name or result.stage},
            )
        )
    eligible = not reasons
    assert stored.record is not None
    application = Application(
        call_id=call.id,
        cluster_id=cluster.id,
        title=clean_title,
        summary=summary.strip()[:4000],
        eligible_budget=budget,
        eligible=eligible,
        eligibility={
            "ladder": stored.ladder_version.key,
            "ladder_version": stored.ladder_version.version,
            "evaluation_id": stored.record.id,
            "as_of": day.isoformat(),
            "stage": result.stage,
            "stage_name": result.stage_name,
            "eligible_stages": list(call.eligible_stages),
            "reasons": [r.to_json() for r in reasons],
        },
        evaluation_id=stored.record.id,
        submitted_by_id=viewer.user_id,
    )
    session.add(application)
    session.flush()
    record_change(
        session,
        viewer.actor,
        "application.submit",
        "application",
        application.id,
        after={
            "call_id": call.id,
            "cluster_id": cluster.id,
            "eligible_budget": str(budget),
            "eligible": eligible,
            "stage": result.stage,
        },
    )
    return application


def visible_applications(session: Session, viewer: Viewer, call_id: int) -> list[ApplicationView]:
    """The call's applications the viewer may see (cluster managers: their own only)."""
    call = get_call(session, call_id)
    rows = session.execute(
        select(Application, ClusterOrganisation)
        .join(ClusterOrganisation, ClusterOrganisation.id == Application.cluster_id)
        .where(Application.call_id == call.id)
        .order_by(Application.submitted_at, Application.id)
    ).all()
    everyone = sees_all_applications(viewer)
    return [
        ApplicationView(app, cluster, viewer.manages(cluster))
        for app, cluster in rows
        if everyone or viewer.manages(cluster)
    ]


def get_application(
    session: Session, viewer: Viewer, call_id: int, application_id: int
) -> ApplicationView:
    """One application; PermissionDenied for a cluster manager of another organisation."""
    application = session.get(Application, application_id)
    if application is None or application.call_id != call_id:
        raise NotFound(f"no application {application_id} to call {call_id}")
    cluster = session.get(ClusterOrganisation, application.cluster_id)
    assert cluster is not None
    own = viewer.manages(cluster)
    if not (own or sees_all_applications(viewer)):
        raise PermissionDenied("applicants see their own applications only")
    return ApplicationView(application, cluster, own)


def visible_sheets(session: Session, viewer: Viewer, view: ApplicationView) -> list[SheetView]:
    """Every version of every score sheet of the application, as the viewer may see them."""
    rows = session.execute(
        select(ScoreSheet, User.display_name)
        .join(User, User.id == ScoreSheet.evaluator_id)
        .where(ScoreSheet.application_id == view.application.id)
        .order_by(ScoreSheet.evaluator_id, ScoreSheet.version)
    ).all()
    latest: dict[int, int] = {}
    for sheet, _ in rows:
        latest[sheet.evaluator_id] = max(latest.get(sheet.evaluator_id, 0), sheet.version)
    anonymous = not sees_all_applications(viewer)
    numbers = {evaluator: i for i, evaluator in enumerate(sorted(latest), start=1)}
    return [
        SheetView(
            sheet,
            f"Evaluator {numbers[sheet.evaluator_id]}" if anonymous else name,
            sheet.version == latest[sheet.evaluator_id],
        )
        for sheet, name in rows
    ]


def submit_scores(
    session: Session,
    viewer: Viewer,
    call_id: int,
    application_id: int,
    *,
    scores: Mapping[str, Decimal | str],
    comment: str = "",
) -> ScoreSheet:
    """Submit the evaluator's scores of every criterion; a second submission by the same
    evaluator is a correction: a new sheet with the next version (sheets never change)."""
    if Permission.APPLICATION_EVALUATE not in viewer.permissions or viewer.user_id is None:
        raise PermissionDenied("needs permission 'application:evaluate'")
    view = get_application(session, viewer, call_id, application_id)
    if view.cluster.organisation_id in viewer.organisations:
        raise PermissionDenied("an evaluator cannot score an application of their own organisation")
    call = get_call(session, call_id)
    if call.status == CallStatus.DRAFT:
        raise Conflict("the call is not open yet")
    if not view.application.eligible:
        raise Conflict("ineligible applications are not scored")
    clean: dict[str, str] = {}
    for criterion in call.criteria:
        raw = scores.get(criterion.key)
        field = f"score_{criterion.key}"
        if raw is None or str(raw).strip() == "":
            raise InputError(f"expected a score for {criterion.name!r}", field=field)
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise InputError(f"expected a number, got {raw!r}", field=field) from None
        if not value.is_finite() or not Decimal(0) <= value <= criterion.max_score:
            raise InputError(
                f"expected a score from 0 to {criterion.max_score}, got {value}", field=field
            )
        clean[criterion.key] = str(value)
    extra = set(scores) - {c.key for c in call.criteria}
    if extra:
        raise InputError(f"unknown criteria {sorted(extra)}", field="scores")
    version = (
        session.scalar(
            select(func.max(ScoreSheet.version)).where(
                ScoreSheet.application_id == view.application.id,
                ScoreSheet.evaluator_id == viewer.user_id,
            )
        )
        or 0
    ) + 1
    sheet = ScoreSheet(
        application_id=view.application.id,
        evaluator_id=viewer.user_id,
        version=version,
        scores=clean,
        comment=comment.strip()[:4000],
    )
    session.add(sheet)
    session.flush()
    record_change(
        session,
        viewer.actor,
        "score.submit" if version == 1 else "score.correct",
        "score_sheet",
        sheet.id,
        after={"application_id": view.application.id, "version": version, "scores": clean},
    )
    return sheet


def call_terms(call: FundingCall) -> CallTerms:
    """What the allocation reads from a call."""
    return CallTerms(
        budget=call.budget,
        max_grant=call.max_grant,
        cofinancing_rate=call.cofinancing_rate,
        allow_partial=call.allow_partial,
        min_score=call.min_score,
        criteria=tuple(CriterionTerms(c.key, c.name, c.weight, c.max_score) for c in call.criteria),
    )


def _candidates(session: Session, call: FundingCall) -> list[Candidate]:
    rows = session.execute(
        select(Application, ClusterOrganisation.name)
        .join(ClusterOrganisation, ClusterOrganisation.id == Application.cluster_id)
        .where(Application.call_id == call.id)
        .order_by(Application.id)
    ).all()
    sheets: dict[int, dict[int, ScoreSheet]] = {}
    for sheet in session.scalars(
        select(ScoreSheet)
        .join(Application, Application.id == ScoreSheet.application_id)
        .where(Application.call_id == call.id)
    ):
        mine = sheets.setdefault(sheet.application_id, {})
        held = mine.get(sheet.evaluator_id)
        if held is None or sheet.version > held.version:
            mine[sheet.evaluator_id] = sheet
    out = []
    for application, name in rows:
        latest = sheets.get(application.id, {})
        out.append(
            Candidate(
                application_id=application.id,
                label=name,
                eligible=application.eligible,
                eligible_budget=application.eligible_budget,
                submitted_at=application.submitted_at,
                sheets=tuple(
                    {k: Decimal(v) for k, v in latest[e].scores.items()} for e in sorted(latest)
                ),
            )
        )
    return out


def run_allocation(session: Session, viewer: Viewer, call_id: int) -> Allocation:
    """Rank the applications and allocate the budget; stored with every input it read."""
    call = get_call(session, call_id)
    if call.status != CallStatus.CLOSED:
        raise Conflict("close the call before allocating its budget")
    terms = call_terms(call)
    candidates = _candidates(session, call)
    result = allocate(terms, candidates)
    allocation = Allocation(
        call_id=call.id,
        inputs={
            "call_id": call.id,
            "method": "rank by weighted mean score; grant = min(max grant, rate x budget, remaining)",
            "terms": terms.to_json(),
            "candidates": [c.to_json() for c in candidates],
        },
        result=result.to_json(),
        total_granted=result.total_granted,
        created_by_id=viewer.user_id,
    )
    session.add(allocation)
    session.flush()
    record_change(
        session,
        viewer.actor,
        "allocation.run",
        "allocation",
        allocation.id,
        after={
            "call_id": call.id,
            "total_granted": str(result.total_granted),
            "funded": [r.application_id for r in result.funded()],
        },
    )
    return allocation


def reproduce_allocation(allocation: Allocation) -> AllocationResult:
    """The allocation recomputed from its stored inputs alone (equal to the stored result)."""
    inputs = allocation.inputs
    return allocate(
        CallTerms.from_json(inputs["terms"]),
        [Candidate.from_json(c) for c in inputs["candidates"]],
    )


def latest_allocation(session: Session, call_id: int) -> Allocation | None:
    """The newest allocation run of the call."""
    return session.scalar(
        select(Allocation)
        .where(Allocation.call_id == call_id)
        .order_by(Allocation.created_at.desc(), Allocation.id.desc())
        .limit(1)
    )


def allocation_rows(
    session: Session, viewer: Viewer, allocation: Allocation
) -> list[dict[str, object]]:
    """The stored result rows the viewer may see (cluster managers: their own only)."""
    rows: list[dict[str, object]] = list(allocation.result["rows"])
    if sees_all_applications(viewer):
        return rows
    own = set(
        session.scalars(
            select(Application.id)
            .join(ClusterOrganisation, ClusterOrganisation.id == Application.cluster_id)
            .where(
                Application.call_id == allocation.call_id,
                ClusterOrganisation.organisation_id.in_(viewer.managed or {-1}),
            )
        )
    )
    return [r for r in rows if r["application_id"] in own]


def simulate_call(
    session: Session, viewer: Viewer, call_id: int, scenarios: Sequence[Scenario]
) -> list[tuple[Scenario, AllocationResult]]:
    """Who would be funded under each scenario, on the current scores (nothing stored)."""
    if not sees_all_applications(viewer):
        raise PermissionDenied("simulations show every application; call managers only")
    call = get_call(session, call_id)
    return simulate(call_terms(call), _candidates(session, call), scenarios)


def add_appeal_note(
    session: Session, viewer: Viewer, call_id: int, application_id: int, text: str
) -> AppealNote:
    """A note on the application's appeal: by its cluster's managers (the appeal) or by a
    call manager (the agency's answer)."""
    view = get_application(session, viewer, call_id, application_id)
    manager = Permission.CALL_MANAGE in viewer.permissions
    if not (view.own or manager):
        raise PermissionDenied("only the applicant and the call managers write appeal notes")
    clean = text.strip()
    if not 1 <= len(clean) <= 4000:
        raise InputError(f"expected 1 to 4000 characters, got {len(clean)}", field="text")
    note = AppealNote(
        application_id=view.application.id,
        author_id=viewer.user_id,
        author_label=viewer.label[:254],
        by_applicant=view.own and not manager,
        text=clean,
    )
    session.add(note)
    session.flush()
    record_change(
        session,
        viewer.actor,
        "appeal.note",
        "appeal_note",
        note.id,
        after={"application_id": view.application.id, "by_applicant": note.by_applicant},
    )
    return note


def appeal_notes(session: Session, view: ApplicationView) -> list[AppealNote]:
    """The notes on an application's appeal, oldest first."""
    return list(
        session.scalars(
            select(AppealNote)
            .where(AppealNote.application_id == view.application.id)
            .order_by(AppealNote.created_at, AppealNote.id)
        )
    )
