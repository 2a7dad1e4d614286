"""Rendering a :class:`Report`: print HTML (Jinja2), PDF (WeasyPrint) and XLSX (openpyxl).

The templates live beside this module (``templates/``) and are rendered by a small Jinja2
environment of their own: the services layer may not import the web layer, and a printed
document shares nothing with the web pages' shell (no navigation, no scripts, its own print
CSS). Strings in the templates go through ``_()`` bound to the report language's catalogue
(:func:`polisee.services.i18n.translations`), so the same ``.po`` files serve both.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from polisee.errors import InputError
from polisee.services.evidence import Formatter
from polisee.services.reports._model import Column, Report, Table

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "RENDER_STEPS",
    "ReportFile",
    "ReportFormat",
    "cell_text",
    "css_page_label",
    "export",
    "render_html",
    "render_pdf",
    "render_xlsx",
]

ReportFormat = Literal["pdf", "html", "xlsx"]
FORMATS: tuple[ReportFormat, ...] = ("pdf", "html", "xlsx")
MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: Steps :func:`export` reports to ``on_step`` per format.
RENDER_STEPS: dict[str, int] = {"pdf": 2, "html": 1, "xlsx": 1}
TEMPLATES = Path(__file__).resolve().parent / "templates"
MISSING = "–"

_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html", "css"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class ReportFile:
    """A rendered report: the file name to offer, its media type and its bytes."""

    filename: str
    media_type: str
    content: bytes


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def cell_text(value: Any, column: Column, fmt: Formatter) -> str:
    """A table cell as the reader writes it ("–" when missing)."""
    if _missing(value):
        return MISSING
    if column.kind == "integer":
        return fmt.count(value)
    if column.kind == "number":
        return fmt.num(value, decimals=column.decimals, significant=3)
    if column.kind == "percent":
        return fmt.num(float(value) * 100, "%", decimals=column.decimals)
    if column.kind == "stars":
        return fmt.stars(value)
    return str(value)


def _css_string(text: str) -> str:
    # "<" is escaped too: the value sits inside a <style> element.
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ")
    )
    return f'"{escaped}"'


def css_page_label(template: str) -> str:
    """A translated ``"Page {page} of {pages}"`` as a CSS ``content`` value with counters.

    >>> css_page_label("Page {page} of {pages}")
    '"Page " counter(page) " of " counter(pages)'
    >>> css_page_label("{page}. oldal / {pages}")
    'counter(page) ". oldal / " counter(pages)'
    """
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", template):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(_css_string(piece))
    return " ".join(parts)


def render_html(report: Report) -> str:
    """The report as one self-contained HTML document (print CSS inline, SVG inline)."""
    fmt = Formatter(report.language)
    _ = fmt.gettext
    template = _ENV.get_template("report.html")
    return template.render(
        report=report,
        _=_,
        cell=lambda value, column: cell_text(value, column, fmt),
        svg=Markup,
        css_string=_css_string,
        page_label=css_page_label(_("Page {page} of {pages}")),
    )


def render_pdf(report: Report, html: str | None = None) -> bytes:
    """The report as an A4 PDF (WeasyPrint, fonts from the system's fontconfig)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # pragma: no cover - depends on the machine
        raise InputError(
            "expected WeasyPrint and its system libraries (pango) for PDF reports, got: "
            f"{exc}; install the web extra and the packages listed in the README",
            field="format",
        ) from exc
    document = HTML(string=html if html is not None else render_html(report), base_url=".")
    pdf: bytes = document.write_pdf()
    return pdf


# --- XLSX ------------------------------------------------------------------------------------

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", title).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _number_format(column: Column) -> str | None:
    if column.kind == "integer":
        return "#,##0"
    if column.kind == "number":
        if column.decimals is None:
            return None
        places = column.decimals
        return "#,##0" + ("." + "0" * places if places else "")
    if column.kind == "percent":
        places = 1 if column.decimals is None else column.decimals
        return "0" + ("." + "0" * places if places else "") + "%"
    return None


def _xlsx_value(value: Any, column: Column) -> Any:
    if _missing(value):
        return None
    if column.kind == "stars":
        return int(value)
    if column.kind in ("integer", "number", "percent"):
        return float(value)
    if isinstance(value, bool):
        return value
    return str(value) if not isinstance(value, int | float) else value


def _write_table(sheet: Any, table: Table, fmt: Formatter) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E8EDF2")
    sheet.append([c.label for c in table.columns])
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        sheet.append([_xlsx_value(row.get(c.key), c) for c in table.columns])
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        number_format = _number_format(column)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
        texts = [cell_text(row.get(column.key), column, fmt) for row in table.rows]
        longest = max([len(column.label) * 0.8, *(len(t) for t in texts)], default=8)
        sheet.column_dimensions[letter].width = min(max(8.0, longest + 2), 60.0)
    sheet.freeze_panes = "A2"
    if table.rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"


def render_xlsx(report: Report) -> bytes:
    """Every table of the report on a sheet of its own (all rows, numbers kept as numbers
    with number formats, header frozen), and a "Sources and notes" sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    fmt = Formatter(report.language)
    _ = fmt.gettext
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    taken: set[str] = set()
    meta_name = _sheet_name(_("Sources and notes"), set())
    taken.add(meta_name.lower())
    for table in report.tables():
        sheet = book.create_sheet(_sheet_name(table.sheet or table.title, taken))
        _write_table(sheet, table, fmt)
    meta = book.create_sheet(meta_name)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    rows: list[tuple[str, str, bool]] = [
        (report.kicker, f"{report.title}. {report.subtitle}", True),
        *((label, value, False) for label, value in report.cover_facts),
        ("", "", False),
    ]
    for table in report.tables():
        rows.append((_("Table"), table.title, True))
        rows.extend((_("Source"), source, False) for source in table.sources)
        rows.extend((_("Note"), note, False) for note in table.notes)
    rows.append(("", "", False))
    rows.append(("", report.footer, False))
    for label, text, strong in rows:
        meta.append([label, text])
        if strong:
            for cell in meta[meta.max_row]:
                cell.font = bold
        meta.cell(meta.max_row, 2).alignment = wrap
    meta.column_dimensions["A"].width = 22
    meta.column_dimensions["B"].width = 110
    book.properties.title = f"{report.kicker}: {report.title}"
    book.properties.creator = report.generator
    book.properties.language = report.language
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export(
    report: Report,
    fmt: str,
    *,
    on_step: Callable[[int, int, str], None] | None = None,
) -> ReportFile:
    """``report`` rendered as ``fmt`` (``pdf``, ``html`` or ``xlsx``) with its file name."""
    if fmt not in FORMATS:
        raise InputError(
            f"expected a format among {', '.join(FORMATS)}, got {fmt!r}", field="format"
        )
    step = on_step or (lambda done, total, what: None)
    total = RENDER_STEPS[fmt]
    if fmt == "xlsx":
        content = render_xlsx(report)
    else:
        html = render_html(report)
        if fmt == "html":
            content = html.encode("utf-8")
        else:
            step(1, total, "html")
            content = render_pdf(report, html)
    step(total, total, fmt)
    return ReportFile(f"{report.filename}.{fmt}", MEDIA_TYPES[fmt], content)
