"""What the builders of a report share: the language, localised titles and table helpers."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from polisee.errors import InputError, NotFound
from polisee.services import evidence as ev
from polisee.services.reports._model import Column, Paragraphs, Table
from polisee.sources.classifications import load_nace
from polisee.statsdb import StatsStore

__all__ = [
    "ReportContext",
    "data_table",
    "localised_titles",
    "lower_first",
    "readings_of",
    "records_of",
    "region_label",
    "rows_caption",
    "say",
]


class ReportContext:
    """What every report builder needs: the language, its formatter and gettext (``_``), and
    industry titles in that language."""

    def __init__(self, language: str, titles: dict[str, str] | None = None) -> None:
        self.fmt = ev.Formatter(language)
        self.language = language
        self.titles = titles or {}
        self._ = self.fmt.gettext

    def title(self, code: str, fallback: str) -> str:
        """The industry's title in the reader's language (NACE official titles)."""
        return self.titles.get(code) or fallback

    def sources(self, items: Sequence[ev.Source]) -> list[str]:
        """Source lines in the reader's language, one per dataset and period."""
        seen: dict[str, str] = {}
        for item in items:
            seen.setdefault(item.dataset + item.year, self.fmt.source(item))
        return list(seen.values())

    def notes(self, items: Sequence[str]) -> list[str]:
        """Notes (English msgids) translated."""
        return [self._(note) for note in items]


def lower_first(text: str) -> str:
    """A title put mid-sentence: "Közúti jármű gyártása" -> "közúti jármű gyártása" (codes
    and acronyms such as "ICT" stay as they are)."""
    return text[:1].lower() + text[1:] if text[:2].isalpha() and not text[:2].isupper() else text


def localised_titles(data_dir: Path | None, language: str) -> dict[str, str]:
    """NACE Rev. 2 titles in ``language`` by Eurostat code; {} for English or without data."""
    if language == "en" or data_dir is None:
        return {}
    try:
        nace = load_nace(data_dir)
    except (InputError, NotFound, OSError):
        return {}
    column = f"title_{language}"
    if column not in nace.columns:
        return {}
    return {str(c): str(t) for c, t in zip(nace["code"], nace[column], strict=True) if t}


def say(ctx: ReportContext, reading: ev.Reading, block: ev.Block) -> str:
    """An evidence reading in the reader's language, with the industry titles and cluster
    names it quotes in that language too."""
    values = dict(reading.values)
    if "industry" in values and isinstance(values.get("code"), str):
        code = str(values["code"])
        values["industry"] = lower_first(ctx.title(code, str(values["industry"])))
    if "industries" in values and block.key == "opportunities":
        best = block.table[block.table["quadrant"] == "low-hanging fruit"].head(3)
        values["industries"] = ", ".join(
            f"{lower_first(ctx.title(str(code), str(title)))} ({code})"
            for code, title in zip(best["industry"], best["title"], strict=True)
        )
    if "cluster" in values:
        values["cluster"] = ctx._(str(values["cluster"]))
    return ctx.fmt.say(ev.Reading(reading.text, values))


def readings_of(ctx: ReportContext, block: ev.Block) -> Paragraphs:
    """The readings of an evidence block as a paragraph block."""
    return Paragraphs([say(ctx, r, block) for r in block.readings], style="reading")


def records_of(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as dicts of plain Python values, missing values as None."""
    rows = []
    for record in frame.to_dict("records"):
        row: dict[str, Any] = {}
        for key, value in record.items():
            if hasattr(value, "item"):
                value = value.item()
            if isinstance(value, float) and math.isnan(value):
                value = None
            row[str(key)] = value
        rows.append(row)
    return rows


def rows_caption(ctx: ReportContext, shown: int, total: int) -> str:
    """ "The first 12 of 64 rows; ..." when a table is printed in part, else ""."""
    if shown >= total:
        return ""
    return ctx._("The first {shown} of {total} rows; the XLSX file holds them all.").format(
        shown=shown, total=total
    )


def data_table(
    ctx: ReportContext,
    key: str,
    title: str,
    columns: list[Column],
    frame: pd.DataFrame,
    block: ev.Block | None,
    shown: int | None = None,
) -> Table:
    """A report table of ``frame`` with the evidence block's sources and notes translated;
    the first ``shown`` rows are printed (all when None), the XLSX holds every row."""
    rows = records_of(frame)
    return Table(
        key=key,
        title=title,
        columns=columns,
        rows=rows,
        sources=ctx.sources(block.sources) if block else [],
        notes=ctx.notes(block.notes) if block else [],
        shown=shown,
        caption=rows_caption(ctx, shown, len(rows)) if shown is not None else "",
    )


def region_label(store: StatsStore | None, code: str) -> str:
    """ "Közép-Dunántúl (HU21)": the region's name from the statistics with its code; the
    code alone without statistics or when the store does not know it."""
    if store is None or len(code) < 2:
        return code
    regions = store.regions(country=code[:2])
    names = regions.loc[regions["code"] == code, "name"]
    return f"{names.iloc[0]} ({code})" if len(names) and names.iloc[0] else code
