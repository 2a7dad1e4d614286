"""Match requests: express interest, the sent and received lists, a request's thread with
accept / decline and replies, and the aggregate numbers for administrators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from polisee.services import partners as pt
from polisee.services.permissions import Permission
from polisee.services.sessions import Principal
from polisee.web.routes._partners_common import formatter, viewer
from polisee.web.security import DbSession, require
from polisee.web.templating import render

__all__ = ["router"]

router = APIRouter(prefix="/partners")
Contact = Annotated[Principal, require(Permission.PARTNER_CONTACT)]
Monitor = Annotated[Principal, require(Permission.PARTNER_MONITOR)]
Message = Annotated[str, Form(max_length=pt.MAX_MESSAGE + 200)]


@router.post("/profiles/{profile_id}/requests", name="partners:send_request")
def send_request(
    request: Request,
    db: DbSession,
    principal: Contact,
    profile_id: int,
    from_profile_id: Annotated[int, Form()],
    body: Message,
    score: Annotated[float | None, Form(ge=0, le=1)] = None,
) -> Response:
    """Express interest in a profile on behalf of one of the user's own organisations."""
    made = pt.send_request(
        db,
        viewer(db, principal),
        from_profile_id=from_profile_id,
        to_profile_id=profile_id,
        message=body,
        score=score,
    )
    url = request.url_for("partners:request", request_id=made.id)
    return RedirectResponse(str(url), status_code=303)


@router.get("/requests", name="partners:requests")
def list_requests(request: Request, db: DbSession, principal: Contact) -> Response:
    """The requests the user's organisations sent and received, with their status."""
    lists = pt.list_requests(db, viewer(db, principal))
    context = {
        "fmt": formatter(request),
        "lists": lists,
        "monitor": Permission.PARTNER_MONITOR in principal.permissions,
    }
    return render(request, "partners/requests.html", context)


@router.get("/requests/summary", name="partners:request_summary")
def show_request_summary(request: Request, db: DbSession, principal: Monitor) -> Response:
    """How many requests were sent and answered: numbers only, never names or messages."""
    stats = pt.request_statistics(db, viewer(db, principal))
    return render(request, "partners/summary.html", {"fmt": formatter(request), "stats": stats})


def _thread_page(
    request: Request, db: DbSession, principal: Principal, request_id: int
) -> Response:
    thread = pt.get_thread(db, viewer(db, principal), request_id)
    context = {"fmt": formatter(request), "thread": thread}
    block = "thread" if request.headers.get("hx-request") == "true" else None
    return render(request, "partners/thread.html", context, block=block)


@router.get("/requests/{request_id}", name="partners:request")
def show_request(request: Request, db: DbSession, principal: Contact, request_id: int) -> Response:
    """A request's status and thread, for the people of its two organisations only."""
    return _thread_page(request, db, principal, request_id)


@router.post("/requests/{request_id}/answers", name="partners:answer_request")
def answer_request(
    request: Request,
    db: DbSession,
    principal: Contact,
    request_id: int,
    decision: Annotated[str, Form(max_length=16)],
) -> Response:
    """Accept or decline a request sent to the user's organisation."""
    pt.answer_request(db, viewer(db, principal), request_id, decision)
    if request.headers.get("hx-request") == "true":
        return _thread_page(request, db, principal, request_id)
    url = request.url_for("partners:request", request_id=request_id)
    return RedirectResponse(str(url), status_code=303)


@router.post("/requests/{request_id}/messages", name="partners:post_message")
def post_message(
    request: Request, db: DbSession, principal: Contact, request_id: int, body: Message
) -> Response:
    """Reply in a request's thread."""
    pt.post_message(db, viewer(db, principal), request_id, body)
    if request.headers.get("hx-request") == "true":
        return _thread_page(request, db, principal, request_id)
    url = request.url_for("partners:request", request_id=request_id)
    return RedirectResponse(f"{url}#messages", status_code=303)
