"""Error mapping at the edge: polisee errors become status codes and pages (or JSON under /api)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied
from polisee.services.sessions import ANONYMOUS, Principal, TooManyAttempts
from polisee.web.security import CsrfRejected
from polisee.web.templating import render

__all__ = ["install_error_handlers"]


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _page(
    request: Request, status: int, title: str, detail: str, where: str | None = None
) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": detail, "where": where}, status_code=status)
    return render(
        request,
        "errors/error.html",
        {"status": status, "title": title, "detail": detail, "where": where},
        status_code=status,
    )


async def _input_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, InputError)
    where = ", ".join(
        part
        for part in (
            f"file {exc.path}" if exc.path else "",
            f"line {exc.line}" if exc.line is not None else "",
            f"field {exc.field}" if exc.field else "",
        )
        if part
    )
    return _page(request, 422, "Invalid input", exc.message, where or None)


async def _not_found(request: Request, exc: Exception) -> Response:
    return _page(request, 404, "Not found", str(exc))


async def _conflict(request: Request, exc: Exception) -> Response:
    return _page(request, 409, "Conflict", str(exc))


async def _denied(request: Request, exc: Exception) -> Response:
    principal: Principal = getattr(request.state, "principal", ANONYMOUS)
    if not principal.is_authenticated and not _is_api(request):
        target = request.url.path if request.method == "GET" else "/"
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    return _page(request, 403, "Not allowed", str(exc))


async def _csrf(request: Request, exc: Exception) -> Response:
    return _page(request, 403, "Not allowed", str(exc))


async def _too_many(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TooManyAttempts)
    response = _page(request, 429, "Too many attempts", str(exc))
    response.headers["retry-after"] = str(exc.retry_after)
    return response


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return _page(request, 404, "Not found", "There is no page at this address.")
    if exc.status_code == 405:
        return _page(request, 405, "Method not allowed", str(exc.detail))
    return _page(request, exc.status_code, "Error", str(exc.detail))


async def _validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    fields = ", ".join(".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors())
    return _page(
        request, 422, "Invalid input", "A field is missing or malformed.", f"field {fields}"
    )


async def _out_of_range(request: Request, exc: Exception) -> Response:
    # An identifier or number too large for the database's integer columns (SQLite raises
    # OverflowError, PostgreSQL a DataError) names nothing that can exist.
    return await _not_found(request, NotFound("no such record: a number is out of range"))


def install_error_handlers(app: FastAPI) -> None:
    """Register the edge mapping on ``app``."""
    app.add_exception_handler(InputError, _input_error)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(OverflowError, _out_of_range)
    app.add_exception_handler(DataError, _out_of_range)
    app.add_exception_handler(Conflict, _conflict)
    app.add_exception_handler(PermissionDenied, _denied)
    app.add_exception_handler(TooManyAttempts, _too_many)
    app.add_exception_handler(CsrfRejected, _csrf)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)
