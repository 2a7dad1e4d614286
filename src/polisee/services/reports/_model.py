"""The report model: a document of sections made of paragraphs, key figures, tables and charts.

Every text in the model is already in the reader's language; numbers in tables stay numbers
(the HTML renderer writes them in the reader's format, the XLSX writer keeps them as numbers
with a number format). Nothing here knows about regions: a report type is a function that
fills this model (see :mod:`polisee.services.reports`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

__all__ = [
    "Block",
    "Chart",
    "Column",
    "ColumnKind",
    "FigureCard",
    "KeyFigures",
    "Paragraphs",
    "Report",
    "Section",
    "Table",
]

#: How a column is written: ``text``, ``code`` (monospace identifier), ``integer`` (a
#: count, no decimals), ``number`` (``decimals`` places), ``percent`` (a share 0-1 shown
#: as per cent), ``stars`` (0-4 as ★), ``flag`` (a short word, already translated). A
#: ``number`` without ``decimals`` is written with three significant digits (General in XLSX).
ColumnKind = Literal["text", "code", "integer", "number", "percent", "stars", "flag"]


@dataclass(frozen=True)
class Column:
    """A table column: the row key it shows, its heading and how its values are written."""

    key: str
    label: str
    kind: ColumnKind = "text"
    decimals: int | None = None

    @property
    def numeric(self) -> bool:
        return self.kind in ("integer", "number", "percent", "stars")


@dataclass
class Table:
    """A data table with where its figures come from.

    ``rows`` hold every row (the XLSX gets them all); the printed document shows the first
    ``shown`` (all when None; none at all with 0: the table is in the XLSX file only).
    ``caption`` says what is printed ("top 15 of 87"); ``sheet``
    is a short name for the XLSX sheet (at most 31 characters; the title by default).
    """

    key: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    shown: int | None = None
    caption: str = ""
    sheet: str = ""
    kind: Literal["table"] = "table"

    @property
    def printed_rows(self) -> list[dict[str, Any]]:
        return self.rows if self.shown is None else self.rows[: self.shown]


@dataclass(frozen=True)
class FigureCard:
    """A headline figure: its label, the value as written, its unit and a line of detail."""

    label: str
    value: str
    unit: str
    detail: str = ""


@dataclass
class KeyFigures:
    """Headline figures shown as cards; ``table`` carries the same figures for the XLSX."""

    cards: list[FigureCard]
    table: Table
    kind: Literal["key_figures"] = "key_figures"


@dataclass
class Paragraphs:
    """Plain paragraphs; ``style="reading"`` marks the plain-language readings of the data."""

    texts: list[str]
    style: Literal["plain", "reading", "note"] = "plain"
    kind: Literal["paragraphs"] = "paragraphs"


@dataclass
class Chart:
    """A static figure: an inline ``<svg>`` (see ``_svg`` and ``_map``), caption and sources.

    ``size="half"`` figures are printed two side by side (small multiples).
    """

    key: str
    title: str
    svg: str
    caption: str = ""
    sources: list[str] = field(default_factory=list)
    size: Literal["full", "half"] = "full"
    kind: Literal["chart"] = "chart"


Block = Paragraphs | KeyFigures | Table | Chart


@dataclass
class Section:
    """A numbered section of the report; ``new_page`` starts it on a fresh page."""

    key: str
    heading: str
    blocks: list[Block]
    new_page: bool = False

    def tables(self) -> Iterator[Table]:
        for block in self.blocks:
            if isinstance(block, Table):
                yield block
            elif isinstance(block, KeyFigures):
                yield block.table


@dataclass
class Report:
    """A whole document in one language.

    ``title``/``subtitle`` and ``cover_facts`` (label, value) make the cover block;
    ``running_title`` heads every page and ``footer`` ends it, next to "page X of Y";
    ``sources`` and ``notes`` are listed at the end and on the XLSX "Sources and notes" sheet.
    """

    kind: str
    language: str
    title: str
    subtitle: str
    kicker: str
    generated: date
    generated_text: str
    running_title: str
    footer: str
    cover_facts: list[tuple[str, str]]
    sections: list[Section]
    sources: list[str]
    notes: list[str]
    filename: str
    generator: str = "polisee"

    def tables(self) -> list[Table]:
        """Every table of the document in reading order (one XLSX sheet each)."""
        return [table for section in self.sections for table in section.tables()]

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(f"no section {key!r}; sections: {[s.key for s in self.sections]}")
