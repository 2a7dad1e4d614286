"""Evidence in the reader's language: numbers, dates, readings, sources and industry titles."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from polisee.errors import InputError, NotFound
from polisee.services.evidence._model import Figure, Reading, Source
from polisee.services.i18n import format_date, format_number, translations
from polisee.sources.classifications import load_nace

__all__ = ["Formatter", "full_stop", "industry_titles", "lower_first"]

_NO_TITLES: Mapping[str, str] = MappingProxyType({})


def lower_first(text: str) -> str:
    """A title put mid-sentence: "Közúti jármű gyártása" -> "közúti jármű gyártása" (codes
    and acronyms such as "ICT" stay as they are).

    >>> lower_first("Közúti jármű gyártása"), lower_first("ICT services"), lower_first("C29")
    ('közúti jármű gyártása', 'ICT services', 'C29')
    """
    return text[:1].lower() + text[1:] if text[:2].isalpha() and not text[:2].isupper() else text


def industry_titles(data_dir: Path | None, language: str) -> Mapping[str, str]:
    """The NACE Rev. 2 titles in ``language`` by Eurostat code (``C29``), read from the
    classification's 26-language file once per data folder and language.

    Empty for English (the store's titles are English), without a data folder, and for a
    language the classification does not translate (Albanian, Serbian): callers then fall
    back to the English title.
    """
    if language == "en" or data_dir is None:
        return _NO_TITLES
    return _titles_cached(Path(data_dir).resolve(), language)


@lru_cache(maxsize=32)
def _titles_cached(data_dir: Path, language: str) -> Mapping[str, str]:
    try:
        nace = load_nace(data_dir)
    except (InputError, NotFound, OSError):
        return _NO_TITLES
    column = f"title_{language}"
    if column not in nace.columns:
        return _NO_TITLES
    return MappingProxyType(
        {str(c): str(t) for c, t in zip(nace["code"], nace[column], strict=True) if t}
    )


def full_stop(sentence: str) -> str:
    """``sentence`` without the second full stop a date such as "2026. november 27." adds
    when it ends a sentence.

    >>> full_stop("Betöltve: 2026. november 27.."), full_stop("Loaded on May 2, 2026.")
    ('Betöltve: 2026. november 27.', 'Loaded on May 2, 2026.')
    """
    return sentence[:-1] if sentence.endswith("..") else sentence


class Formatter:
    """Numbers, dates, readings, sources and industry titles in one language (pages,
    reports, downloads). ``titles`` are the NACE titles in that language by code (see
    :func:`industry_titles`); without them the English titles given are shown."""

    def __init__(self, language: str, titles: Mapping[str, str] | None = None) -> None:
        self.language = language
        self.gettext = translations(language).gettext
        self.titles: Mapping[str, str] = titles if titles is not None else _NO_TITLES

    def title(self, code: Any, fallback: Any = "") -> str:
        """The industry's title in the reader's language (NACE official titles), else
        ``fallback`` (the English title)."""
        return self.titles.get(str(code)) or ("" if fallback is None else str(fallback))

    def mid_sentence(self, title: str) -> str:
        """A title put mid-sentence: lower-cased first letter, except in German, whose
        nouns keep their capital ("Herstellung von Kraftwagen")."""
        return title if self.language == "de" else lower_first(title)

    def section_title(self, code: Any, fallback: Any = "") -> str:
        """A NACE section's title in the reader's language in sentence case (the
        classification writes sections in capitals); German keeps the capitals, since
        lower-casing would also lower its nouns. ``fallback`` (English) when none."""
        title = self.titles.get(str(code))
        if not title:
            return "" if fallback is None else str(fallback)
        return title if self.language == "de" or not title.isupper() else title.capitalize()

    def with_titles(self, frame: pd.DataFrame, code: str = "industry") -> pd.DataFrame:
        """A copy of ``frame`` whose ``title`` column is in the reader's language (the
        industry code read from column ``code``); ``frame`` itself when there is nothing
        to translate."""
        if not self.titles or "title" not in frame.columns or code not in frame.columns:
            return frame
        out = frame.copy()
        out["title"] = [self.title(c, t) for c, t in zip(out[code], out["title"], strict=True)]
        return out

    def num(
        self, value: Any, unit: str = "", decimals: int | None = None, significant: int = 3
    ) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return self.gettext("no data")
        return format_number(
            float(value),
            self.gettext(unit) if unit else "",
            self.language,
            decimals=decimals,
            significant=significant,
            missing=self.gettext("no data"),
        )

    def count(self, value: Any) -> str:
        return self.num(value, decimals=0)

    def say(self, reading: Reading) -> str:
        """The reading in the reader's language: its numbers formatted, the industry titles
        it quotes (``industry`` with ``industry_code``; ``industries`` with
        ``industry_codes``) in that language where the classification has them, and a
        cluster name the catalogue knows translated."""
        values: dict[str, str] = {}
        for key, value in reading.values.items():
            if isinstance(value, Figure):
                values[key] = self.num(value.value, value.unit, decimals=value.decimals)
            else:
                values[key] = value
        code = values.get("industry_code")
        if code and "industry" in values and code in self.titles:
            values["industry"] = self.mid_sentence(self.titles[code])
        codes = [c for c in values.get("industry_codes", "").split(", ") if c]
        if codes and "industries" in values and all(c in self.titles for c in codes):
            values["industries"] = ", ".join(
                f"{self.mid_sentence(self.titles[c])} ({c})" for c in codes
            )
        if "cluster" in values:
            values["cluster"] = self.gettext(values["cluster"])
        return self.gettext(reading.text).format(**values)

    def source(self, source: Source) -> str:
        text = self.gettext("Source: {title} ({dataset}), {year}.").format(
            title=self.gettext(source.title), dataset=source.dataset, year=source.year
        )
        if source.loaded_at is not None:
            loaded = self.gettext("Loaded on {date}.").format(date=self.date(source.loaded_at))
            text += " " + full_stop(loaded)
        return text

    def date(self, value: date | datetime | None) -> str:
        return format_date(value, self.language)

    def stars(self, count: Any) -> str:
        n = int(count or 0)
        return "★" * n + "☆" * (4 - n)

    def translate_spec(self, spec: Any) -> Any:
        """Translate every string of a nested structure that the catalogue knows (chart titles)."""
        if isinstance(spec, dict):
            return {k: self.translate_spec(v) for k, v in spec.items()}
        if isinstance(spec, list):
            return [self.translate_spec(v) for v in spec]
        if isinstance(spec, str) and spec:
            return self.gettext(spec)
        return spec
