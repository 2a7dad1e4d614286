"""The region profile report of Közép-Dunántúl (HU21) from the real demo data, en and hu;
a Bulgarian and a Greek region in their languages.

The PDFs and their pages as PNG are kept under ``var/reports/`` for people to look at.
"""

from __future__ import annotations

import ast
import io
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from tests.services.test_evidence import demo_stats_path

from polisee.config import default_data_dir
from polisee.errors import NotFound
from polisee.services import evidence as ev
from polisee.services.i18n import LANGUAGES, LOCALES_DIR
from polisee.services.reports import REGION_STEPS, Report, export, region_report
from polisee.statsdb import StatsStore

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = Path(os.environ.get("POLISEE_VAR_DIR", ROOT / "var")) / "reports"
REPORTS = ROOT / "src" / "polisee" / "services" / "reports"
# The HU21 report is 8 pages (cover and summary, trends and maps, then one page per theme);
# longer readings or titles may push a table over a page, never to twice the length.
PAGES = range(6, 11)
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext, pdftoppm) not installed"
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StatsStore]:
    opened = StatsStore(demo_stats_path(tmp_path_factory), read_only=True)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def cache() -> ev.EvidenceCache:
    return ev.EvidenceCache(64)


@pytest.fixture(scope="module")
def reports(store: StatsStore, cache: ev.EvidenceCache) -> dict[str, Report]:
    return {
        language: region_report(
            store, "HU21", language=language, data_dir=default_data_dir(), cache=cache
        )
        for language in ("en", "hu", "de")
    }


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    found = re.search(r"^Pages:\s+(\d+)", out.stdout, re.M)
    assert found, out.stdout
    return int(found.group(1))


EXPECTED = {
    "en": {
        "labels": ["Persons employed", "GDP per inhabitant", "R&D personnel", "Local units"],
        "numbers": ["277,562", "16,800", "23,607", "5.06"],
        "phrases": [
            "Region profile",
            "Hungary",
            "most specialised in manufacture of motor vehicles",
            "Automotive",
            "Top specialisations",
            "Growth opportunities",
            "Shift-share of employment",
            "Sources and notes",
            "Page 1 of",
        ],
        "absent": [],
    },
    "hu": {
        "labels": ["Foglalkoztatottak", "Egy főre jutó GDP", "K+F személyzet", "Telephelyek"],
        "numbers": ["277 562", "16 800", "23 607", "5,06"],
        "phrases": [
            "Régióprofil",
            "Magyarország",
            "Közúti jármű gyártása",
            "Járműipar",
            "Fő szakosodási területek",
            "Növekedési lehetőségek",
            "Források és megjegyzések",
            "1. oldal /",
        ],
        # English left in a Hungarian report would show here.
        "absent": [
            "Persons employed",
            "Location quotient",
            "Source:",
            "Page 1",
            "Automotive",
            "Manufacture of motor vehicles",
        ],
    },
    # German: numbers with a dot for thousands, the official German NACE title of C29 from
    # the classification's 26-language file.
    "de": {
        "labels": ["Beschäftigte", "BIP je Einwohner", "FuE-Personal", "Örtliche Einheiten"],
        "numbers": ["277.562", "16.800", "23.607", "5,06"],
        "phrases": [
            "Regionsprofil",
            "Ungarn",
            "Herstellung von Kraftwagen und Kraftwagenteilen",
            "Kraftfahrzeugindustrie",
            "Wichtigste Spezialisierungen",
            "Wachstumschancen",
            "Quellen und Anmerkungen",
            "Seite 1 von",
        ],
        "absent": [
            "Persons employed",
            "Location quotient",
            "Page 1",
            "Automotive",
            "Manufacture of motor vehicles",
        ],
    },
}


@needs_poppler
@pytest.mark.parametrize("language", ["en", "hu", "de"], ids=["en", "hu", "de"])
def test_region_report_pdf_reads_right(reports: dict[str, Report], language: str) -> None:
    report = reports[language]
    SAMPLES.mkdir(parents=True, exist_ok=True)
    rendered = export(report, "pdf")
    path = SAMPLES / rendered.filename
    path.write_bytes(rendered.content)
    assert rendered.filename == f"polisee-region-HU21-2014-{language}.pdf"
    pages = pdf_pages(path)
    assert pages in PAGES
    text = re.sub(r"[ \u00a0\u202f]+", " ", pdf_text(path))
    expected = EXPECTED[language]
    assert "Közép-Dunántúl" in text
    assert "HU21" in text
    for needle in [*expected["labels"], *expected["phrases"]]:
        assert needle in text, needle
    for number in expected["numbers"]:
        assert number.replace("\u00a0", " ") in text, number
    for dataset in ("sbs_r_nuts06_r2", "nama_10r_2gdp", "rd_p_persreg"):
        assert dataset in text
    assert "Eurostat" in text
    assert "EuroGeographics" in text
    assert report.generated_text in text
    for needle in expected["absent"]:
        assert needle not in text, needle
    # The last page is numbered "N of N" in the reader's language.
    last = {
        "en": f"Page {pages} of {pages}",
        "hu": f"{pages}. oldal / {pages}",
        "de": f"Seite {pages} von {pages}",
    }[language]
    assert last in text
    # The pages as PNG, for a person to look at.
    for old in SAMPLES.glob(f"{path.stem}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(path), str(SAMPLES / path.stem)], check=True
    )
    assert len(list(SAMPLES.glob(f"{path.stem}-*.png"))) == pages


def test_region_report_html_has_the_evidence_of_the_profile(
    reports: dict[str, Report], store: StatsStore, cache: ev.EvidenceCache
) -> None:
    page = BeautifulSoup(export(reports["en"], "html").content, "html.parser")
    assert page.html["lang"] == "en"  # type: ignore[index]
    assert page.h1.get_text(strip=True) == "Közép-Dunántúl"  # type: ignore[union-attr]
    assert [s["id"] for s in page.select("section")] == [
        "summary",
        "trends",
        "clusters",
        "specialisations",
        "opportunities",
        "shift_share",
        "peers",
        "about",
        "sources",
    ]
    # No web navigation, scripts or external resources: the document stands alone.
    assert not page.select("script, link, iframe, header.site, nav[aria-label=Main]")
    assert len(page.select("#key-figures .card")) == 6
    employment = page.select_one("#key-figures .card .card-value")
    assert employment is not None
    assert employment.get_text() == "277,562"
    figures = [f["id"] for f in page.select("figure")]
    assert figures == [
        "figure-trend-employment",
        "figure-trend-gdp_pps_hab",
        "figure-map-lq",
        "figure-map-gdp",
        "figure-lq",
        "figure-opportunities",
        "figure-shift_share",
    ]
    assert all(f.select_one("svg") is not None for f in page.select("figure"))
    # The map outlines HU21 and shows Hungary's neighbours.
    lq_map = page.select_one("#figure-map-lq svg")
    assert lq_map is not None
    assert "HU21" in [t.get_text() for t in lq_map.find_all("text")]
    assert "Slovakia" in lq_map.get_text()
    profile = ev.region_profile(store, "HU21", cache=cache)
    spec = profile.block("specialisations").table.set_index("industry")
    rows = {
        tr.find("td").get_text(): [td.get_text() for td in tr.find_all("td")]
        for tr in page.select("#table-specialisations tbody tr")
    }
    assert len(rows) == 12
    assert rows["C29"][2] == f"{spec.loc['C29', 'lq']:.2f}" == "5.06"
    assert rows["C29"][3] == "23,607"
    clusters = [tr.find("td").get_text() for tr in page.select("#table-clusters tbody tr")]
    assert clusters[0] == "Automotive"
    readings = " ".join(p.get_text() for p in page.select(".paragraphs.reading p"))
    assert "(C29): 5.1 times the share" in readings
    sources = " ".join(p.get_text() for p in page.select("#sources li"))
    assert "Eurostat, structural business statistics" in sources


def test_hungarian_report_uses_hungarian_titles_and_names(reports: dict[str, Report]) -> None:
    page = BeautifulSoup(export(reports["hu"], "html").content, "html.parser")
    assert page.html["lang"] == "hu"  # type: ignore[index]
    rows = {
        tr.find("td").get_text(): [td.get_text() for td in tr.find_all("td")]
        for tr in page.select("#table-specialisations tbody tr")
    }
    # Official NACE Rev. 2 titles in Hungarian (TEÁOR), numbers with a decimal comma.
    assert rows["C29"][1] == "Közúti jármű gyártása"
    assert rows["C29"][2] == "5,06"
    assert rows["C29"][3] == "23\xa0607"
    clusters = [tr.find("td").get_text() for tr in page.select("#table-clusters tbody tr")]
    assert clusters[0] == "Járműipar"
    readings = " ".join(p.get_text() for p in page.select(".paragraphs.reading p"))
    assert "közúti jármű gyártása (C29)" in readings
    assert "Szlovákia" in page.select_one("#figure-map-lq svg").get_text()  # type: ignore[union-attr]
    assert reports["hu"].generated_text.startswith(str(reports["hu"].generated.year) + ".")


def test_region_report_xlsx_holds_the_profile_tables(
    reports: dict[str, Report], store: StatsStore, cache: ev.EvidenceCache
) -> None:
    rendered = export(reports["en"], "xlsx")
    SAMPLES.mkdir(parents=True, exist_ok=True)
    (SAMPLES / rendered.filename).write_bytes(rendered.content)
    book = load_workbook(io.BytesIO(rendered.content))
    assert book.sheetnames == [
        "Key figures",
        "Clusters",
        "Top specialisations",
        "Growth opportunities",
        "Shift-share",
        "Peer regions",
        "Specialisation indices",
        "Sources and notes",
    ]
    profile = ev.region_profile(store, "HU21", cache=cache)
    sheet = book["Top specialisations"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)}
    # Every industry with a location quotient, not just the 12 printed.
    assert len(rows) == len(profile.block("specialisations").table) == 64
    spec = profile.block("specialisations").table.set_index("industry")
    assert rows["C29"]["Location quotient"] == pytest.approx(spec.loc["C29", "lq"])
    assert rows["C29"]["Persons employed"] == 23607
    figures = {r[0]: r for r in book["Key figures"].iter_rows(2, values_only=True)}
    assert figures["Persons employed"][1] == 277562
    assert figures["GDP per inhabitant"][1] == 16800
    meta = " ".join(
        str(v) for r in book["Sources and notes"].iter_rows(values_only=True) for v in r
    )
    assert "sbs_r_nuts06_r2" in meta
    assert "Classic shift-share (Dunn 1960)" in meta


def test_progress_is_reported_step_by_step(store: StatsStore, cache: ev.EvidenceCache) -> None:
    steps: list[tuple[int, int, str]] = []
    region_report(
        store,
        "HU21",
        language="en",
        cache=cache,
        on_step=lambda done, total, what: steps.append((done, total, what)),
    )
    assert [s[0] for s in steps] == list(range(REGION_STEPS + 1))
    assert {s[1] for s in steps} == {REGION_STEPS}


def test_without_boundaries_the_maps_give_way_to_a_note(
    store: StatsStore, cache: ev.EvidenceCache
) -> None:
    report = region_report(store, "HU21", language="en", data_dir=None, cache=cache)
    blocks = report.section("trends").blocks
    kinds = [b.kind for b in blocks]
    assert kinds == ["chart", "chart", "paragraphs"]
    assert "the maps are left out" in blocks[-1].texts[0]  # type: ignore[union-attr]
    # Without the data folder industries keep their English titles, even in Hungarian.
    hu = region_report(store, "HU21", language="hu", data_dir=None, cache=cache)
    table = next(t for t in hu.tables() if t.key == "specialisations")
    titles = {row["industry"]: row["title"] for row in table.rows}
    assert titles["C29"].startswith("Manufacture of motor vehicles")


def test_unknown_region_and_language_are_refused(
    store: StatsStore, cache: ev.EvidenceCache
) -> None:
    with pytest.raises(NotFound, match="XX99"):
        region_report(store, "XX99", language="en", cache=cache)
    with pytest.raises(KeyError, match="expected one of"):
        region_report(store, "HU21", language="fr", cache=cache)


# --- the report's texts are in both catalogues ---------------------------------------------


def _report_msgids() -> set[str]:
    """Literal ids given to ``_()`` / ``ctx._()`` in the report code and templates."""
    found: set[str] = set()
    for path in REPORTS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and (
                    (isinstance(node.func, ast.Name) and node.func.id == "_")
                    or (isinstance(node.func, ast.Attribute) and node.func.attr == "_")
                )
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    for path in (REPORTS / "templates").glob("*.html"):
        found |= {
            m.group(2) for m in re.finditer(r'_\(\s*(["\'])(.*?)\1\s*\)', path.read_text(), re.S)
        }
    return found


@pytest.mark.parametrize("language", sorted(LANGUAGES), ids=sorted(LANGUAGES))
def test_catalogues_cover_every_report_text(language: str) -> None:
    catalogue: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / language / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle):
                if message.id and isinstance(message.id, str):
                    catalogue.setdefault(message.id, str(message.string))
    ids = _report_msgids()
    assert {"At a glance", "Page {page} of {pages}", "Sources and notes", "Contents"} <= ids
    assert not sorted(ids - set(catalogue))
    if language == "hu":
        assert not sorted(i for i in ids if not catalogue[i])


def test_report_templates_have_no_bare_text() -> None:
    for path in (REPORTS / "templates").glob("*.html"):
        # Style sheets are not text for readers; everything else between tags must be _().
        source = re.sub(r"<style>.*?</style>", " ", path.read_text(), flags=re.S)
        source = re.sub(r"{{.*?}}|{%.*?%}|<[^>]+>", " ", source, flags=re.S)
        assert not re.findall(r"[A-Za-z]{3,}", source), path.name


# --- reports in the other languages: region names and NACE titles ----------------------------


@pytest.mark.parametrize(
    ("code", "language", "name", "month"),
    [
        ("BG41", "bg", "Yugozapaden (Югозападен)", "ноември"),
        ("EL52", "el", "Kentriki Makedonia (Κεντρική Μακεδονία)", "Νοεμβρίου"),
    ],
    ids=["bulgarian", "greek"],
)
def test_report_cover_names_the_region_in_both_scripts(
    store: StatsStore, cache: ev.EvidenceCache, code: str, language: str, name: str, month: str
) -> None:
    from datetime import date

    report = region_report(
        store,
        code,
        language=language,
        data_dir=default_data_dir(),
        cache=cache,
        today=date(2026, 11, 27),
    )
    assert report.title == name
    assert month in report.generated_text
    page = BeautifulSoup(export(report, "html").content, "html.parser")
    assert page.html["lang"] == language  # type: ignore[index]
    assert name in page.get_text()
    titles = ev.industry_titles(default_data_dir(), language)
    table = next(t for t in report.tables() if t.key == "specialisations")
    shown = {row["industry"]: row["title"] for row in table.rows}
    assert shown
    assert all(shown[c] == titles[c] for c in shown if c in titles)


@needs_poppler
def test_a_greek_pdf_carries_greek_text(
    store: StatsStore, cache: ev.EvidenceCache, tmp_path: Path
) -> None:
    report = region_report(store, "EL52", language="el", data_dir=default_data_dir(), cache=cache)
    rendered = export(report, "pdf")
    SAMPLES.mkdir(parents=True, exist_ok=True)
    (SAMPLES / rendered.filename).write_bytes(rendered.content)
    path = tmp_path / rendered.filename
    path.write_bytes(rendered.content)
    text = pdf_text(path)
    assert "Κεντρική Μακεδονία" in text
    assert report.kicker == "Προφίλ περιφέρειας"
    assert report.kicker in text


@pytest.mark.parametrize(
    ("language", "sheets", "persons"),
    [
        ("hu", ("Fő szakosodási területek", "Források és megjegyzések"), "Foglalkoztatottak"),
        ("de", ("Wichtigste Spezialisierungen", "Quellen und Anmerkungen"), "Beschäftigte"),
    ],
    ids=["hu", "de"],
)
def test_region_report_xlsx_speaks_the_readers_language(
    reports: dict[str, Report], language: str, sheets: tuple[str, str], persons: str
) -> None:
    rendered = export(reports[language], "xlsx")
    SAMPLES.mkdir(parents=True, exist_ok=True)
    (SAMPLES / rendered.filename).write_bytes(rendered.content)
    assert rendered.filename == f"polisee-region-HU21-2014-{language}.xlsx"
    book = load_workbook(io.BytesIO(rendered.content))
    specialisations, sources = sheets
    assert {specialisations, sources} <= set(book.sheetnames)
    assert book.sheetnames[-1] == sources
    sheet = book[specialisations]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)}
    # The same number as in the English workbook, under the reader's column title.
    assert rows["C29"][persons] == 23607
