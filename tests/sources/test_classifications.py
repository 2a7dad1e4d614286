"""Unit tests of polisee.sources.classifications on tiny hand-written fixtures."""

from __future__ import annotations

import gzip
import importlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polisee.errors import InputError, NotFound
from polisee.sources.classifications import (
    cluster_definitions,
    expand_nace,
    harmonise_regions,
    is_aggregate,
    is_extra_regio,
    load_cluster_categories_file,
    load_nace,
    load_nuts,
    nace_children,
    nace_level,
    nuts_level,
    to_eurostat_nace,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "classifications"


def test_public_names_are_exported() -> None:
    module = importlib.import_module("polisee.sources.classifications")
    assert sorted(module.__all__) == sorted(set(module.__all__))
    for name in module.__all__:
        assert hasattr(module, name), name


# -- NUTS helpers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level"),
    [("HU", 0), ("HU2", 1), ("HU21", 2), ("DEA2C", 3), ("TRC3", 2), ("CZZ", 1)],
    ids=["country", "nuts1", "nuts2", "nuts3-letter", "turkey-letters", "extra-regio"],
)
def test_nuts_level(code: str, level: int) -> None:
    assert nuts_level(code) == level


@pytest.mark.parametrize(
    "code",
    ["EU28", "EU27_2020", "EA19", "EA17", "EU15", "EFTA", "CN_X_HK", "JP", "XX1", "hu21"],
    ids=[
        "eu28",
        "eu27-2020",
        "ea19",
        "ea17",
        "eu15",
        "efta",
        "cn-x-hk",
        "japan",
        "unknown",
        "lower",
    ],
)
def test_aggregates_are_not_nuts(code: str) -> None:
    assert is_aggregate(code)
    with pytest.raises(NotFound, match="expected a NUTS code"):
        nuts_level(code)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("CZZ", True),
        ("CZZZ", True),
        ("ALZZZ", True),
        ("CZ", False),
        ("CZ01", False),
        ("EU28", False),
    ],
    ids=["nuts1", "nuts2", "nuts3", "czechia", "cz01", "aggregate"],
)
def test_is_extra_regio(code: str, expected: bool) -> None:
    assert is_extra_regio(code) is expected


def test_load_nuts_fixture_columns_and_kind() -> None:
    nuts = load_nuts(FIXTURES, 2021)
    assert list(nuts.columns) == [
        "code",
        "level",
        "parent",
        "name",
        "name_latin",
        "country",
        "kind",
        "is_extra_regio",
    ]
    row = nuts.set_index("code").loc["XK06"]
    assert (row["level"], row["parent"], row["kind"]) == (2, "XK0", "SR")
    assert nuts.set_index("code").loc["XKZZ", "is_extra_regio"]


def test_load_nuts_returns_a_copy() -> None:
    first = load_nuts(FIXTURES, 2016)
    first.loc[0, "name"] = "changed"
    assert load_nuts(FIXTURES, 2016).loc[0, "name"] == "Kosova"


def test_load_nuts_unknown_version() -> None:
    with pytest.raises(NotFound, match="JRC converter"):
        load_nuts(FIXTURES, 2010)


def test_load_nuts_missing_file_names_path(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_nuts(tmp_path, 2021)
    assert info.value.path is not None
    assert info.value.path.endswith("nuts_2021.csv")


# -- harmonisation on the fixture ----------------------------------------------------
#
# Fixture JRC matrix 2016 -> 2021 (pop11 weights):
#   XK01 -> XK01 1000 (+ a 1e-5 sliver to XK06, ignored)      identity: kept
#   XK02 -> XK06 500                                           recode
#   XK03 -> XK07 200, XK04 -> XK07 200                         merge
#   XK05 -> XK08 300, XK09 100                                 split 3:1
#   XK10 -> XK10 900, XK11 100; XK12 -> XK11 400               boundary change


def _frame(
    values: Mapping[str, float], *, measure: str = "emp", flags: dict[str, str] | None = None
) -> pd.DataFrame:
    flags = flags or {}
    return pd.DataFrame(
        {
            "dataset": "d",
            "measure": measure,
            "region": list(values),
            "industry": "C",
            "year": 2014,
            "value": [float(v) for v in values.values()],
            "flag": [flags.get(r, "") for r in values],
        }
    )


def _by_region(frame: pd.DataFrame) -> dict[str, float]:
    return {str(r): float(v) for r, v in zip(frame["region"], frame["value"], strict=True)}


ALL_2016 = {"XK01": 10, "XK02": 20, "XK03": 30, "XK04": 40, "XK05": 100, "XK10": 50, "XK12": 8}


def test_harmonise_recode_merge_split_and_boundary_change() -> None:
    out, report = harmonise_regions(_frame(ALL_2016), data_dir=FIXTURES)
    values = _by_region(out)
    assert values["XK01"] == 10  # identity: kept
    assert values["XK06"] == 20  # recode XK02 -> XK06
    assert values["XK07"] == 70  # merge 30 + 40
    assert values["XK08"] == pytest.approx(75)  # 100 * 300 / (300 + 100)
    assert values["XK09"] == pytest.approx(25)  # 100 * 100 / 400
    assert values["XK10"] == pytest.approx(45)  # 50 * 900 / 1000
    assert values["XK11"] == pytest.approx(13)  # 50 * 100 / 1000 + 8
    assert sum(values.values()) == pytest.approx(sum(ALL_2016.values()))
    assert report.source_versions == {"XK": 2016}
    kinds = report.conversions.set_index(["from_code", "to_code"])["kind"].to_dict()
    assert kinds == {
        ("XK02", "XK06"): "recode",
        ("XK03", "XK07"): "merge",
        ("XK04", "XK07"): "merge",
        ("XK05", "XK08"): "split",
        ("XK05", "XK09"): "split",
        ("XK10", "XK10"): "split",
        ("XK10", "XK11"): "split",
        ("XK12", "XK11"): "merge",
    }
    assert set(report.conversions["rows"]) == {1}
    assert report.dropped.empty
    assert (report.rows_in, report.rows_out) == (7, 7)


def test_harmonise_keeps_code_valid_in_target_when_country_is_in_target_version() -> None:
    # XK10 alone is valid in 2016 and 2021 (tie): read as 2021, kept unchanged.
    out, report = harmonise_regions(_frame({"XK10": 50}), data_dir=FIXTURES)
    assert _by_region(out) == {"XK10": 50}
    assert report.source_versions == {"XK": 2021}
    assert report.conversions.empty


def test_harmonise_source_version_argument_overrides_inference() -> None:
    out, _ = harmonise_regions(_frame({"XK10": 50}), data_dir=FIXTURES, source_version=2016)
    # 50 * 0.9 stays in XK10; XK11 lacks XK12, so it is missing, not 5.
    values = _by_region(out)
    assert values["XK10"] == pytest.approx(45)
    assert np.isnan(values["XK11"])


def test_harmonise_flags() -> None:
    flags = {"XK02": "p", "XK03": "c", "XK04": "b", "XK05": "u"}
    out, _ = harmonise_regions(_frame(ALL_2016, flags=flags), data_dir=FIXTURES)
    got = dict(zip(out["region"], out["flag"], strict=True))
    assert got["XK06"] == "p"  # relabelled: flag kept
    assert got["XK07"] == "bc"  # merge: union, no weight applied
    assert got["XK08"] == "eu"  # split: union plus estimated
    assert got["XK01"] == ""


def test_harmonise_missing_input_makes_output_missing() -> None:
    values = dict(ALL_2016, XK04=np.nan)
    out, _ = harmonise_regions(_frame(values), data_dir=FIXTURES)
    assert np.isnan(_by_region(out)["XK07"])  # 30 + NaN
    # A source absent from the frame is missing too: XK07 needs XK03 and XK04.
    absent = {k: v for k, v in ALL_2016.items() if k != "XK04"}
    out, _ = harmonise_regions(_frame(absent), data_dir=FIXTURES, source_version=2016)
    assert np.isnan(_by_region(out)["XK07"])


def test_harmonise_non_additive_only_relabelled() -> None:
    out, report = harmonise_regions(
        _frame(ALL_2016, measure="share_pct"), data_dir=FIXTURES, additive=False
    )
    assert _by_region(out) == {"XK01": 10, "XK06": 20}
    reasons = report.dropped.groupby("reason")["rows"].sum().to_dict()
    # XK03, XK04, XK12 go through merges; XK05, XK10 through splits.
    assert reasons == {
        "non-additive measure cannot go through a merge": 3,
        "non-additive measure cannot go through a split": 2,
    }


def test_harmonise_additive_series_per_measure() -> None:
    frame = pd.concat([_frame(ALL_2016), _frame(ALL_2016, measure="pct")], ignore_index=True)
    additive = pd.Series({"emp": True, "pct": False})
    out, _ = harmonise_regions(frame, data_dir=FIXTURES, additive=additive)
    assert len(out[out["measure"] == "emp"]) == 7
    assert set(out.loc[out["measure"] == "pct", "region"]) == {"XK01", "XK06"}
    with pytest.raises(InputError, match="missing \\['pct'\\]"):
        harmonise_regions(frame, data_dir=FIXTURES, additive=pd.Series({"emp": True}))


def test_harmonise_native_value_wins_over_converted() -> None:
    # XK06 is published (7) and also reached from XK02 (20): the published one stays.
    out, report = harmonise_regions(
        _frame({"XK02": 20, "XK06": 7}), data_dir=FIXTURES, source_version=2016
    )
    assert _by_region(out) == {"XK06": 7}
    assert report.dropped.set_index("reason")["rows"].to_dict() == {"superseded": 1}
    # When the published cell is missing, the converted value fills it.
    out, _ = harmonise_regions(
        _frame({"XK02": 20, "XK06": np.nan}), data_dir=FIXTURES, source_version=2016
    )
    assert _by_region(out) == {"XK06": 20}


def test_harmonise_keeps_aggregates_countries_extra_regio_and_uncovered_countries() -> None:
    frame = _frame({"EU28": 1, "XK": 2, "XKZZ": 3, "AL01": 4, "AL": 5})
    out, report = harmonise_regions(frame, data_dir=FIXTURES)
    assert _by_region(out) == {"EU28": 1, "XK": 2, "XKZZ": 3, "AL01": 4, "AL": 5}
    assert report.conversions.empty
    assert report.dropped.empty


def test_harmonise_drops_unknown_codes_with_reason() -> None:
    out, report = harmonise_regions(_frame({"XK99": 1, "XK01": 2}), data_dir=FIXTURES)
    assert _by_region(out) == {"XK01": 2}
    assert report.dropped["region"].tolist() == ["XK99"]
    assert "no converter" in report.dropped["reason"].iloc[0]


def test_harmonise_weight_column() -> None:
    # pop21 splits XK05 as 280:120 -> 70 / 30 of 100.
    out, report = harmonise_regions(_frame({"XK05": 100}), data_dir=FIXTURES, weight="pop21")
    assert _by_region(out) == pytest.approx({"XK08": 70, "XK09": 30})
    assert report.weight == "pop21"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns="flag"), "missing \\['flag'\\]"),
        (lambda f: pd.concat([f, f.iloc[:1]]), "duplicate key"),
        (lambda f: f.assign(value="x"), "expected numbers"),
    ],
    ids=["missing-column", "duplicate-key", "non-numeric"],
)
def test_harmonise_rejects_bad_frames(change: object, message: str) -> None:
    frame = change(_frame({"XK01": 1, "XK02": 2}))  # type: ignore[operator]
    with pytest.raises(InputError, match=message):
        harmonise_regions(frame, data_dir=FIXTURES)


def test_harmonise_does_not_mutate_input() -> None:
    frame = _frame(ALL_2016)
    before = frame.copy()
    harmonise_regions(frame, data_dir=FIXTURES)
    pd.testing.assert_frame_equal(frame, before)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=7, max_size=7),
    years=st.lists(st.integers(2008, 2015), min_size=1, max_size=3, unique=True),
)
def test_harmonise_conserves_totals_on_fixture(values: list[float], years: list[int]) -> None:
    frames = []
    for year in years:
        frame = _frame(dict(zip(ALL_2016, values, strict=True)))
        frames.append(frame.assign(year=year))
    out, _ = harmonise_regions(pd.concat(frames, ignore_index=True), data_dir=FIXTURES)
    totals = out.groupby("year")["value"].sum()
    for year in years:
        assert totals[year] == pytest.approx(sum(values), rel=1e-9, abs=1e-6)


# -- NACE --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level"),
    [("C", 1), ("C10", 2), ("C101", 3), ("C1011", 4), ("10", 2), ("10.1", 3), ("10.11", 4)],
    ids=[
        "section",
        "division",
        "group",
        "class",
        "dotted-division",
        "dotted-group",
        "dotted-class",
    ],
)
def test_nace_level(code: str, level: int) -> None:
    assert nace_level(code) == level


@pytest.mark.parametrize(
    "code", ["B-E", "TOTAL", "C10.1", "Z"], ids=["range", "total", "mixed", "no-section"]
)
def test_nace_level_rejects(code: str) -> None:
    with pytest.raises(NotFound):
        nace_level(code)


def _write_nace(root: Path) -> None:
    # C > 10 > 10.1 > 10.11, 10.12, 10.13 ; C > 29 > 29.1 > 29.10 ; S > 94, 95, 96
    (root / "nace").mkdir(parents=True)
    rows = [
        ("C", 1, "", "C", "C", "MANUFACTURING"),
        ("10", 2, "C", "C", "C10", "Food"),
        ("10.1", 3, "10", "C", "C101", "Meat"),
        ("10.11", 4, "10.1", "C", "C1011", "Meat processing"),
        ("10.12", 4, "10.1", "C", "C1012", "Poultry"),
        ("10.13", 4, "10.1", "C", "C1013", "Meat products"),
        ("29", 2, "C", "C", "C29", "Motor vehicles"),
        ("29.1", 3, "29", "C", "C291", "Motor vehicles"),
        ("29.10", 4, "29.1", "C", "C2910", "Motor vehicles"),
        ("S", 1, "", "S", "S", "OTHER SERVICES"),
        ("94", 2, "S", "S", "S94", "Membership organisations"),
        ("95", 2, "S", "S", "S95", "Repair"),
        ("96", 2, "S", "S", "S96", "Other personal services"),
    ]
    hierarchy = pd.DataFrame(
        rows, columns=["code", "level", "parent", "section", "eurostat_code", "title_en"]
    )
    hierarchy.to_csv(root / "nace" / "nace_rev2.csv", index=False)
    titles = hierarchy[["code", "title_en"]].assign(title_de=hierarchy["title_en"] + " (de)")
    titles.to_csv(root / "nace" / "nace_rev2_titles_26lang.csv.gz", index=False)
    isic = {"10.11": "1010", "10.12": "1010", "10.13": "1030", "29.10": "2910"}
    ramon = pd.DataFrame(
        {
            "Order": range(len(rows)),
            "Level": [r[1] for r in rows],
            "Code": [r[0] for r in rows],
            "Parent": [r[2] for r in rows],
            "Description": [r[5] for r in rows],
            "This_item_includes": "a note\nover two lines",
            "Reference_to_ISIC_Rev._4": [isic.get(r[0], r[0]) for r in rows],
        }
    )
    with gzip.open(root / "nace" / "NACE_REV2_ramon_en.csv.gz", "wt", encoding="utf-8") as handle:
        ramon.to_csv(handle, sep=";", index=False, quoting=1)


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    _write_nace(tmp_path)
    (tmp_path / "clusters").mkdir()
    # NAICS -> cluster (traded 17, 18, 28; local 105), plus rows that must be ignored:
    # a non-standard NAICS code and a group without a CMP code.
    definitions = pd.DataFrame(
        [
            ("311611", "Traded", "28", "Livestock Processing", "0"),
            ("311612", "Traded", "28", "Livestock Processing", "0"),
            ("311613", "Local", "105", "Local Food and Beverage Processing", "0"),
            ("311614", "Local", "105", "Local Food and Beverage Processing", "0"),
            ("311615", "Traded", "17", "Fishing and Fishing Products", "0"),
            ("311616", "Traded", "18", "Food Processing and Manufacturing", "0"),
            ("311617", "Traded", "18", "Food Processing and Manufacturing", "0"),
            ("311618", "Traded", "18", "Food Processing and Manufacturing", "0"),
            ("311619", "Traded", "17", "Fishing and Fishing Products", "1"),
            ("311620", "Local", "", "NA", "0"),
            ("336111", "Traded", "4", "Automotive", "0"),
        ],
        columns=["naics", "traded_local", "cluster_code", "cluster", "nonstandard_naics"],
    )
    definitions.to_csv(
        tmp_path / "clusters" / "us_cmp_cluster_definitions_naics2012.csv", index=False
    )
    # ISIC 1010 (-> C1011 and C1012): 28 x2, 105 x2, 17 x1, 18 x1
    # ISIC 1030 (-> C1013): 18 x2, 28 x1, (17 non-standard, NA ignored)
    concordance = pd.DataFrame(
        [
            ("311611", "1010"),
            ("311612", "1010"),
            ("311613", "1010"),
            ("311614", "1010"),
            ("311615", "1010"),
            ("311616", "1010"),
            ("311617", "1030"),
            ("311618", "1030"),
            ("311611", "1030"),
            ("311619", "1030"),
            ("311620", "1030"),
            ("336111", "2910"),
        ],
        columns=["naics2012", "isic4"],
    )
    concordance.to_csv(tmp_path / "clusters" / "census_naics2012_to_isic4.csv", index=False)
    return tmp_path


def test_load_nace_columns(tiny_dir: Path) -> None:
    nace = load_nace(tiny_dir)
    assert list(nace.columns[:6]) == ["code", "level", "parent", "section", "dotted", "title"]
    row = nace.set_index("code").loc["C1011"]
    assert (row["level"], row["parent"], row["dotted"], row["title_de"]) == (
        4,
        "C101",
        "10.11",
        "Meat processing (de)",
    )
    assert nace.set_index("code").loc["C10", "parent"] == "C"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("C10", ["C10"]),
        ("C10_C29", ["C10", "C29"]),
        ("C10-C29", ["C10", "C29"]),
        ("C-S", ["C", "S"]),
        ("C_S_X_S94", ["C", "S95", "S96"]),
        ("C_X_C1012", ["C1011", "C1013", "C29"]),
        ("TOTAL", ["C", "S"]),
        ("NRP", []),
    ],
    ids=[
        "single",
        "join",
        "division-range",
        "section-range",
        "except-division",
        "except-class",
        "total",
        "no-response",
    ],
)
def test_expand_nace(tiny_dir: Path, code: str, expected: list[str]) -> None:
    assert expand_nace(code, load_nace(tiny_dir)) == expected


@pytest.mark.parametrize(
    "code",
    ["C11", "C10-C", "C29-C10", "C_X_S94", "C10_X_C29"],
    ids=["unknown", "mixed-levels", "backwards", "exclusion-outside", "exclusion-not-inside"],
)
def test_expand_nace_rejects(tiny_dir: Path, code: str) -> None:
    with pytest.raises(NotFound):
        expand_nace(code, load_nace(tiny_dir))


def test_nace_children_and_notation(tiny_dir: Path) -> None:
    nace = load_nace(tiny_dir)
    assert nace_children("C", nace) == ["C10", "C29"]
    assert nace_children("10.1", nace) == ["C1011", "C1012", "C1013"]
    assert nace_children("C1011", nace) == []
    assert to_eurostat_nace("29.10", nace) == "C2910"
    with pytest.raises(NotFound):
        nace_children("C11", nace)


# -- cluster definitions -----------------------------------------------------------


def _assignment(frame: pd.DataFrame) -> dict[str, int]:
    return dict(zip(frame["industry"], frame["cluster_code"], strict=True))


def test_cluster_definitions_exclusive_rule(tiny_dir: Path) -> None:
    # C1011 (ISIC 1010): 28 -> 2 links, 105 -> 2, 17 -> 1, 18 -> 1: the tie 28/105
    #   goes to the traded cluster 28.
    # C1012 (ISIC 1010 too): the same links -> 28.
    # C1013 (ISIC 1030): 18 -> 2, 28 -> 1 -> 18 (17 is non-standard, NA has no code).
    # C2910: 4 -> 1.
    classes = cluster_definitions(tiny_dir)
    assert _assignment(classes) == {"C1011": 28, "C1012": 28, "C1013": 18, "C2910": 4}
    assert set(classes["weight"]) == {1.0}
    assert classes.set_index("industry").loc["C1011", "traded"]


def test_cluster_definitions_tie_between_traded_goes_to_lowest_code(tiny_dir: Path) -> None:
    # Remove the 28 and 105 links of ISIC 1010: C1011 has 17 x1 and 18 x1 -> 17.
    path = tiny_dir / "clusters" / "census_naics2012_to_isic4.csv"
    concordance = pd.read_csv(path, dtype=str)
    keep = ~(
        concordance["naics2012"].isin(["311611", "311612", "311613", "311614"])
        & (concordance["isic4"] == "1010")
    )
    concordance[keep].to_csv(path, index=False)
    assert _assignment(cluster_definitions(tiny_dir))["C1011"] == 17


def test_cluster_definitions_weights(tiny_dir: Path) -> None:
    weights = cluster_definitions(tiny_dir, exclusive=False)
    c1011 = weights[weights["industry"] == "C1011"].set_index("cluster_code")["weight"]
    # 2, 2, 1, 1 links of 6
    assert c1011.to_dict() == pytest.approx({17: 1 / 6, 18: 1 / 6, 28: 2 / 6, 105: 2 / 6})
    assert weights.groupby("industry")["weight"].sum().to_numpy() == pytest.approx(1.0)


def test_cluster_definitions_divisions(tiny_dir: Path) -> None:
    # C10 links: 28: 2 + 2 + 1 = 5, 105: 2 + 2 = 4, 18: 1 + 1 + 2 = 4, 17: 1 + 1 = 2 (of 15)
    divisions = cluster_definitions(tiny_dir, level="division", exclusive=False)
    c10 = divisions[divisions["industry"] == "C10"].set_index("cluster_code")["weight"]
    assert c10.to_dict() == pytest.approx({28: 5 / 15, 105: 4 / 15, 18: 4 / 15, 17: 2 / 15})
    assert _assignment(cluster_definitions(tiny_dir, level="division")) == {"C10": 28, "C29": 4}


def test_cluster_definitions_bad_level(tiny_dir: Path) -> None:
    with pytest.raises(InputError, match="level"):
        cluster_definitions(tiny_dir, level="group")  # type: ignore[arg-type]


# -- user-defined categories --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("cats.csv", "cluster,industry\nFood,C10\nFood,10.13\nCars,C29\n"),
        ("cats.yaml", "Food:\n  - C10\n  - '10.13'\nCars: [C29]\n"),
    ],
    ids=["csv", "yaml"],
)
def test_load_cluster_categories_file(tiny_dir: Path, tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    frame = load_cluster_categories_file(path, load_nace(tiny_dir))
    assert frame.to_dict("list") == {
        "cluster_code": [1, 1, 2],
        "cluster": ["Food", "Food", "Cars"],
        "industry": ["C10", "C1013", "C29"],
        "weight": [1.0, 1.0, 1.0],
    }


def test_load_cluster_categories_expands_ranges(tiny_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "cats.csv"
    path.write_text("cluster,industry\nAll,C10-C29\nServices,S_X_S94\n", encoding="utf-8")
    frame = load_cluster_categories_file(path, load_nace(tiny_dir))
    assert frame["industry"].tolist() == ["C10", "C29", "S95", "S96"]


@pytest.mark.parametrize(
    ("name", "text", "line", "field"),
    [
        ("bad.csv", "cluster,industry\nFood,C10\nFood,C99\n", 3, "industry"),
        ("bad.yaml", "Food:\n  - C10\n  - C99\n", 3, "Food"),
        ("bad.csv", "cluster,sector\nFood,C10\n", 1, "industry"),
        ("bad.csv", "cluster,industry\n,C10\n", 2, "cluster"),
        ("bad.yaml", "Food: {a: 1}\n", 1, "Food"),
    ],
    ids=[
        "csv-unknown-code",
        "yaml-unknown-code",
        "csv-missing-column",
        "csv-empty-cluster",
        "yaml-not-a-list",
    ],
)
def test_load_cluster_categories_errors(
    tiny_dir: Path, tmp_path: Path, name: str, text: str, line: int, field: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_cluster_categories_file(path, load_nace(tiny_dir))
    assert (info.value.path, info.value.line, info.value.field) == (str(path), line, field)


def test_load_cluster_categories_rejects_other_suffix(tiny_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "cats.txt"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match=r"expected a \.csv"):
        load_cluster_categories_file(path, load_nace(tiny_dir))
