"""Reports: documents for decision makers as HTML, PDF (WeasyPrint) and XLSX (openpyxl).

A report is built in two steps. A *report type* turns evidence into a :class:`Report` in
one language: sections of readings (:class:`Paragraphs`), headline figures
(:class:`KeyFigures`), data tables with their sources and notes (:class:`Table`) and static
figures (:class:`Chart`, inline SVG). The *renderers* know nothing about report types:
:func:`render_html` fills the print template, :func:`render_pdf` lays it out on A4 with
WeasyPrint, :func:`render_xlsx` writes one sheet per table and a "Sources and notes" sheet;
:func:`export` picks one by format and names the file.

Report types: the region profile (``_region.py``), the assessment report
(``_assessment.py``) and the plan monitoring report (``_plan.py``). Adding one:

1. write ``_<type>.py`` with a function ``<type>_report(..., language, today, on_step) ->
   Report`` that reads its service (e.g. an assessment and its responses) and returns
   sections. :class:`._context.ReportContext` gives the language's formatter and ``_``;
   ``data_table`` turns a frame into a :class:`Table` with sources and notes; draw charts
   with :mod:`._svg` (bars, diverging bars, lines, scatter, radar), :mod:`._svg_plan`
   (progress against targets, Gantt-like timeline) and maps with :mod:`._map`. ``_region.py`` is the worked example;
2. export it here and add its strings to ``web/locales/{en,hu}/LC_MESSAGES/reports.po``
   (``tests/services/test_reports.py`` checks every ``_("...")`` of this package is there);
3. call it from the CLI (``polisee report <type>``) and a web route, both passing the
   result to :func:`export`. Templates, print CSS and the XLSX writer need no change.

Templates live in ``templates/`` beside this package and are rendered by a Jinja2
environment of the services layer (which may not import the web layer); the catalogues and
number and date formatting are shared with the web through :mod:`polisee.services.i18n`.
"""

from __future__ import annotations

from polisee.services.reports._assessment import ASSESSMENT_STEPS, assessment_report
from polisee.services.reports._map import choropleth_svg, frame_around, mercator
from polisee.services.reports._model import (
    Block,
    Chart,
    Column,
    ColumnKind,
    FigureCard,
    KeyFigures,
    Paragraphs,
    Report,
    Section,
    Table,
)
from polisee.services.reports._plan import PLAN_STEPS, plan_report
from polisee.services.reports._region import REGION_STEPS, region_report
from polisee.services.reports._render import (
    FORMATS,
    MEDIA_TYPES,
    RENDER_STEPS,
    ReportFile,
    ReportFormat,
    cell_text,
    export,
    render_html,
    render_pdf,
    render_xlsx,
)
from polisee.services.reports._svg import bar_chart, line_chart, radar_chart, shift_share_chart
from polisee.services.reports._svg_plan import gantt_chart, progress_chart

__all__ = [
    "ASSESSMENT_STEPS",
    "FORMATS",
    "MEDIA_TYPES",
    "PLAN_STEPS",
    "REGION_STEPS",
    "RENDER_STEPS",
    "Block",
    "Chart",
    "Column",
    "ColumnKind",
    "FigureCard",
    "KeyFigures",
    "Paragraphs",
    "Report",
    "ReportFile",
    "ReportFormat",
    "Section",
    "Table",
    "assessment_report",
    "bar_chart",
    "cell_text",
    "choropleth_svg",
    "export",
    "frame_around",
    "gantt_chart",
    "line_chart",
    "mercator",
    "plan_report",
    "progress_chart",
    "radar_chart",
    "region_report",
    "render_html",
    "render_pdf",
    "render_xlsx",
    "shift_share_chart",
]
