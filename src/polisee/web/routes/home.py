"""The home page: what the platform holds (the evidence explorer grows from here)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from starlette.responses import Response

from polisee.services.permissions import Permission
from polisee.services.sessions import Principal
from polisee.web.security import require
from polisee.web.templating import render

__all__ = ["router"]

router = APIRouter()


@router.get("/", name="home:index")
def show_home(
    request: Request, principal: Annotated[Principal, require(Permission.EVIDENCE_READ)]
) -> Response:
    """The landing page."""
    return render(request, "home/index.html")
