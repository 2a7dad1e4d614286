"""The report's static figures and renderers on tiny inputs whose geometry is checked by hand."""

from __future__ import annotations

import io
import math
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from polisee.services.evidence import Formatter
from polisee.services.reports import (
    Chart,
    Column,
    FigureCard,
    KeyFigures,
    Paragraphs,
    Report,
    Section,
    Table,
    cell_text,
    export,
    render_html,
    render_xlsx,
)
from polisee.services.reports._map import (
    Frame,
    LegendItem,
    MapShape,
    choropleth_svg,
    class_of,
    frame_around,
    mercator,
    quantile_edges,
    shapes_from_geojson,
)
from polisee.services.reports._render import css_page_label
from polisee.services.reports._svg import (
    QUADRANT_COLORS,
    Bar,
    Component,
    Point,
    StackedRow,
    bar_chart,
    line_chart,
    nice_ticks,
    scatter_chart,
    shift_share_chart,
    stacked_ticks,
    truncate,
)

SVG = "{http://www.w3.org/2000/svg}"
needs_poppler = pytest.mark.skipif(
    shutil.which("pdfinfo") is None, reason="poppler-utils (pdfinfo, pdftotext) not installed"
)


def pdf_info(path: Path) -> dict[str, str]:
    """``pdfinfo``'s fields (Pages, Page size, Title, Creator...)."""
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def rects(root: ET.Element) -> list[dict[str, float | str]]:
    out = []
    for rect in root.iter(f"{SVG}rect"):
        out.append(
            {
                k: (float(v) if k in ("x", "y", "width", "height") else v)
                for k, v in rect.attrib.items()
            }
        )
    return out


@pytest.mark.parametrize(
    ("low", "high", "count", "expected"),
    [
        (0, 5.06, 5, [0, 2, 4, 6]),  # 5.06 / 5 = 1.01 -> steps of 2
        (0, 1, 4, [0, 0.5, 1]),  # 1 / 4 = 0.25 -> steps of 0.5
        (-2400, 900, 4, [-3000, -2000, -1000, 0, 1000]),
        (7, 7, 5, [7, 7.2, 7.4, 7.6, 7.8, 8]),
    ],
    ids=["lq", "quarters", "negative", "flat"],
)
def test_nice_ticks_cover_the_range_with_round_steps(
    low: float, high: float, count: int, expected: list[float]
) -> None:
    assert nice_ticks(low, high, count) == pytest.approx(expected)


def test_nice_ticks_refuse_infinite_bounds() -> None:
    with pytest.raises(ValueError, match="finite"):
        nice_ticks(0, math.inf)


def test_truncate_keeps_short_text_and_cuts_long_text() -> None:
    assert truncate("C29 Motor vehicles", 500, 10) == "C29 Motor vehicles"
    # 10 px font, 0.56 em per character: 60 px hold 10 characters, the last one an ellipsis.
    assert truncate("Manufacture of motor vehicles", 60, 10) == "Manufactu…"


def test_bar_chart_draws_bars_proportional_to_values() -> None:
    svg = bar_chart(
        [Bar("A", 2.0, "2.00"), Bar("B", 1.0, "1.00", highlight=True), Bar("C", 0.5, "0.50")],
        title="LQ <&>",
        reference=1.0,
        reference_label="1 = average",
    )
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "LQ <&>"  # type: ignore[union-attr]
    bars = [r for r in rects(root) if r.get("fill") in ("#1d5f8c", "#c2410c")]
    assert [b["fill"] for b in bars] == ["#1d5f8c", "#c2410c", "#1d5f8c"]
    # All bars start at zero; widths 2 : 1 : 0.5.
    assert len({b["x"] for b in bars}) == 1
    widths = [float(b["width"]) for b in bars]
    assert widths[0] / widths[1] == pytest.approx(2, rel=0.02)
    assert widths[1] / widths[2] == pytest.approx(2, rel=0.02)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"A", "B", "C", "2.00", "1.00", "0.50", "1 = average"} <= set(texts)
    # The reference line at 1 sits where bar B (value 1) ends.
    dashed = [ln for ln in root.iter(f"{SVG}line") if ln.get("stroke-dasharray")]
    assert float(dashed[0].get("x1", 0)) == pytest.approx(
        float(bars[1]["x"]) + float(bars[1]["width"]), abs=0.2
    )


def test_bar_chart_writes_ticks_in_the_readers_format() -> None:
    fmt = Formatter("hu")
    svg = bar_chart(
        [Bar("A", 1.5, "1,50")],
        title="t",
        tick_format=lambda v: fmt.num(v, significant=2),
    )
    texts = [t.text for t in parse(svg).iter(f"{SVG}text")]
    assert "0,5" in texts  # Hungarian decimal comma on the axis


def test_shift_share_chart_stacks_positive_parts_right_and_negative_parts_left() -> None:
    components = [
        Component("national", "National", "#111111"),
        Component("mix", "Mix", "#222222"),
        Component("shift", "Shift", "#333333"),
    ]
    # national +10, mix -4, shift +6: total +12; stacked extent -4..16.
    row = StackedRow("C29", {"national": 10.0, "mix": -4.0, "shift": 6.0}, 12.0, "+12")
    # 20 / 5 = 4 -> steps of 5.
    assert stacked_ticks([row], components) == pytest.approx([-5, 0, 5, 10, 15, 20])
    root = parse(shift_share_chart([row], components, title="t", total_label="Change"))
    parts = {r["fill"]: r for r in rects(root) if float(r["y"]) > 20}
    national, mix, shift = parts["#111111"], parts["#222222"], parts["#333333"]
    zero = float(national["x"])
    assert float(mix["x"]) + float(mix["width"]) == pytest.approx(zero, abs=0.2)
    assert float(shift["x"]) == pytest.approx(zero + float(national["width"]), abs=0.2)
    assert float(national["width"]) / float(shift["width"]) == pytest.approx(10 / 6, rel=0.02)
    # The legend names the three parts and the total mark.
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"National", "Mix", "Shift", "Change", "+12", "C29"} <= set(texts)


def test_shift_share_legend_stays_inside_the_chart() -> None:
    components = [Component(k, f"A long legend label {k}", "#111111") for k in ("a", "b", "c")]
    row = StackedRow("An industry with a rather long name " * 3, {"a": 1.0}, 1.0, "+1")
    root = parse(shift_share_chart([row], components, title="t", total_label="Change", width=400))
    legend = [t for t in root.iter(f"{SVG}text") if t.text == "Change"]
    # 0.56 em per character at 11 px: "Change" is 37 px wide and must end inside 400 px.
    assert float(legend[0].get("x", 0)) + 6 * 11 * 0.56 <= 400


def test_line_chart_marks_the_report_year() -> None:
    svg = line_chart(
        [(2012.0, 100.0), (2013.0, 120.0), (2014.0, 110.0)],
        title="t",
        unit="persons",
        mark=2013.0,
        value_format=lambda v: f"{v:.0f}",
    )
    root = parse(svg)
    circles = list(root.iter(f"{SVG}circle"))
    assert [c.get("fill") for c in circles] == ["#1d5f8c", "#c2410c", "#1d5f8c"]
    # The highest value is drawn highest (smallest y).
    assert float(circles[1].get("cy", 0)) < float(circles[2].get("cy", 0))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"persons", "120", "2012", "2014"} <= set(texts)
    with pytest.raises(ValueError, match="at least 2"):
        line_chart([(2012.0, 1.0)], title="t")


def test_scatter_colours_dots_by_median_quadrant_and_keeps_labels_apart() -> None:
    # Medians of x (1, 2, 3, 4) = 2.5 and y (1, 4, 2, 3) = 2.5.
    points = [
        Point(1.0, 1.0, "LL"),
        Point(2.0, 4.0, "TL"),
        Point(4.0, 3.0, "TR", size=1.0),
        Point(3.0, 2.0, "BR"),
        Point(4.0, 3.0, "TR2"),  # on the same spot as TR: its label must move
    ]
    root = parse(
        scatter_chart(
            points,
            title="t",
            x_label="Feasibility",
            y_label="Complexity",
            quadrant_labels=["tr", "tl", "br", "bl"],
        )
    )
    circles = list(root.iter(f"{SVG}circle"))
    # The biggest dot is drawn first, under the others; its radius is 3 + 7 = 10.
    assert float(circles[0].get("r", 0)) == pytest.approx(10)
    # LL bottom left, TL top left, TR and TR2 top right, BR bottom right.
    assert sorted(c.get("fill", "") for c in circles) == sorted(
        [QUADRANT_COLORS[i] for i in (3, 1, 0, 2, 0)]
    )
    labels = {
        t.text: t
        for t in root.iter(f"{SVG}text")
        if t.get("font-size") == "9" and not t.get("stroke")
    }
    assert set(labels) == {"LL", "TL", "TR", "BR", "TR2"}
    assert (labels["TR"].get("x"), labels["TR"].get("y")) != (
        labels["TR2"].get("x"),
        labels["TR2"].get("y"),
    )
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"tr", "tl", "br", "bl", "Feasibility", "Complexity"} <= set(texts)
    with pytest.raises(ValueError, match="4 quadrant labels"):
        scatter_chart(points, title="t", x_label="x", y_label="y", quadrant_labels=["a"])


def test_mercator_and_frames() -> None:
    x, y = mercator(0.0, 0.0)
    assert (float(x), float(y)) == pytest.approx((0.0, 0.0), abs=1e-12)
    # At 60° N the Mercator ordinate is ln(tan(75°)) = 1.3170.
    assert float(mercator(10.0, 60.0)[1]) == pytest.approx(1.3170, abs=1e-4)
    frame = frame_around((16.0, 45.7, 22.9, 48.6), aspect=1.5, margin=0.1)
    assert (frame.x1 - frame.x0) / (frame.y1 - frame.y0) == pytest.approx(1.5)
    inner_x, _ = mercator(16.0, 45.7)
    assert frame.x0 < float(inner_x)


def test_classes_and_quantiles() -> None:
    assert [class_of(v, (0.5, 0.8, 1.25)) for v in (0.1, 0.5, 1.0, 1.3, None)] == [
        0,
        1,
        2,
        3,
        None,
    ]
    assert class_of(float("nan"), (1.0,)) is None
    # Quartiles of 1..8: 2.75, 4.5, 6.25; repeated edges collapse.
    assert quantile_edges(range(1, 9), 4) == pytest.approx([2.75, 4.5, 6.25])
    assert quantile_edges([5, 5, 5, 5], 4) == [5.0]
    assert quantile_edges([None], 4) == []


def square(code: str, west: float, south: float, size: float = 1.0) -> dict[str, object]:
    ring = [
        [west, south],
        [west + size, south],
        [west + size, south + size],
        [west, south + size],
        [west, south],
    ]
    return {
        "type": "Feature",
        "id": code,
        "properties": {"code": code},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_choropleth_draws_regions_in_the_frame_with_the_highlight_and_legend() -> None:
    collection = {
        "type": "FeatureCollection",
        "features": [square("AA1", 0, 0), square("AA2", 1, 0), square("FAR", 50, 50)],
    }
    shapes = shapes_from_geojson(collection, {"AA1": "#ffffcc", "AA2": "#253494"})
    assert [s.fill for s in shapes] == ["#ffffcc", "#253494", "#e5e7eb"]
    frame = frame_around((0.0, 0.0, 2.0, 1.0), aspect=2.0, margin=0.0)
    svg = choropleth_svg(
        shapes,
        frame=frame,
        width=200,
        title="map",
        legend=[LegendItem("#ffffcc", "low"), LegendItem("#253494", "high")],
        legend_title="LQ",
        highlight="AA2",
        highlight_label="AA2",
        labels=[("Outside", 80.0, 80.0), ("Inside", 0.5, 0.5)],
        ident="t",
    )
    root = parse(svg)
    paths = list(root.iter(f"{SVG}path"))
    fills = [p.get("fill") for p in paths]
    # Two regions in the frame, then the highlight outline; the far square is left out.
    assert fills == ["#ffffcc", "#253494", "none"]
    assert paths[-1].get("stroke") == "#c2410c"
    # AA1 spans the left half of the 200 px wide frame: x from 0 to 100.
    xs = [float(p.split(",")[0]) for p in paths[0].get("d", "").strip("MZ").split(" ")]
    assert (min(xs), max(xs)) == pytest.approx((0.0, 100.0), abs=0.2)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Inside" in texts
    assert "Outside" not in texts
    assert {"LQ", "low", "high", "AA2"} <= set(texts)
    assert root.find(f"{SVG}defs/{SVG}clipPath").get("id") == "t-clip"  # type: ignore[union-attr]


def test_shapes_skip_geometries_that_are_not_polygons() -> None:
    point = {"type": "Feature", "id": "P", "geometry": {"type": "Point", "coordinates": [0, 0]}}
    assert shapes_from_geojson({"features": [point]}, {}) == []
    assert isinstance(MapShape("X", ()), MapShape)
    assert Frame(0, 0, 1, 1).x1 == 1


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("Page {page} of {pages}", '"Page " counter(page) " of " counter(pages)'),
        ("{page}. oldal / {pages}", 'counter(page) ". oldal / " counter(pages)'),
        ('Say "{page}"', '"Say \\"" counter(page) "\\""'),
    ],
    ids=["en", "hu", "quotes"],
)
def test_page_label_becomes_css_counters(template: str, expected: str) -> None:
    assert css_page_label(template) == expected


@pytest.mark.parametrize(
    ("value", "column", "language", "expected"),
    [
        (23607.0, Column("e", "E", "integer"), "en", "23,607"),
        (23607.0, Column("e", "E", "integer"), "hu", "23\xa0607"),
        (5.06257, Column("lq", "LQ", "number", 2), "hu", "5,06"),
        (0.0848, Column("s", "S", "percent", 1), "en", "8.5%"),
        (3, Column("s", "S", "stars"), "en", "★★★☆"),
        (None, Column("s", "S", "number", 2), "en", "–"),
        (float("nan"), Column("s", "S", "integer"), "en", "–"),
        ("C29", Column("c", "C", "code"), "en", "C29"),
    ],
    ids=["count-en", "count-hu", "decimals-hu", "percent", "stars", "none", "nan", "code"],
)
def test_cells_are_written_in_the_readers_format(
    value: object, column: Column, language: str, expected: str
) -> None:
    assert cell_text(value, column, Formatter(language)) == expected


def tiny_report(language: str = "en") -> Report:
    columns = [
        Column("code", "Code", "code"),
        Column("name", "Name <b>"),
        Column("lq", "LQ", "number", 2),
        Column("jobs", "Jobs", "integer"),
        Column("share", "Share", "percent", 1),
    ]
    rows = [
        {"code": "C29", "name": "Cars", "lq": 5.0626, "jobs": 23607, "share": 0.0848},
        {"code": "C10", "name": "Food", "lq": None, "jobs": 1200, "share": 0.01},
        {"code": "C11", "name": "Drinks", "lq": 0.5, "jobs": 10, "share": 0.001},
    ]
    table = Table(
        "industries", "Industries", columns, rows, ["Source: test"], ["A note"], 2, "2 of 3"
    )
    figures = Table("key", "Key figures", [Column("label", "Figure")], [{"label": "x"}])
    return Report(
        kind="test",
        language=language,
        title="Tiny <region>",
        subtitle="A test",
        kicker="Report",
        generated=date(2026, 11, 27),
        generated_text="27 November 2026",
        running_title='Tiny "report"',
        footer="Footer </style> text",
        cover_facts=[("Region", "TT1")],
        sections=[
            Section(
                "one",
                "First",
                [
                    Paragraphs(["A reading."], style="reading"),
                    KeyFigures([FigureCard("Jobs", "23,607", "persons", "2014")], figures),
                ],
            ),
            Section(
                "two",
                "Second",
                [table, Chart("c", "A chart", '<svg xmlns="http://www.w3.org/2000/svg"/>')],
                new_page=True,
            ),
        ],
        sources=["Source: test"],
        notes=["A note"],
        filename="tiny",
    )


def test_html_has_the_cover_sections_tables_and_escaped_text() -> None:
    html = render_html(tiny_report())
    page = BeautifulSoup(html, "html.parser")
    assert page.html["lang"] == "en"  # type: ignore[index]
    assert page.h1.get_text() == "Tiny <region>"  # type: ignore[union-attr]
    assert [s["id"] for s in page.select("section")] == ["one", "two", "sources"]
    assert "new-page" in page.select_one("#two")["class"]  # type: ignore[index]
    rows = page.select("#table-industries tbody tr")
    assert len(rows) == 2  # shown=2 of 3 rows
    assert [td.get_text() for td in rows[1].find_all("td")] == ["C10", "Food", "–", "1,200", "1.0%"]
    assert page.select_one("#table-industries thead th:nth-of-type(2)").get_text() == "Name <b>"  # type: ignore[union-attr]
    assert page.select_one("figure#figure-c svg") is not None
    assert [a["href"] for a in page.select("nav.contents a")] == ["#one", "#two", "#sources"]
    # The running texts are CSS strings inside <style>: quotes and "<" escaped.
    style = page.style.get_text()  # type: ignore[union-attr]
    assert 'content: "Tiny \\"report\\"";' in style
    assert "</style> text" not in style
    assert '"Page " counter(page) " of " counter(pages)' in style


def test_xlsx_holds_every_row_as_numbers_with_formats_and_a_sources_sheet() -> None:
    book = load_workbook(io.BytesIO(render_xlsx(tiny_report())))
    assert book.sheetnames == ["Key figures", "Industries", "Sources and notes"]
    sheet = book["Industries"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == ["Code", "Name <b>", "LQ", "Jobs", "Share"]
    assert sheet.max_row == 4  # the header and all three rows, not just the printed two
    assert sheet["C2"].value == pytest.approx(5.0626)
    assert sheet["C2"].number_format == "#,##0.00"
    assert sheet["C3"].value is None
    assert sheet["D2"].value == 23607
    assert sheet["D2"].number_format == "#,##0"
    assert sheet["E2"].number_format == "0.0%"
    assert sheet.column_dimensions["B"].width >= 8
    meta = [tuple(r) for r in book["Sources and notes"].iter_rows(values_only=True)]
    assert ("Table", "Industries") in meta
    assert ("Source", "Source: test") in meta
    assert ("Note", "A note") in meta


def test_hungarian_workbook_names_its_sources_sheet_in_hungarian() -> None:
    book = load_workbook(io.BytesIO(render_xlsx(tiny_report("hu"))))
    assert book.sheetnames[-1] == "Források és megjegyzések"


def test_export_names_the_file_and_refuses_unknown_formats() -> None:
    rendered = export(tiny_report(), "html")
    assert rendered.filename == "tiny.html"
    assert rendered.media_type.startswith("text/html")
    assert rendered.content.startswith(b"<!doctype html>")
    with pytest.raises(Exception, match="expected a format among pdf, html, xlsx"):
        export(tiny_report(), "docx")


@needs_poppler
def test_tiny_pdf_is_an_a4_document(tmp_path: Path) -> None:
    path = tmp_path / "tiny.pdf"
    path.write_bytes(export(tiny_report(), "pdf").content)
    info = pdf_info(path)
    # The second section starts on a new page: two A4 pages (595 x 842 pt).
    assert info["Pages"] == "2"
    assert info["Page size"].startswith("595.276 x 841.89 pts (A4)")
    assert info["Title"] == "Report: Tiny <region>"
    assert info["Creator"] == "polisee"
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Page 1 of 2" in text
    assert "Page 2 of 2" in text
    assert 'Tiny "report"' in text  # the running header of page 2
