"""The assessment report and the plan monitoring report, from the demo records and the real
demo statistics, in every language of ``REPORT_LANGUAGES``, on SQLite and PostgreSQL.

Expected texts are taken from the catalogues and the formatter, so adding a language to
``REPORT_LANGUAGES`` is all it takes to test it. The PDFs, their pages as PNG and the XLSX
files are kept under ``var/reports/`` for people to look at.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.conftest import _truncate
from tests.services._assessment import person, scenario
from tests.services.test_evidence import demo_stats_path
from tests.services.test_reports import SAMPLES, pdf_pages, pdf_text

from polisee.errors import PermissionDenied
from polisee.records.assessments import Assessment
from polisee.records.db import make_engine, make_session_factory, transaction
from polisee.records.plans import Plan
from polisee.services import accounts
from polisee.services import evidence as ev
from polisee.services import plans as pl
from polisee.services.assessment import results
from polisee.services.demo import load_demo_records
from polisee.services.i18n import translations
from polisee.services.reports import (
    ASSESSMENT_STEPS,
    PLAN_STEPS,
    Report,
    assessment_report,
    export,
    plan_report,
)
from polisee.services.sessions import ANONYMOUS, Principal, principal_of_user
from polisee.statsdb import StatsStore

pytestmark = pytest.mark.slow

#: The languages every report is rendered and checked in (the lead adds "de" with its
#: catalogue; nothing else needs to change).
REPORT_LANGUAGES = ("en", "hu", "de")
# The demo assessment prints on 10 or 11 pages (cover and summary, themes, 30 criteria,
# the data, change and benchmark, two to three pages of practices, sources); the demo plan
# on 6 or 7. Longer translations may add a page, never double the length.
ASSESSMENT_PAGES = range(8, 15)
PLAN_PAGES = range(4, 10)
VISITOR = "visitor@example.eu"
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext, pdftoppm) not installed"
)


@dataclass(frozen=True)
class Demo:
    url: str
    assessment_id: int
    plan_id: int


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ],
)
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The demo records (assessments, practices, the demo plan) and a visitor of another
    organisation, loaded once per database."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path_factory.mktemp("report-records") / "records.sqlite3"
        shutil.copyfile(template, path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_url")
        _truncate(url)
    with transaction(url) as db:
        load_demo_records(db)
        person(db, VISITOR, role="member", organisation="Visitors")
    with transaction(url) as db:
        assessment = db.scalar(
            select(Assessment.id).where(
                Assessment.region_code == "HU21", Assessment.round_year == 2025
            )
        )
        plan = db.scalar(select(Plan.id).where(Plan.title == pl.DEMO_PLAN_TITLE))
    assert assessment is not None
    assert plan is not None
    return Demo(url, assessment, plan)


@pytest.fixture
def session(demo: Demo) -> Iterator[Session]:
    engine = make_engine(demo.url)
    with make_session_factory(engine)() as db:
        yield db
        db.rollback()
    engine.dispose()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StatsStore]:
    opened = StatsStore(demo_stats_path(tmp_path_factory), read_only=True)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def cache() -> ev.EvidenceCache:
    return ev.EvidenceCache(64)


@pytest.fixture(scope="module")
def reports(
    demo: Demo, store: StatsStore, cache: ev.EvidenceCache
) -> dict[tuple[str, str], Report]:
    """Both reports in every language, as the visitor (published records) sees them."""
    engine = make_engine(demo.url)
    built: dict[tuple[str, str], Report] = {}
    with make_session_factory(engine)() as db:
        visitor = principal_of_user(db, VISITOR)
        for language in REPORT_LANGUAGES:
            built["assessment", language] = assessment_report(
                db,
                demo.assessment_id,
                visitor,
                language=language,
                store=store,
                cache=cache,
                base_url="https://polisee.example.eu",
            )
            built["plan", language] = plan_report(
                db, demo.plan_id, visitor, language=language, store=store, cache=cache
            )
        db.rollback()
    engine.dispose()
    return built


def _flat(text: str) -> str:
    return re.sub(r"[ \u00a0\u202f]+", " ", text)


def _samples(path: Path, pages: int) -> None:
    """The pages as PNG beside the PDF, for a person to look at."""
    for old in SAMPLES.glob(f"{path.stem}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(path), str(SAMPLES / path.stem)], check=True
    )
    assert len(list(SAMPLES.glob(f"{path.stem}-*.png"))) == pages


def _check_pages(text: str, pages: int, language: str) -> None:
    label = translations(language).gettext("Page {page} of {pages}")
    assert _flat(label.format(page=1, pages=pages)) in text
    assert _flat(label.format(page=pages, pages=pages)) in text


# --- the assessment report -----------------------------------------------------------------

ASSESSMENT_HEADINGS = [
    "At a glance",
    "Theme scores",
    "Criteria",
    "Self-scores and what the data say",
    "Change since the previous round",
    "Benchmark against peer regions",
    "Weak criteria and good practices",
    "Sources and notes",
]


@needs_poppler
@pytest.mark.parametrize("language", REPORT_LANGUAGES, ids=REPORT_LANGUAGES)
def test_assessment_report_pdf_reads_right(
    reports: dict[tuple[str, str], Report], session: Session, demo: Demo, language: str
) -> None:
    report = reports["assessment", language]
    _ = translations(language).gettext
    assert report.kicker == _("Assessment report")
    fmt = ev.Formatter(language)
    SAMPLES.mkdir(parents=True, exist_ok=True)
    rendered = export(report, "pdf")
    assert rendered.filename == f"polisee-assessment-HU21-2025-{demo.assessment_id}-{language}.pdf"
    path = SAMPLES / rendered.filename
    path.write_bytes(rendered.content)
    pages = pdf_pages(path)
    assert pages in ASSESSMENT_PAGES
    text = _flat(pdf_text(path))
    assert "Közép-Dunántúl (HU21)" in text
    assert "Central Transdanubia self-assessment 2025 (demo)" in text
    for heading in ASSESSMENT_HEADINGS:
        assert _flat(_(heading)) in text, heading
        if language != "en" and _(heading) != heading:
            assert heading not in text, heading
    found = results(session, demo.assessment_id)
    # The numbers the results page shows: respondents, and every theme's median and mean.
    summary = _("%(invited)s respondents invited, %(done)s submitted every answer.") % {
        "invited": found.respondents,
        "done": found.respondents_done,
    }
    assert _flat(summary) in text
    assert (found.respondents, found.respondents_done) == (5, 4)
    for theme in found.themes:
        assert (
            theme.theme.title(language) in text.replace("\n", " ")
            or theme.theme.label(language) in text
        )
        assert _flat(fmt.num(theme.stats.mean, decimals=2)) in text
    # The data beside the self-scores (the page's reading) and the peer region.
    assert _flat(fmt.num(0.38, "%", decimals=2)) in text
    assert "HU22" in text
    assert "rd_p_persreg" in text
    assert report.generated_text in text
    _check_pages(text, pages, language)
    _samples(path, pages)


@pytest.mark.parametrize("language", REPORT_LANGUAGES, ids=REPORT_LANGUAGES)
def test_assessment_report_xlsx_holds_the_results(
    reports: dict[tuple[str, str], Report], session: Session, demo: Demo, language: str
) -> None:
    _ = translations(language).gettext
    rendered = export(reports["assessment", language], "xlsx")
    SAMPLES.mkdir(parents=True, exist_ok=True)
    (SAMPLES / rendered.filename).write_bytes(rendered.content)
    book = load_workbook(io.BytesIO(rendered.content))
    for sheet in ("Themes", "Criteria", "By group", "Recommended practices", "Sources and notes"):
        assert _(sheet)[:31] in book.sheetnames, sheet
    assert book.sheetnames[-1] == _("Sources and notes")
    found = results(session, demo.assessment_id)
    header = [c.value for c in book[_("Criteria")][1]]
    rows = list(book[_("Criteria")].iter_rows(2, values_only=True))
    assert len(rows) == len(found.definition.criteria)
    first = dict(zip(header, rows[0], strict=True))
    criterion = found.themes[0].criteria[0]
    assert first[_("Median")] == pytest.approx(criterion.stats.median)
    assert first[_("Mean")] == pytest.approx(criterion.stats.mean)
    assert first[_("Answered")] == pytest.approx(criterion.stats.share)
    meta = " ".join(
        str(v) for r in book[_("Sources and notes")].iter_rows(values_only=True) for v in r if v
    )
    assert "rd_p_persreg" in meta
    assert "Közép-Dunántúl (HU21)" in meta


def test_assessment_report_html_has_the_results_page_evidence(
    reports: dict[tuple[str, str], Report],
) -> None:
    report = reports["assessment", "en"]
    page = BeautifulSoup(export(report, "html").content, "html.parser")
    assert [s["id"] for s in page.select("section")] == [
        "summary",
        "themes",
        "criteria",
        "data",
        "previous",
        "benchmark",
        "gaps",
        "about",
        "sources",
    ]
    # The radar: rings 1-5, six axes, this round, the previous one and the peers.
    radar = page.select_one("#figure-radar svg")
    assert radar is not None
    assert len(radar.select("polygon")) == 5 + 3
    assert [t.get_text() for t in radar.select("text")][5:11] == [
        "Innovation",
        "Sustainability",
        "Internationalisation",
        "Financing",
        "Smart specialisation",
        "Skills and jobs",
    ]
    cards = [c.get_text(" ", strip=True) for c in page.select("#key-figures .card")]
    assert cards[0].startswith("Respondents invited 5")
    flags = [tr.find_all("td")[6].get_text() for tr in page.select("#table-criteria tbody tr")]
    assert sum(f.startswith("⚠") for f in flags) == 4
    # Recommended practices link to their pages.
    links = [tr.find_all("td")[-1].get_text() for tr in page.select("#table-recommended tbody tr")]
    assert links
    assert all(re.fullmatch(r"https://polisee\.example\.eu/practices/\d+", link) for link in links)
    # The group medians go to the XLSX only.
    assert page.select_one("#table-criteria_groups") is None
    assert "[demo]" in page.select_one("#about").get_text()  # type: ignore[union-attr]


def test_assessment_report_without_statistics_says_so(session: Session, demo: Demo) -> None:
    visitor = principal_of_user(session, VISITOR)
    steps: list[int] = []
    report = assessment_report(
        session,
        demo.assessment_id,
        visitor,
        language="en",
        on_step=lambda done, total, what: steps.append(done),
    )
    assert steps == list(range(ASSESSMENT_STEPS + 1))
    data = report.section("data")
    assert "No statistics are loaded yet" in data.blocks[0].texts[0]  # type: ignore[union-attr]
    assert report.cover_facts[0][1] == "HU21"


def test_an_unpublished_assessment_is_printed_for_its_owner_only(db: Session) -> None:
    found = scenario(db)
    report = assessment_report(db, found.assessment_id, found.owner, language="en")
    assert report.kind == "assessment"
    assert report.section("summary").heading == "At a glance"
    for reader in (found.outsider, found.public_a, ANONYMOUS):
        with pytest.raises(PermissionDenied):
            assessment_report(db, found.assessment_id, reader, language="en")


# --- the plan monitoring report ------------------------------------------------------------

PLAN_HEADINGS = [
    "At a glance",
    "Objectives",
    "Progress against the targets",
    "Timeline",
    "Budget by funding source",
    "Risks",
    "Pilot evaluations",
    "Sources and notes",
]


@needs_poppler
@pytest.mark.parametrize("language", REPORT_LANGUAGES, ids=REPORT_LANGUAGES)
def test_plan_report_pdf_reads_right(
    reports: dict[tuple[str, str], Report],
    session: Session,
    demo: Demo,
    store: StatsStore,
    cache: ev.EvidenceCache,
    language: str,
) -> None:
    report = reports["plan", language]
    _ = translations(language).gettext
    assert report.kicker == _("Plan monitoring report")
    SAMPLES.mkdir(parents=True, exist_ok=True)
    rendered = export(report, "pdf")
    path = SAMPLES / rendered.filename
    path.write_bytes(rendered.content)
    pages = pdf_pages(path)
    assert pages in PLAN_PAGES
    text = _flat(pdf_text(path))
    assert "Közép-Dunántúl (HU21)" in text
    assert pl.DEMO_PLAN_TITLE in text
    for heading in PLAN_HEADINGS:
        assert _flat(_(heading)) in text, heading
        if language != "en" and _(heading) != heading:
            assert heading not in text, heading
    visitor = principal_of_user(session, VISITOR)
    monitoring = pl.plan_monitoring(
        session, demo.plan_id, visitor, store=store, cache=cache, language=language
    )
    # The numbers the dashboard shows: baseline 23,607 persons in 2014, latest 25,188 in
    # 2015, target 26,000 in 2027; 66 % of the way travelled, 8 % expected.
    cars = next(k for k in monitoring.kpis if k.kpi.title.startswith("Persons employed"))
    assert (cars.baseline, cars.latest, cars.kpi.target_value) == (23607, 25188, 26000)
    for value in (cars.baseline, cars.latest, cars.kpi.target_value):
        assert _flat(ev.Formatter(language).num(value, decimals=0)) in text
    assert _flat(ev.Formatter(language).num(66, "%", decimals=0)) in text
    # The overdue milestone and report, as the dashboard words them.
    assert "[demo] Pre-assessment" in text
    assert len(monitoring.overdue_milestones) == 1
    assert len(monitoring.overdue_reports) == 1
    assert report.generated_text in text
    _check_pages(text, pages, language)
    _samples(path, pages)


@pytest.mark.parametrize("language", REPORT_LANGUAGES, ids=REPORT_LANGUAGES)
def test_plan_report_xlsx_holds_the_kpis(
    reports: dict[tuple[str, str], Report],
    session: Session,
    demo: Demo,
    store: StatsStore,
    cache: ev.EvidenceCache,
    language: str,
) -> None:
    _ = translations(language).gettext
    rendered = export(reports["plan", language], "xlsx")
    SAMPLES.mkdir(parents=True, exist_ok=True)
    (SAMPLES / rendered.filename).write_bytes(rendered.content)
    book = load_workbook(io.BytesIO(rendered.content))
    for sheet in ("KPIs", "KPI values", "Actions", "Milestones", "Budget", "Risks"):
        assert _(sheet)[:31] in book.sheetnames, sheet
    assert book.sheetnames[-1] == _("Sources and notes")
    visitor = principal_of_user(session, VISITOR)
    expected = pl.kpi_rows(
        pl.plan_monitoring(session, demo.plan_id, visitor, store=store, cache=cache)
    )
    sheet = book[_("KPI values")]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)]
    assert [r[_("KPI")] for r in rows] == [e["title"] for e in expected]
    for row, want in zip(rows, expected, strict=True):
        assert row[_("Baseline")] == pytest.approx(want["baseline"])
        assert row[_("Target")] == pytest.approx(want["target"])
        if want["share_travelled"] is not None:
            assert row[_("Way travelled")] == pytest.approx(want["share_travelled"])
    budget = {r[0]: r for r in book[_("Budget")].iter_rows(2, values_only=True)}
    assert budget[_("Total")][2] == 235_000
    meta = " ".join(
        str(v) for r in book[_("Sources and notes")].iter_rows(values_only=True) for v in r if v
    )
    assert pl.DEMO_PLAN_TITLE in meta


def test_plan_report_html_marks_what_is_overdue(reports: dict[tuple[str, str], Report]) -> None:
    page = BeautifulSoup(export(reports["plan", "en"], "html").content, "html.parser")
    assert [s["id"] for s in page.select("section")] == [
        "summary",
        "objectives",
        "kpis",
        "timeline",
        "budget",
        "risks",
        "pilots",
        "about",
        "sources",
    ]
    timeline = page.select_one("#figure-timeline svg")
    assert timeline is not None
    # Ringed: the legend's overdue mark and the one overdue milestone.
    assert len(timeline.select("[data-overdue]")) == 2
    progress = page.select_one("#figure-progress svg")
    assert progress is not None
    statuses = [tr.find_all("td")[-1].get_text() for tr in page.select("#table-kpis tbody tr")]
    assert statuses.count("Behind") == 1
    milestones = [tr.get_text(" ") for tr in page.select("#table-milestones tbody tr")]
    assert sum("⚠ Overdue" in m for m in milestones) == 1
    reported = page.select("#table-reports tbody tr")
    assert len(reported) == 2
    pilots = page.select_one("#pilots").get_text()  # type: ignore[union-attr]
    assert "[demo] Pilot: joint export mission" in pilots


def test_plan_report_steps_and_access(session: Session, demo: Demo) -> None:
    visitor = principal_of_user(session, VISITOR)
    steps: list[int] = []
    report = plan_report(
        session,
        demo.plan_id,
        visitor,
        language="en",
        on_step=lambda done, total, what: steps.append(done),
    )
    assert steps == list(range(PLAN_STEPS + 1))
    assert "No statistics are loaded" in " ".join(
        t for b in report.section("kpis").blocks if b.kind == "paragraphs" for t in b.texts
    )
    with pytest.raises(PermissionDenied):
        plan_report(session, demo.plan_id, ANONYMOUS, language="en")


def test_an_unshared_plan_is_not_printed(db: Session) -> None:
    owner = person(db, "pm@agency.eu", role="policy_maker", organisation="Agency")
    outsider: Principal = person(db, "pm@other.eu", role="policy_maker", organisation="Other")
    agency = accounts.find_organisation(db, "Agency")
    plan = pl.create_plan(
        db,
        pl.PlanInput("Agency plan", ("HU21",), date(2026, 1, 1), date(2028, 12, 31)),
        owner,
        owner_organisation_id=agency.id,
    )
    assert plan_report(db, plan.id, owner, language="en").title == "Agency plan"
    with pytest.raises(PermissionDenied, match="not shared"):
        plan_report(db, plan.id, outsider, language="en")
