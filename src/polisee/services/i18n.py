"""Languages shared by every entry point: catalogues, numbers and dates in the reader's locale.

The web pages, the CLI and the report renderer all speak the reader's language, and the CLI
may not import the web layer; so the catalogues and the locale formatting live here, in the
layer both use. :mod:`polisee.web.i18n` and :mod:`polisee.web.charts` re-export these names.

The catalogues are the ``.po`` files of ``polisee/web/locales/<language>/LC_MESSAGES/``
(``messages.po`` plus one per area), compiled in-process with Babel: no build step. They stay
beside the web templates that most of their messages come from; every area adds its own file
there, and this module merges them.
"""

from __future__ import annotations

import gettext
import math
from datetime import date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path

import pandas as pd
from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LOCALES_DIR",
    "as_number",
    "bcp47",
    "country_name",
    "format_date",
    "format_number",
    "negotiate",
    "region_name",
    "significant_decimals",
    "translations",
]

#: The platform's languages by catalogue code, each named in itself (the switcher's labels),
#: in the switcher's order: the Latin-script endonyms alphabetically, then Greek and Cyrillic.
LANGUAGES: dict[str, str] = {
    "de": "Deutsch",
    "en": "English",
    "hr": "Hrvatski",
    "it": "Italiano",
    "hu": "Magyar",
    "ro": "Română",
    "sq": "Shqip",
    "sk": "Slovenčina",
    "sl": "Slovenščina",
    "sr_Latn": "Srpski (latinica)",
    "el": "Ελληνικά",
    "bg": "Български",
}
DEFAULT_LANGUAGE = "en"

# Accept-Language primary subtags that mean one of the languages under another code: Serbian
# in any script or country, and Serbo-Croatian, read the Serbian (Latin) catalogue.
_ALIASES = {"sr": "sr_Latn", "sh": "sr_Latn"}
LOCALES_DIR = Path(__file__).resolve().parents[1] / "web" / "locales"


# --- catalogues ------------------------------------------------------------------------------


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

    Tags are matched by their primary language subtag (``de-AT`` reads German); Serbian in
    any script or country and Serbo-Croatian (``sh``) read Serbian (Latin); a header without
    a supported language gives English. Ties in quality keep the header's order.

    >>> negotiate("hu-HU,hu;q=0.9,en;q=0.8")
    'hu'
    >>> negotiate("de-AT, fr;q=0.5")
    'de'
    >>> [negotiate(tag) for tag in ("sr", "sr-Latn", "sr-RS", "sr-Cyrl-RS", "sh")]
    ['sr_Latn', 'sr_Latn', 'sr_Latn', 'sr_Latn', 'sr_Latn']
    >>> negotiate("fr-FR, es;q=0.9, sk;q=0.1"), negotiate("fr, es"), negotiate(None)
    ('sk', 'en', 'en')
    >>> negotiate("el;q=0.5, bg;q=0.8"), negotiate("*"), negotiate("hr;q=0, sl")
    ('bg', 'en', 'sl')
    """
    preferred: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().replace("_", "-").split("-")[0].lower()
        code = _ALIASES.get(primary, primary)
        if quality > 0 and code in LANGUAGES:
            preferred.append((-quality, position, code))
    return min(preferred)[2] if preferred else DEFAULT_LANGUAGE


def bcp47(language: str) -> str:
    """The BCP 47 tag of a catalogue code, for ``<html lang>`` and ``hreflang``.

    >>> bcp47("sr_Latn"), bcp47("hu")
    ('sr-Latn', 'hu')
    """
    return language.replace("_", "-")


# --- numbers -----------------------------------------------------------------------------------


def as_number(value: object) -> float | None:
    """``value`` as a float, or None when missing (None, NaN, infinite, pandas NA)."""
    if value is None or value is pd.NA:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) or math.isinf(number) else number


def significant_decimals(value: float, significant: int) -> int:
    """Decimals that show ``significant`` digits of ``value`` (0-6).

    >>> significant_decimals(0.012345, 3), significant_decimals(1234.5, 3)
    (4, 0)
    """
    if value == 0:
        return 0
    magnitude = math.floor(math.log10(abs(value)))
    return max(0, min(6, significant - 1 - magnitude))


def format_number(
    value: float | None,
    unit: str = "",
    locale: str = "en",
    *,
    decimals: int | None = None,
    significant: int = 3,
    missing: str = "no data",
) -> str:
    """Format a number for people: thousand separators, a sensible number of digits.

    Parameters
    ----------
    value : float or None
        The number; None and NaN give ``missing``.
    unit : str
        Appended after a no-break space (``"%"`` sticks to the number in English).
    locale : str
        A CLDR locale such as ``"en"``, ``"de"``, ``"hu"``; separators follow it
        (English ones for an unknown locale).
    decimals : int, optional
        Fixed number of decimals; by default enough for ``significant`` digits, and
        none for numbers of 10**(significant-1) and above (counts stay exact).
    significant : int
        Significant digits when ``decimals`` is not given.
    missing : str
        Text for a missing value.

    Returns
    -------
    str

    Examples
    --------
    >>> format_number(1234567.8, "persons")
    '1,234,568\\xa0persons'
    >>> format_number(0.012345)
    '0.0123'
    >>> format_number(12.5, "%")
    '12.5%'
    >>> format_number(float("nan"))
    'no data'
    >>> format_number(277562, locale="hu")
    '277\\xa0562'
    """
    number = as_number(value)
    if number is None:
        return missing
    places = significant_decimals(number, significant) if decimals is None else max(0, decimals)
    text = _format_decimal(round(number, places), places, locale, fixed=decimals is not None)
    if not unit:
        return text
    if unit == "%" and locale.lower().startswith("en"):
        return text + unit
    return f"{text}\u00a0{unit}"


def _format_decimal(number: float, places: int, locale: str, *, fixed: bool) -> str:
    if number == 0:
        number = 0.0  # no "-0"
    pattern = "#,##0" + ("." + ("0" if fixed else "#") * places if places else "")
    try:
        return str(format_decimal(number, format=pattern, locale=locale))
    except (UnknownLocaleError, ValueError):
        return str(format_decimal(number, format=pattern, locale="en"))


# --- dates and names ---------------------------------------------------------------------------


def format_date(value: date | datetime | None, language: str, *, style: str = "long") -> str:
    """``value`` as the reader writes dates ("" for None).

    >>> format_date(date(2026, 11, 27), "en"), format_date(date(2026, 11, 27), "hu")
    ('November 27, 2026', '2026. november 27.')
    >>> format_date(date(2026, 11, 27), "el"), format_date(date(2026, 11, 27), "sr_Latn")
    ('27 Νοεμβρίου 2026', '27. novembar 2026.')
    """
    if value is None:
        return ""
    return str(babel_format_date(value, format=style, locale=language))


# Eurostat writes Greece as EL and the United Kingdom as UK; CLDR uses the ISO codes.
_ISO_COUNTRY = {"EL": "GR", "UK": "GB"}


def country_name(code: str, language: str, default: str = "") -> str:
    """The name of the country ``code`` (Eurostat notation) in ``language``.

    >>> country_name("HU", "en"), country_name("HU", "hu"), country_name("EL", "en")
    ('Hungary', 'Magyarország', 'Greece')
    """
    try:
        names = Locale.parse(language).territories
    except (UnknownLocaleError, ValueError):
        return default or code
    return str(names.get(_ISO_COUNTRY.get(code, code), default or code))


def region_name(latin: str, national: str = "") -> str:
    """A region's name for every reader: the Latin-script name with the national form beside
    it when the two differ ("Attiki (Αττική)"), else just the name.

    The one rule for region names on every page, list, map tooltip, table and report.

    >>> region_name("Attiki", "Αττική"), region_name("Yugozapaden", "Югозападен")
    ('Attiki (Αττική)', 'Yugozapaden (Югозападен)')
    >>> region_name("Közép-Dunántúl", "Közép-Dunántúl"), region_name("Wien", "")
    ('Közép-Dunántúl', 'Wien')
    >>> region_name("", "Κύπρος")
    'Κύπρος'
    """
    latin, national = (latin or "").strip(), (national or "").strip()
    if not latin:
        return national
    if not national or national == latin:
        return latin
    return f"{latin} ({national})"
