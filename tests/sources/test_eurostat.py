from __future__ import annotations

import contextlib
import gzip
import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polisee.errors import InputError
from polisee.sources._canonical import Vocabulary
from polisee.sources.eurostat import read_eurostat_tsv, read_sdmx_csv

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "eurostat"
SMALL = (FIXTURES / "small.tsv").read_text()
DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def _write(tmp_path: Path, text: str | bytes, name: str = "x.tsv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


@pytest.mark.parametrize("name", ["small.tsv", "small.tsv.gz"], ids=["plain", "gzip"])
def test_reads_values_flags_and_missing(name: str) -> None:
    result = read_eurostat_tsv(FIXTURES / name)
    f = result.frame.set_index(["measure", "region", "industry", "year"])
    assert f.loc[("V16110", "HU", "C10", 2014), "value"] == 1234.0
    assert f.loc[("V16110", "HU", "C10", 2014), "flag"] == "d"
    assert pd.isna(f.loc[("V16110", "HU21", "C10", 2014), "value"])  # ': c' is missing, not 0
    assert f.loc[("V16110", "HU21", "C10", 2014), "flag"] == "c"
    assert f.loc[("V16110", "HU22", "C10", 2015), "flag"] == "bc"
    assert f.loc[("V91290", "HU21", "C10", 2015), "value"] == -0.4
    assert f.loc[("V16110", "HU22", "C10", 2014), "value"] == 0.0  # a real zero stays zero
    assert set(result.frame["dataset"]) == {"small"}
    # EU28 and the extra-regio HUZZ are excluded by default, and counted.
    assert "EU28" not in set(result.frame["region"])
    assert "HUZZ" not in set(result.frame["region"])
    assert result.report.excluded["aggregates"] == 1
    assert result.report.excluded["extra_regio_rows"] == 2
    assert result.report.rows == 8
    assert result.report.missing == 3
    assert result.report.flags == {"b": 2, "c": 2, "d": 1}


def test_aggregates_and_extra_regio_can_be_kept() -> None:
    result = read_eurostat_tsv(FIXTURES / "small.tsv", aggregates="keep", extra_regio="keep")
    assert {"EU28", "HUZZ"} <= set(result.frame["region"])


@pytest.mark.parametrize(
    ("text", "line", "field", "fragment"),
    [
        (SMALL.replace("708 ", "12x "), 3, "2015", "expected a number or ':', got '12x'"),
        (SMALL.replace("2014 ", "20l4 "), 1, "20l4", "expected a year such as 2014"),
        (SMALL.replace("geo\\time", "geo"), 1, "header", "geo\\time"),
        (SMALL.replace("708 ", "-5 "), 3, "2015", "non-negative count for measure V16110"),
        (SMALL + "C10,V16110,HU21\t1 \t2 \n", 8, "nace_r2,indic_sb,geo\\time", "occurs twice"),
        (SMALL.replace("1234 d", "1234 q"), 2, "2014", "expected flags among"),
        (SMALL.replace("\t: c", ""), 3, None, "expected 3 tab-separated cells, got 2"),
        (
            SMALL.replace("C10,V16110,HU21", "C10,HU21"),
            3,
            "nace_r2,indic_sb,geo\\time",
            "comma-separated",
        ),
        (SMALL.split("\n")[0] + "\n", 2, None, "no data lines"),
        (SMALL.replace("HU22", "H?22"), 4, "geo", "expected a NUTS or aggregate region code"),
        (SMALL.replace("708 ", " "), 3, "2015", "the cell is empty"),
    ],
    ids=[
        "cell-12x",
        "year-20l4",
        "no-geo-time",
        "negative-count",
        "duplicate-key",
        "unknown-flag",
        "missing-cell",
        "short-key",
        "header-only",
        "bad-region",
        "empty-cell",
    ],
)
def test_bad_input_names_line_and_field(
    tmp_path: Path, text: str, line: int | None, field: str | None, fragment: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as err:
        read_eurostat_tsv(path)
    assert fragment in str(err.value)
    assert err.value.line == line
    assert err.value.field == field
    if err.value.path is not None:
        assert err.value.path == str(path)


def test_empty_truncated_and_fake_gzip(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="empty"):
        read_eurostat_tsv(_write(tmp_path, b""))
    good = gzip.compress(SMALL.encode())
    with pytest.raises(InputError, match="truncated"):
        read_eurostat_tsv(_write(tmp_path, good[: len(good) // 2], "t.tsv.gz"))
    with pytest.raises(InputError, match="not gzip"):
        read_eurostat_tsv(_write(tmp_path, SMALL, "f.tsv.gz"))


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.tsv.gz"
    with path.open("wb") as fh:
        fh.truncate(2 * 1024**3)  # a sparse 2 GB file: nothing is written to disk
    with pytest.raises(InputError, match="over the limit of 1,073,741,824 bytes"):
        read_eurostat_tsv(path)
    os.remove(path)


def test_gzip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = gzip.compress(SMALL.encode() + b"\n" * 5_000_000)
    with pytest.raises(InputError, match="decompressed content is over the limit"):
        read_eurostat_tsv(_write(tmp_path, bomb, "b.tsv.gz"), max_bytes=1_000_000)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400))
def test_random_bytes_only_ever_raise_input_error(tmp_path: Path, data: bytes) -> None:
    path = _write(tmp_path, data, "r.tsv")
    with contextlib.suppress(InputError):
        read_eurostat_tsv(path)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    position=st.integers(min_value=0, max_value=len(SMALL) - 1),
    insert=st.text(alphabet=st.sampled_from(list("\t\n ,:-.0123456789abcdezZ\\x")), max_size=4),
    cut=st.integers(min_value=0, max_value=3),
)
def test_mutated_files_only_ever_raise_input_error(
    tmp_path: Path, position: int, insert: str, cut: int
) -> None:
    text = SMALL[:position] + insert + SMALL[position + cut :]
    path = _write(tmp_path, text, "m.tsv")
    try:
        result = read_eurostat_tsv(path)
    except InputError:
        return
    assert list(result.frame.columns) == [
        "dataset",
        "measure",
        "region",
        "industry",
        "year",
        "value",
        "flag",
    ]


SDMX = """DATAFLOW,LAST UPDATE,freq,indic_sb,nace_r2,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG
ESTAT:SBS_R_NUTS06_R2(1.0),01/08/17 11:00:00,A,V16110,C10,HU21,2014,708,
ESTAT:SBS_R_NUTS06_R2(1.0),01/08/17 11:00:00,A,V16110,C10,HU22,2014,,c
ESTAT:SBS_R_NUTS06_R2(1.0),01/08/17 11:00:00,A,V16110,C10,EU28,2014,1000,e
"""


def test_reads_sdmx_csv(tmp_path: Path) -> None:
    result = read_sdmx_csv(_write(tmp_path, SDMX, "s.csv"))
    f = result.frame.set_index(["region"])
    assert result.frame["dataset"].iloc[0] == "sbs_r_nuts06_r2"
    assert f.loc["HU21", "value"] == 708.0
    assert pd.isna(f.loc["HU22", "value"])
    assert f.loc["HU22", "flag"] == "c"
    assert "EU28" not in f.index


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        ("708,", "7o8,", 2, "OBS_VALUE"),
        (",2014,708", ",2014Q1,708", 2, "TIME_PERIOD"),
        ("OBS_VALUE", "VALUE", 1, "OBS_VALUE"),
    ],
    ids=["bad-value", "quarterly", "missing-column"],
)
def test_sdmx_bad_input(tmp_path: Path, old: str, new: str, line: int, field: str) -> None:
    with pytest.raises(InputError) as err:
        read_sdmx_csv(_write(tmp_path, SDMX.replace(old, new, 1), "s.csv"))
    assert (err.value.line, err.value.field) == (line, field)


@pytest.mark.slow
def test_real_sbs_file_every_value_and_flag() -> None:
    path = DATA / "eurostat_regional" / "sbs_r_nuts06_r2.tsv.gz"
    if not path.exists():
        pytest.skip("shared data not present")
    result = read_eurostat_tsv(path, extra_regio="keep", aggregates="keep")
    # Independent count with plain Python over the same file.
    present = missing = 0
    flags: dict[str, int] = {}
    with gzip.open(path, "rt") as fh:
        fh.readline()
        for line in fh:
            for cell in line.rstrip("\n").split("\t")[1:]:
                value, _, flag = cell.strip().partition(" ")
                if value == ":":
                    missing += 1
                else:
                    present += 1
                for letter in flag.strip():
                    flags[letter] = flags.get(letter, 0) + 1
    assert result.report.values_present == present
    assert result.report.missing == missing
    assert result.report.rows == 195_227 * 8
    assert result.report.flags == dict(sorted(flags.items()))


def test_report_counts_flag_combinations_and_dimensions() -> None:
    result = read_eurostat_tsv(FIXTURES / "small.tsv")
    # Kept rows: HU (:, 1234 d), HU21 (708, : c), HU22 (: bc, -0), V91290 HU21 (-0.4 b, 1.5)
    assert result.report.flag_combinations == {":": 1, ": bc": 1, ": c": 1, "b": 1, "d": 1}
    assert result.report.dimensions == {"indic_sb": ["V16110", "V91290"], "nace_r2": ["C10"]}
    assert result.report.excluded["extra_regio"] == 1


def test_measure_joins_the_other_dimensions_lfs_layout() -> None:
    result = read_eurostat_tsv(FIXTURES / "lfst_small.tsv")
    f = result.frame
    assert set(f["measure"]) == {"THS.Y15-64", "THS.Y15-24"}
    assert set(f["industry"]) == {"B-E", "TOTAL", "M_N"}
    assert "EU28" not in set(f["region"])
    assert result.report.excluded == {
        "aggregates": 1,
        "aggregates_rows": 2,
        "extra_regio": 0,
        "extra_regio_rows": 0,
    }
    row = f[(f["industry"] == "M_N") & (f["year"] == 2015)].iloc[0]
    assert (row["measure"], row["value"], row["flag"]) == ("THS.Y15-24", 3.1, "u")
    codes = "category"
    assert list(f.dtypes.astype(str)) == [codes] * 4 + ["int64", "float64", codes]


def test_dataset_without_industry_gets_total() -> None:
    result = read_eurostat_tsv(FIXTURES / "gdp_small.tsv", aggregates="keep")
    f = result.frame.set_index(["measure", "region", "year"])
    assert set(result.frame["industry"]) == {"TOTAL"}
    assert f.loc[("MIO_EUR", "HU21", 2013), "flag"] == "p"
    assert f.loc[("MIO_EUR", "EA19", 2014), "value"] == 10_000_000.0
    assert result.report.kept["aggregates"] == 1
    assert result.frame["dataset"].iloc[0] == "gdp_small"


def test_blank_line_is_reported_at_its_physical_line(tmp_path: Path) -> None:
    lines = SMALL.split("\n")
    text = "\n".join([*lines[:3], "", *lines[3:]])
    with pytest.raises(InputError, match="expected 3 comma-separated codes") as err:
        read_eurostat_tsv(_write(tmp_path, text))
    assert err.value.line == 4  # not skipped: later line numbers stay physical


def test_non_negative_option_is_configurable(tmp_path: Path) -> None:
    path = _write(tmp_path, SMALL.replace("708 ", "-5 "))
    result = read_eurostat_tsv(path, non_negative=set())
    assert -5.0 in set(result.frame["value"])
    with pytest.raises(InputError, match="non-negative count for measure V91290"):
        read_eurostat_tsv(FIXTURES / "small.tsv", non_negative={"V91290"})


SDMX2 = (FIXTURES / "sdmx2_small.csv").read_text()


def test_reads_sdmx_csv_2_0_layout() -> None:
    result = read_sdmx_csv(FIXTURES / "sdmx2_small.csv")
    f = result.frame.set_index(["region", "year"])
    assert result.frame["dataset"].iloc[0] == "nama_10r_2gdp"
    assert set(result.frame["measure"]) == {"MIO_EUR"}
    assert set(result.frame["industry"]) == {"TOTAL"}
    assert f.loc[("HU21", 2022), "value"] == 19901.45
    assert f.loc[("HU21", 2022), "flag"] == "p"
    assert pd.isna(f.loc[("HU22", 2022), "value"])
    assert result.report.flags == {"c": 1, "p": 1}


def test_reads_sdmx_csv_fixture_with_aggregates_and_extra_regio() -> None:
    result = read_sdmx_csv(FIXTURES / "sdmx_small.csv")
    f = result.frame.set_index(["measure", "region", "year"])
    assert set(result.frame["region"]) == {"AT", "AT1"}  # EU27_2020 and ATZ excluded
    assert f.loc[("V16110", "AT", 2014), "flag"] == "d"
    assert f.loc[("V91290", "AT", 2014), "value"] == -0.4
    kept = read_sdmx_csv(FIXTURES / "sdmx_small.csv", aggregates="keep", extra_regio="keep")
    assert {"EU27_2020", "ATZ"} <= set(kept.frame["region"])


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "fragment"),
    [
        (",708,", ",-708,", 2, "OBS_VALUE", "non-negative"),
        (",c\n", ",q\n", 3, "OBS_FLAG", "expected flags"),
        ("HU22,2014", "HU21,2014", 3, "geo", "occurs twice"),
    ],
    ids=["negative-count", "bad-flag", "duplicate"],
)
def test_sdmx_more_bad_input(
    tmp_path: Path, old: str, new: str, line: int, field: str, fragment: str
) -> None:
    with pytest.raises(InputError, match=fragment) as err:
        read_sdmx_csv(_write(tmp_path, SDMX.replace(old, new, 1), "s.csv"))
    assert (err.value.line, err.value.field) == (line, field)


@pytest.mark.parametrize(
    "data",
    [b"", b"\x1f\x8b\x08\x00garbage", b"\xff\xfe\x00\x01", b"a,b\n1,2\n"],
    ids=["empty", "bad-gzip", "not-utf8", "no-sdmx-columns"],
)
def test_sdmx_unreadable_files(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(InputError):
        read_sdmx_csv(_write(tmp_path, data, "s.csv"))


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    position=st.integers(min_value=0, max_value=len(SDMX) - 1),
    insert=st.text(alphabet=st.sampled_from(list(',\n":-.0123456789abcEUZ\xe9')), max_size=4),
    cut=st.integers(min_value=0, max_value=3),
)
def test_mutated_sdmx_only_ever_raises_input_error(
    tmp_path: Path, position: int, insert: str, cut: int
) -> None:
    path = _write(tmp_path, SDMX[:position] + insert + SDMX[position + cut :], "m.csv")
    with contextlib.suppress(InputError):
        read_sdmx_csv(path)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=300))
def test_random_bytes_sdmx_only_raise_input_error(tmp_path: Path, data: bytes) -> None:
    with contextlib.suppress(InputError):
        read_sdmx_csv(_write(tmp_path, data, "r.csv"))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(min_value=1, max_value=200))
def test_truncated_gzip_only_raises_input_error(tmp_path: Path, cut: int) -> None:
    data = (FIXTURES / "small.tsv.gz").read_bytes()
    with pytest.raises(InputError):
        read_eurostat_tsv(_write(tmp_path, data[: max(0, len(data) - cut)], "t.tsv.gz"))


@pytest.mark.slow
def test_real_sbs_defaults_exclude_extra_regio_and_match_source_md() -> None:
    path = DATA / "eurostat_regional" / "sbs_r_nuts06_r2.tsv.gz"
    if not path.exists():
        pytest.skip("shared data not present")
    result = read_eurostat_tsv(path)
    regions = set(result.frame["region"])
    assert not {"EU28", "CZZ", "CZZZ"} & regions  # this vintage has no EU28 rows at all
    assert result.report.excluded["extra_regio"] == 16
    combos = read_eurostat_tsv(path, extra_regio="keep").report.flag_combinations
    # SOURCE.md's approximate figures: 344k ':', 93k ': c', 16k 'd', 16k 'b', 12k ': u', 10k 'p'.
    for key, approx in {
        ":": 344e3,
        ": c": 93e3,
        "d": 16e3,
        "b": 16e3,
        ": u": 12e3,
        "p": 10e3,
    }.items():
        assert abs(combos[key] - approx) / approx < 0.2, (key, combos[key])


@pytest.mark.slow
def test_real_lfs_file_excludes_eu28_by_default() -> None:
    path = DATA / "eurostat_regional" / "lfst_r_lfe2en2.tsv.gz"
    if not path.exists():
        pytest.skip("shared data not present")
    result = read_eurostat_tsv(path)
    assert "EU28" not in set(result.frame["region"])
    assert "EU28" in set(read_eurostat_tsv(path, aggregates="keep").frame["region"])
    assert {"HU21", "TR10", "MK00"} <= set(result.frame["region"])
    assert result.report.rows == 28_065 * 8 - result.report.excluded["aggregates_rows"]


def test_current_api_tsv_header_with_freq_and_time_period(tmp_path: Path) -> None:
    # The dissemination API (since 2023) writes geo\TIME_PERIOD and a leading freq dimension.
    text = "freq,unit,geo\\TIME_PERIOD\t2021 \t2022 \nA,MIO_EUR,HU21\t17803.2 \t19901.45 p\n"
    result = read_eurostat_tsv(_write(tmp_path, text, "nama_10r_2gdp.tsv"))
    assert result.frame["measure"].tolist() == ["MIO_EUR", "MIO_EUR"]
    assert result.frame["year"].tolist() == [2021, 2022]
    assert result.frame["flag"].tolist() == ["", "p"]
    assert result.frame["dataset"].iloc[0] == "nama_10r_2gdp"


# A vocabulary written by hand: Hungary and Austria are NUTS countries, Japan is another
# country; C10 and the section letters B, C, E are NACE codes.
VOCABULARY = Vocabulary(
    countries=frozenset({"HU", "AT"}),
    industries=frozenset({"B", "C", "E", "C10"}),
    other_countries=frozenset({"JP"}),
)


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "message"),
    [
        ("C10,V16110,HU22", "C99,V16110,HU22", 4, "nace_r2", "unknown NACE Rev. 2 code 'C99'"),
        ("C10,V16110,HU22", "B-Q,V16110,HU22", 4, "nace_r2", "'B-Q'"),
        ("C10,V16110,HU21\t708", "C10,V16110,QQ21\t708", 3, "geo", "unknown country 'QQ'"),
        ("C10,V16110,HU22", "C10,V16110,JP1", 4, "geo", "'JP1'"),
    ],
    ids=["unknown-division", "range-of-unknown", "unknown-country", "non-nuts-country-region"],
)
def test_unknown_codes_are_refused_with_line_and_field(
    tmp_path: Path, old: str, new: str, line: int, field: str, message: str
) -> None:
    assert old in SMALL
    with pytest.raises(InputError, match=message) as err:
        read_eurostat_tsv(_write(tmp_path, SMALL.replace(old, new, 1)), vocabulary=VOCABULARY)
    assert (err.value.line, err.value.field) == (line, field)


def test_known_ranges_and_other_countries_pass_the_vocabulary(tmp_path: Path) -> None:
    text = SMALL.replace("C10,V16110,HU22", "B-E,V16110,JP", 1)
    frame = read_eurostat_tsv(_write(tmp_path, text), vocabulary=VOCABULARY).frame
    assert {"B-E", "C10"} <= set(frame["industry"])
    assert "JP" in set(frame["region"])


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        (",C10,V16110,AT,2014", ",C77,V16110,AT,2014", 2, "nace_r2"),
        (",C10,V16110,AT,2014", ",C10,V16110,QQ,2014", 2, "geo"),
    ],
    ids=["unknown-nace", "unknown-country"],
)
def test_sdmx_unknown_codes_are_refused(
    tmp_path: Path, old: str, new: str, line: int, field: str
) -> None:
    text = (FIXTURES / "sdmx_small.csv").read_text()
    assert old in text
    with pytest.raises(InputError) as err:
        read_sdmx_csv(_write(tmp_path, text.replace(old, new, 1), "s.csv"), vocabulary=VOCABULARY)
    assert (err.value.line, err.value.field) == (line, field)
