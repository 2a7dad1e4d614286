"""Evidence in the reader's language: numbers, dates, readings and sources."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from polisee.services.evidence._model import Figure, Reading, Source
from polisee.services.i18n import format_date, format_number, translations

__all__ = ["Formatter", "full_stop"]


def full_stop(sentence: str) -> str:
    """``sentence`` without the second full stop a date such as "2026. november 27." adds
    when it ends a sentence.

    >>> full_stop("Betöltve: 2026. november 27.."), full_stop("Loaded on May 2, 2026.")
    ('Betöltve: 2026. november 27.', 'Loaded on May 2, 2026.')
    """
    return sentence[:-1] if sentence.endswith("..") else sentence


class Formatter:
    """Numbers, dates, readings and sources in one language (pages, reports, downloads)."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.gettext = translations(language).gettext

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
        values: dict[str, str] = {}
        for key, value in reading.values.items():
            if isinstance(value, Figure):
                values[key] = self.num(value.value, value.unit, decimals=value.decimals)
            else:
                values[key] = value
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
