"""Invitation links: the owner makes and revokes them; respondents without an account answer
through them.

The three link routes are public (:data:`polisee.web.security.PUBLIC_ROUTES`): the link's
token is the credential, checked by the service (unknown, wrong or another assessment's
token: 404; revoked or expired: 403). Their forms carry the usual CSRF token and a proof
that binds it to the invitation: an HMAC of the invitation and the visitor's CSRF token
under the app's secret, so a form opened through one link cannot be replayed on another.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from polisee.errors import Conflict, InputError
from polisee.services import assessment as sa
from polisee.web.routes._assessment_common import GROUP_LABELS, Editor, FormData
from polisee.web.routes.assessments import criterion_fragment, overview_page, posted_answer
from polisee.web.security import CsrfRejected, DbSession, csrf_token_for
from polisee.web.templating import render

__all__ = ["link_proof", "router"]

router = APIRouter()

LinkDenied = (sa.LinkRevoked, sa.LinkExpired)


def link_proof(request: Request, invitation_id: int) -> str:
    """The form's proof for this invitation and this visitor's CSRF token."""
    key = str(request.app.state.secret_key).encode()
    message = f"assessment-invitation:{invitation_id}:{csrf_token_for(request)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _check_proof(request: Request, form: dict[str, str], invitation_id: int) -> None:
    sent = form.get("link_proof", "")
    if not hmac.compare_digest(sent.encode(), link_proof(request, invitation_id).encode()):
        raise CsrfRejected("the form does not belong to this invitation link; reload the page")


def _link_url(request: Request, assessment_id: int, token: str) -> str:
    return str(request.url_for("assessments:link_form", assessment_id=assessment_id, token=token))


@router.post("/assessments/{assessment_id}/invitations", name="assessments:create_link")
def create_link(
    request: Request,
    db: DbSession,
    principal: Editor,
    assessment_id: int,
    email: Annotated[str, Form(max_length=254)],
    name: Annotated[str, Form(max_length=200)],
    stakeholder_group: Annotated[str, Form(max_length=32)],
    days: Annotated[int, Form(ge=1, le=sa.MAX_LINK_DAYS)] = sa.LINK_DAYS,
) -> Response:
    """Invite a respondent without an account: the page shows the new link once (owner)."""
    link = sa.create_invitation_link(
        db,
        assessment_id,
        principal=principal,
        email=email,
        name=name,
        stakeholder_group=stakeholder_group,
        days=days,
    )
    new_link = {
        "url": _link_url(request, assessment_id, link.token),
        "name": link.invitation.name,
        "email": email.strip().lower(),
    }
    return overview_page(request, db, principal, assessment_id, {"new_link": new_link})


@router.post(
    "/assessments/{assessment_id}/invitations/{invitation_id}/revocation",
    name="assessments:revoke_link",
)
def revoke_link(
    request: Request, db: DbSession, principal: Editor, assessment_id: int, invitation_id: int
) -> Response:
    """Stop an invitation link from working; answers given through it stay (owner)."""
    sa.revoke_invitation_link(db, assessment_id, invitation_id, principal=principal)
    url = request.url_for("assessments:show", assessment_id=assessment_id).path
    return RedirectResponse(f"{url}#links", status_code=303)


def _denied(request: Request, exc: Exception) -> Response:
    # Rendered here, not by the error handler, which would send a visitor without an
    # account to the sign-in page: a link's respondent has nothing to sign in with.
    detail = (
        "This invitation link was revoked by the owner of the assessment."
        if isinstance(exc, sa.LinkRevoked)
        else "This invitation link has expired: ask the owner of the assessment for a new one."
    )
    return render(
        request,
        "assessments/link_closed.html",
        {"detail": detail},
        status_code=403,
    )


def _page(
    request: Request,
    db: Session,
    assessment_id: int,
    token: str,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    found = sa.link_questionnaire(db, assessment_id, token)
    assert found.invitation is not None
    context = {
        "a": found.access.assessment,
        "q": found,
        "definition": found.definition,
        "answers": found.answers,
        "posted": {},
        "saved": request.query_params.get("saved", ""),
        "groups": GROUP_LABELS,
        "invitation": found.invitation,
        "link_proof": link_proof(request, found.invitation.id),
        **_urls(request, assessment_id, token),
        **(extra or {}),
    }
    return render(request, "assessments/answer.html", context, status_code=status_code)


def _urls(request: Request, assessment_id: int, token: str) -> dict[str, Any]:
    def criterion_url(key: str) -> str:
        return request.url_for(
            "assessments:link_save_answer",
            assessment_id=assessment_id,
            token=token,
            criterion_key=key,
        ).path

    return {
        "form_url": request.url_for(
            "assessments:link_save", assessment_id=assessment_id, token=token
        ).path,
        "criterion_url": criterion_url,
        "results_url": None,
    }


@router.get("/assessments/{assessment_id}/invitations/{token}", name="assessments:link_form")
def show_link_questionnaire(
    request: Request, db: DbSession, assessment_id: int, token: str
) -> Response:
    """The questionnaire of the link's respondent: drafts to resume, submitted answers
    read-only."""
    try:
        return _page(request, db, assessment_id, token)
    except LinkDenied as exc:
        return _denied(request, exc)


def _action(form: dict[str, str]) -> str:
    action = form.get("action", "draft")
    if action not in ("draft", "submit"):
        raise InputError(f"expected draft or submit, got {action[:10]!r}", field="action")
    return action


@router.post(
    "/assessments/{assessment_id}/invitations/{token}/answers", name="assessments:link_save"
)
def save_link_answers(
    request: Request, db: DbSession, assessment_id: int, token: str, form: FormData
) -> Response:
    """Save every answer as a draft, or submit the whole questionnaire (then locked)."""
    try:
        found = sa.link_questionnaire(db, assessment_id, token)
    except LinkDenied as exc:
        return _denied(request, exc)
    assert found.invitation is not None
    _check_proof(request, form, found.invitation.id)
    action = _action(form)
    answers: dict[str, sa.AnswerInput] = {}
    for criterion in found.definition.criteria:
        given = posted_answer(form, criterion.key)
        if given is None:
            continue
        blank = given.score is None and not given.evidence.strip() and not given.comment.strip()
        if blank and criterion.key not in found.answers and action == "draft":
            continue
        answers[criterion.key] = given
    try:
        sa.save_link_answers(
            db,
            assessment_id,
            token,
            answers=answers,
            submit=action == "submit",
            complete=action == "submit",
        )
    except InputError as exc:
        return _page(request, db, assessment_id, token, {"error": exc, "posted": answers}, 422)
    url = request.url_for("assessments:link_form", assessment_id=assessment_id, token=token).path
    return RedirectResponse(
        f"{url}?saved={'submitted' if action == 'submit' else 'draft'}", status_code=303
    )


@router.post(
    "/assessments/{assessment_id}/invitations/{token}/answers/{criterion_key}",
    name="assessments:link_save_answer",
)
def save_link_answer(
    request: Request,
    db: DbSession,
    assessment_id: int,
    token: str,
    criterion_key: str,
    form: FormData,
) -> Response:
    """Save or submit one criterion; htmx gets the criterion's fragment back."""
    try:
        found = sa.link_questionnaire(db, assessment_id, token)
    except LinkDenied as exc:
        return _denied(request, exc)
    assert found.invitation is not None
    _check_proof(request, form, found.invitation.id)
    action = _action(form)
    htmx = request.headers.get("hx-request") == "true"
    given = posted_answer(form, criterion_key) or sa.AnswerInput(None)
    error: Exception | None = None
    try:
        sa.save_link_answers(
            db,
            assessment_id,
            token,
            answers={criterion_key: given},
            submit=action == "submit",
        )
    except (InputError, Conflict) as exc:
        if not htmx:
            raise
        db.rollback()
        error = exc
    url = request.url_for("assessments:link_form", assessment_id=assessment_id, token=token).path
    if not htmx:
        return RedirectResponse(f"{url}?saved={action}#criterion-{criterion_key}", status_code=303)
    found = sa.link_questionnaire(db, assessment_id, token)
    return criterion_fragment(
        request, found, criterion_key, given, error, action, _urls(request, assessment_id, token)
    )
