"""Firm-level readers: strict validation naming file, line or row and field; fuzzed."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polisee.errors import InputError
from polisee.sources.firms import (
    FIRM_SCHEMA,
    FirmCodes,
    iter_firm_batches,
    read_firms,
    read_postcodes,
)

HEADER = "firm_id,region,nace,year,employees,turnover,exports,rd\n"
ROWS = (
    "A1,HU211,C1011,2020,10,1000.5,200,\n"
    "A2,HU212,10.12,2020,3,50,,1.25\n"
    "A3,AT130,C2910,2021,250,99000,88000,1200\n"
)
CODES = FirmCodes(
    classes={
        "C1011": "C1011",
        "10.11": "C1011",
        "C1012": "C1012",
        "10.12": "C1012",
        "C2910": "C2910",
    },
    countries=frozenset({"HU", "AT"}),
)


def _write(tmp_path: Path, text: str | bytes, name: str = "firms.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def test_csv_is_read_into_the_canonical_frame(tmp_path: Path) -> None:
    frame = read_firms(_write(tmp_path, HEADER + ROWS), codes=CODES)
    assert frame["nace"].tolist() == ["C1011", "C1012", "C2910"]
    assert frame["year"].tolist() == [2020, 2020, 2021]
    assert frame["turnover"].tolist() == [1000.5, 50.0, 99000.0]
    # Missing is not zero: the empty cells stay missing.
    assert frame["rd"].isna().tolist() == [True, False, False]
    assert frame["exports"].isna().tolist() == [False, True, False]


def test_semicolons_any_case_headers_and_optional_columns(tmp_path: Path) -> None:
    text = "FIRM_ID;Region;NACE;Year;Employees\nB1;HU211;C1011;2019;4\n"
    frame = read_firms(_write(tmp_path, text), codes=CODES)
    assert frame["employees"].tolist() == [4.0]
    assert frame["turnover"].isna().all()


def test_parquet_with_numeric_columns(tmp_path: Path) -> None:
    table = pa.table(
        {
            "firm_id": [17, 18],
            "region": ["HU211", "HU212"],
            "nace": ["C1011", "C1012"],
            "year": pa.array([2020, 2020], pa.int16()),
            "employees": [3, 4],
            "turnover": [1.5, None],
        }
    )
    path = tmp_path / "f.parquet"
    pq.write_table(table, path)
    frame = read_firms(path, codes=CODES)
    assert frame["firm_id"].tolist() == ["17", "18"]
    assert frame["turnover"].isna().tolist() == [False, True]


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "message"),
    [
        ("A2,HU212", ",HU212", 3, "firm_id", "expected a firm id"),
        ("HU212", "HU2122X", 3, "region", "expected a NUTS code"),
        ("HU212", "XX212", 3, "region", "unknown country 'XX'"),
        ("10.12", "10.99", 3, "nace", "expected a NACE Rev. 2 class"),
        ("2021", "20x1", 4, "year", "expected a year such as 2019"),
        ("2021", "1850", 4, "year", "expected a year between 1900 and 2100"),
        (",250,", ",-250,", 4, "employees", "expected a non-negative number"),
        (",3,50", ",,50", 3, "employees", "the cell is empty"),
        ("1000.5", "1 000.5", 2, "turnover", "expected a number"),
        ("88000", "1e400", 4, "exports", "expected a finite number"),
    ],
    ids=[
        "empty-firm",
        "bad-region",
        "unknown-country",
        "unknown-class",
        "bad-year",
        "old-year",
        "negative",
        "no-employees",
        "thousands-separator",
        "infinite",
    ],
)
def test_bad_cells_name_file_line_and_field(
    tmp_path: Path, old: str, new: str, line: int, field: str, message: str
) -> None:
    assert old in ROWS
    path = _write(tmp_path, HEADER + ROWS.replace(old, new, 1))
    with pytest.raises(InputError, match=message) as err:
        read_firms(path, codes=CODES)
    assert (err.value.path, err.value.line, err.value.field) == (str(path), line, field)


def test_parquet_errors_name_the_row(tmp_path: Path) -> None:
    table = pa.table(
        {
            "firm_id": ["a", "b"],
            "region": ["HU211", "HU211"],
            "nace": ["C1011", "C1011"],
            "year": [2020, 2020],
            "employees": [1.0, float("nan")],
        }
    )
    path = tmp_path / "f.parquet"
    pq.write_table(table, path)
    with pytest.raises(InputError, match="row 2: expected a finite number") as err:
        read_firms(path)
    assert (err.value.line, err.value.field) == (2, "employees")


def test_wrong_column_count_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + ROWS + "A4,HU211,C1011,2021\n")
    with pytest.raises(InputError, match="cannot parse the CSV") as err:
        read_firms(path, codes=CODES)
    assert err.value.line == 5


def test_missing_column_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no column 'employees'") as err:
        read_firms(_write(tmp_path, "firm_id,region,nace,year\nA,HU211,C1011,2020\n"))
    assert (err.value.line, err.value.field) == (1, "employees")


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, (HEADER + ROWS).encode().replace(b"A3", b"A\xff"))
    with pytest.raises(InputError, match="not UTF-8") as err:
        read_firms(path, codes=CODES)
    assert (err.value.line, err.value.field) == (4, "firm_id")


def test_postcodes_are_translated_to_nuts(tmp_path: Path) -> None:
    table = _write(
        tmp_path, "country;postcode;nuts\nHU;'8000';'HU211'\nAT;'8000';'AT221'\n", "pc.csv"
    )
    codes = FirmCodes(classes=CODES.classes, postcodes=read_postcodes(table))
    firms = "firm_id,country,postcode,nace,year,employees\nA,HU,8000,C1011,2020,1\nB,at,8000,C1011,2020,2\n"
    frame = read_firms(_write(tmp_path, firms), codes=codes)
    assert frame["region"].tolist() == ["HU211", "AT221"]
    unknown = _write(tmp_path, firms.replace("B,at,8000", "B,at,9999"), "u.csv")
    with pytest.raises(InputError, match="expected a postcode of the postcode table") as err:
        read_firms(unknown, codes=codes)
    assert (err.value.line, err.value.field) == (3, "postcode")


def test_postcode_table_refuses_conflicts(tmp_path: Path) -> None:
    path = _write(tmp_path, "postcode,nuts\n8000,HU211\n8000,HU212\n", "pc.csv")
    with pytest.raises(InputError, match="mapped to HU211 and to HU212") as err:
        read_postcodes(path)
    assert err.value.line == 3


@pytest.mark.parametrize(
    "body", [b"\r", b"8000,HU211\r1", b'"8000\n'], ids=["lone-cr", "cr-in-field", "open-quote"]
)
def test_postcode_table_regressions_found_by_fuzzing(tmp_path: Path, body: bytes) -> None:
    # csv.Error escaped read_postcodes for a carriage return outside quotes.
    with contextlib.suppress(InputError):
        read_postcodes(_write(tmp_path, b"postcode,nuts\n" + body, "pc.csv"))


def test_batches_are_bounded(tmp_path: Path) -> None:
    rows = "".join(f"F{i},HU211,C1011,2020,{i}\n" for i in range(1000))
    path = _write(tmp_path, "firm_id,region,nace,year,employees\n" + rows)
    sizes = [b.num_rows for b in iter_firm_batches(path, batch_rows=100)]
    assert sum(sizes) == 1000
    assert max(sizes) < 1000


def test_an_error_in_a_later_batch_names_its_own_line(tmp_path: Path) -> None:
    rows = [f"F{i},HU211,C1011,2020,{i}\n" for i in range(3000)]
    rows[2500] = "F2500,HU211,C1011,2020,-1\n"
    path = _write(tmp_path, "firm_id,region,nace,year,employees\n" + "".join(rows))
    with pytest.raises(InputError) as err:
        list(iter_firm_batches(path, batch_rows=100))
    assert err.value.line == 2502


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    position=st.integers(min_value=0, max_value=len(HEADER + ROWS) - 1),
    insert=st.text(alphabet=st.sampled_from(list(',;\n"-.0123456789eCHUZ\xe9\t\x00')), max_size=4),
    cut=st.integers(min_value=0, max_value=3),
)
def test_mutated_firm_csv_only_ever_raises_input_error(
    tmp_path: Path, position: int, insert: str, cut: int
) -> None:
    text = HEADER + ROWS
    path = _write(tmp_path, text[:position] + insert + text[position + cut :])
    try:
        frame = read_firms(path, codes=CODES)
    except InputError:
        return
    assert list(frame.columns) == FIRM_SCHEMA.names
    assert (frame["employees"] >= 0).all()


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".csv.gz", ".parquet"]))
def test_random_bytes_only_raise_input_error(tmp_path: Path, data: bytes, suffix: str) -> None:
    with contextlib.suppress(InputError):
        read_firms(_write(tmp_path, data, "r" + suffix), codes=CODES)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(min_value=1, max_value=2000))
def test_truncated_parquet_only_raises_input_error(tmp_path: Path, cut: int) -> None:
    table = pa.table(
        {
            "firm_id": ["a"],
            "region": ["HU211"],
            "nace": ["C1011"],
            "year": [2020],
            "employees": [1.0],
        }
    )
    whole = tmp_path / "whole.parquet"
    pq.write_table(table, whole)
    raw = whole.read_bytes()
    with contextlib.suppress(InputError):
        read_firms(_write(tmp_path, raw[: max(1, len(raw) - cut)], "cut.parquet"), codes=CODES)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=300))
def test_random_postcode_tables_only_raise_input_error(tmp_path: Path, data: bytes) -> None:
    with contextlib.suppress(InputError):
        read_postcodes(_write(tmp_path, b"postcode;nuts\n" + data, "pc.csv"))
