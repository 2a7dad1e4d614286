from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from polisee.config import default_data_dir
from polisee.errors import InputError
from polisee.services.data import detect_format, load_statistics
from polisee.statsdb import StatsStore

DATA = default_data_dir()
SBS = DATA / "eurostat_regional" / "sbs_r_nuts06_r2.tsv.gz"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "eurostat"
needs_data = pytest.mark.skipif(not SBS.exists(), reason="shared data not present")


@pytest.mark.parametrize(
    ("name", "header", "expected"),
    [
        ("a.tsv.gz", "", "eurostat-tsv"),
        ("a.tsv", "", "eurostat-tsv"),
        ("a.csv", "DATAFLOW,geo,TIME_PERIOD,OBS_VALUE\n", "sdmx-csv"),
        ("a.csv", "geo,time,values\n", "csv"),
        ("a.xlsx", "", "xlsx"),
    ],
    ids=["tsv-gz", "tsv", "sdmx", "plain-csv", "xlsx"],
)
def test_detect_format(tmp_path: Path, name: str, header: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(header)
    assert detect_format(path) == expected


@needs_data
def test_bad_file_leaves_the_store_byte_for_byte_unchanged(tmp_path: Path) -> None:
    store = StatsStore(tmp_path / "s.duckdb")
    with store.transaction():
        load_statistics(store, FIXTURES / "small.tsv", data_dir=DATA)
    before = store.checksum()
    bad = tmp_path / "bad.tsv"
    bad.write_text((FIXTURES / "small.tsv").read_text().replace("708 ", "12x "))
    with pytest.raises(InputError, match="12x"), store.transaction():
        load_statistics(store, bad, data_dir=DATA, dataset="small")
    assert store.checksum() == before
    store.close()


@needs_data
def test_loading_twice_replaces(tmp_path: Path) -> None:
    store = StatsStore(None)
    for _ in range(2):
        with store.transaction():
            summary = load_statistics(store, FIXTURES / "small.tsv", data_dir=DATA)
    listing = store.datasets()
    assert list(listing["dataset"]) == ["small"]
    assert int(listing["rows"].iloc[0]) == summary.rows
    assert int(listing["version"].iloc[0]) == 2


@pytest.mark.slow
@needs_data
def test_sbs_load_end_to_end_hungary_total_matches_the_file(tmp_path: Path) -> None:
    store = StatsStore(tmp_path / "stats.duckdb")
    with store.transaction():
        summary = load_statistics(store, SBS, data_dir=DATA)
    # Greek NUTS 2010 codes are carried to 2021.
    assert "EL11→EL51" in {f"{c['from_code']}→{c['to_code']}" for c in summary.conversions}
    regions = set(store.facts("V16110", level=2)["region"])
    assert {"EL51", "EL65", "HU11", "HU12"} <= regions
    assert not {"EL11", "EL25", "HU10"} & regions
    # Every value of the file is kept: harmonised, or apart under its own code.
    assert summary.values_present + summary.missing == summary.rows
    assert len(store.unharmonised("sbs_r_nuts06_r2")) == summary.excluded["kept_unharmonised_rows"]
    panel = store.panel(
        "V16110", level=2, industry_level="division", years=(2014, 2014), countries=["HU"]
    )
    # Independent sum over the file: HU NUTS-2 (2013 codes) x NACE divisions, 2014.
    expected = 0.0
    with gzip.open(SBS, "rt") as fh:
        column = [h.strip() for h in fh.readline().split("\t")].index("2014")
        for line in fh:
            cells = line.rstrip("\n").split("\t")
            nace, indicator, geo = cells[0].split(",")
            value = cells[column].strip().split(" ")[0]
            if (
                indicator == "V16110"
                and re.fullmatch(r"HU\d\d", geo)
                and re.fullmatch(r"[A-Z]\d\d", nace)
                and value != ":"
            ):
                expected += float(value)
    assert panel.values.sum() == pytest.approx(expected, rel=1e-12)
    assert len(panel.regions) == 8  # HU10 split into HU11 and HU12 in NUTS 2021
    store.close()


@needs_data
@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [("C10,V16110,HU22", "C99,V16110,HU22", 4, "nace_r2"), ("HU21\t708", "QQ21\t708", 3, "geo")],
    ids=["unknown-nace", "unknown-country"],
)
def test_unknown_codes_leave_the_store_unchanged(
    tmp_path: Path, old: str, new: str, line: int, field: str
) -> None:
    store = StatsStore(tmp_path / "s.duckdb")
    with store.transaction():
        load_statistics(store, FIXTURES / "small.tsv", data_dir=DATA)
    before = store.checksum()
    bad = tmp_path / "small.tsv"
    bad.write_text((FIXTURES / "small.tsv").read_text().replace(old, new, 1))
    with pytest.raises(InputError) as err, store.transaction():
        load_statistics(store, bad, data_dir=DATA)
    assert (err.value.line, err.value.field) == (line, field)
    assert store.checksum() == before
    store.close()
