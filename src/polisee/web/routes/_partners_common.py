"""What the partner pages and API share: the viewer behind a principal, the statistics store,
the English labels (message ids) of the partner vocabularies, and number formatting."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_datetime
from fastapi import Request
from sqlalchemy.orm import Session

from polisee.services import partners as pt
from polisee.services.evidence import EvidenceCache
from polisee.services.sessions import Principal
from polisee.statsdb import StatsStore
from polisee.web import charts
from polisee.web.i18n import translations
from polisee.web.templating import language_of

__all__ = [
    "COLLABORATION_LABELS",
    "COOPERATION_LABELS",
    "PART_LABELS",
    "ROLE_LABELS",
    "STATUS_LABELS",
    "VISIBILITY_LABELS",
    "PartnerFormatter",
    "formatter",
    "split_list",
    "statistics",
    "viewer",
]

# English labels: the message ids of partners.po.
COOPERATION_LABELS = {
    "joint_rd": "Joint R&D",
    "market_entry": "Market entry",
    "supply_chain": "Supply chain",
    "training": "Training",
    "eu_consortium": "EU project consortium",
}
ROLE_LABELS = {
    "research": "Research",
    "design": "Design",
    "materials": "Materials",
    "components": "Components",
    "manufacturing": "Manufacturing",
    "assembly": "Assembly",
    "distribution": "Distribution",
    "services": "Services",
    "training": "Training",
    "end_user": "End user",
}
PART_LABELS = {
    "industry": "Industry relatedness",
    "complementarity": "Needs and offers",
    "region": "Strong-weak region pairing",
    "country": "Target regions",
    "language": "Common language",
}
STATUS_LABELS = {"pending": "pending", "accepted": "accepted", "declined": "declined"}
VISIBILITY_LABELS = {"public": "Public", "members": "Signed-in members only"}
COLLABORATION_LABELS = {
    "joint_project": "Joint project",
    "mou": "Memorandum of understanding",
    "consortium": "Consortium",
}


def viewer(db: Session, principal: Principal) -> pt.PartnerViewer:
    """The partner services' view of who is asking."""
    return pt.partner_viewer(db, principal.user_id, principal.permissions, principal.email)


def statistics(request: Request) -> tuple[StatsStore | None, EvidenceCache | None]:
    """The app's statistics store and evidence cache, or None while no data is loaded."""
    state: Any = getattr(request.app.state, "evidence", None)
    if state is None:
        return None, None
    store: StatsStore | None = state.store()
    cache: EvidenceCache = state.cache
    return store, cache


def split_list(value: str) -> list[str]:
    """Comma-, semicolon- or line-separated entries of a form field.

    >>> split_list("AT, HU21;\\nSI")
    ['AT', 'HU21', 'SI']
    """
    return [
        part.strip()
        for part in value.replace(";", ",").replace("\n", ",").split(",")
        if part.strip()
    ]


class PartnerFormatter:
    """Shares, labels, dates in the visitor's language (used by templates)."""

    def __init__(self, language: str) -> None:
        self.language = language
        catalogue = translations(language)
        self.gettext = catalogue.gettext
        self.ngettext = catalogue.ngettext

    def percent(self, value: float | None) -> str:
        """A share from 0 to 1 as a whole percentage ("—" when missing)."""
        if value is None:
            return "—"
        return charts.format_number(value * 100, "%", self.language, decimals=0)

    def number(self, value: float | None, decimals: int = 2) -> str:
        if value is None:
            return "—"
        return charts.format_number(value, "", self.language, decimals=decimals)

    def label(self, table: dict[str, str], key: str) -> str:
        return self.gettext(table[key]) if key in table else key

    def labels(self, table: dict[str, str], keys: list[str] | None) -> str:
        return ", ".join(self.label(table, k) for k in keys or []) or "—"

    def cooperation(self, keys: list[str] | None) -> str:
        return self.labels(COOPERATION_LABELS, keys)

    def roles(self, keys: list[str] | None) -> str:
        return self.labels(ROLE_LABELS, keys)

    def languages(self, keys: list[str] | None) -> str:
        return self.labels(pt.LANGUAGES, keys)

    def part(self, key: str) -> str:
        return self.label(PART_LABELS, key)

    def status(self, key: str) -> str:
        return self.label(STATUS_LABELS, key)

    def visibility(self, key: str) -> str:
        return self.label(VISIBILITY_LABELS, key)

    def kind(self, key: str) -> str:
        return self.label(COLLABORATION_LABELS, key)

    def date(self, value: date | None) -> str:
        if value is None:
            return "—"
        return str(format_date(value, format="medium", locale=self.language))

    def moment(self, value: datetime | None) -> str:
        if value is None:
            return "—"
        return str(format_datetime(value, format="short", tzinfo=None, locale=self.language))


def formatter(request: Request) -> PartnerFormatter:
    """The formatter in the visitor's language."""
    return PartnerFormatter(language_of(request))
