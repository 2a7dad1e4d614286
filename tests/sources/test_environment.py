"""Environmental accounts readers (JRC/WIOD CO2, EGSS) and the industry aggregations kept as data."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from polisee.config import default_data_dir
from polisee.errors import InputError
from polisee.services.data import detect_format
from polisee.sources.aggregations import (
    technology_aggregates,
    technology_members,
    wiod_industries,
    wiod_members,
)
from polisee.sources.classifications import code_vocabulary, expand_nace, load_nace
from polisee.sources.environment import read_egss, read_jrc_co2

DATA = default_data_dir()
ENV = DATA / "eurostat_environment"
JRC = ENV / "jrc_wiod_co2_by_industry_2000_2016_long.csv.gz"
EGSS = ENV / "egss_mdt_by_nace_cepa_crema.csv.gz"
needs_data = pytest.mark.skipif(not JRC.is_file(), reason=f"no environmental data in {ENV}")

JRC_HEADER = "country_iso3,geo,industry_code,industry_label,year,co2_kt\n"
EGSS_HEADER = "geo,year,indic_pi,unit,nace_r2,ceparema,ty,obs_value,obs_status\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the WIOD mapping ---------------------------------------------------------------------


def test_every_nace_division_belongs_to_exactly_one_wiod_industry() -> None:
    nace = load_nace(DATA)
    divisions = set(nace.loc[nace["level"] == 2, "code"])
    table = wiod_industries()
    assert not table["nace_division"].duplicated().any()
    assert set(table["nace_division"]) == divisions
    assert table["wiod_code"].nunique() == 56


@pytest.mark.parametrize(
    ("wiod", "divisions"),
    [
        ("B", ["B05", "B06", "B07", "B08", "B09"]),
        ("C10-C12", ["C10", "C11", "C12"]),
        ("C31_C32", ["C31", "C32"]),
        ("D35", ["D35"]),
        ("E37-E39", ["E37", "E38", "E39"]),
        ("J62_J63", ["J62", "J63"]),
        ("L68", ["L68"]),
        ("M74_M75", ["M74", "M75"]),
        ("R_S", ["R90", "R91", "R92", "R93", "S94", "S95", "S96"]),
        ("T", ["T97", "T98"]),
    ],
    ids=[
        "mining",
        "food",
        "furniture",
        "energy",
        "waste",
        "it",
        "real-estate",
        "other-prof",
        "arts",
        "households",
    ],
)
def test_wiod_groups_hold_the_divisions_their_codes_name(wiod: str, divisions: list[str]) -> None:
    assert wiod_members()[wiod] == divisions


def test_wiod_ranges_agree_with_the_nace_expansion() -> None:
    # Every range or join code of the mapping expands, by the NACE hierarchy, to its members.
    nace = load_nace(DATA)
    for code, members in wiod_members().items():
        if "-" in code or ("_" in code and code != "R_S"):
            assert expand_nace(code, nace) == members, code


@needs_data
def test_every_jrc_industry_is_mapped() -> None:
    codes = set(pd.read_csv(JRC, usecols=["industry_code"])["industry_code"])
    assert codes - set(wiod_industries()["wiod_code"]) == {"FC_HH"}  # households


def test_technology_aggregates_are_eurostat_division_lists() -> None:
    nace = load_nace(DATA)
    divisions = set(nace.loc[nace["level"] == 2, "code"])
    table = technology_aggregates()
    assert set(table["nace_division"]) <= divisions
    # High-technology sectors = high-tech manufacturing + knowledge-intensive high-tech services
    assert sorted(technology_members("HTC")) == sorted(
        technology_members("C_HTC") + technology_members("KIS_HTC")
    )
    assert set(technology_members("C_HTC")) <= set(technology_members("C_HTC_M"))
    assert set(technology_members("KIS_HTC")) <= set(technology_members("KIS"))
    with pytest.raises(InputError, match="expected an aggregate"):
        technology_members("XYZ")


# --- JRC/WIOD CO2 ---------------------------------------------------------------------------


def test_jrc_reader_drops_households_and_rest_of_world_and_flags_the_break(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        "co2.csv",
        JRC_HEADER
        + "HUN,HU,C19,Refining,2007,100.5\n"
        + "HUN,HU,C19,Refining,2008,120\n"
        + "HUN,HU,C19,Refining,2014,99\n"
        + "HUN,HU,FC_HH,Households,2014,5000\n"
        + "RoW,ROW,C19,Refining,2014,1e6\n",
    )
    result = read_jrc_co2(path, vocabulary=code_vocabulary(DATA))
    frame = result.frame
    assert frame["measure"].astype(str).unique().tolist() == ["CO2_KT"]
    assert frame["year"].tolist() == [2007, 2008, 2014]
    assert frame["flag"].astype(str).tolist() == ["e", "b", ""]
    assert frame["value"].tolist() == [100.5, 120.0, 99.0]
    assert result.report.excluded["households_rows"] == 1
    assert result.report.excluded["rest_of_world_rows"] == 1
    assert detect_format(path) == "jrc-co2"


@pytest.mark.parametrize(
    ("row", "field", "line"),
    [
        ("HUN,HU,C19,Refining,2014,abc\n", "co2_kt", 2),
        ("HUN,HU,C19,Refining,20x4,1\n", "year", 2),
        ("HUN,HU,C99,Nothing,2014,1\n", "industry_code", 2),
        ("HUN,HU,C19,Refining,2014,-5\n", "co2_kt", 2),
    ],
    ids=["not-a-number", "bad-year", "unknown-industry", "negative"],
)
def test_jrc_reader_names_line_and_field(tmp_path: Path, row: str, field: str, line: int) -> None:
    path = write(tmp_path, "co2.csv", JRC_HEADER + row)
    with pytest.raises(InputError) as caught:
        read_jrc_co2(path, vocabulary=code_vocabulary(DATA))
    assert (caught.value.field, caught.value.line) == (field, line)


def test_jrc_reader_needs_its_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "co2.csv", "geo,year,value\nHU,2014,1\n")
    with pytest.raises(InputError, match="industry_code"):
        read_jrc_co2(path)


@needs_data
@pytest.mark.slow
def test_jrc_file_reads_whole() -> None:
    result = read_jrc_co2(JRC, vocabulary=code_vocabulary(DATA))
    frame = result.frame
    # 43 sheets x 57 rows x 17 years = 41,667; minus households (43 x 17) and RoW (56 x 17)
    assert len(frame) == 41_667 - 43 * 17 - 56 * 17
    assert "NL" not in set(frame["region"].astype(str))
    hu = frame[(frame["region"] == "HU") & (frame["year"] == 2014)]
    assert len(hu) == 56
    d35 = float(hu.loc[hu["industry"] == "D35", "value"].iloc[0])
    raw = pd.read_csv(JRC)
    expected = raw[(raw["geo"] == "HU") & (raw["year"] == 2014) & (raw["industry_code"] == "D35")]
    assert d35 == pytest.approx(float(expected["co2_kt"].iloc[0]))


# --- EGSS -------------------------------------------------------------------------------------


def test_egss_reader_keeps_employment_totals_and_treats_not_collected_as_missing(
    tmp_path: Path,
) -> None:
    rows = [
        "HU,2014,EMP,FTE,TOTAL,TOTAL,MKT,33725.6,",
        "HU,2014,EMP,FTE,E,TOTAL,MKT,16917.47,",
        "HU,2014,EMP,FTE,L,TOTAL,MKT,0.0,L",
        "HU,2014,EMP,FTE,E,CEPA1,TOT_EGSS,12.0,",  # a domain, not the total: left out
        "HU,2014,VA,MIO_NAC,E,TOTAL,TOT_EGSS,99.0,",  # value added: left out
        "DE,2014,EMP,FTE,E,TOTAL,TOT_EGSS,214530.7,E",
        "AT,2013,EMP,FTE,C22_C23,TOTAL,TOT_EGSS,4596.3,P",
    ]
    path = write(tmp_path, "egss.csv", EGSS_HEADER + "\n".join(rows) + "\n")
    with gzip.open(tmp_path / "egss.csv.gz", "wt") as fh:
        fh.write(path.read_text())
    result = read_egss(tmp_path / "egss.csv.gz", vocabulary=code_vocabulary(DATA))
    frame = result.frame.astype({"measure": str, "region": str, "industry": str, "flag": str})
    keyed = frame.set_index(["measure", "region", "industry"])
    assert len(frame) == 5
    assert keyed.loc[("EGSS_EMP_MKT", "HU", "TOTAL"), "value"] == 33725.6
    assert pd.isna(keyed.loc[("EGSS_EMP_MKT", "HU", "L"), "value"])
    assert keyed.loc[("EGSS_EMP", "DE", "E"), "flag"] == "e"
    assert keyed.loc[("EGSS_EMP", "AT", "C22_C23"), "flag"] == "p"
    assert result.report.excluded["not_collected_values"] == 1
    assert detect_format(tmp_path / "egss.csv.gz") == "egss"


def test_egss_reader_refuses_a_file_without_employment(tmp_path: Path) -> None:
    path = write(tmp_path, "egss.csv", EGSS_HEADER + "HU,2014,VA,MIO_NAC,E,TOTAL,TOT_EGSS,1,\n")
    with pytest.raises(InputError, match="no EGSS employment rows"):
        read_egss(path)


@needs_data
@pytest.mark.slow
def test_egss_file_reads_whole() -> None:
    result = read_egss(EGSS, vocabulary=code_vocabulary(DATA))
    frame = result.frame.astype({"measure": str, "region": str, "industry": str})
    market = frame[(frame["measure"] == "EGSS_EMP_MKT") & (frame["industry"] == "TOTAL")]
    hu = market[market["region"] == "HU"].set_index("year")["value"]
    assert hu.loc[2014] == pytest.approx(33725.6)
    assert sorted(hu.index) == [2012, 2013, 2014, 2015]
    assert "EL" not in set(frame["region"])  # withheld by the publisher
