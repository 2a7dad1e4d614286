"""What the builders of a report share: the language, localised titles and table helpers."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from polisee.services import evidence as ev
from polisee.services.i18n import region_name
from polisee.services.reports._model import Column, Paragraphs, Table
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
    industry titles in that language (the shared :class:`~polisee.services.evidence.Formatter`
    holds them)."""

    def __init__(self, language: str, titles: Mapping[str, str] | None = None) -> None:
        self.fmt = ev.Formatter(language, titles)
        self.language = language
        self.titles = self.fmt.titles
        self._ = self.fmt.gettext

    def title(self, code: str, fallback: str) -> str:
        """The industry's title in the reader's language (NACE official titles)."""
        return self.fmt.title(code, fallback)

    def sources(self, items: Sequence[ev.Source]) -> list[str]:
        """Source lines in the reader's language, one per dataset and period."""
        seen: dict[str, str] = {}
        for item in items:
            seen.setdefault(item.dataset + item.year, self.fmt.source(item))
        return list(seen.values())

    def notes(self, items: Sequence[str]) -> list[str]:
        """Notes (English msgids) translated."""
        return [self._(note) for note in items]


#: Shared with the evidence pages: a title put mid-sentence.
lower_first = ev.lower_first


def localised_titles(data_dir: Path | None, language: str) -> Mapping[str, str]:
    """NACE Rev. 2 titles in ``language`` by Eurostat code; empty for English, without data
    or for a language the classification lacks (kept once per data folder and language)."""
    return ev.industry_titles(data_dir, language)


def say(ctx: ReportContext, reading: ev.Reading) -> str:
    """An evidence reading in the reader's language, with the industry titles and cluster
    names it quotes in that language too (the shared formatter's ``say``)."""
    return ctx.fmt.say(reading)


def readings_of(ctx: ReportContext, block: ev.Block) -> Paragraphs:
    """The readings of an evidence block as a paragraph block."""
    return Paragraphs([say(ctx, r) for r in block.readings], style="reading")


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
    """ "Közép-Dunántúl (HU21)": the region's name from the statistics (Latin script, the
    national form beside when it differs) with its code; the code alone without statistics
    or when the store does not know it."""
    if store is None or len(code) < 2:
        return code
    regions = store.regions(country=code[:2])
    found = regions.loc[regions["code"] == code]
    if found.empty or not found["name"].iloc[0]:
        return code
    latin = found["name_latin"].iloc[0] if "name_latin" in found else ""
    return (
        f"{region_name(str(latin or found['name'].iloc[0]), str(found['name'].iloc[0]))} ({code})"
    )
