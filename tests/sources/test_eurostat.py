from __future__ import annotations

import contextlib
import gzip
import math
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polisee.errors import InputError
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
    assert math.isnan(f.loc[("V16110", "HU21", "C10", 2014), "value"])  # ': c' is missing, not 0
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
        (SMALL.replace("HU22", "H?22"), None, "geo", "expected a NUTS or aggregate region code"),
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
    assert math.isnan(f.loc["HU22", "value"])
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
