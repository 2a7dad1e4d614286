"""End-to-end tests of polisee.sources.classifications on the real files in ../shared/data."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polisee.config import default_data_dir
from polisee.sources.classifications import (
    cluster_definitions,
    expand_nace,
    harmonise_regions,
    is_aggregate,
    is_extra_regio,
    load_nace,
    load_nuts,
)

pytestmark = pytest.mark.slow

DATA = default_data_dir()
SBS = DATA / "eurostat_regional" / "sbs_r_nuts06_r2.tsv.gz"
SBS_ADDITIVE = pd.Series(
    {"V11210": True, "V16110": True, "V13320": True, "V91290": False, "V94310": False}
)


def _read_sbs(path: Path) -> pd.DataFrame:
    """The SBS bulk TSV as a canonical long frame (cells ``"708 "``, ``": c"``, ``"1234 d"``)."""
    raw = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    key = raw.columns[0]
    parts = raw[key].str.split(",", expand=True)
    wide = raw.drop(columns=key).assign(industry=parts[0], measure=parts[1], region=parts[2])
    long = wide.melt(id_vars=["industry", "measure", "region"], var_name="year", value_name="cell")
    cell = long["cell"].str.strip().str.partition(" ")
    return pd.DataFrame(
        {
            "dataset": "sbs_r_nuts06_r2",
            "measure": long["measure"],
            "region": long["region"],
            "industry": long["industry"],
            "year": long["year"].str.strip().astype("int64"),
            "value": pd.to_numeric(cell[0].where(cell[0] != ":"), errors="coerce"),
            "flag": cell[2].str.strip(),
        }
    )


@pytest.fixture(scope="module")
def sbs() -> pd.DataFrame:
    return _read_sbs(SBS)


@pytest.fixture(scope="module")
def sbs_2021(sbs: pd.DataFrame) -> tuple[pd.DataFrame, object, float]:
    harmonise_regions(sbs.head(1000), data_dir=DATA, additive=SBS_ADDITIVE)  # warm the caches
    start = time.perf_counter()
    out, report = harmonise_regions(sbs, data_dir=DATA, additive=SBS_ADDITIVE)
    return out, report, time.perf_counter() - start


def _cell(frame: pd.DataFrame, region: str, year: int, industry: str = "C") -> float:
    hit = frame[
        (frame["region"] == region)
        & (frame["year"] == year)
        & (frame["industry"] == industry)
        & (frame["measure"] == "V16110")
    ]
    assert len(hit) == 1, (region, year, len(hit))
    return float(hit["value"].iloc[0])


# -- NUTS lists ---------------------------------------------------------------------

# NUTS-2 regions without Extra-Regio, counted in nuts_code_changes.csv (2013) and
# nuts_20xx.csv: HU02 split into HU11/HU12 in 2016, IE re-cut in 2016, PT gained two in 2024.
COUNTS = {
    2013: {"EL": 13, "FR": 27, "HU": 7, "IE": 2, "DE": 38, "PT": 7, "TR": 26},
    2016: {"EL": 13, "FR": 27, "HU": 8, "IE": 3, "DE": 38, "PT": 7, "TR": 26},
    2021: {"EL": 13, "FR": 27, "HU": 8, "IE": 3, "DE": 38, "PT": 7, "TR": 26},
    2024: {"EL": 13, "FR": 27, "HU": 8, "IE": 3, "DE": 38, "PT": 9, "TR": 26},
}


@pytest.mark.parametrize("version", sorted(COUNTS), ids=[str(v) for v in sorted(COUNTS)])
def test_nuts2_counts(version: int) -> None:
    nuts = load_nuts(DATA, version)
    level2 = nuts[(nuts["level"] == 2) & ~nuts["is_extra_regio"]]
    counts = level2.groupby("country").size()
    assert {c: int(counts[c]) for c in COUNTS[version]} == COUNTS[version]


@pytest.mark.parametrize("version", [2013, 2016, 2021, 2024], ids=["2013", "2016", "2021", "2024"])
def test_nuts_lists_are_consistent(version: int) -> None:
    nuts = load_nuts(DATA, version)
    assert nuts["code"].is_unique
    codes = set(nuts["code"])
    below = nuts[nuts["level"] > 0]
    assert set(below["parent"]) <= codes
    assert (nuts["level"] == nuts["code"].str.len() - 2).all()
    # Display names are in Latin script everywhere.
    assert not nuts["name_latin"].str.contains("[\u0370-\u03ff\u0400-\u04ff]").any()
    assert set(nuts.loc[nuts["country"] == "TR", "kind"]) == {"SR"}
    assert set(nuts.loc[nuts["country"] == "EL", "kind"]) == {"NUTS"}


def test_nuts_2013_greece_is_the_2013_division() -> None:
    codes = set(load_nuts(DATA, 2013)["code"])
    assert {"EL51", "EL65", "EL30"} <= codes
    assert "EL11" not in codes  # a NUTS 2010 code


# -- harmonisation ----------------------------------------------------------------------

# JRC n2_cm_v2010_v2021.csv: every NUTS 2010 Greek region has one 2021 counterpart.
GREEK_2010_TO_2021 = {
    "EL11": "EL51",
    "EL12": "EL52",
    "EL13": "EL53",
    "EL14": "EL61",
    "EL21": "EL54",
    "EL22": "EL62",
    "EL23": "EL63",
    "EL24": "EL64",
    "EL25": "EL65",
    "EL30": "EL30",
    "EL41": "EL41",
    "EL42": "EL42",
    "EL43": "EL43",
}


def test_greek_2010_codes_map_to_2021() -> None:
    values = {code: float(i + 1) for i, code in enumerate(GREEK_2010_TO_2021)}
    frame = pd.DataFrame(
        {
            "dataset": "d",
            "measure": "emp",
            "region": list(values),
            "industry": "C",
            "year": 2010,
            "value": list(values.values()),
            "flag": "",
        }
    )
    out, report = harmonise_regions(frame, data_dir=DATA, source_version=2010)
    got = dict(zip(out["region"], out["value"], strict=True))
    assert got == {GREEK_2010_TO_2021[code]: value for code, value in values.items()}
    converted = report.conversions.set_index("from_code")
    assert set(converted["kind"]) == {"recode"}
    assert set(converted.index) == set(GREEK_2010_TO_2021) - {"EL30", "EL41", "EL42", "EL43"}


def _one(region: str, year: int = 2012) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "dataset": ["d"],
            "measure": ["emp"],
            "region": [region],
            "industry": ["C"],
            "year": [year],
            "value": [100.0],
            "flag": [""],
        }
    )


def test_chained_conversion_2010_to_2024() -> None:
    # No 2010 -> 2024 matrix: 2010 -> 2016 -> 2024, EL11 -> EL51 -> EL51.
    out, report = harmonise_regions(_one("EL11"), data_dir=DATA, target_version=2024)
    assert dict(zip(out["region"], out["value"], strict=True)) == {"EL51": 100.0}
    assert report.conversions["kind"].tolist() == ["recode"]


def test_italian_nuts_2006_codes_are_recoded_as_estimates() -> None:
    # ITD1 (Bolzano, NUTS 2006) became ITH1 in NUTS 2010 (Regulation (EU) No 31/2011).
    # The published ITH1 cell of 2008 is missing, so the recoded ITD1 value wins.
    frame = pd.concat([_one("ITD1", 2008), _one("ITH1", 2008)], ignore_index=True)
    frame.loc[0, "flag"] = "p"
    frame.loc[1, "value"] = np.nan
    out, report = harmonise_regions(frame, data_dir=DATA)
    assert out[["region", "value", "flag"]].to_dict("records") == [
        {"region": "ITH1", "value": 100.0, "flag": "ep"}
    ]
    link = report.conversions.set_index("from_code").loc["ITD1"]
    assert (link["to_code"], link["kind"], link["rows"]) == ("ITH1", "recode", 1)
    assert "31/2011" in link["note"]
    assert report.dropped["reason"].tolist() == ["superseded"]


def test_jrc_phantom_code_is_repaired() -> None:
    # The JRC NUTS-2 2016 matrix cuts UKN10..UKN16 to a phantom 'UKN1'; Northern
    # Ireland (UKN0) is one NUTS-2 region in 2013 and 2016 and must stay whole.
    out, report = harmonise_regions(
        _one("UKN0"), data_dir=DATA, target_version=2016, source_version=2013
    )
    assert dict(zip(out["region"], out["value"], strict=True)) == {"UKN0": 100.0}
    assert report.conversions.empty


def test_sbs_greece_and_germany(
    sbs: pd.DataFrame, sbs_2021: tuple[pd.DataFrame, object, float]
) -> None:
    out = sbs_2021[0]
    # 2010: EL11 published (18844), EL51 not: EL11 is relabelled EL51.
    assert _cell(sbs, "EL11", 2010) == 18844
    assert _cell(out, "EL51", 2010) == 18844
    # 2014: EL51 published under its own code.
    assert _cell(out, "EL51", 2014) == _cell(sbs, "EL51", 2014)
    # 2008: DE41 + DE42 (pre-2010 codes) merge into DE40, which was not published then.
    assert np.isnan(_cell(sbs, "DE40", 2008))
    assert _cell(out, "DE40", 2008) == _cell(sbs, "DE41", 2008) + _cell(sbs, "DE42", 2008)
    # No output region outside NUTS 2021 apart from countries, Extra-Regio and aggregates.
    valid = set(load_nuts(DATA, 2021)["code"])
    stray = {
        r
        for r in pd.unique(out["region"])
        if r not in valid and not is_extra_regio(r) and not is_aggregate(r)
    }
    assert stray == set()


def test_sbs_report(sbs_2021: tuple[pd.DataFrame, object, float]) -> None:
    report = sbs_2021[1]
    conversions = report.conversions  # type: ignore[attr-defined]
    links = set(zip(conversions["from_code"], conversions["to_code"], strict=True))
    assert {("DE41", "DE40"), ("DE42", "DE40"), ("EL11", "EL51"), ("FR24", "FRB0")} <= links
    assert ("HU10", "HU11") in links
    assert ("HU10", "HU12") in links
    dropped = report.dropped  # type: ignore[attr-defined]
    # The percentages of split regions cannot be carried over.
    split_pct = dropped[(dropped["region"] == "HU10") & (dropped["measure"] == "V91290")]
    assert split_pct["reason"].tolist() == ["non-additive measure cannot go through a split"]


def test_sbs_harmonisation_is_fast(sbs_2021: tuple[pd.DataFrame, object, float]) -> None:
    # About 2 s for 1.56 million rows on a laptop; the bound leaves room for busy CI.
    assert sbs_2021[2] < 15


def _level2_codes(version: int, country: str) -> list[str]:
    if version == 2010:
        path = DATA / "nuts" / "jrc_nuts_converter" / "n2_cm_v2010_v2021.csv"
        codes = pd.read_csv(path, usecols=["code_v2010"], dtype=str)["code_v2010"]
        return sorted(c for c in set(codes) if c.startswith(country))
    nuts = load_nuts(DATA, version)
    keep = (nuts["country"] == country) & (nuts["level"] == 2) & ~nuts["is_extra_regio"]
    return sorted(nuts.loc[keep, "code"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    country=st.sampled_from(["DE", "EL", "FR", "HU", "IE", "LT", "NO", "PL", "SI", "UK", "HR"]),
    version=st.sampled_from([2010, 2013, 2016]),
    seed=st.integers(0, 2**32 - 1),
    years=st.lists(st.integers(2008, 2015), min_size=1, max_size=3, unique=True),
)
def test_harmonisation_conserves_country_totals(
    country: str, version: int, seed: int, years: list[int]
) -> None:
    codes = _level2_codes(version, country)
    rng = np.random.default_rng(seed)
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "dataset": "d",
                    "measure": "emp",
                    "region": codes,
                    "industry": "C",
                    "year": year,
                    "value": rng.uniform(0, 1e5, len(codes)).round(0),
                    "flag": "",
                }
            )
            for year in years
        ],
        ignore_index=True,
    )
    out, report = harmonise_regions(frame, data_dir=DATA, source_version=version)
    assert report.dropped.empty
    assert not out["value"].isna().any()
    before = frame.groupby("year")["value"].sum()
    after = out.groupby("year")["value"].sum()
    pd.testing.assert_series_equal(after, before, rtol=1e-9)


# -- NACE and clusters -------------------------------------------------------------------


def test_load_nace_real() -> None:
    nace = load_nace(DATA)
    assert len(nace) == 996
    assert nace["level"].value_counts().to_dict() == {4: 615, 3: 272, 2: 88, 1: 21}
    assert len([c for c in nace.columns if c.startswith("title_")]) == 26
    row = nace.set_index("code").loc["C1011"]
    assert (row["parent"], row["section"], row["dotted"]) == ("C101", "C", "10.11")
    assert expand_nace("B-S_X_O_S94", nace)[-4:] == ["Q", "R", "S95", "S96"]
    assert "O" not in expand_nace("B-S_X_O_S94", nace)


@pytest.mark.parametrize("exclusive", [True, False], ids=["exclusive", "weighted"])
def test_every_traded_cluster_has_a_nace_class(exclusive: bool) -> None:
    defs = cluster_definitions(DATA, exclusive=exclusive)
    traded = defs[defs["traded"]]
    assert sorted(pd.unique(traded["cluster_code"])) == list(range(1, 52))
    assert traded["industry"].str.len().eq(5).all()


@pytest.mark.parametrize(
    ("level", "industry", "cluster"),
    [
        ("class", "C3030", "Aerospace Vehicles and Defense"),
        ("class", "C2910", "Automotive"),
        ("class", "C2110", "Biopharmaceuticals"),
        ("class", "C1011", "Livestock Processing"),
        ("division", "C29", "Automotive"),
        ("division", "C21", "Biopharmaceuticals"),
    ],
    ids=["air-spacecraft", "motor-vehicles", "pharma-basic", "meat", "div-c29", "div-c21"],
)
def test_cluster_assignments_hand_checked(level: str, industry: str, cluster: str) -> None:
    defs = cluster_definitions(DATA, level=level)  # type: ignore[arg-type]
    assert defs.set_index("industry").loc[industry, "cluster"] == cluster


def test_cluster_weights_sum_to_one() -> None:
    for level in ("class", "division"):
        weights = cluster_definitions(DATA, level=level, exclusive=False)
        sums = weights.groupby("industry")["weight"].sum()
        assert np.allclose(sums, 1.0)
        exclusive = cluster_definitions(DATA, level=level)
        assert exclusive["industry"].is_unique
        assert set(exclusive["industry"]) == set(weights["industry"])
