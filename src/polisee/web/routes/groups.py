"""Thematic working groups: the list with a theme filter, the group page with members by
country and region, membership (join requests, invitations, roles, leaving), threads,
shared documents, meeting notes and recommendations reports with their workflow.

A form refused by the service comes back with everything that was typed and the message,
so nothing a user entered is lost. Uploads are the one place that accepts a body larger
than the app-wide limit: :func:`install_groups` adds them with their own limit.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Form, Query, Request, UploadFile
from pydantic import BaseModel, Field
from starlette.responses import FileResponse, RedirectResponse, Response

from polisee.config import Settings
from polisee.errors import Conflict, InputError
from polisee.services import groups as gr
from polisee.services.accounts import list_organisations
from polisee.services.permissions import Permission
from polisee.services.sessions import Principal
from polisee.web.security import DbSession, require
from polisee.web.templating import render

__all__ = ["GroupForm", "MeetingForm", "ReportForm", "install_groups", "router"]

router = APIRouter()
Reader = Annotated[Principal, require(Permission.GROUP_READ)]
Participant = Annotated[Principal, require(Permission.GROUP_PARTICIPATE)]
Founder = Annotated[Principal, require(Permission.GROUP_CREATE)]
UPLOAD_OVERHEAD_BYTES = 64 * 1024
_TEXT = 50_000


class GroupForm(BaseModel):
    """The form that founds a custom group."""

    name: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=5000)
    themes: list[str] = Field(default_factory=list, max_length=6)
    lead_organisation_id: str = Field(default="", max_length=12)


class MeetingForm(BaseModel):
    """The meeting notes form."""

    held_on: str = Field(default="", max_length=10)
    place: str = Field(default="", max_length=200)
    online: bool = False
    participants: str = Field(default="", max_length=5000)
    agenda: str = Field(default="", max_length=10_000)
    notes: str = Field(default="", max_length=_TEXT)
    decisions: str = Field(default="", max_length=20_000)

    def to_input(self) -> gr.MeetingInput:
        """The service's input."""
        return gr.MeetingInput(**self.model_dump())


class ReportForm(BaseModel):
    """The report form: citations are checkboxes over the published practices with a note
    field each (posted as parallel lists); recommendations are rows of text, addressee and
    theme, numbered in order, blank rows dropped."""

    title: str = Field(default="", max_length=300)
    context: str = Field(default="", max_length=_TEXT)
    findings: str = Field(default="", max_length=_TEXT)
    cite: list[int] = Field(default_factory=list, max_length=500)
    citation_practice: list[int] = Field(default_factory=list, max_length=2000)
    citation_note: list[str] = Field(default_factory=list, max_length=2000)
    rec_text: list[str] = Field(default_factory=list, max_length=100)
    rec_addressee: list[str] = Field(default_factory=list, max_length=100)
    rec_theme: list[str] = Field(default_factory=list, max_length=100)

    def notes(self) -> dict[int, str]:
        """Each practice's citation note as typed."""
        return dict(zip(self.citation_practice, self.citation_note, strict=False))

    def to_input(self) -> gr.ReportInput:
        """The service's input."""
        notes = self.notes()
        rows = zip(self.rec_text, self.rec_addressee, self.rec_theme, strict=False)
        return gr.ReportInput(
            title=self.title,
            context=self.context,
            findings=self.findings,
            citations=tuple((i, notes.get(i, "")) for i in self.cite),
            recommendations=tuple(
                (text, addressee, theme) for text, addressee, theme in rows if text.strip()
            ),
        )

    @classmethod
    def from_report(cls, report: Any) -> ReportForm:
        """The form filled with a stored report."""
        return cls(
            title=report.title,
            context=report.context,
            findings=report.findings,
            cite=[c.practice_id for c in report.citations],
            citation_practice=[c.practice_id for c in report.citations],
            citation_note=[c.note for c in report.citations],
            rec_text=[r.text for r in report.recommendations],
            rec_addressee=[r.addressee for r in report.recommendations],
            rec_theme=[r.theme for r in report.recommendations],
        )


def _group_url(group_id: int, anchor: str = "") -> str:
    return f"/groups/{group_id}{anchor}"


@router.get("/groups", name="groups:list")
def list_groups(
    request: Request,
    db: DbSession,
    principal: Reader,
    theme: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    """Every working group, optionally those of one theme."""
    chosen = theme if theme in gr.THEMES else ""
    context = {"groups": gr.list_groups(db, theme=chosen), "theme": chosen, "themes": gr.THEMES}
    block = "results" if request.headers.get("hx-request") == "true" else None
    return render(request, "groups/list.html", context, block=block)


def _group_form(
    request: Request, db: DbSession, form: GroupForm, error: InputError | None = None
) -> Response:
    context = {
        "form": form,
        "error": error,
        "themes": gr.THEMES,
        "organisations": list_organisations(db),
    }
    return render(request, "groups/new.html", context, status_code=422 if error else 200)


@router.get("/groups/new", name="groups:new")
def new_group(request: Request, db: DbSession, principal: Founder) -> Response:
    """The form to found a custom group."""
    return _group_form(request, db, GroupForm())


@router.post("/groups", name="groups:create")
def create_group(
    request: Request, db: DbSession, principal: Founder, form: Annotated[GroupForm, Form()]
) -> Response:
    """Found a custom group; the founder becomes its lead."""
    data = gr.GroupInput(
        name=form.name,
        description=form.description,
        themes=tuple(form.themes),
        lead_organisation_id=form.lead_organisation_id or None,
    )
    try:
        group = gr.create_group(db, data, principal)
    except InputError as error:
        return _group_form(request, db, form, error)
    return RedirectResponse(_group_url(group.id), status_code=303)


@router.get("/groups/{group_id}", name="groups:show")
def show_group(request: Request, db: DbSession, principal: Reader, group_id: int) -> Response:
    """The group: lead organisation, members by country and region, reports, and the
    membership actions open to the visitor."""
    overview = gr.group_overview(db, group_id, principal)
    return render(request, "groups/show.html", {"o": overview, "themes": gr.THEMES})


@router.post("/groups/{group_id}/requests", name="groups:join")
def join_group(
    db: DbSession,
    principal: Participant,
    group_id: int,
    organisation_id: Annotated[str, Form(max_length=12)] = "",
    message: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Ask to join (or accept an open invitation)."""
    organisation = int(organisation_id) if organisation_id.strip().isdigit() else None
    gr.request_to_join(db, group_id, principal, organisation_id=organisation, message=message)
    return RedirectResponse(_group_url(group_id, "#membership"), status_code=303)


@router.post("/groups/{group_id}/invitations", name="groups:invite")
def invite_member(
    db: DbSession,
    principal: Participant,
    group_id: int,
    email: Annotated[str, Form(max_length=254)],
) -> Response:
    """A lead invites a platform user by email."""
    gr.invite_member(db, group_id, email, principal)
    return RedirectResponse(_group_url(group_id, "#members"), status_code=303)


@router.post("/groups/{group_id}/invitations/answers", name="groups:answer")
def answer_invitation(
    db: DbSession,
    principal: Participant,
    group_id: int,
    answer: Annotated[str, Form(max_length=16)],
) -> Response:
    """The invitee accepts or declines."""
    gr.answer_invitation(db, group_id, answer == "accept", principal)
    return RedirectResponse(_group_url(group_id), status_code=303)


@router.post("/groups/{group_id}/members/{member_id}", name="groups:update_member")
def update_member(
    db: DbSession,
    principal: Participant,
    group_id: int,
    member_id: int,
    decision: Annotated[str, Form(max_length=16)] = "",
    role: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """A lead accepts or declines a request, or changes a member's role."""
    if decision:
        gr.decide_request(db, group_id, member_id, decision == "accept", principal)
    else:
        gr.set_member_role(db, group_id, member_id, role, principal)
    return RedirectResponse(_group_url(group_id, "#members"), status_code=303)


@router.post("/groups/{group_id}/departures", name="groups:leave")
def leave_group(db: DbSession, principal: Participant, group_id: int) -> Response:
    """Leave the group; what one wrote stays."""
    gr.leave_group(db, group_id, principal)
    return RedirectResponse(_group_url(group_id), status_code=303)


# --- threads ------------------------------------------------------------------------------


def _threads_page(
    request: Request,
    db: DbSession,
    principal: Principal,
    group_id: int,
    *,
    draft: dict[str, str] | None = None,
    error: InputError | None = None,
) -> Response:
    context = {
        "group": gr.load_group(db, group_id),
        "threads": gr.list_threads(db, group_id, principal),
        "draft": draft or {"title": "", "body": ""},
        "error": error,
        "tab": "threads",
    }
    return render(request, "groups/threads.html", context, status_code=422 if error else 200)


@router.get("/groups/{group_id}/threads", name="groups:threads")
def list_threads(
    request: Request, db: DbSession, principal: Participant, group_id: int
) -> Response:
    """The group's threads (members only) and the form to open one."""
    return _threads_page(request, db, principal, group_id)


@router.post("/groups/{group_id}/threads", name="groups:open_thread")
def open_thread(
    request: Request,
    db: DbSession,
    principal: Participant,
    group_id: int,
    title: Annotated[str, Form(max_length=200)] = "",
    body: Annotated[str, Form(max_length=gr.POST_LIMIT)] = "",
) -> Response:
    """Open a thread; the other members are notified."""
    try:
        thread = gr.open_thread(db, group_id, title, body, principal)
    except InputError as error:
        draft = {"title": title, "body": body}
        return _threads_page(request, db, principal, group_id, draft=draft, error=error)
    return RedirectResponse(f"/groups/{group_id}/threads/{thread.id}", status_code=303)


def _thread_page(
    request: Request,
    db: DbSession,
    principal: Principal,
    group_id: int,
    thread_id: int,
    *,
    reply: str = "",
    edits: dict[int, str] | None = None,
    error: InputError | None = None,
) -> Response:
    context = {
        "group": gr.load_group(db, group_id),
        "thread": gr.get_thread(db, group_id, thread_id, principal),
        "reply": reply,
        "edits": edits or {},
        "error": error,
        "tab": "threads",
    }
    return render(request, "groups/thread.html", context, status_code=422 if error else 200)


@router.get("/groups/{group_id}/threads/{thread_id}", name="groups:thread")
def show_thread(
    request: Request, db: DbSession, principal: Participant, group_id: int, thread_id: int
) -> Response:
    """A thread with its posts and their earlier versions."""
    return _thread_page(request, db, principal, group_id, thread_id)


@router.post("/groups/{group_id}/threads/{thread_id}/posts", name="groups:reply")
def reply_to_thread(
    request: Request,
    db: DbSession,
    principal: Participant,
    group_id: int,
    thread_id: int,
    body: Annotated[str, Form(max_length=gr.POST_LIMIT)] = "",
) -> Response:
    """Reply; the other members are notified."""
    try:
        post = gr.reply_to_thread(db, group_id, thread_id, body, principal)
    except InputError as error:
        return _thread_page(request, db, principal, group_id, thread_id, reply=body, error=error)
    return RedirectResponse(
        f"/groups/{group_id}/threads/{thread_id}#post-{post.id}", status_code=303
    )


@router.post("/groups/{group_id}/threads/{thread_id}/posts/{post_id}", name="groups:edit_post")
def edit_post(
    request: Request,
    db: DbSession,
    principal: Participant,
    group_id: int,
    thread_id: int,
    post_id: int,
    body: Annotated[str, Form(max_length=gr.POST_LIMIT)] = "",
) -> Response:
    """The author replaces the text of their post; the earlier text stays visible."""
    try:
        gr.edit_post(db, group_id, thread_id, post_id, body, principal)
    except InputError as error:
        return _thread_page(
            request, db, principal, group_id, thread_id, edits={post_id: body}, error=error
        )
    return RedirectResponse(
        f"/groups/{group_id}/threads/{thread_id}#post-{post_id}", status_code=303
    )


# --- documents and meetings ----------------------------------------------------------------


@router.get("/groups/{group_id}/documents", name="groups:documents")
def list_documents(
    request: Request, db: DbSession, principal: Participant, group_id: int
) -> Response:
    """The shared documents with all their versions (members only)."""
    context = {
        "group": gr.load_group(db, group_id),
        "documents": gr.list_documents(db, group_id, principal),
        "max_upload_mb": round(request.app.state.group_max_upload_bytes / 1_048_576, 1),
        "tab": "documents",
    }
    return render(request, "groups/documents.html", context)


@router.get(
    "/groups/{group_id}/documents/{document_id}/versions/{version_id}", name="groups:download"
)
def download_document(
    request: Request,
    db: DbSession,
    principal: Participant,
    group_id: int,
    document_id: int,
    version_id: int,
) -> Response:
    """One version's file, always as a download and never sniffed into another type."""
    found = gr.document_file(
        db,
        group_id,
        document_id,
        version_id,
        upload_dir=request.app.state.group_uploads_dir,
        principal=principal,
    )
    return FileResponse(
        found.path,
        media_type=found.content_type,
        filename=found.filename,
        content_disposition_type="attachment",
        headers={"X-Content-Type-Options": "nosniff"},
    )


def _meetings_page(
    request: Request,
    db: DbSession,
    principal: Principal,
    group_id: int,
    form: MeetingForm | None = None,
    error: InputError | None = None,
) -> Response:
    context = {
        "group": gr.load_group(db, group_id),
        "meetings": gr.list_meetings(db, group_id, principal),
        "form": form or MeetingForm(),
        "error": error,
        "tab": "meetings",
    }
    return render(request, "groups/meetings.html", context, status_code=422 if error else 200)


@router.get("/groups/{group_id}/meetings", name="groups:meetings")
def list_meetings(
    request: Request, db: DbSession, principal: Participant, group_id: int
) -> Response:
    """The group's meeting notes (members only) and the form to add some."""
    return _meetings_page(request, db, principal, group_id)


@router.post("/groups/{group_id}/meetings", name="groups:add_meeting")
def add_meeting(
    request: Request,
    db: DbSession,
    principal: Participant,
    group_id: int,
    form: Annotated[MeetingForm, Form()],
) -> Response:
    """Record the notes of a meeting."""
    try:
        meeting = gr.add_meeting(db, group_id, form.to_input(), principal)
    except InputError as error:
        return _meetings_page(request, db, principal, group_id, form, error)
    return RedirectResponse(f"/groups/{group_id}/meetings#meeting-{meeting.id}", status_code=303)


# --- reports -------------------------------------------------------------------------------


def _report_form(
    request: Request,
    db: DbSession,
    group_id: int,
    form: ReportForm,
    *,
    report_id: int | None = None,
    error: InputError | None = None,
) -> Response:
    rows = list(zip(form.rec_text, form.rec_addressee, form.rec_theme, strict=False))
    rows += [("", "", "")] * 3
    context = {
        "group": gr.load_group(db, group_id),
        "form": form,
        "notes": form.notes(),
        "rows": rows,
        "practices": gr.publishable_practices(db),
        "report_id": report_id,
        "error": error,
        "themes": gr.THEMES,
        "tab": "reports",
    }
    return render(request, "groups/report_form.html", context, status_code=422 if error else 200)


@router.get("/groups/{group_id}/reports/new", name="groups:new_report")
def new_report(request: Request, db: DbSession, principal: Participant, group_id: int) -> Response:
    """The empty report form (members only)."""
    gr.member_group(db, group_id, principal)
    return _report_form(request, db, group_id, ReportForm())


@router.post("/groups/{group_id}/reports", name="groups:create_report")
def create_report(
    request: Request,
    db: DbSession,
    principal: Participant,
    group_id: int,
    form: Annotated[ReportForm, Form()],
) -> Response:
    """Save a new draft report."""
    try:
        report = gr.create_report(db, group_id, form.to_input(), principal)
    except InputError as error:
        return _report_form(request, db, group_id, form, error=error)
    return RedirectResponse(f"/groups/{group_id}/reports/{report.id}", status_code=303)


@router.get("/groups/{group_id}/reports/{report_id}", name="groups:report")
def show_report(
    request: Request, db: DbSession, principal: Reader, group_id: int, report_id: int
) -> Response:
    """The report: public once published; drafts for members; in review for reviewers too."""
    detail = gr.report_detail(db, group_id, report_id, principal)
    return render(
        request, "groups/report.html", {"d": detail, "themes": gr.THEMES, "tab": "reports"}
    )


@router.get("/groups/{group_id}/reports/{report_id}/edit", name="groups:edit_report")
def edit_report(
    request: Request, db: DbSession, principal: Participant, group_id: int, report_id: int
) -> Response:
    """The form with the stored draft (members only)."""
    detail = gr.report_detail(db, group_id, report_id, principal)
    if not detail.editable:
        raise Conflict(f"report {report_id} can be edited only as a draft, by group members")
    return _report_form(
        request, db, group_id, ReportForm.from_report(detail.report), report_id=report_id
    )


@router.post("/groups/{group_id}/reports/{report_id}", name="groups:update_report")
def update_report(
    request: Request,
    db: DbSession,
    principal: Participant,
    group_id: int,
    report_id: int,
    form: Annotated[ReportForm, Form()],
) -> Response:
    """Save the draft; the saved content goes into the history."""
    try:
        gr.update_report(db, group_id, report_id, form.to_input(), principal)
    except InputError as error:
        return _report_form(request, db, group_id, form, report_id=report_id, error=error)
    return RedirectResponse(f"/groups/{group_id}/reports/{report_id}", status_code=303)


@router.post("/groups/{group_id}/reports/{report_id}/transitions", name="groups:transition")
def transition_report(
    db: DbSession,
    principal: Participant,
    group_id: int,
    report_id: int,
    action: Annotated[str, Form(max_length=16)],
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Submit for review, approve, send back to draft (with a reason) or publish."""
    gr.transition_report(db, group_id, report_id, action, principal, note=note)
    return RedirectResponse(f"/groups/{group_id}/reports/{report_id}", status_code=303)


def _upload_router(limit: int) -> APIRouter:
    uploads = APIRouter()

    @uploads.post("/groups/{group_id}/documents", name="groups:upload", max_body_size=limit)
    def upload_document(
        request: Request,
        db: DbSession,
        principal: Participant,
        group_id: int,
        file: UploadFile,
        title: Annotated[str, Form(max_length=200)] = "",
        note: Annotated[str, Form(max_length=2000)] = "",
    ) -> Response:
        """Share a new document (PDF, DOCX, XLSX, ODT, PNG or JPEG)."""
        gr.add_document(
            db,
            group_id,
            title=title,
            filename=file.filename or "",
            stream=file.file,
            upload_dir=request.app.state.group_uploads_dir,
            max_bytes=request.app.state.group_max_upload_bytes,
            principal=principal,
            note=note,
        )
        return RedirectResponse(f"/groups/{group_id}/documents", status_code=303)

    @uploads.post(
        "/groups/{group_id}/documents/{document_id}/versions",
        name="groups:upload_version",
        max_body_size=limit,
    )
    def upload_version(
        request: Request,
        db: DbSession,
        principal: Participant,
        group_id: int,
        document_id: int,
        file: UploadFile,
        note: Annotated[str, Form(max_length=2000)] = "",
    ) -> Response:
        """Add a new version of a document; the earlier ones are kept."""
        gr.add_document_version(
            db,
            group_id,
            document_id,
            filename=file.filename or "",
            stream=file.file,
            upload_dir=request.app.state.group_uploads_dir,
            max_bytes=request.app.state.group_max_upload_bytes,
            principal=principal,
            note=note,
        )
        return RedirectResponse(
            f"/groups/{group_id}/documents#document-{document_id}", status_code=303
        )

    return uploads


def install_groups(app: FastAPI, settings: Settings) -> None:
    """Add the group routes; the two upload routes alone may receive ``max_upload_bytes``
    plus the multipart overhead (every other route keeps the app-wide body limit)."""
    app.state.group_uploads_dir = settings.uploads_dir / "groups"
    app.state.group_max_upload_bytes = settings.max_upload_bytes
    app.include_router(_upload_router(settings.max_upload_bytes + UPLOAD_OVERHEAD_BYTES))
    app.include_router(router)
