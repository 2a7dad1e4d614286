"""Policy recommendations reports: context, findings, cited good practices and numbered
recommendations, through draft -> in review -> published (or back to draft with a reason).

Members write and edit a draft; any member submits it for review. A reviewer — another
member of the group than the one who submitted it, or a validator (``group:review``) —
approves it or sends it back with a reason. Only a lead publishes, and only an approved
report. Every edit (with the content it saved) and every transition is a history event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.records.base import utcnow
from polisee.records.groups import (
    GroupReport,
    GroupReportCitation,
    GroupReportEvent,
    GroupReportRecommendation,
    GroupRole,
    MemberStatus,
    ReportState,
    WorkingGroup,
)
from polisee.records.practices import Practice, PracticeState
from polisee.services.audit import record_change
from polisee.services.groups._access import (
    NOTIFICATION_TEXTS,
    active_member_ids,
    clean_text,
    lead_ids,
    load_group,
    member_of,
    require_member,
    who,
)
from polisee.services.notifications import notify
from polisee.services.permissions import Permission, check_permission
from polisee.services.practices import THEMES
from polisee.services.sessions import Principal

__all__ = [
    "CitedIn",
    "ReportAction",
    "ReportDetail",
    "ReportInput",
    "create_report",
    "get_report",
    "publishable_practices",
    "report_detail",
    "reports_citing",
    "transition_report",
    "update_report",
]

_TEXT_LIMIT = 50_000
_MAX_ITEMS = 100


class ReportAction(StrEnum):
    """A step of the report's workflow."""

    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    PUBLISH = "publish"


@dataclass(frozen=True)
class ReportInput:
    """The report as written: ``citations`` are ``(practice id, why cited)`` pairs and
    ``recommendations`` ``(text, addressee, theme key)`` triples, numbered in order."""

    title: str
    context: str = ""
    findings: str = ""
    citations: tuple[tuple[int | str, str], ...] = ()
    recommendations: tuple[tuple[str, str, str], ...] = ()

    def checked(self, session: Session) -> dict[str, Any]:
        """The report's content, validated: cited practices must be published ones."""
        citations: list[dict[str, Any]] = []
        seen: set[int] = set()
        if len(self.citations) > _MAX_ITEMS or len(self.recommendations) > _MAX_ITEMS:
            raise InputError(f"expected at most {_MAX_ITEMS} items", field="recommendations")
        for raw_id, note in self.citations:
            try:
                practice_id = int(str(raw_id))
            except ValueError:
                raise InputError(
                    f"expected a practice id, got {raw_id!r}", field="citations"
                ) from None
            state = session.scalar(select(Practice.state).where(Practice.id == practice_id))
            if state is not PracticeState.PUBLISHED:
                raise InputError(
                    f"expected a published good practice, got practice {practice_id}",
                    field="citations",
                )
            if practice_id not in seen:
                seen.add(practice_id)
                citations.append(
                    {"practice": practice_id, "note": clean_text(note, "citations", limit=2000)}
                )
        recommendations: list[dict[str, Any]] = []
        for text, addressee, theme in self.recommendations:
            body = clean_text(text, "recommendations", limit=5000)
            if not body:
                continue
            number = len(recommendations) + 1
            to = clean_text(addressee, "recommendations", limit=300, single_line=True)
            if not to:
                raise InputError(
                    f"recommendation {number}: expected an addressee (who should act)",
                    field="recommendations",
                )
            if theme not in THEMES:
                raise InputError(
                    f"recommendation {number}: expected one of {', '.join(THEMES)}, got {theme!r}",
                    field="recommendations",
                )
            recommendations.append(
                {"number": number, "text": body, "addressee": to, "theme": theme}
            )
        return {
            "title": clean_text(self.title, "title", limit=300, required=True, single_line=True),
            "context": clean_text(self.context, "context", limit=_TEXT_LIMIT),
            "findings": clean_text(self.findings, "findings", limit=_TEXT_LIMIT),
            "citations": citations,
            "recommendations": recommendations,
        }


def _load(session: Session, group: WorkingGroup, report_id: int) -> GroupReport:
    report = session.scalar(
        select(GroupReport)
        .where(GroupReport.id == report_id, GroupReport.group_id == group.id)
        .options(
            selectinload(GroupReport.citations),
            selectinload(GroupReport.recommendations),
            selectinload(GroupReport.events),
        )
    )
    if report is None:
        raise NotFound(f"working group {group.id} has no report {report_id}")
    return report


def _content(report: GroupReport) -> dict[str, Any]:
    return {
        "title": report.title,
        "context": report.context,
        "findings": report.findings,
        "citations": [{"practice": c.practice_id, "note": c.note} for c in report.citations],
        "recommendations": [
            {"number": r.number, "text": r.text, "addressee": r.addressee, "theme": r.theme}
            for r in report.recommendations
        ],
    }


def _apply(session: Session, report: GroupReport, content: dict[str, Any]) -> None:
    report.title, report.context, report.findings = (
        content["title"],
        content["context"],
        content["findings"],
    )
    # Old rows are removed and flushed first: the same keys come back in the new lists.
    report.citations.clear()
    report.recommendations.clear()
    session.flush()
    report.citations.extend(
        GroupReportCitation(practice_id=c["practice"], note=c["note"], position=i)
        for i, c in enumerate(content["citations"])
    )
    report.recommendations.extend(
        GroupReportRecommendation(
            number=r["number"], text=r["text"], addressee=r["addressee"], theme=r["theme"]
        )
        for r in content["recommendations"]
    )
    report.updated_at = utcnow()


def _event(
    report: GroupReport,
    principal: Principal,
    action: str,
    from_state: ReportState | None,
    *,
    note: str = "",
    content: dict[str, Any] | None = None,
) -> None:
    report.events.append(
        GroupReportEvent(
            actor_id=principal.user_id,
            actor_label=who(principal),
            action=action,
            from_state=from_state,
            to_state=report.state,
            note=note,
            content=content,
        )
    )


def create_report(
    session: Session, group_id: int, data: ReportInput, principal: Principal, *, demo: bool = False
) -> GroupReport:
    """A new draft by a member of the group."""
    check_permission(principal.permissions, Permission.GROUP_PARTICIPATE)
    group = load_group(session, group_id)
    require_member(session, group, principal)
    content = data.checked(session)
    report = GroupReport(
        group_id=group.id,
        title=content["title"],
        state=ReportState.DRAFT,
        demo=demo,
        author_id=principal.user_id,
    )
    report.citations, report.recommendations, report.events = [], [], []
    session.add(report)
    session.flush()
    _apply(session, report, content)
    _event(report, principal, "create", None, content=content)
    session.flush()
    record_change(
        session, principal.actor, "group.report_create", "group_report", report.id, after=content
    )
    return report


def update_report(
    session: Session, group_id: int, report_id: int, data: ReportInput, principal: Principal
) -> GroupReport:
    """Replace a draft's content (members only); the saved content goes into the history."""
    check_permission(principal.permissions, Permission.GROUP_PARTICIPATE)
    group = load_group(session, group_id)
    require_member(session, group, principal)
    report = _load(session, group, report_id)
    if report.state is not ReportState.DRAFT:
        raise Conflict(f"report {report_id} is {report.state.value}: only a draft can be edited")
    content = data.checked(session)
    before = _content(report)
    _apply(session, report, content)
    _event(report, principal, "edit", ReportState.DRAFT, content=content)
    session.flush()
    record_change(
        session,
        principal.actor,
        "group.report_edit",
        "group_report",
        report.id,
        before=before,
        after=content,
    )
    return report


def _is_member(session: Session, group: WorkingGroup, principal: Principal) -> bool:
    row = member_of(session, group.id, principal.user_id)
    return row is not None and row.status is MemberStatus.ACTIVE


def _is_lead(session: Session, group: WorkingGroup, principal: Principal) -> bool:
    row = member_of(session, group.id, principal.user_id)
    return row is not None and row.status is MemberStatus.ACTIVE and row.role is GroupRole.LEAD


def _can_review(
    session: Session, group: WorkingGroup, report: GroupReport, principal: Principal
) -> bool:
    if principal.user_id is None or report.submitted_by_id == principal.user_id:
        return False
    return _is_member(session, group, principal) or Permission.GROUP_REVIEW in principal.permissions


def _can_read(
    session: Session, group: WorkingGroup, report: GroupReport, principal: Principal
) -> bool:
    if report.state is ReportState.PUBLISHED:
        return Permission.GROUP_READ in principal.permissions
    if _is_member(session, group, principal):
        return True
    return (
        report.state is ReportState.IN_REVIEW and Permission.GROUP_REVIEW in principal.permissions
    )


def get_report(
    session: Session, group_id: int, report_id: int, principal: Principal
) -> GroupReport:
    """The report with its citations, recommendations and history: published reports for
    everyone, drafts for members, reports in review also for validators."""
    check_permission(principal.permissions, Permission.GROUP_READ)
    group = load_group(session, group_id)
    report = _load(session, group, report_id)
    if not _can_read(session, group, report, principal):
        raise PermissionDenied(f"report {report_id} is not published")
    return report


def _actions(
    session: Session, group: WorkingGroup, report: GroupReport, principal: Principal
) -> tuple[ReportAction, ...]:
    if principal.user_id is None:
        return ()
    member = _is_member(session, group, principal)
    reviewer = _can_review(session, group, report, principal)
    lead = _is_lead(session, group, principal)
    out: list[ReportAction] = []
    if report.state is ReportState.DRAFT and member:
        out.append(ReportAction.SUBMIT)
    if report.state is ReportState.IN_REVIEW:
        if reviewer and report.approved_by_id is None:
            out.append(ReportAction.APPROVE)
        if reviewer or lead:
            out.append(ReportAction.RETURN)
        if lead and report.approved_by_id not in (None, principal.user_id):
            out.append(ReportAction.PUBLISH)
    return tuple(out)


def transition_report(
    session: Session,
    group_id: int,
    report_id: int,
    action: ReportAction | str,
    principal: Principal,
    *,
    note: str = "",
) -> GroupReport:
    """One workflow step; PermissionDenied for the wrong person, Conflict for the wrong state.

    ``submit``: a member, from draft. ``approve``: a reviewer, in review. ``return``: a
    reviewer or a lead, in review, with a reason, back to draft. ``publish``: a lead, once a
    reviewer other than themselves approved it.
    """
    check_permission(principal.permissions, Permission.GROUP_PARTICIPATE)
    try:
        action = ReportAction(action)
    except ValueError:
        choices = ", ".join(a.value for a in ReportAction)
        raise InputError(f"expected one of {choices}, got {action!r}", field="action") from None
    group = load_group(session, group_id)
    report = _load(session, group, report_id)
    if not _can_read(session, group, report, principal):
        raise PermissionDenied(f"report {report_id} is not published")
    text = clean_text(note, "note", limit=5000)
    before = report.state
    notify_ids: list[int] = []
    kind = ""
    if action is ReportAction.SUBMIT:
        require_member(session, group, principal)
        if report.state is not ReportState.DRAFT:
            raise Conflict(f"cannot submit report {report_id}: it is {report.state.value}")
        report.state, report.submitted_by_id = ReportState.IN_REVIEW, principal.user_id
        report.approved_by_id, report.return_reason = None, ""
        kind = "group.review"
        notify_ids = active_member_ids(session, group.id)
    elif action is ReportAction.APPROVE:
        if not _can_review(session, group, report, principal):
            raise PermissionDenied(
                "a report is approved by another member of the group than the one who "
                "submitted it, or by a validator"
            )
        if report.state is not ReportState.IN_REVIEW or report.approved_by_id is not None:
            raise Conflict(f"cannot approve report {report_id}: it is {report.state.value}")
        report.approved_by_id = principal.user_id
        kind = "group.approved"
        notify_ids = lead_ids(session, group.id)
    elif action is ReportAction.RETURN:
        if not (
            _can_review(session, group, report, principal) or _is_lead(session, group, principal)
        ):
            raise PermissionDenied("only a reviewer or a lead may send a report back")
        if report.state is not ReportState.IN_REVIEW:
            raise Conflict(f"cannot return report {report_id}: it is {report.state.value}")
        if not text:
            raise InputError("sending a report back needs a reason", field="note")
        report.state, report.return_reason, report.approved_by_id = ReportState.DRAFT, text, None
        kind = "group.returned"
        notify_ids = [i for i in (report.submitted_by_id, report.author_id) if i is not None]
    else:
        if not _is_lead(session, group, principal):
            raise PermissionDenied(f"only a lead of “{group.name}” may publish its reports")
        if report.state is not ReportState.IN_REVIEW:
            raise Conflict(f"cannot publish report {report_id}: it is {report.state.value}")
        if report.approved_by_id is None or report.approved_by_id == principal.user_id:
            raise Conflict(
                f"report {report_id} needs the approval of a reviewer other than the publisher"
            )
        report.state, report.published_by_id = ReportState.PUBLISHED, principal.user_id
        report.published_at = utcnow()
        kind = "group.published"
        notify_ids = active_member_ids(session, group.id)
    report.updated_at = utcnow()
    _event(report, principal, action.value, before, note=text)
    session.flush()
    record_change(
        session,
        principal.actor,
        f"group.report_{action.value}",
        "group_report",
        report.id,
        before={"state": before.value},
        after={"state": report.state.value, "note": text},
    )
    notify(
        session,
        [i for i in notify_ids if i != principal.user_id],
        kind=kind,
        text_key=NOTIFICATION_TEXTS[kind],
        params={
            "who": who(principal),
            "title": report.title,
            "group": group.name,
            "reason": text,
        },
        link=f"/groups/{group.id}/reports/{report.id}",
    )
    return report


@dataclass(frozen=True)
class ReportDetail:
    """A report, the practices it cites (by id) and what the principal may do with it."""

    report: GroupReport
    group: WorkingGroup
    practices: dict[int, Practice]
    actions: tuple[ReportAction, ...]
    editable: bool


def report_detail(
    session: Session, group_id: int, report_id: int, principal: Principal
) -> ReportDetail:
    """The report page."""
    report = get_report(session, group_id, report_id, principal)
    group = load_group(session, group_id)
    ids = [c.practice_id for c in report.citations]
    practices = {p.id: p for p in session.scalars(select(Practice).where(Practice.id.in_(ids)))}
    return ReportDetail(
        report=report,
        group=group,
        practices=practices,
        actions=_actions(session, group, report, principal),
        editable=report.state is ReportState.DRAFT and _is_member(session, group, principal),
    )


def publishable_practices(session: Session) -> list[tuple[int, str, bool]]:
    """``(id, title, demo)`` of every published practice, by title: what a report may cite."""
    rows = session.execute(
        select(Practice.id, Practice.title, Practice.demo)
        .where(Practice.state == PracticeState.PUBLISHED)
        .order_by(Practice.title)
    ).all()
    return [(i, t, d) for i, t, d in rows]


@dataclass(frozen=True)
class CitedIn:
    """A published report citing a practice."""

    group_id: int
    group_name: str
    report_id: int
    title: str
    note: str


def reports_citing(session: Session, practice_id: int) -> Sequence[CitedIn]:
    """The published reports that cite the practice, newest first."""
    rows = session.execute(
        select(WorkingGroup.id, WorkingGroup.name, GroupReport.id, GroupReport.title)
        .add_columns(GroupReportCitation.note)
        .join(GroupReport, GroupReport.group_id == WorkingGroup.id)
        .join(GroupReportCitation, GroupReportCitation.report_id == GroupReport.id)
        .where(
            GroupReportCitation.practice_id == practice_id,
            GroupReport.state == ReportState.PUBLISHED,
        )
        .order_by(GroupReport.published_at.desc(), GroupReport.id.desc())
    ).all()
    return [CitedIn(g, n, r, t, note) for g, n, r, t, note in rows]
