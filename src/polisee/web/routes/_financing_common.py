"""What the cluster-organisation, financing and API routes share: the viewer behind a
principal, and numbers, dates and phrases written in the visitor's language."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from fastapi import Request
from sqlalchemy.orm import Session

from polisee.services.clusters import Viewer, viewer_for
from polisee.services.financing import METRICS, Phrase, Quantity, render_phrase
from polisee.services.sessions import Principal
from polisee.web import charts
from polisee.web.i18n import translations
from polisee.web.templating import language_of

__all__ = ["OPERATORS", "FinanceFormatter", "formatter", "viewer"]

OPERATORS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}


def viewer(db: Session, principal: Principal) -> Viewer:
    """The services' view of who is asking."""
    return viewer_for(db, principal.user_id, principal.permissions, principal.email)


class FinanceFormatter:
    """Money, shares, quantities, dates and phrases in one language (used by templates)."""

    def __init__(self, language: str) -> None:
        self.language = language
        catalogue = translations(language)
        self.gettext = catalogue.gettext
        self.ngettext = catalogue.ngettext

    def money(self, value: Decimal | float | str | None) -> str:
        if value is None:
            return self.gettext("no data")
        return charts.format_number(float(value), "EUR", self.language, decimals=0)

    def share(self, value: Decimal | float | None) -> str:
        if value is None:
            return self.gettext("no data")
        return charts.format_number(float(value) * 100, "%", self.language, significant=3)

    def number(self, value: Decimal | float | int | None, decimals: int | None = None) -> str:
        if value is None:
            return self.gettext("no data")
        return charts.format_number(float(value), "", self.language, decimals=decimals)

    def plain(self, value: Decimal | float | int) -> str:
        """A number for a form field: no grouping, no trailing zeros."""
        return format(Decimal(str(value)).normalize(), "f")

    def score(self, value: Decimal | float | str | None) -> str:
        if value is None:
            return "—"
        return charts.format_number(float(value), "", self.language, decimals=1)

    def quantity(self, quantity: Quantity) -> str:
        value = quantity.value
        if value is None:
            return self.gettext("no data")
        unit = quantity.unit
        if unit == "share":
            return self.share(value)
        if unit == "eur":
            return self.money(value)
        if unit == "fte":
            return charts.format_number(value, "FTE", self.language, significant=3)
        if unit == "points":
            return charts.format_number(value, "", self.language, decimals=1)
        if unit == "years":
            return self.ngettext("{n} year", "{n} years", int(value)).format(n=self.number(value))
        if unit == "days":
            return self.ngettext("{n} day", "{n} days", int(value)).format(n=self.number(value))
        if unit == "flag":
            return self.gettext("yes") if value else self.gettext("no")
        return self.number(value, decimals=0 if float(value).is_integer() else None)

    def phrase(self, phrase: Phrase | dict[str, Any]) -> str:
        if isinstance(phrase, dict):
            phrase = Phrase.from_json(phrase)
        return render_phrase(
            phrase, gettext=self.gettext, ngettext=self.ngettext, quantity=self.quantity
        )

    def metric(self, key: str) -> str:
        metric = METRICS.get(key)
        return self.gettext(metric.label) if metric else key

    def metric_value(self, key: str, value: float | None) -> str:
        metric = METRICS.get(key)
        return self.quantity(Quantity(value, metric.unit if metric else "count"))

    def op(self, op: str) -> str:
        return OPERATORS.get(op, op)

    def date(self, value: date | datetime | str | None) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, str):
            value = date.fromisoformat(value[:10])
        return str(format_date(value, format="medium", locale=self.language))


def formatter(request: Request) -> FinanceFormatter:
    """The formatter in the visitor's language."""
    return FinanceFormatter(language_of(request))
