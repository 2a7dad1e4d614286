"""Scoreboard indicators on a small store computed by hand, then on the real demo data."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

from polisee.analytics import relatedness, relatedness_density
from polisee.errors import Conflict, InputError, NotFound
from polisee.services import evidence as ev
from polisee.services import scoreboard as sb
from polisee.services.analysis import indicator_table
from polisee.statsdb import StatsStore

# --- a small world ------------------------------------------------------------------------
# Two countries: AA with regions AA11, AA12, AA13 and BB with BB11, BB12 (NUTS 2). Ten NACE
# divisions in seven sections. Every region employs 1,000 persons in 2014 (AA13: 1,000 known
# plus a confidential C21 cell, 50 in its section total).

DIVISIONS = ["C20", "C21", "C26", "C29", "D35", "F41", "G47", "H49", "J62", "M72"]
SECTION = {d: d[0] for d in DIVISIONS}
EMP_2014 = {
    "AA11": [100, 50, 0, 400, 50, 100, 200, 50, 30, 20],
    "AA12": [0, 0, 100, 0, 100, 200, 300, 100, 150, 50],
    "AA13": [200, None, 0, 0, 300, 100, 200, 100, 50, 50],
    "BB11": [50, 50, 200, 100, 50, 100, 250, 100, 50, 50],
    "BB12": [0, 0, 0, 300, 200, 200, 200, 100, 0, 0],
}
# 2010 is 2014 except AA11 C29 300, BB11 C26 100, BB12 C29 200.
CHANGES_2010 = {("AA11", "C29"): 300, ("BB11", "C26"): 100, ("BB12", "C29"): 200}
HIDDEN = {("AA13", "C"): 50.0}  # inside the section total, confidential as a division
# CO2 (kt) of AA in 2014 by WIOD industry; BB has none (like the Netherlands in the JRC file).
CO2_AA = {
    "C20": 30.0,
    "C21": 1.0,
    "C26": 0.1,
    "C29": 4.0,
    "D35": 450.0,
    "F": 2.0,
    "G47": 0.7,
    "H49": 10.0,
    "J62_J63": 0.23,
    "M72": 0.12,
}
LFS = {  # thousand persons: 2009, 2010, 2014
    "AA11": (2.0, 2.0, 2.2),
    "AA12": (1.0, 1.0, 1.0),
    "AA13": (1.6, 1.6, 1.2),
    "BB11": (2.0, 2.0, 2.4),
    "BB12": (1.0, 1.0, 0.9),
}
RD_2009 = {"AA11": 40.0, "AA12": 5.0, "AA13": None, "BB11": 20.0, "BB12": 1.0}
CLUSTERS = [
    ("1", "Chemicals", True, ["C20", "C21"]),
    ("2", "Automotive", True, ["C29"]),
    ("3", "Information technology", True, ["C26", "J62", "M72"]),
    ("4", "Electric power", True, ["D35"]),
    ("5", "Retail", False, ["G47"]),
    ("6", "Construction", False, ["F41"]),
    ("7", "Transport", False, ["H49"]),
]


def employment(year: int) -> dict[tuple[str, str], float | None]:
    cells: dict[tuple[str, str], float | None] = {}
    for region, values in EMP_2014.items():
        for division, value in zip(DIVISIONS, values, strict=True):
            cells[(region, division)] = None if value is None else float(value)
    if year == 2010:
        cells.update({k: float(v) for k, v in CHANGES_2010.items()})
    return cells


def facts_frame() -> dict[str, pd.DataFrame]:
    rows: dict[str, list[tuple[str, str, str, int, float | None, str]]] = {}

    def add(
        dataset: str, measure: str, region: str, industry: str, year: int, value: float | None
    ) -> None:
        flag = "c" if value is None else ""
        rows.setdefault(dataset, []).append((measure, region, industry, year, value, flag))

    for year in (2010, 2014):
        cells = employment(year)
        wage = 0.03 if year == 2014 else 0.025
        sections: dict[tuple[str, str], float] = {}
        for (region, division), value in cells.items():
            add("sbs_r_nuts06_r2", "V16110", region, division, year, value)
            units = None if value is None else value / 10
            add("sbs_r_nuts06_r2", "V11210", region, division, year, units)
            region_wage = 0.02 if (region == "BB12" and year == 2010) else wage
            pay = None if value is None else value * region_wage
            add("sbs_r_nuts06_r2", "V13320", region, division, year, pay)
            key = (region, SECTION[division])
            sections[key] = (
                sections.get(key, 0.0) + (value or 0.0) + HIDDEN.get(key, 0.0) * (value is None)
            )
        national: dict[tuple[str, str], float] = {}
        for (region, section), value in sections.items():
            region_wage = 0.02 if (region == "BB12" and year == 2010) else wage
            add("sbs_r_nuts06_r2", "V16110", region, section, year, value)
            add("sbs_r_nuts06_r2", "V13320", region, section, year, value * region_wage)
            national[(region[:2], section)] = national.get((region[:2], section), 0.0) + value
        for (country, section), value in national.items():
            add("sbs_r_nuts06_r2", "V16110", country, section, year, value)
        by_division: dict[tuple[str, str], float] = {}
        for (region, division), value in cells.items():
            hidden = 50.0 if (region, division) == ("AA13", "C21") else 0.0
            key = (region[:2], division)
            by_division[key] = by_division.get(key, 0.0) + (value or 0.0) + hidden
        for (country, division), value in by_division.items():
            add("sbs_r_nuts06_r2", "V16110", country, division, year, value)
    for region, (y09, y10, y14) in LFS.items():
        for year, value in ((2009, y09), (2010, y10), (2014, y14)):
            add("lfst_r_lfe2en2", "THS.Y_GE15", region, "TOTAL", year, value)
    for region, fte in RD_2009.items():
        add("rd_p_persreg", "FTE", region, "TOTAL", 2009, fte)
        add("rd_p_persreg", "FTE", region, "TOTAL", 2018, 99.0)
    for industry, kt in CO2_AA.items():
        add("jrc_wiod_co2", "CO2_KT", "AA", industry, 2014, kt)
    for industry, fte in {"TOTAL": 100.0, "C": 30.0, "D": 45.0, "F": 20.0}.items():
        add("egss", "EGSS_EMP_MKT", "AA", industry, 2014, fte)
    for industry, tonnes in {"TOTAL": 7000.0, "C": 1000.0, "D": 5000.0, "G": 1000.0}.items():
        add("env_ac_ainah_r2", "GHG_T", "AA", industry, 2014, tonnes)
    columns = ["measure", "region", "industry", "year", "value", "flag"]
    return {name: pd.DataFrame(r, columns=columns) for name, r in rows.items()}


def build_store() -> StatsStore:
    store = StatsStore(None)
    regions = []
    for country in ("AA", "BB"):
        regions.append((country, 0, "", country, f"Country {country}"))
        regions.append((f"{country}1", 1, country, country, f"{country} one"))
    for code in EMP_2014:
        regions.append((code, 2, code[:3], code[:2], f"Region {code}"))
    region_frame = pd.DataFrame(regions, columns=["code", "level", "parent", "country", "name"])
    region_frame["name_latin"] = region_frame["name"]
    region_frame["nuts_version"] = 2021
    region_frame["extra_regio"] = False
    sections = sorted(set(SECTION.values()))
    industries = pd.DataFrame(
        [(s, 1, "", s, f"Section {s}") for s in sections]
        + [(d, 2, d[0], d[0], f"Division {d}") for d in DIVISIONS],
        columns=["code", "level", "parent", "section", "title"],
    )
    definition = pd.DataFrame(
        [
            (code, name, traded, industry, 1.0)
            for code, name, traded, members in CLUSTERS
            for industry in members
        ],
        columns=["cluster_code", "cluster", "traded", "industry", "weight"],
    )
    with store.transaction():
        store.replace_regions(region_frame)
        store.replace_industries(industries)
        store.replace_cluster_definition("us-cmp-division", definition)
        for dataset, frame in facts_frame().items():
            store.replace_facts(dataset, frame.assign(dataset=dataset))
            store.upsert_dataset(dataset, source="test", sha256="0", summary={})
    return store


@pytest.fixture(scope="module")
def small() -> Iterator[StatsStore]:
    store = build_store()
    yield store
    store.close()


@pytest.fixture(scope="module")
def table(small: StatsStore) -> sb.IndicatorTable:
    return sb.indicator_table(small, cache=ev.EvidenceCache(64))


def values(table: sb.IndicatorTable, key: str) -> dict[str, float]:
    return {k: float(v) for k, v in table.values[key].items()}


def test_small_store_scope_and_year(table: sb.IndicatorTable) -> None:
    assert table.year == 2014
    assert list(table.values.index) == ["AA11", "AA12", "AA13", "BB11", "BB12"]
    assert table.regions.loc["BB12", "country"] == "BB"


def test_rd_personnel_per_thousand_employed_in_the_year_with_both(table: sb.IndicatorTable) -> None:
    # 2009 is the only year with R&D personnel and LFS: 40 FTE / 2.0 thousand = 20
    got = values(table, "rd_personnel")
    assert got["AA11"] == 20.0
    assert got["AA12"] == 5.0
    assert math.isnan(got["AA13"])
    assert got["BB11"] == 10.0
    assert table.data["rd_personnel"].year == "2009"


def test_high_technology_share_with_a_lower_bound(table: sb.IndicatorTable) -> None:
    got = values(table, "htec_share")
    # HTC in the data: C21, C26, J62, M72. AA11: (50 + 0 + 30 + 20) / 1000
    assert got["AA11"] == pytest.approx(10.0)
    assert got["AA12"] == pytest.approx(30.0)  # (100 + 150 + 50) / 1000
    # AA13: C21 is confidential: (0 + 50 + 50) / 1050 (sections include the hidden 50)
    assert got["AA13"] == pytest.approx(100 / 1050 * 100)
    assert got["BB11"] == pytest.approx(35.0)
    assert got["BB12"] == 0.0
    note = table.data["htec_share"].notes["AA13"]
    assert note.english().startswith("Lower bound: 1 of the 4 industries counted")


def test_knowledge_intensive_services_share(table: sb.IndicatorTable) -> None:
    got = values(table, "kis_share")  # J62 + M72 in the data
    assert [got[r] for r in ("AA11", "AA12", "BB11", "BB12")] == pytest.approx([5, 20, 10, 0])
    assert got["AA13"] == pytest.approx(100 / 1050 * 100)


def test_co2_intensity_estimate_by_hand(table: sb.IndicatorTable) -> None:
    # National intensities of AA (t per person): C20 30000/300 = 100, C21 1000/100 = 10,
    # C26 1, C29 4000/400 = 10, D35 450000/450 = 1000, F 2000/400 = 5, G47 1, H49
    # 10000/250 = 40, J62_J63 1, M72 1.
    got = values(table, "co2_intensity")
    # AA11: 100*100 + 50*10 + 400*10 + 50*1000 + 100*5 + 200 + 50*40 + 30 + 20 = 67,250
    assert got["AA11"] == pytest.approx(67.25)
    # AA12: 100 + 100*1000 + 200*5 + 300 + 100*40 + 150 + 50 = 105,600
    assert got["AA12"] == pytest.approx(105.6)
    # AA13 (C21 unknown): 200*100 + 300*1000 + 500 + 200 + 4000 + 50 + 50 = 324,800
    assert got["AA13"] == pytest.approx(324.8)
    assert math.isnan(got["BB11"])  # no CO2 accounts for BB
    assert sb.indicator_definitions()[4].estimate
    summary = table.data["co2_intensity"].summary[0].english()
    assert summary.startswith("An estimate:")
    assert "D35, C20, H49" in summary


def test_transition_exposure_counts_the_carbon_intensive_industries(
    small: StatsStore, table: sb.IndicatorTable
) -> None:
    # All-industry AA intensity: 498,150 t / 3,050 persons = 163.3; 2.5 times = 408: D35 only
    ctx = sb.Context(small, ev.EvidenceCache(8), 2, 2014, ())
    intensive = sb.carbon_intensive_industries(ctx, 2014)
    assert intensive.loc[intensive["carbon_intensive"], "wiod_code"].tolist() == ["D35"]
    got = values(table, "transition_exposure")
    assert got["AA11"] == pytest.approx(5.0)
    assert got["AA12"] == pytest.approx(10.0)
    assert got["AA13"] == pytest.approx(300 / 1050 * 100)
    assert got["BB12"] == pytest.approx(20.0)  # measured employment, EU-wide list


def test_egss_share_estimate_by_hand(table: sb.IndicatorTable) -> None:
    # AA ratios: C 30/900, D 45/450, F 20/400, other sections 0 (not reported)
    got = values(table, "egss_share")
    assert got["AA11"] == pytest.approx((550 * 30 / 900 + 50 * 0.1 + 100 * 0.05) / 10)
    assert got["AA12"] == pytest.approx((100 * 30 / 900 + 100 * 0.1 + 200 * 0.05) / 10)
    assert got["AA13"] == pytest.approx((250 * 30 / 900 + 300 * 0.1 + 100 * 0.05) / 1050 * 100)
    assert math.isnan(got["BB11"])


def test_traded_cluster_share(table: sb.IndicatorTable) -> None:
    got = values(table, "traded_share")
    assert got == pytest.approx(
        {"AA11": 65.0, "AA12": 40.0, "AA13": 60.0, "BB11": 55.0, "BB12": 50.0}
    )


def test_cluster_indicators_agree_with_the_explorers_tables(
    small: StatsStore, table: sb.IndicatorTable
) -> None:
    flags = indicator_table(small, "strong_flags", year=2014).table
    stars = indicator_table(small, "stars", year=2014).table
    strong_share = values(table, "strong_cluster_share")
    starred = values(table, "starred_clusters")
    sections = {"AA11": 1000.0, "AA12": 1000.0, "AA13": 1050.0, "BB11": 1000.0, "BB12": 1000.0}
    for region in EMP_2014:
        mine = flags[(flags["region"] == region) & flags["strong"].astype(bool)]
        expected = 100 * float(mine["employment"].sum()) / sections[region]
        assert strong_share[region] == pytest.approx(expected), region
        assert starred[region] == int((stars[stars["region"] == region]["stars"] > 0).sum())


def test_complexity_and_specialisation_come_from_the_explorer(
    small: StatsStore, table: sb.IndicatorTable
) -> None:
    cache = ev.EvidenceCache(16)
    for key, indicator in (("eci", "eci"), ("krugman", "krugman")):
        expected = ev.map_values(small, indicator, 2, 2014, cache=cache)
        got = values(table, key)
        for region, value in expected.items():
            assert got[region] == pytest.approx(value, nan_ok=True)
    panel = ev.division_panel(small, 2, cache=cache).select(years=[2014])
    density = relatedness_density(panel, relatedness(panel, year=2014), year=2014)
    # AA12 has RCA >= 1 in C26, D35, F41, G47, H49, J62, M72 (shares above the column
    # shares); its value is the mean density over those industries.
    matrix = panel.to_matrix(2014).fillna(0)
    shares = matrix.div(matrix.sum(axis=1), axis=0)
    rca = shares / (matrix.sum() / matrix.to_numpy().sum())
    mine = rca.loc["AA12"][rca.loc["AA12"] >= 1].index
    expected = density.loc["AA12"].reindex(mine).mean()
    assert values(table, "specialisation_relatedness")["AA12"] == pytest.approx(expected)


def test_growth_indicators_by_hand(table: sb.IndicatorTable) -> None:
    growth = values(table, "employment_growth")
    assert growth["AA11"] == pytest.approx((1.1**0.25 - 1) * 100)
    assert growth["AA12"] == 0.0
    assert growth["AA13"] == pytest.approx((0.75**0.25 - 1) * 100)
    assert table.data["employment_growth"].year == "2010-2014"
    wages = values(table, "wage_growth")
    # 25,000 -> 30,000 EUR per person everywhere, BB12 20,000 -> 30,000
    assert wages["AA11"] == pytest.approx((1.2**0.25 - 1) * 100)
    assert wages["BB12"] == pytest.approx((1.5**0.25 - 1) * 100)


def test_regional_shift_by_hand(table: sb.IndicatorTable) -> None:
    # Industry growth (cells known at both dates): C29 600 -> 800 (+1/3), C26 200 -> 300
    # (+1/2), the rest 0. Regional shift = x1 - x0 (1 + g_i), summed over industries.
    got = values(table, "regional_shift")
    assert got["AA11"] == pytest.approx(0.0, abs=1e-9)  # C29: 400 - 300 * 4/3 = 0
    assert got["AA12"] == pytest.approx(-5.0)  # C26: 100 - 100 * 1.5 = -50 of 1,000
    assert got["BB11"] == pytest.approx((50 - 100 / 3) / 900 * 100)
    assert got["BB12"] == pytest.approx((300 - 200 * 4 / 3) / 900 * 100)


def test_strong_cluster_growth_gap(small: StatsStore, table: sb.IndicatorTable) -> None:
    start = indicator_table(small, "strong_flags", year=2010).table
    end = indicator_table(small, "strong_flags", year=2014).table.set_index(["region", "cluster"])
    got = values(table, "strong_cluster_growth_gap")
    totals = {2010: {}, 2014: {}}  # type: dict[int, dict[str, float]]
    for year in (2010, 2014):
        for region in EMP_2014:
            both = [
                (employment(2010)[(region, d)], employment(2014)[(region, d)]) for d in DIVISIONS
            ]
            known = [(a, b) for a, b in both if a is not None and b is not None]
            totals[year][region] = sum(a if year == 2010 else b for a, b in known)
    for region in EMP_2014:
        strong = start[(start["region"] == region) & start["strong"].astype(bool)]
        if strong.empty:
            assert math.isnan(got[region])
            assert (
                "No strong cluster in 2010"
                in table.data["strong_cluster_growth_gap"].notes[region].english()
            )
            continue
        s0 = float(strong["employment"].sum())
        s1 = float(sum(end.loc[(region, c), "employment"] for c in strong["cluster"]))
        inside = (s1 / s0) ** 0.25 - 1 if s0 > 0 and s1 > 0 else np.nan
        r0, r1 = totals[2010][region] - s0, totals[2014][region] - s1
        rest = (r1 / r0) ** 0.25 - 1
        assert got[region] == pytest.approx((inside - rest) * 100, nan_ok=True), region


def test_platform_indicators_are_empty_with_a_reason(table: sb.IndicatorTable) -> None:
    for key in ("collaborations", "funding_per_employee", "organisations_per_stage"):
        assert table.values[key].isna().all()
        assert table.data[key].reason.startswith("No platform records database")


def test_themes_scores_and_the_coverage_rule(small: StatsStore) -> None:
    board = sb.scoreboard(small, draws=200, cache=ev.EvidenceCache(64))
    financing = board.themes["financing"].table
    assert financing["score"].isna().all()
    innovation = board.themes["innovation"].table
    # AA13 has no R&D figure: 3 of 4 indicators, above the half needed
    assert innovation.loc["AA13", "coverage"] == 0.75
    assert innovation.loc["AA13", "missing"] == ("rd_personnel",)
    assert innovation["score"].notna().all()
    sustainability = board.themes["sustainability"].table
    # BB regions have only the transition exposure (1 of 3): no score
    assert sustainability.loc[["BB11", "BB12"], "score"].isna().all()
    assert sustainability.loc[["AA11", "AA12", "AA13"], "score"].notna().all()
    ranking = board.ranking("innovation")
    assert ranking["rank"].tolist() == sorted(ranking["rank"].tolist())
    assert set(ranking.columns) >= {"region", "score", "rank_p05", "rank_p95", "robust", "name"}


def test_weights_change_the_scores_and_are_checked(small: StatsStore) -> None:
    cache = ev.EvidenceCache(64)
    equal = sb.scoreboard(small, draws=50, cache=cache)
    only_kis = sb.scoreboard(
        small,
        draws=50,
        weights={"rd_personnel": 0, "htec_share": 0, "eci": 0},
        cache=cache,
    )
    # with one indicator left, the innovation score is that indicator's min-max value
    kis = only_kis.themes["innovation"].table["score"]
    assert kis["AA12"] == pytest.approx(100.0)
    assert kis["BB12"] == pytest.approx(0.0)
    assert not equal.themes["innovation"].table["score"].equals(kis)
    with pytest.raises(InputError, match="unknown indicators"):
        sb.scoreboard(small, weights={"nope": 1}, cache=cache)
    with pytest.raises(InputError):
        sb.scoreboard(small, weights={"eci": -1}, cache=cache)
    with pytest.raises(InputError, match="aggregation"):
        sb.scoreboard(small, aggregation="median", cache=cache)  # type: ignore[arg-type]


def test_theme_scores_for_the_self_assessment(small: StatsStore) -> None:
    scores = sb.theme_scores(small, "aa11", cache=ev.EvidenceCache(64))
    assert [s.theme for s in scores] == [t.key for t in sb.THEMES]
    innovation = scores[0]
    assert innovation.score is not None
    assert 0 <= innovation.score <= 100
    assert innovation.rank is not None
    assert innovation.of == 5
    assert innovation.rank_p05 is not None
    assert innovation.rank_p05 <= innovation.rank_p95
    assert "of 100 on Innovation and R&D" in innovation.reading.english()
    financing = scores[3]
    assert financing.score is None
    assert financing.rank is None
    assert financing.missing == (
        "Cluster funding per employee in clusters",
        "Cluster organisations at an advanced stage",
    )
    assert "none of its 2 indicators has data" in financing.reading.english()
    with pytest.raises(NotFound):
        sb.theme_scores(small, "ZZ99")
    with pytest.raises(NotFound):
        sb.theme_scores(small, "AA")


def test_region_view_and_national_context(small: StatsStore) -> None:
    view = sb.region_view(small, "AA12", cache=ev.EvidenceCache(64))
    assert view.country == "AA"
    assert len(view.peers) == 4  # the other four regions
    same = view.board.themes["innovation"].table["score"].loc[["AA11", "AA12", "AA13"]]
    assert view.country_mean["innovation"] == pytest.approx(float(same.mean()))
    rows = view.indicators.set_index("key")
    assert rows.loc["htec_share", "value"] == pytest.approx(30.0)
    assert rows.loc["htec_share", "rank"] == 2  # after BB11 (35 %)
    assert rows.loc["co2_intensity", "rank"] == 2  # lower is better: AA11 67 < AA12 106
    context, year = sb.national_context(small, "AA", 2014)
    assert year == 2014
    assert context["section"].tolist() == ["D", "C", "G"]
    assert context["share"].iloc[0] == pytest.approx(5000 / 7000 * 100)


def test_coverage_by_country(small: StatsStore) -> None:
    coverage = sb.coverage_by_country(small, cache=ev.EvidenceCache(64))
    assert coverage.loc["AA", "regions"] == 3
    assert coverage.loc["AA", "co2_intensity"] == 100.0
    assert coverage.loc["BB", "co2_intensity"] == 0.0
    assert coverage.loc["AA", "rd_personnel"] == pytest.approx(200 / 3)
    assert coverage.loc["BB", "theme:sustainability"] == 0.0


def test_register_indicator_guards_the_registry() -> None:
    existing = sb.indicators_of("financing")[0]
    with pytest.raises(Conflict):
        sb.register_indicator(existing)
    with pytest.raises(InputError, match="theme"):
        sb.register_indicator(
            sb.IndicatorDefinition("x", "nope", "X", "u", 1, "min-max", (), "m", no_data="n")
        )
    with pytest.raises(InputError, match="no compute function"):
        sb.register_indicator(
            sb.IndicatorDefinition("x", "financing", "X", "u", 1, "min-max", (), "m")
        )


# --- the real demo data ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StatsStore]:
    from tests.services.test_evidence import demo_stats_path

    opened = StatsStore(demo_stats_path(tmp_path_factory), read_only=True)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def demo_cache() -> ev.EvidenceCache:
    return ev.EvidenceCache(256)


@pytest.mark.slow
def test_every_supported_indicator_is_computed_for_the_sbs_regions(
    demo: StatsStore, demo_cache: ev.EvidenceCache
) -> None:
    table = sb.indicator_table(demo, cache=demo_cache)
    assert table.year == 2014
    assert len(table.values) == 288  # NUTS 2 regions with SBS employment in 2014
    counts = table.values.notna().sum()
    platform = {"collaborations", "funding_per_employee", "organisations_per_stage"}
    for key, count in counts.items():
        if key in platform:
            assert count == 0
        else:
            assert count >= 240, key  # EGSS (countries reporting) is the sparsest
    # no CO2 accounts for the Netherlands in the JRC file kept here
    nl = table.regions.index[table.regions["country"] == "NL"]
    assert table.values.loc[nl, "co2_intensity"].isna().all()
    assert table.values.loc[nl, "transition_exposure"].notna().all()


@pytest.mark.slow
def test_hu21_high_technology_share_from_the_store(
    demo: StatsStore, demo_cache: ev.EvidenceCache
) -> None:
    # Straight from the facts: HTC divisions (known cells) over sections B-N without K
    table = sb.indicator_table(demo, cache=demo_cache)
    divisions = demo.facts("V16110", years=[2014], regions=["HU21"], industry_level="division")
    members = ["C21", "C26", "J59", "J60", "J61", "J62", "J63", "M72"]
    numerator = divisions[divisions["industry"].isin(members)]["value"].sum()
    sections = demo.facts("V16110", years=[2014], regions=["HU21"], industries=list("BCDEFGHIJLMN"))
    expected = 100 * numerator / sections["value"].sum()
    assert table.values.loc["HU21", "htec_share"] == pytest.approx(expected)
    assert table.values.loc["HU21", "rd_personnel"] == pytest.approx(
        demo.facts("FTE", years=[2009], regions=["HU21"])["value"].iloc[0]
        / demo.facts("THS.Y_GE15", years=[2009], regions=["HU21"], industries=["TOTAL"])[
            "value"
        ].iloc[0]
    )


@pytest.mark.slow
def test_hu21_theme_scores_on_the_demo_data(demo: StatsStore, demo_cache: ev.EvidenceCache) -> None:
    scores = {s.theme: s for s in sb.theme_scores(demo, "HU21", cache=demo_cache)}
    assert scores["financing"].score is None
    internationalisation = scores["internationalisation"]
    # one indicator with data (traded clusters): every draw gives the same order
    assert (
        internationalisation.rank_p05 == internationalisation.rank_p95 == internationalisation.rank
    )
    assert internationalisation.robust is True
    assert internationalisation.missing == (
        "International collaborations recorded in the platform",
    )
    for key in ("innovation", "sustainability", "smart_specialisation", "skills_jobs"):
        score = scores[key]
        assert score.score is not None
        assert 0 <= score.score <= 100
        assert score.rank_p05 <= score.rank <= score.rank_p95  # type: ignore[operator]


@pytest.mark.slow
def test_coverage_by_country_on_the_demo_data(
    demo: StatsStore, demo_cache: ev.EvidenceCache
) -> None:
    coverage = sb.coverage_by_country(demo, cache=demo_cache)
    assert coverage.loc["HU", "regions"] == 8
    assert coverage.loc["HU", "egss_share"] == 100.0
    assert coverage.loc["NL", "co2_intensity"] == 0.0
    assert coverage.loc["EL", "egss_share"] == 0.0  # Greek EGSS withheld by the publisher
    assert (coverage["theme:financing"] == 0).all()


def test_the_first_sbs_year_has_no_sbs_growth_indicators(small: StatsStore) -> None:
    board = sb.scoreboard(small, year=2010, draws=50, cache=ev.EvidenceCache(64))
    # LFS goes back to 2009: its growth runs over 2009-2010 (no change in the small world)
    assert board.indicators.data["employment_growth"].year == "2009-2010"
    assert (board.indicators.values["employment_growth"] == 0).all()
    for key in ("wage_growth", "regional_shift", "strong_cluster_growth_gap"):
        assert board.indicators.values[key].isna().all(), key
        assert board.indicators.data[key].reason.startswith("Growth needs two years") or (
            board.indicators.data[key].reason.startswith("Shift-share needs two years")
        )
    # one of four skills indicators: below the coverage rule
    assert board.themes["skills_jobs"].table["score"].isna().all()
    assert board.themes["innovation"].table["score"].notna().any()
