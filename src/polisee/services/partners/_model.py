"""The vocabulary of partner matching: who is asking, what a profile holds, search filters,
the weights of the score and the parts of a match."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from polisee.errors import InputError
from polisee.records.partners import (
    CollaborationKind,
    CooperationType,
    PartnerProfile,
    PartnerVisibility,
    ValueChainRole,
)
from polisee.records.permissions import Permission, Role, permissions_for
from polisee.services.audit import Actor

__all__ = [
    "CLI_PARTNER_VIEWER",
    "COLLABORATION_KINDS",
    "COOPERATION_TYPES",
    "LANGUAGES",
    "PARTS",
    "PUBLISHING_ROLES",
    "SEE_COUNTRIES",
    "VALUE_CHAIN_ROLES",
    "VISIBILITIES",
    "PartnerViewer",
    "ProfileInput",
    "SearchFilters",
    "Weights",
    "division_of",
    "region_prefixes",
]

COOPERATION_TYPES: tuple[str, ...] = tuple(t.value for t in CooperationType)
VALUE_CHAIN_ROLES: tuple[str, ...] = tuple(r.value for r in ValueChainRole)
VISIBILITIES: tuple[str, ...] = tuple(v.value for v in PartnerVisibility)
COLLABORATION_KINDS: tuple[str, ...] = tuple(k.value for k in CollaborationKind)
# The eleven countries of the South-East Europe cluster mission (Eurostat codes: EL is Greece).
SEE_COUNTRIES: tuple[str, ...] = ("AL", "AT", "BG", "EL", "HR", "HU", "IT", "RO", "RS", "SI", "SK")
# Working languages a profile can name (ISO 639-1), with their English names (msgids).
LANGUAGES: dict[str, str] = {
    "bg": "Bulgarian",
    "bs": "Bosnian",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "et": "Estonian",
    "fi": "Finnish",
    "fr": "French",
    "ga": "Irish",
    "hr": "Croatian",
    "hu": "Hungarian",
    "it": "Italian",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "mk": "Macedonian",
    "mt": "Maltese",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sq": "Albanian",
    "sr": "Serbian",
    "sv": "Swedish",
    "tr": "Turkish",
    "uk": "Ukrainian",
}
# The parts of a match score, in the order the explanation shows them.
PARTS: tuple[str, ...] = ("industry", "complementarity", "region", "country", "language")
# Roles that publish their organisation's profile and record its collaborations.
PUBLISHING_ROLES: frozenset[Role] = frozenset(
    role for role in Role if Permission.PARTNER_EDIT in permissions_for([role])
)

_NACE = re.compile(r"^[A-U]\d{2}(\.\d{1,2})?$")
_REGION = re.compile(r"^[A-Z]{2}[A-Z0-9]{0,3}$")


def division_of(code: str) -> str | None:
    """The NACE division a code belongs to (``C29.3`` -> ``C29``), None for a bad code.

    >>> division_of("c29.10"), division_of("J62"), division_of("C")
    ('C29', 'J62', None)
    """
    clean = code.strip().upper()
    return clean[:3] if _NACE.match(clean) else None


def region_prefixes(code: str) -> list[str]:
    """A NUTS code and every coarser code containing it, country first.

    >>> region_prefixes("HU21")
    ['HU', 'HU2', 'HU21']
    """
    return [code[:n] for n in range(2, len(code) + 1)]


@dataclass(frozen=True)
class PartnerViewer:
    """Who is asking: permissions, every organisation they belong to (they act for those in
    match requests), the ones they may publish for (a role with ``partner:edit`` there), and
    whether they are an administrator (edits every profile, never reads request threads)."""

    user_id: int | None
    label: str
    permissions: frozenset[Permission]
    organisations: frozenset[int] = frozenset()
    publishers: frozenset[int] = frozenset()
    admin: bool = False

    @property
    def actor(self) -> Actor:
        """This viewer as the author of an audited change."""
        return Actor(self.user_id, self.label)

    @property
    def signed_in(self) -> bool:
        """Whether members-only profiles are visible."""
        return self.user_id is not None and Permission.PARTNER_CONTACT in self.permissions

    def can_see(self, profile: PartnerProfile) -> bool:
        """Public profiles for everyone with ``partner:read``; members-only when signed in."""
        if Permission.PARTNER_READ not in self.permissions:
            return False
        return profile.visibility == PartnerVisibility.PUBLIC or self.signed_in or self.admin

    def can_edit(self, profile: PartnerProfile) -> bool:
        """Administrators, and publishers of the profile's own organisation."""
        return self.admin or (
            Permission.PARTNER_EDIT in self.permissions
            and profile.organisation_id in self.publishers
        )

    def acts_for(self, profile: PartnerProfile) -> bool:
        """Whether this user speaks for the profile's organisation in match requests."""
        return (
            Permission.PARTNER_CONTACT in self.permissions
            and profile.organisation_id in self.organisations
        )


CLI_PARTNER_VIEWER = PartnerViewer(None, "cli", frozenset(Permission), admin=True)


def _words(value: str, field_name: str, limit: int, *, required: bool = False) -> str:
    clean = " ".join(value.split())
    if (required and not clean) or len(clean) > limit:
        raise InputError(f"expected 1 to {limit} characters, got {len(clean)}", field=field_name)
    return clean


def _paragraphs(value: str, field_name: str, limit: int) -> str:
    # Line breaks are kept (shown as such); other runs of white space collapse.
    lines = [" ".join(line.split()) for line in value.replace("\r\n", "\n").split("\n")]
    clean = "\n".join(lines).strip()
    while "\n\n\n" in clean:
        clean = clean.replace("\n\n\n", "\n\n")
    if len(clean) > limit:
        raise InputError(f"expected at most {limit} characters, got {len(clean)}", field=field_name)
    return clean


def _choices(values: Iterable[str], allowed: Sequence[str], field_name: str) -> list[str]:
    out: list[str] = []
    for raw in values:
        clean = raw.strip().lower()
        if not clean:
            continue
        if clean not in allowed:
            raise InputError(f"expected one of {list(allowed)}, got {raw!r}", field=field_name)
        if clean not in out:
            out.append(clean)
    return out


def _list(values: Iterable[str], field_name: str, *, limit: int = 40) -> list[str]:
    out: list[str] = []
    for raw in values:
        clean = " ".join(raw.split())
        if not clean:
            continue
        if len(clean) > 60:
            raise InputError(f"expected at most 60 characters, got {len(clean)}", field=field_name)
        if clean not in out:
            out.append(clean)
    if len(out) > limit:
        raise InputError(f"expected at most {limit} entries, got {len(out)}", field=field_name)
    return out


def _nace(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for raw in values:
        if not raw.strip():
            continue
        division = division_of(raw)
        if division is None:
            raise InputError(
                f"expected NACE divisions like C29 (or finer, C29.3), got {raw!r}",
                field="nace_codes",
            )
        if division not in out:
            out.append(division)
    if len(out) > 20:
        raise InputError(f"expected at most 20 industries, got {len(out)}", field="nace_codes")
    return out


def _regions(values: Iterable[str], field_name: str) -> list[str]:
    out: list[str] = []
    for raw in values:
        clean = raw.strip().upper()
        if not clean:
            continue
        if not _REGION.match(clean):
            raise InputError(
                f"expected country or NUTS codes like AT, HU2 or HU21, got {raw!r}",
                field=field_name,
            )
        if clean not in out:
            out.append(clean)
    if len(out) > 60:
        raise InputError(f"expected at most 60 codes, got {len(out)}", field=field_name)
    return out


@dataclass(frozen=True)
class ProfileInput:
    """What a profile form sends; :meth:`clean` validates it into record values."""

    region_code: str
    offers: str = ""
    needs: str = ""
    summary: str = ""
    name: str = ""
    target_regions: Sequence[str] = ()
    value_chain_roles: Sequence[str] = ()
    nace_codes: Sequence[str] = ()
    technologies: Sequence[str] = ()
    cooperation_types: Sequence[str] = ()
    languages: Sequence[str] = ()
    visibility: str = PartnerVisibility.PUBLIC.value
    region_pairing: bool = False
    website: str = ""

    def clean(self) -> dict[str, Any]:
        """Validated values (InputError names the field); ``name`` empty means the
        organisation's name, ``country`` is the region code's first two letters."""
        region = self.region_code.strip().upper()
        if not _REGION.match(region):
            raise InputError(
                f"expected a NUTS code like HU21, got {self.region_code!r}", field="region_code"
            )
        if self.visibility not in VISIBILITIES:
            raise InputError(
                f"expected one of {list(VISIBILITIES)}, got {self.visibility!r}", field="visibility"
            )
        website = self.website.strip()
        if website and not re.match(r"^https?://[^\s/$.?#][^\s]*$", website):
            raise InputError(f"expected an http(s) address, got {website!r}", field="website")
        values: dict[str, Any] = {
            "name": _words(self.name, "name", 300),
            "country": region[:2],
            "region_code": region,
            "summary": _paragraphs(self.summary, "summary", 2000),
            "offers": _paragraphs(self.offers, "offers", 4000),
            "needs": _paragraphs(self.needs, "needs", 4000),
            "target_regions": _regions(self.target_regions, "target_regions"),
            "value_chain_roles": _choices(
                self.value_chain_roles, VALUE_CHAIN_ROLES, "value_chain_roles"
            ),
            "nace_codes": _nace(self.nace_codes),
            "technologies": _list(self.technologies, "technologies"),
            "cooperation_types": _choices(
                self.cooperation_types, COOPERATION_TYPES, "cooperation_types"
            ),
            "languages": _choices(self.languages, tuple(LANGUAGES), "languages"),
            "visibility": PartnerVisibility(self.visibility),
            "region_pairing": bool(self.region_pairing),
            "website": website[:300],
        }
        if not values["offers"] and not values["needs"]:
            raise InputError("say what the organisation offers or what it needs", field="offers")
        return values


@dataclass(frozen=True)
class SearchFilters:
    """The partner search: words, country, industry (NACE division), cooperation type."""

    q: str = ""
    country: str = ""
    industry: str = ""
    cooperation_type: str = ""

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> SearchFilters:
        """Filters from a form or a stored saved search, cut to their field sizes."""

        def text(key: str, limit: int) -> str:
            value = values.get(key)
            return " ".join(str(value).split())[:limit] if value else ""

        return cls(
            q=text("q", 80),
            country=text("country", 2).upper(),
            industry=text("industry", 8).upper(),
            cooperation_type=text("cooperation_type", 16).lower(),
        )

    def to_dict(self) -> dict[str, str]:
        """The non-empty filters (how a saved search stores them)."""
        return {k: v for k, v in vars(self).items() if v}

    @property
    def empty(self) -> bool:
        """Whether no filter is set."""
        return not self.to_dict()

    def matches(self, profile: PartnerProfile) -> bool:
        """Whether the profile passes every filter (words: all must appear somewhere).

        >>> p = PartnerProfile(name="Alpha", country="HU", region_code="HU21", summary="",
        ...     offers="Injection moulding", needs="", technologies=[], nace_codes=["C22"],
        ...     cooperation_types=["supply_chain"])
        >>> SearchFilters(q="moulding", industry="C22").matches(p)
        True
        >>> SearchFilters(country="AT").matches(p)
        False
        """
        if self.country and profile.country != self.country:
            return False
        if self.industry and not any(
            code.startswith(self.industry) for code in profile.nace_codes or []
        ):
            return False
        if self.cooperation_type and self.cooperation_type not in (profile.cooperation_types or []):
            return False
        if self.q:
            haystack = " ".join(
                [
                    profile.name,
                    profile.summary or "",
                    profile.offers or "",
                    profile.needs or "",
                    " ".join(profile.technologies or []),
                    " ".join(profile.nace_codes or []),
                ]
            ).casefold()
            return all(word in haystack for word in self.q.casefold().split())
        return True


@dataclass(frozen=True)
class Weights:
    """The weight of each part of the match score; a part without a value for a candidate
    (unknown region figures, no languages given) leaves the others to share the score.

    The defaults give most weight to what the two organisations say they need and offer,
    the only part that reads their own words; industry relatedness comes next, region,
    target regions and language are context.
    """

    industry: float = 0.25
    complementarity: float = 0.45
    region: float = 0.10
    country: float = 0.10
    language: float = 0.10

    def __post_init__(self) -> None:
        values = self.as_dict()
        for name, value in values.items():
            if not value >= 0 or value > 100:
                raise InputError(f"expected a weight from 0 to 100, got {value}", field=name)
        if sum(values.values()) <= 0:
            raise InputError("expected at least one positive weight", field="weights")

    def as_dict(self) -> dict[str, float]:
        """Part name -> weight, in the order of :data:`PARTS`."""
        return {name: float(getattr(self, name)) for name in PARTS}

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> Weights:
        """Weights from query parameters ``w_<part>``; missing ones keep their default."""
        given: dict[str, float] = {}
        for name in PARTS:
            raw = values.get(f"w_{name}")
            if raw in (None, ""):
                continue
            try:
                given[name] = float(str(raw))
            except ValueError:
                raise InputError(f"expected a number, got {raw!r}", field=f"w_{name}") from None
        return cls(**given)
