"""The good-practice repository: search with facets, the record, writing, validation,
attachments, comments and recommendations for an assessment's weak criteria.

On the search page the search box sits outside the htmx form (tied to it with ``form=``), so
its ``change`` on blur cannot race a facet click: the form reacts to facet and mode changes,
the box to typing.

Uploads are the one place that accepts a body larger than the app-wide limit: the route is
added by :func:`install_practices` with its own limit, derived from the upload setting.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, Form, Query, Request, UploadFile
from pydantic import BaseModel, Field
from starlette.responses import FileResponse, RedirectResponse, Response

from polisee.config import Settings
from polisee.errors import InputError, PermissionDenied
from polisee.services import practices as pr
from polisee.services.groups import reports_citing
from polisee.services.permissions import Permission
from polisee.services.sessions import Principal
from polisee.web.security import DbSession, Semantic, require
from polisee.web.templating import render

__all__ = [
    "UPLOAD_OVERHEAD_BYTES",
    "PracticeForm",
    "install_practices",
    "parse_figures",
    "parse_links",
    "router",
]

router = APIRouter()
Reader = Annotated[Principal, require(Permission.PRACTICE_READ)]
Proposer = Annotated[Principal, require(Permission.PRACTICE_PROPOSE)]
Validator = Annotated[Principal, require(Permission.PRACTICE_VALIDATE)]
Commenter = Annotated[Principal, require(Permission.PRACTICE_COMMENT)]
Facet = Annotated[list[str], Query(max_length=20)]
# Multipart framing and the form token around one file.
UPLOAD_OVERHEAD_BYTES = 64 * 1024
_TEXT = 20_000


class PracticeForm(BaseModel):
    """The practice form as posted; lists come from repeated fields."""

    title: str = Field(default="", max_length=300)
    summary: str = Field(default="", max_length=_TEXT)
    organisation: str = Field(default="", max_length=300)
    instrument: str = Field(default="", max_length=32)
    target_group: str = Field(default="", max_length=_TEXT)
    period_start: str = Field(default="", max_length=4)
    period_end: str = Field(default="", max_length=4)
    budget_eur: str = Field(default="", max_length=20)
    budget_note: str = Field(default="", max_length=_TEXT)
    funding_source: str = Field(default="", max_length=_TEXT)
    results: str = Field(default="", max_length=_TEXT)
    result_figures: str = Field(default="", max_length=_TEXT)
    success_factors: str = Field(default="", max_length=_TEXT)
    difficulties: str = Field(default="", max_length=_TEXT)
    transferability: str = Field(default="", max_length=_TEXT)
    contacts: str = Field(default="", max_length=2000)
    links: str = Field(default="", max_length=_TEXT)
    language: str = Field(default="en", max_length=8)
    regions: str = Field(default="", max_length=500)
    themes: list[str] = Field(default_factory=list, max_length=20)

    def to_input(self) -> pr.PracticeInput:
        """The service's input, with the line-based fields parsed."""
        return pr.PracticeInput(
            title=self.title,
            summary=self.summary,
            instrument=self.instrument,
            organisation=self.organisation,
            target_group=self.target_group,
            period_start=self.period_start,
            period_end=self.period_end,
            budget_eur=self.budget_eur,
            budget_note=self.budget_note,
            funding_source=self.funding_source,
            results=self.results,
            result_figures=tuple(parse_figures(self.result_figures)),
            success_factors=self.success_factors,
            difficulties=self.difficulties,
            transferability=self.transferability,
            contacts=self.contacts,
            links=tuple(parse_links(self.links)),
            language=self.language,
            themes=tuple(self.themes),
            regions=tuple(r for r in self.regions.replace(";", ",").split(",") if r.strip()),
        )

    @classmethod
    def from_practice(cls, practice: Any) -> PracticeForm:
        """The form filled with a stored practice."""
        figures = "\n".join(
            f"{f['label']} | {f['value']} | {f.get('unit', '')}".rstrip(" |")
            for f in practice.result_figures
        )
        links = "\n".join(f"{link['title']} | {link['url']}" for link in practice.links)
        return cls(
            title=practice.title,
            summary=practice.summary,
            organisation=practice.organisation,
            instrument=practice.instrument.value,
            target_group=practice.target_group,
            period_start=str(practice.period_start or ""),
            period_end=str(practice.period_end or ""),
            budget_eur=str(practice.budget_eur if practice.budget_eur is not None else ""),
            budget_note=practice.budget_note,
            funding_source=practice.funding_source,
            results=practice.results,
            result_figures=figures,
            success_factors=practice.success_factors,
            difficulties=practice.difficulties,
            transferability=practice.transferability,
            contacts=practice.contacts,
            links=links,
            language=practice.language,
            regions=", ".join(r.region_code for r in practice.regions),
            themes=[t.theme for t in practice.themes],
        )


def parse_links(text: str) -> list[dict[str, str]]:
    """Lines of ``title | url`` (or a bare URL) as link mappings.

    >>> parse_links("Programme page | https://example.eu/p\\nhttps://example.eu/r")
    [{'title': 'Programme page', 'url': 'https://example.eu/p'}, {'title': '', 'url': 'https://example.eu/r'}]
    """
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        title, _, url = line.rpartition("|")
        out.append({"title": title.strip(), "url": url.strip()})
    return out


def parse_figures(text: str) -> list[dict[str, str]]:
    """Lines of ``label | value | unit`` as result figures (checked by the service).

    >>> parse_figures("Accredited clusters | 21 | clusters")
    [{'label': 'Accredited clusters', 'value': '21', 'unit': 'clusters'}]
    """
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 2:
            raise InputError(
                f"line {number}: expected 'label | value | unit', got {line.strip()!r}",
                field="result_figures",
            )
        out.append({"label": parts[0], "value": parts[1], "unit": " ".join(parts[2:])})
    return out


def _choices() -> dict[str, Any]:
    return {
        "themes": pr.THEMES,
        "instruments": pr.INSTRUMENTS,
        "practice_languages": pr.LANGUAGES,
    }


@router.get("/practices", name="practices:list")
def list_practices(
    request: Request,
    db: DbSession,
    principal: Reader,
    semantic: Semantic,
    q: Annotated[str, Query(max_length=200)] = "",
    theme: Facet = [],  # noqa: B006  (FastAPI copies query defaults)
    instrument: Facet = [],  # noqa: B006
    country: Facet = [],  # noqa: B006
    period: Facet = [],  # noqa: B006
    scope: Literal["published", "mine", "review"] = "published",
    mode: Literal["fulltext", "semantic"] = "fulltext",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """Search the practices; htmx requests get only the results block."""
    encoder = semantic.encoder() if mode == "semantic" else None
    result = pr.search_practices(
        db,
        q,
        {"theme": theme, "instrument": instrument, "country": country, "period": period},
        page,
        principal=principal,
        scope=scope,
        mode=mode,
        encoder=encoder,
    )
    context = {
        "result": result,
        "scope": scope,
        "asked_mode": mode,
        "semantic_installed": semantic.available,
        **_choices(),
    }
    block = "results" if request.headers.get("hx-request") == "true" else None
    return render(request, "practices/list.html", context, block=block)


@router.get("/practices/recommendations", name="practices:recommend")
def recommend_practices(
    request: Request,
    db: DbSession,
    principal: Reader,
    semantic: Semantic,
    region: Annotated[str, Query(max_length=10)] = "",
    theme: Annotated[str, Query(max_length=64)] = "",
    criterion: Annotated[str, Query(max_length=300)] = "",
    guidance: Annotated[str, Query(max_length=2000)] = "",
    peers: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Practices for one weak criterion, each with the parts of its score."""
    recommendations = None
    if criterion.strip() or theme:
        gap = pr.Gap(
            theme_key=theme, criterion_key="form", criterion_title=criterion, guiding_text=guidance
        )
        recommendations = pr.recommend_practices(
            db,
            [gap],
            region_code=region.strip().upper(),
            peer_regions=[p.strip().upper() for p in peers.split(",") if p.strip()],
            encoder=semantic.encoder(),
        )[0]
    context = {
        "recommendations": recommendations,
        "form": {
            "region": region,
            "theme": theme,
            "criterion": criterion,
            "guidance": guidance,
            "peers": peers,
        },
        "weights": pr.WEIGHTS,
        **_choices(),
    }
    return render(request, "practices/recommend.html", context)


def _form_page(
    request: Request,
    form: PracticeForm,
    *,
    practice_id: int | None = None,
    error: InputError | None = None,
) -> Response:
    context = {
        "form": form,
        "practice_id": practice_id,
        "error": error,
        **_choices(),
    }
    return render(request, "practices/form.html", context, status_code=422 if error else 200)


@router.get("/practices/new", name="practices:new")
def new_practice(request: Request, principal: Proposer) -> Response:
    """The empty practice form."""
    return _form_page(request, PracticeForm())


@router.post("/practices", name="practices:create")
def create_practice(
    request: Request,
    db: DbSession,
    principal: Proposer,
    form: Annotated[PracticeForm, Form()],
) -> Response:
    """Save a new draft, then show it."""
    try:
        practice = pr.create_practice(db, form.to_input(), principal)
    except InputError as error:
        return _form_page(request, form, error=error)
    return RedirectResponse(f"/practices/{practice.id}", status_code=303)


@router.get("/practices/{practice_id}", name="practices:show")
def show_practice(request: Request, db: DbSession, principal: Reader, practice_id: int) -> Response:
    """The full record with attachments, history and comments."""
    detail = pr.practice_detail(db, practice_id, principal)
    context = {
        "detail": detail,
        "practice": detail.practice,
        "cited_in": reports_citing(db, practice_id),
        "max_upload_mb": round(request.app.state.max_upload_bytes / 1_048_576, 1),
        **_choices(),
    }
    return render(request, "practices/show.html", context)


@router.get("/practices/{practice_id}/edit", name="practices:edit")
def edit_practice(
    request: Request, db: DbSession, principal: Proposer, practice_id: int
) -> Response:
    """The form with the stored practice; only for its author while editable."""
    practice = pr.get_practice(db, practice_id, principal)
    if not pr.can_edit(practice, principal):
        raise PermissionDenied(
            f"practice {practice_id} can be edited only by its author while it is a draft "
            "or rejected"
        )
    return _form_page(request, PracticeForm.from_practice(practice), practice_id=practice_id)


@router.post("/practices/{practice_id}", name="practices:update")
def update_practice(
    request: Request,
    db: DbSession,
    principal: Proposer,
    practice_id: int,
    form: Annotated[PracticeForm, Form()],
) -> Response:
    """Save the author's changes."""
    try:
        pr.update_practice(db, practice_id, form.to_input(), principal)
    except InputError as error:
        return _form_page(request, form, practice_id=practice_id, error=error)
    return RedirectResponse(f"/practices/{practice_id}", status_code=303)


@router.post("/practices/{practice_id}/submissions", name="practices:submit")
def submit_practice(db: DbSession, principal: Proposer, practice_id: int) -> Response:
    """Send the practice to the validators."""
    pr.submit_practice(db, practice_id, principal)
    return RedirectResponse(f"/practices/{practice_id}", status_code=303)


@router.post("/practices/{practice_id}/reviews", name="practices:review")
def review_practice(
    db: DbSession,
    principal: Validator,
    practice_id: int,
    decision: Annotated[str, Form(max_length=16)],
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """A validator reviews, publishes or rejects the practice."""
    pr.decide(db, practice_id, decision, principal, note=note)
    return RedirectResponse(f"/practices/{practice_id}", status_code=303)


@router.post("/practices/{practice_id}/comments", name="practices:comment")
def comment_practice(
    db: DbSession,
    principal: Commenter,
    practice_id: int,
    body: Annotated[str, Form(max_length=5000)],
    kind: Annotated[str, Form(max_length=16)] = "comment",
) -> Response:
    """Add a comment or a question; the author is notified."""
    comment = pr.add_comment(db, practice_id, body, principal, kind=kind)
    return RedirectResponse(f"/practices/{practice_id}#comment-{comment.id}", status_code=303)


@router.get("/practices/{practice_id}/attachments/{attachment_id}", name="practices:download")
def download_attachment(
    request: Request, db: DbSession, principal: Reader, practice_id: int, attachment_id: int
) -> Response:
    """The file, always as a download and never sniffed into another type."""
    found = pr.attachment_file(
        db,
        practice_id,
        attachment_id,
        upload_dir=request.app.state.uploads_dir,
        principal=principal,
    )
    return FileResponse(
        found.path,
        media_type=found.content_type,
        filename=found.filename,
        content_disposition_type="attachment",
        headers={"X-Content-Type-Options": "nosniff"},
    )


def _upload_router(limit: int) -> APIRouter:
    uploads = APIRouter()

    @uploads.post(
        "/practices/{practice_id}/attachments", name="practices:upload", max_body_size=limit
    )
    def upload_attachment(
        request: Request,
        db: DbSession,
        principal: Proposer,
        practice_id: int,
        file: UploadFile,
    ) -> Response:
        """Add a PDF, PNG or JPEG file to a practice its author may still edit."""
        pr.add_attachment(
            db,
            practice_id,
            filename=file.filename or "",
            stream=file.file,
            upload_dir=request.app.state.uploads_dir,
            max_bytes=request.app.state.max_upload_bytes,
            principal=principal,
        )
        return RedirectResponse(f"/practices/{practice_id}#attachments", status_code=303)

    return uploads


def install_practices(app: FastAPI, settings: Settings) -> None:
    """Add the practice routes; the upload route alone may receive ``max_upload_bytes`` plus
    the multipart overhead (every other route keeps the app-wide body limit)."""
    app.state.uploads_dir = settings.uploads_dir
    app.state.max_upload_bytes = settings.max_upload_bytes
    app.include_router(_upload_router(settings.max_upload_bytes + UPLOAD_OVERHEAD_BYTES))
    app.include_router(router)
