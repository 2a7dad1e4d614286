"""What the assessment and framework pages share: labels, the statistics store, forms."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from polisee.records.assessments import StakeholderGroup
from polisee.services.evidence import EvidenceCache
from polisee.services.permissions import Permission
from polisee.services.sessions import Principal
from polisee.statsdb import StatsStore
from polisee.web.security import require

__all__ = [
    "GROUP_LABELS",
    "RELATION_LABELS",
    "Answerer",
    "Editor",
    "FormData",
    "Reader",
    "form_data",
    "statistics",
]

Reader = Annotated[Principal, require(Permission.ASSESSMENT_READ)]
Answerer = Annotated[Principal, require(Permission.ASSESSMENT_ANSWER)]
Editor = Annotated[Principal, require(Permission.ASSESSMENT_EDIT)]

# English labels are the msgids of the assessment catalogue.
GROUP_LABELS: dict[str, str] = {
    StakeholderGroup.PUBLIC_AUTHORITY.value: "Public authority",
    StakeholderGroup.CLUSTER_ORGANISATION.value: "Cluster organisation",
    StakeholderGroup.RESEARCH.value: "Research",
    StakeholderGroup.BUSINESS.value: "Business",
    StakeholderGroup.CIVIL_SOCIETY.value: "Civil society",
}
RELATION_LABELS: dict[str, str] = {
    "owner": "You own it",
    "organisation": "Your organisation",
    "respondent": "You are a respondent",
    "reviewer": "You are a peer reviewer",
    "published": "Published",
}


async def form_data(request: Request) -> dict[str, str]:
    """The posted form as text fields (read once; the CSRF check has parsed it already)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


FormData = Annotated[dict[str, str], Depends(form_data)]


def statistics(request: Request) -> tuple[StatsStore | None, EvidenceCache | None]:
    """The app's statistics store and evidence cache, or None while no data is loaded."""
    state: Any = getattr(request.app.state, "evidence", None)
    if state is None:
        return None, None
    store: StatsStore | None = state.store()
    cache: EvidenceCache = state.cache
    return store, cache
