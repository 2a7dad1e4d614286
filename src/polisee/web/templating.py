"""Rendering pages: templates with the language, principal and form token in their context."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from starlette.datastructures import URL
from starlette.responses import HTMLResponse, Response

from polisee.services.sessions import ANONYMOUS, Principal
from polisee.web.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    bcp47,
    negotiate,
    region_name,
    translations,
)
from polisee.web.security import CSRF_COOKIE, csrf_token_for

__all__ = ["LANG_COOKIE", "TEMPLATES", "language_of", "render"]

LANG_COOKIE = "polisee_lang"
TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")


@lru_cache(maxsize=8192)
def _url(app: FastAPI, base_url: str, name: str, params: tuple[tuple[str, str], ...]) -> URL:
    return app.url_path_for(name, **dict(params)).make_absolute_url(base_url)


@pass_context
def _url_for(context: Context, name: str, /, **path_params: Any) -> URL:
    """``request.url_for`` remembered per app, base URL, route and parameters.

    Looking a route up walks every route of the app; a list page links hundreds of rows
    (the regions list: ~340), which cost over 100 ms per page before the lookups were kept.
    """
    request: Request = context["request"]
    params = tuple(sorted((k, str(v)) for k, v in path_params.items()))
    return _url(request.app, str(request.base_url), name, params)


TEMPLATES.env.globals["url_for"] = _url_for
TEMPLATES.env.globals["region_name"] = region_name


def language_of(request: Request) -> str:
    """``?lang=`` first, then the language cookie, then ``Accept-Language``."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    return negotiate(request.headers.get("accept-language")) or DEFAULT_LANGUAGE


def _switch_url(request: Request, language: str) -> str:
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    query.append(("lang", language))
    return f"{request.url.path}?{urlencode(query)}"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    block: str | None = None,
) -> Response:
    """The page ``name`` (or, for htmx, one named ``block`` of it) in the visitor's language."""
    language = language_of(request)
    catalogue = translations(language)
    principal: Principal = getattr(request.state, "principal", ANONYMOUS)
    full = {
        "request": request,
        "_": catalogue.gettext,
        "ngettext": catalogue.ngettext,
        "lang": language,
        "lang_tag": bcp47(language),
        "languages": [
            (code, label, _switch_url(request, code), bcp47(code))
            for code, label in LANGUAGES.items()
        ],
        "principal": principal,
        "csrf_token": csrf_token_for(request),
        **(context or {}),
    }
    response: Response
    if block is not None:
        template = TEMPLATES.env.get_template(name)
        body = "".join(template.blocks[block](template.new_context(full)))
        response = HTMLResponse(body, status_code=status_code)
    else:
        response = TEMPLATES.TemplateResponse(request, name, full, status_code=status_code)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(
            LANG_COOKIE,
            language,
            max_age=365 * 86400,
            httponly=True,
            samesite="lax",
            secure=_secure(request),
        )
    new_cookie = getattr(request.state, "new_csrf_cookie", None)
    if new_cookie:
        response.set_cookie(
            CSRF_COOKIE, new_cookie, httponly=True, samesite="lax", secure=_secure(request)
        )
    return response
