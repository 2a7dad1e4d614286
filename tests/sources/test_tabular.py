"""read_table: plain CSV / XLSX with a column mapping -> canonical long frame."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from polisee.errors import InputError
from polisee.sources._canonical import Vocabulary
from polisee.sources.tabular import read_table

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "eurostat"
TABLE = (FIXTURES / "table_small.csv").read_text()
MAPPING = {"region": "geo", "industry": "nace", "year": "time", "value": "emp", "flag": "f"}
COLUMNS = ["dataset", "measure", "region", "industry", "year", "value", "flag"]


def _write(tmp_path: Path, data: str | bytes, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def _xlsx(tmp_path: Path, rows: list[list[Any]], sheet: str = "data") -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(row)
    path = tmp_path / "t.xlsx"
    book.save(path)
    return path


def test_reads_csv_with_mapping_and_constant_measure() -> None:
    result = read_table(
        FIXTURES / "table_small.csv", mapping=MAPPING, dataset="emp", measure="V16110"
    )
    f = result.frame
    assert list(f.columns) == COLUMNS
    assert list(f.dtypes.astype(str)) == ["category"] * 4 + ["int64", "float64", "category"]
    assert set(f["measure"]) == {"V16110"}
    assert set(f["region"]) == {"HU21", "HU22"}  # EU28 and extra-regio HUZZ excluded
    row = f.set_index(["region", "year"])
    assert row.loc[("HU21", 2014), "value"] == 1200.0
    assert pd.isna(row.loc[("HU21", 2015), "value"])  # missing, not 0
    assert row.loc[("HU21", 2015), "flag"] == "c"
    assert row.loc[("HU22", 2014), "flag"] == "e"
    assert result.report.rows == 3
    assert result.report.missing == 1
    assert result.report.flags == {"c": 1, "e": 1}


def test_measure_and_industry_from_mapping_constants() -> None:
    mapping = {"region": "geo", "year": "time", "value": "emp", "measure": "=FTE"}
    result = read_table(FIXTURES / "table_small.csv", mapping=mapping, dataset="rd")
    assert set(result.frame["measure"]) == {"FTE"}
    assert set(result.frame["industry"]) == {"TOTAL"}


def test_semicolon_csv(tmp_path: Path) -> None:
    path = _write(tmp_path, "geo;time;emp\nHU21;2014;5\n")
    result = read_table(
        path, mapping={"region": "geo", "year": "time", "value": "emp"}, dataset="x"
    )
    assert result.frame["value"].tolist() == [5.0]


def test_reads_xlsx_sheet(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [["geo", "time", "emp"], ["HU21", 2014, 12.5], ["HU22", 2014, None]])
    result = read_table(
        path,
        mapping={"region": "geo", "year": "time", "value": "emp"},
        dataset="x",
        sheet="data",
        measure="V16110",
    )
    assert result.frame["region"].tolist() == ["HU21", "HU22"]
    assert result.frame["value"].iloc[0] == 12.5
    assert pd.isna(result.frame["value"].iloc[1])
    assert result.frame["year"].tolist() == [2014, 2014]


def test_xlsx_unknown_sheet(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [["geo", "time", "emp"], ["HU21", 2014, 1]])
    with pytest.raises(InputError, match="no sheet 'other'"):
        read_table(
            path,
            mapping={"region": "geo", "year": "time", "value": "emp"},
            dataset="x",
            sheet="other",
        )


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "fragment"),
    [
        ("1200,", "12x,", 2, "emp", "expected a number, got '12x'"),
        ("2014,1200", "20l4,1200", 2, "time", "expected a year"),
        ("1200,", "-1200,", 2, "emp", "non-negative count for measure V16110"),
        ("HU22,C10,2014", "HU21,C10,2014", 4, "geo", "occurs twice"),
        ("800.5,e", "800.5,x", 4, "f", "expected flags among"),
        ("geo,", "region,", 1, "geo", "has no column 'geo'"),
        ("HU22,C10", ",C10", 4, "geo", "expected a region code"),
    ],
    ids=["cell-12x", "year-20l4", "negative", "duplicate", "bad-flag", "wrong-header", "no-region"],
)
def test_bad_input_names_line_and_field(
    tmp_path: Path, old: str, new: str, line: int, field: str, fragment: str
) -> None:
    path = _write(tmp_path, TABLE.replace(old, new, 1))
    with pytest.raises(InputError, match=fragment) as err:
        read_table(path, mapping=MAPPING, dataset="x", measure="V16110", non_negative={"V16110"})
    assert (err.value.line, err.value.field, err.value.path) == (line, field, str(path))


def test_wrong_number_of_cells(tmp_path: Path) -> None:
    path = _write(tmp_path, TABLE.replace("HU22,C10,2014,800.5,e", "HU22,C10,2014,800.5,e,9,9"))
    with pytest.raises(InputError) as err:
        read_table(path, mapping=MAPPING, dataset="x")
    assert err.value.line == 4


@pytest.mark.parametrize(
    ("data", "fragment"),
    [(b"", "empty"), (b"\xff\xfe\x00garbage", "not UTF-8"), (b"geo,time,emp\n", "no data rows")],
    ids=["empty", "not-utf8", "header-only"],
)
def test_unreadable_files(tmp_path: Path, data: bytes, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        read_table(
            _write(tmp_path, data),
            mapping={"region": "geo", "year": "time", "value": "emp"},
            dataset="x",
        )


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as fh:
        fh.truncate(2 * 1024**3)  # sparse: nothing written
    with pytest.raises(InputError, match="over the limit"):
        read_table(path, mapping=MAPPING, dataset="x")
    path.unlink()


def test_corrupt_xlsx(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a readable XLSX"):
        read_table(
            _write(tmp_path, b"PK\x03\x04 not a zip", "t.xlsx"), mapping=MAPPING, dataset="x"
        )


def test_mapping_must_name_region_year_value() -> None:
    with pytest.raises(InputError, match="must name the 'value' column"):
        read_table(
            FIXTURES / "table_small.csv", mapping={"region": "geo", "year": "time"}, dataset="x"
        )


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    position=st.integers(min_value=0, max_value=len(TABLE) - 1),
    insert=st.text(alphabet=st.sampled_from(list(',;\n"-.0123456789ceHUZ\xe9\t')), max_size=4),
    cut=st.integers(min_value=0, max_value=3),
)
def test_mutated_csv_only_ever_raises_input_error(
    tmp_path: Path, position: int, insert: str, cut: int
) -> None:
    path = _write(tmp_path, TABLE[:position] + insert + TABLE[position + cut :])
    try:
        result = read_table(path, mapping=MAPPING, dataset="x")
    except InputError:
        return
    assert list(result.frame.columns) == COLUMNS


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".xlsx", ".csv.gz"]))
def test_random_bytes_only_raise_input_error(tmp_path: Path, data: bytes, suffix: str) -> None:
    with contextlib.suppress(InputError):
        read_table(_write(tmp_path, data, "r" + suffix), mapping=MAPPING, dataset="x")


def test_aggregates_and_extra_regio_kept_on_request() -> None:
    result = read_table(
        FIXTURES / "table_small.csv",
        mapping=MAPPING,
        dataset="emp",
        aggregates="keep",
        extra_regio="keep",
    )
    assert {"EU28", "HUZZ"} <= set(result.frame["region"])
    assert result.report.kept == {"aggregates": 1, "extra_regio": 1}
    default = read_table(FIXTURES / "table_small.csv", mapping=MAPPING, dataset="emp").report
    assert default.excluded["aggregates_rows"] == 1
    assert default.excluded["extra_regio_rows"] == 1


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [("HU21,C10,2015", "HU21,C1O,2015", 3, "nace"), ("HU21,C10,2015", "XQ21,C10,2015", 3, "geo")],
    ids=["unknown-nace", "unknown-country"],
)
def test_unknown_codes_are_refused(
    tmp_path: Path, old: str, new: str, line: int, field: str
) -> None:
    vocabulary = Vocabulary(countries=frozenset({"HU"}), industries=frozenset({"C", "C10"}))
    assert old in TABLE
    path = _write(tmp_path, TABLE.replace(old, new, 1))
    with pytest.raises(InputError) as err:
        read_table(path, mapping=MAPPING, dataset="t", vocabulary=vocabulary)
    assert (err.value.line, err.value.field) == (line, field)
