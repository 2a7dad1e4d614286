"""Translations with Babel: English and Hungarian catalogues, compiled in-process, no build step."""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.core import negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "LOCALES_DIR", "negotiate", "translations"]

LANGUAGES: dict[str, str] = {"en": "English", "hu": "Magyar"}
DEFAULT_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).resolve().parent / "locales"


def _compiled(po_path: Path) -> bytes:
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    out = BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def _load(po_path: Path) -> gettext.GNUTranslations:
    """One catalogue; its ``.mo`` is (re)compiled when missing or older than the ``.po``."""
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
        data = _compiled(po_path)
        try:
            mo_path.write_bytes(data)
        except OSError:
            # A read-only installation still gets its translations, compiled in memory.
            return gettext.GNUTranslations(BytesIO(data))
    with mo_path.open("rb") as handle:
        return gettext.GNUTranslations(handle)


@cache
def translations(language: str) -> gettext.GNUTranslations:
    """The catalogue for ``language``: ``messages.po`` merged with every other ``*.po`` of the
    language folder (one per area, e.g. ``evidence.po``); ``messages.po`` wins on a clash."""
    if language not in LANGUAGES:
        raise KeyError(f"expected one of {sorted(LANGUAGES)}, got {language!r}")
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    main = folder / "messages.po"
    others = sorted(p for p in folder.glob("*.po") if p != main)
    merged = _load(main)
    for po_path in others:
        merged.add_fallback(_load(po_path))
    return merged


def negotiate(accept_language: str | None) -> str:
    """The best supported language for an ``Accept-Language`` header.

    >>> negotiate("hu-HU,hu;q=0.9,en;q=0.8")
    'hu'
    >>> negotiate("de-DE, fr;q=0.5")
    'en'
    """
    preferred: list[tuple[float, str]] = []
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag:
            preferred.append((quality, tag.split("-")[0].lower()))
    ordered = [tag for _, tag in sorted(preferred, key=lambda p: -p[0])]
    return negotiate_locale(ordered, list(LANGUAGES)) or DEFAULT_LANGUAGE
