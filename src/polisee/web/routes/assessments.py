"""Self-assessment pages: the list and creation, an assessment's overview with invitations,
status and publication, and the questionnaire (draft, resume, submit; htmx per criterion).

Results, the CSV download, peers and the peer review are in :mod:`.assessment_results`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.services import assessment as sa
from polisee.services import evidence as ev
from polisee.services.permissions import Permission
from polisee.services.sessions import Principal
from polisee.web.routes._assessment_common import (
    GROUP_LABELS,
    RELATION_LABELS,
    Answerer,
    Editor,
    FormData,
    Reader,
    statistics,
)
from polisee.web.security import DbSession
from polisee.web.templating import render

__all__ = ["answer_urls", "criterion_fragment", "overview_page", "posted_answer", "router"]

router = APIRouter()


def _regions(request: Request) -> list[dict[str, Any]]:
    """Regions of the statistics store for the region picker (empty without a store)."""
    store, cache = statistics(request)
    if store is None:
        return []
    try:
        frame = ev.regions_list(store, level=None, cache=cache)
    except (NotFound, InputError):
        return []
    return [{"code": str(r["code"]), "name": str(r["label"])} for r in frame.to_dict("records")]


def _frameworks(db: Session) -> list[dict[str, str]]:
    stored = {f.key: f for f in sa.list_frameworks(db) if f.latest}
    choices = [{"key": k, "label": f"{f.title} (v{f.version})"} for k, f in stored.items()]
    for key in sa.shipped_frameworks():
        if key not in stored:
            choices.append({"key": key, "label": key})
    return choices


def _list_page(
    request: Request,
    db: Session,
    principal: Principal,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    can_create = Permission.ASSESSMENT_EDIT in principal.permissions
    context: dict[str, Any] = {
        "assessments": sa.list_assessments(db, principal),
        "relations": RELATION_LABELS,
        "can_create": can_create,
        "organisations": (
            sa.managing_organisations(db, principal.user_id)
            if can_create and principal.user_id is not None
            else []
        ),
        "frameworks": _frameworks(db) if can_create else [],
        "regions": _regions(request) if can_create else [],
        "this_year": date.today().year,
        "form": {},
        **(extra or {}),
    }
    return render(request, "assessments/list.html", context, status_code=status_code)


@router.get("/assessments", name="assessments:list")
def list_assessments(request: Request, db: DbSession, principal: Reader) -> Response:
    """The assessments open to the viewer; policy makers and analysts start new ones here."""
    return _list_page(request, db, principal)


@router.post("/assessments", name="assessments:create")
def create_assessment(
    request: Request,
    db: DbSession,
    principal: Editor,
    region_code: Annotated[str, Form(max_length=12)],
    round_year: Annotated[int, Form(ge=1990, le=2100)],
    title: Annotated[str, Form(max_length=300)] = "",
    organisation_id: Annotated[str, Form(max_length=12)] = "",
    framework_key: Annotated[str, Form(max_length=64)] = sa.DEFAULT_FRAMEWORK,
) -> Response:
    """Start an assessment of a region for a round; the owner then invites respondents."""
    regions = _regions(request)
    try:
        assessment = sa.create_assessment(
            db,
            principal=principal,
            region_code=region_code,
            round_year=round_year,
            title=title,
            organisation_id=int(organisation_id) if organisation_id.strip().isdigit() else None,
            framework_key=framework_key,
            known_regions={r["code"] for r in regions} if regions else None,
        )
    except InputError as exc:
        form = {"region_code": region_code, "round_year": round_year, "title": title}
        return _list_page(request, db, principal, {"error": exc, "form": form}, 422)
    return RedirectResponse(
        request.url_for("assessments:show", assessment_id=assessment.id).path, status_code=303
    )


def _back(request: Request, assessment_id: int, anchor: str = "") -> RedirectResponse:
    url = request.url_for("assessments:show", assessment_id=assessment_id).path
    return RedirectResponse(url + (f"#{anchor}" if anchor else ""), status_code=303)


def overview_page(
    request: Request,
    db: Session,
    principal: Principal,
    assessment_id: int,
    extra: dict[str, Any] | None = None,
) -> Response:
    """The overview page; ``extra`` adds to its context (a new invitation link)."""
    found = sa.access(db, assessment_id, principal)
    if not found.can_view:
        raise PermissionDenied("this assessment is not shared with you")
    _, reviewers = (
        sa.review_threads(db, assessment_id, principal) if found.can_view_results else ([], [])
    )
    staff = found.owner or found.colleague
    context = {
        "a": found.assessment,
        "access": found,
        "definition": found.definition,
        "framework": found.framework,
        "progress": sa.progress(db, assessment_id, principal) if staff else [],
        "links": sa.invitation_links(db, assessment_id, principal) if staff else [],
        "link_days": sa.LINK_DAYS,
        "max_link_days": sa.MAX_LINK_DAYS,
        "reviewers": reviewers,
        "groups": GROUP_LABELS,
        **(extra or {}),
    }
    return render(request, "assessments/show.html", context)


@router.get("/assessments/{assessment_id}", name="assessments:show")
def show_assessment(
    request: Request, db: DbSession, principal: Reader, assessment_id: int
) -> Response:
    """An assessment's overview: framework, respondents and progress, reviewers, controls."""
    return overview_page(request, db, principal, assessment_id)


@router.post("/assessments/{assessment_id}/respondents", name="assessments:invite")
def invite_respondent(
    request: Request,
    db: DbSession,
    principal: Editor,
    assessment_id: int,
    email: Annotated[str, Form(max_length=254)],
    stakeholder_group: Annotated[str, Form(max_length=32)],
) -> Response:
    """Invite a respondent for a stakeholder group (owner only)."""
    sa.invite_respondent(
        db, assessment_id, principal=principal, email=email, stakeholder_group=stakeholder_group
    )
    return _back(request, assessment_id, "respondents")


@router.post("/assessments/{assessment_id}/reviewers", name="assessments:invite_reviewer")
def invite_reviewer(
    request: Request,
    db: DbSession,
    principal: Editor,
    assessment_id: int,
    email: Annotated[str, Form(max_length=254)],
    region_code: Annotated[str, Form(max_length=12)],
) -> Response:
    """Invite a peer reviewer from another region (owner only)."""
    sa.invite_reviewer(db, assessment_id, principal=principal, email=email, region_code=region_code)
    return _back(request, assessment_id, "reviewers")


@router.post("/assessments/{assessment_id}/status", name="assessments:set_status")
def set_status(
    request: Request,
    db: DbSession,
    principal: Editor,
    assessment_id: int,
    status: Annotated[str, Form(max_length=16)],
) -> Response:
    """Close the assessment to answers, or reopen it (owner only)."""
    sa.set_status(db, assessment_id, principal=principal, status=status)
    return _back(request, assessment_id)


@router.post("/assessments/{assessment_id}/publication", name="assessments:publish")
def publish_results(
    request: Request,
    db: DbSession,
    principal: Editor,
    assessment_id: int,
    published: Annotated[str, Form(max_length=8)],
) -> Response:
    """Publish the results to every signed-in user and to peer benchmarks, or withdraw them."""
    if published not in ("true", "false"):
        raise InputError(f"expected true or false, got {published!r}", field="published")
    sa.publish(db, assessment_id, principal=principal, published=published == "true")
    return _back(request, assessment_id)


# --- the questionnaire ---------------------------------------------------------------------


def _score(text: str | None, key: str) -> int | None:
    if text is None or not text.strip():
        return None
    try:
        return int(text)
    except ValueError:
        raise InputError(
            f"expected a whole number, got {text[:10]!r}", field=f"{key}.score"
        ) from None


def posted_answer(form: dict[str, str], key: str) -> sa.AnswerInput | None:
    """The answer to ``key`` in the form, or None when its fields were not sent (locked)."""
    if f"evidence-{key}" not in form and f"score-{key}" not in form:
        return None
    return sa.AnswerInput(
        score=_score(form.get(f"score-{key}"), key),
        evidence=form.get(f"evidence-{key}", ""),
        comment=form.get(f"comment-{key}", ""),
    )


def answer_urls(request: Request, assessment_id: int) -> dict[str, Any]:
    """Where a signed-in respondent's questionnaire posts, and the results page."""

    def criterion_url(key: str) -> str:
        return request.url_for(
            "assessments:save_answer", assessment_id=assessment_id, criterion_key=key
        ).path

    return {
        "form_url": request.url_for("assessments:save_answers", assessment_id=assessment_id).path,
        "criterion_url": criterion_url,
        "results_url": request.url_for("assessments:results", assessment_id=assessment_id).path,
    }


def _answer_page(
    request: Request,
    db: Session,
    principal: Principal,
    assessment_id: int,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    found = sa.questionnaire(db, assessment_id, principal)
    context = {
        "a": found.access.assessment,
        "q": found,
        "definition": found.definition,
        "answers": found.answers,
        "posted": {},
        "saved": request.query_params.get("saved", ""),
        "groups": GROUP_LABELS,
        **answer_urls(request, assessment_id),
        **(extra or {}),
    }
    return render(request, "assessments/answer.html", context, status_code=status_code)


@router.get("/assessments/{assessment_id}/answers", name="assessments:answer_form")
def show_questionnaire(
    request: Request, db: DbSession, principal: Answerer, assessment_id: int
) -> Response:
    """The questionnaire: per theme and criterion a 0-5 score, evidence and a comment."""
    return _answer_page(request, db, principal, assessment_id)


@router.post("/assessments/{assessment_id}/answers", name="assessments:save_answers")
def save_answers(
    request: Request,
    db: DbSession,
    principal: Answerer,
    assessment_id: int,
    form: FormData,
) -> Response:
    """Save every answer as a draft, or submit the whole questionnaire (then locked)."""
    action = form.get("action", "draft")
    if action not in ("draft", "submit"):
        raise InputError(f"expected draft or submit, got {action[:10]!r}", field="action")
    found = sa.questionnaire(db, assessment_id, principal)
    answers: dict[str, sa.AnswerInput] = {}
    for criterion in found.definition.criteria:
        given = posted_answer(form, criterion.key)
        if given is None:
            continue
        stored = found.answers.get(criterion.key)
        blank = given.score is None and not given.evidence.strip() and not given.comment.strip()
        if blank and stored is None and action == "draft":
            continue  # nothing typed and nothing stored: no empty draft row
        answers[criterion.key] = given
    try:
        sa.save_answers(
            db,
            assessment_id,
            principal=principal,
            answers=answers,
            submit=action == "submit",
            complete=action == "submit",
        )
    except InputError as exc:
        # Nothing was written: show the form again with what was typed and the problem.
        return _answer_page(
            request, db, principal, assessment_id, {"error": exc, "posted": answers}, 422
        )
    url = request.url_for("assessments:answer_form", assessment_id=assessment_id).path
    return RedirectResponse(
        f"{url}?saved={'submitted' if action == 'submit' else 'draft'}", status_code=303
    )


@router.post("/assessments/{assessment_id}/answers/{criterion_key}", name="assessments:save_answer")
def save_answer(
    request: Request,
    db: DbSession,
    principal: Answerer,
    assessment_id: int,
    criterion_key: str,
    form: FormData,
) -> Response:
    """Save or submit one criterion; htmx gets the criterion's fragment back."""
    action = form.get("action", "draft")
    if action not in ("draft", "submit"):
        raise InputError(f"expected draft or submit, got {action[:10]!r}", field="action")
    htmx = request.headers.get("hx-request") == "true"
    given = posted_answer(form, criterion_key) or sa.AnswerInput(None)
    error: Exception | None = None
    try:
        sa.save_answers(
            db,
            assessment_id,
            principal=principal,
            answers={criterion_key: given},
            submit=action == "submit",
        )
    except (InputError, Conflict) as exc:
        if not htmx:
            raise
        # htmx swaps only successful responses: the problem is shown in the fragment instead.
        db.rollback()
        error = exc
    if not htmx:
        url = request.url_for("assessments:answer_form", assessment_id=assessment_id).path
        return RedirectResponse(f"{url}?saved={action}#criterion-{criterion_key}", status_code=303)
    found = sa.questionnaire(db, assessment_id, principal)
    return criterion_fragment(
        request, found, criterion_key, given, error, action, answer_urls(request, assessment_id)
    )


def criterion_fragment(
    request: Request,
    found: sa.Questionnaire,
    criterion_key: str,
    given: sa.AnswerInput,
    error: Exception | None,
    action: str,
    urls: dict[str, Any],
) -> Response:
    """The htmx fragment of one criterion after a save: the stored answer, or what was typed
    with the problem (signed-in respondents and invitation links alike)."""
    try:
        criterion = found.definition.criterion(criterion_key)
    except KeyError:
        raise InputError(
            f"no criterion {criterion_key[:64]!r} in this framework", field="criterion"
        ) from None
    context = {
        "a": found.access.assessment,
        "q": found,
        "definition": found.definition,
        "c": criterion,
        "answer": found.answers.get(criterion_key),
        "posted_answer": given if error is not None else None,
        "criterion_error": error,
        "just_saved": action if error is None else "",
        **urls,
    }
    return render(request, "assessments/answer.html", context, block="criterion")
