"""Vocabularies, the checked input of a practice, text folding and who may see what."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from polisee.errors import InputError
from polisee.records.practices import Instrument, Practice, PracticeState
from polisee.services.permissions import Permission
from polisee.services.sessions import Principal

__all__ = [
    "INSTRUMENTS",
    "LANGUAGES",
    "THEMES",
    "PracticeInput",
    "can_edit",
    "can_view",
    "countries_of",
    "fold",
    "search_texts",
    "words",
]

# Policy themes a practice addresses; gaps of an assessment name one of these keys.
THEMES: dict[str, str] = {
    "innovation": "Innovation and R&D-driven cluster development",
    "sustainability": "Sustainability and eco-innovation",
    "internationalisation": "Internationalisation and international networks",
    "financing": "Cluster financing",
    "smart_specialisation": "Clusters and regional (smart) specialisation",
    "skills_jobs": "New skills and job creation",
}
"""The platform's six themes, keyed as in the self-assessment framework, so that a weak
criterion's theme selects the practices of the same theme."""
INSTRUMENTS: dict[str, str] = {
    Instrument.GRANT_SCHEME: "Grant scheme",
    Instrument.VOUCHER: "Voucher",
    Instrument.ACCREDITATION: "Accreditation or label",
    Instrument.NETWORK_PROGRAMME: "Network programme",
    Instrument.TRAINING: "Training",
    Instrument.INFRASTRUCTURE: "Infrastructure",
    Instrument.PROCUREMENT: "Procurement",
    Instrument.ADVISORY: "Advisory service",
    Instrument.COMPETENCE_CENTRE: "Competence centre",
    Instrument.OTHER: "Other",
}
LANGUAGES: dict[str, str] = {
    "en": "English",
    "hu": "Hungarian",
    "de": "German",
    "sl": "Slovenian",
    "hr": "Croatian",
    "sr": "Serbian",
    "bg": "Bulgarian",
    "ro": "Romanian",
    "sk": "Slovak",
    "it": "Italian",
    "el": "Greek",
    "sq": "Albanian",
}
_REGION = re.compile(r"^[A-Z]{2}[A-Z0-9]{0,3}$")
_WORD = re.compile(r"[^\W_]+")
_TEXT_LIMIT = 20_000
_YEARS = (1950, 2100)


def fold(text: str) -> str:
    """Lower-cased, accents removed: what the full-text index stores and queries compare.

    >>> fold("Pólus Programme ŐSZ")
    'polus programme osz'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The folded words of ``text`` as both full-text engines split them.

    >>> words("E-commerce, R&D_2020!")
    ['e', 'commerce', 'r', 'd', '2020']
    """
    return _WORD.findall(fold(text))


def countries_of(region_codes: Iterable[str]) -> list[str]:
    """The distinct country codes (first two letters) of NUTS or country codes.

    >>> countries_of(["HU21", "HU", "AT31"])
    ['AT', 'HU']
    """
    return sorted({code[:2] for code in region_codes if code})


def _text(value: str | None, name: str, *, required: bool = False, limit: int = _TEXT_LIMIT) -> str:
    clean = (value or "").replace("\r\n", "\n").strip()
    if required and not clean:
        raise InputError("expected a value, got an empty field", field=name)
    if len(clean) > limit:
        raise InputError(f"expected at most {limit} characters, got {len(clean)}", field=name)
    return clean


def _year(value: int | str | None, name: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        year = int(value)
    except ValueError:
        raise InputError(f"expected a year like 2014, got {value!r}", field=name) from None
    if not _YEARS[0] <= year <= _YEARS[1]:
        raise InputError(f"expected a year from {_YEARS[0]} to {_YEARS[1]}, got {year}", field=name)
    return year


def _amount(value: int | str | None, name: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = int(str(value).replace(" ", "").replace("_", ""))
    except ValueError:
        raise InputError(f"expected a whole number of euros, got {value!r}", field=name) from None
    if amount < 0:
        raise InputError(f"expected a non-negative amount, got {amount}", field=name)
    return amount


def _url(url: str, name: str) -> str:
    clean = url.strip()
    if not re.match(r"^https?://[^\s/]+\S*$", clean) or len(clean) > 500:
        raise InputError(f"expected an http(s) address, got {url!r}", field=name)
    return clean


def _links(value: Iterable[Mapping[str, str]], name: str) -> list[dict[str, str]]:
    out = []
    for item in value:
        url = _url(str(item.get("url", "")), name)
        title = _text(str(item.get("title", "")), name, limit=300) or url
        out.append({"title": title, "url": url})
    return out


def _figures(value: Iterable[Mapping[str, Any]], name: str) -> list[dict[str, Any]]:
    out = []
    for item in value:
        label = _text(str(item.get("label", "")), name, required=True, limit=300)
        raw = item.get("value")
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise InputError(f"expected a number for {label!r}, got {raw!r}", field=name)
        try:
            number = float(str(raw).replace(" ", "").replace(",", ""))
        except ValueError:
            raise InputError(f"expected a number for {label!r}, got {raw!r}", field=name) from None
        out.append(
            {
                "label": label,
                "value": int(number) if number.is_integer() else number,
                "unit": _text(str(item.get("unit", "")), name, limit=60),
            }
        )
    return out


@dataclass(frozen=True)
class PracticeInput:
    """What an author writes; :meth:`checked` returns a cleaned copy or raises InputError."""

    title: str
    summary: str
    instrument: str
    organisation: str = ""
    target_group: str = ""
    period_start: int | str | None = None
    period_end: int | str | None = None
    budget_eur: int | str | None = None
    budget_note: str = ""
    funding_source: str = ""
    results: str = ""
    result_figures: tuple[Mapping[str, Any], ...] = ()
    success_factors: str = ""
    difficulties: str = ""
    transferability: str = ""
    contacts: str = ""
    links: tuple[Mapping[str, str], ...] = ()
    language: str = "en"
    themes: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()

    def checked(self) -> dict[str, Any]:
        """The column values (plus ``themes`` and ``regions`` lists), validated."""
        try:
            instrument = Instrument(self.instrument)
        except ValueError:
            choices = ", ".join(INSTRUMENTS)
            raise InputError(
                f"expected one of {choices}, got {self.instrument!r}", field="instrument"
            ) from None
        if self.language not in LANGUAGES:
            raise InputError(
                f"expected one of {', '.join(LANGUAGES)}, got {self.language!r}", field="language"
            )
        themes = sorted(set(self.themes))
        unknown = [t for t in themes if t not in THEMES]
        if unknown or not themes:
            raise InputError(
                f"expected one or more of {', '.join(THEMES)}, got {unknown or 'none'}",
                field="themes",
            )
        regions = sorted({code.strip().upper() for code in self.regions if code.strip()})
        bad = [code for code in regions if not _REGION.match(code)]
        if bad or not regions:
            raise InputError(
                f"expected NUTS or country codes like HU21 or AT, got {bad or 'none'}",
                field="regions",
            )
        start = _year(self.period_start, "period_start")
        end = _year(self.period_end, "period_end")
        if start is not None and end is not None and end < start:
            raise InputError(f"expected an end year from {start} on, got {end}", field="period_end")
        return {
            "title": _text(self.title, "title", required=True, limit=300),
            "summary": _text(self.summary, "summary", required=True),
            "organisation": _text(self.organisation, "organisation", limit=300),
            "instrument": instrument,
            "target_group": _text(self.target_group, "target_group"),
            "period_start": start,
            "period_end": end,
            "budget_eur": _amount(self.budget_eur, "budget_eur"),
            "budget_note": _text(self.budget_note, "budget_note"),
            "funding_source": _text(self.funding_source, "funding_source"),
            "results": _text(self.results, "results"),
            "result_figures": _figures(self.result_figures, "result_figures"),
            "success_factors": _text(self.success_factors, "success_factors"),
            "difficulties": _text(self.difficulties, "difficulties"),
            "transferability": _text(self.transferability, "transferability"),
            "contacts": _text(self.contacts, "contacts", limit=2000),
            "links": _links(self.links, "links"),
            "language": self.language,
            "themes": themes,
            "regions": regions,
        }


def search_texts(values: Mapping[str, Any]) -> tuple[str, str]:
    """The folded title and body the full-text index holds for a practice's values."""
    body_fields = (
        "summary",
        "organisation",
        "target_group",
        "funding_source",
        "results",
        "success_factors",
        "difficulties",
        "transferability",
    )
    body = "\n".join(str(values.get(name) or "") for name in body_fields)
    extra = " ".join(THEMES.get(t, t) for t in values.get("themes", ()))
    return fold(str(values.get("title") or "")), fold(f"{body}\n{extra}")


def can_view(practice: Practice, principal: Principal) -> bool:
    """Published: anyone who reads practices; drafts: the author; in validation: author and
    validators."""
    if practice.state is PracticeState.PUBLISHED:
        return Permission.PRACTICE_READ in principal.permissions
    is_author = principal.user_id is not None and practice.author_id == principal.user_id
    if practice.state is PracticeState.DRAFT:
        return is_author
    return is_author or Permission.PRACTICE_VALIDATE in principal.permissions


def can_edit(practice: Practice, principal: Principal) -> bool:
    """Only the author, and only while the practice is a draft or was rejected."""
    return (
        principal.user_id is not None
        and practice.author_id == principal.user_id
        and Permission.PRACTICE_PROPOSE in principal.permissions
        and practice.state in (PracticeState.DRAFT, PracticeState.REJECTED)
    )
