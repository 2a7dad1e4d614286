"""Firm-level records (CSV or Parquet) to validated canonical Arrow batches.

A firm file has one row per firm and year: ``firm_id``, the firm's region (a NUTS code at
any level in ``region``, or a ``postcode`` with an optional ``country`` translated by a
postcode-to-NUTS table), its NACE Rev. 2 class in ``nace`` (``C1011`` or ``10.11``),
``year``, ``employees`` and optionally ``turnover``, ``exports`` and ``rd`` (R&D
expenditure). Column names are matched without regard to case.

Files are read in batches, so a file of any size is validated with bounded memory;
:func:`read_firms` gathers the batches of a small file into one frame. Every error names
the file, the line (CSV: header = line 1) or row (Parquet: first row = 1) and the field.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from polisee.errors import InputError
from polisee.sources._canonical import NUMBER_PATTERN

__all__ = [
    "FIRM_COLUMNS",
    "FIRM_MEASURES",
    "FIRM_SCHEMA",
    "FirmCodes",
    "firm_batch_reader",
    "iter_firm_batches",
    "nace_class_lookup",
    "read_firms",
    "read_postcodes",
]

FIRM_MEASURES = ("employees", "turnover", "exports", "rd")
"""Magnitudes of a firm-year; ``employees`` is required, the others may be missing."""

FIRM_COLUMNS = ("firm_id", "region", "nace", "year", *FIRM_MEASURES)

FIRM_SCHEMA = pa.schema(
    [
        ("firm_id", pa.string()),
        ("region", pa.string()),
        ("nace", pa.string()),
        ("year", pa.int32()),
        *((name, pa.float64()) for name in FIRM_MEASURES),
    ]
)
"""The canonical batches: NUTS codes, NACE classes in Eurostat notation, NaN-free numbers."""

_REGION_RE = r"^[A-Z]{2}[0-9A-Z]{0,3}$"
_CLASS_RE = re.compile(r"^[A-U]\d{4}$")
_NUMBER_RE = f"^{NUMBER_PATTERN}$"
_YEARS = (1900, 2100)


@dataclass(frozen=True)
class FirmCodes:
    """The codes a firm file may use.

    Attributes
    ----------
    classes
        Every accepted spelling of a NACE Rev. 2 class -> its Eurostat notation (see
        :func:`nace_class_lookup`); None accepts any code of the form ``C1011``.
    countries
        NUTS country prefixes a region must start with; None accepts any.
    postcodes
        Postcode -> NUTS code, keyed ``"CC:postcode"`` when the table has a country
        column (see :func:`read_postcodes`); needed for files with ``postcode``.
    """

    classes: Mapping[str, str] | None = None
    countries: frozenset[str] | None = None
    postcodes: Mapping[str, str] | None = None


def nace_class_lookup(nace: pd.DataFrame) -> dict[str, str]:
    """Spellings of every NACE class -> Eurostat notation, from the classification frame.

    ``nace`` is :func:`polisee.sources.classifications.load_nace`'s frame; a class is
    accepted as ``C1011``, ``10.11`` and ``1011``.

    >>> frame = pd.DataFrame({"code": ["C10", "C1011"], "level": [2, 4], "dotted": ["10", "10.11"]})
    >>> nace_class_lookup(frame)
    {'C1011': 'C1011', '10.11': 'C1011', '1011': 'C1011'}
    """
    classes = nace[nace["level"] == 4]
    lookup: dict[str, str] = {}
    for code, dotted in zip(
        classes["code"].astype(str), classes["dotted"].astype(str), strict=True
    ):
        lookup[code] = code
        lookup[dotted] = code
        lookup[dotted.replace(".", "")] = code
    return lookup


def read_postcodes(path: str | Path) -> dict[str, str]:
    """A postcode-to-NUTS table: CSV (``,`` or ``;``) with ``postcode`` and ``nuts`` columns.

    With a ``country`` column the keys are ``"CC:postcode"``, so equal postcodes of two
    countries stay apart. Quotes (also Eurostat's TERCET ``'...'``) and blanks are removed.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "pc.csv"
    >>> _ = p.write_text("country;postcode;nuts\\nHU;'8000';'HU211'\\n")
    >>> read_postcodes(p)
    {'HU:8000': 'HU211'}
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", path=path) from exc
    except UnicodeDecodeError as exc:
        raise InputError("the file is not UTF-8 text", path=path) from exc
    first = text.split("\n", 1)[0]
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=";" if ";" in first else ",")
    try:
        return _postcode_rows(rows, path)
    except csv.Error as exc:
        raise InputError(f"cannot parse the CSV: {exc}", path=path, line=rows.line_num) from exc


def _postcode_rows(rows: Any, path: Path) -> dict[str, str]:
    header = [h.strip().strip("'").lower() for h in next(rows, [])]
    for needed in ("postcode", "nuts"):
        if needed not in header:
            raise InputError(
                f"expected columns postcode and nuts, got {', '.join(header) or 'none'}",
                path=path,
                line=1,
                field=needed,
            )
    at = {name: header.index(name) for name in ("postcode", "nuts", "country") if name in header}
    table: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InputError(
                f"expected {len(header)} fields, got {len(row)}", path=path, line=number
            )
        cell = {k: row[i].strip().strip("'").strip() for k, i in at.items()}
        if not re.fullmatch(_REGION_RE, cell["nuts"]):
            raise InputError(
                f"expected a NUTS code such as HU211, got {cell['nuts']!r}",
                path=path,
                line=number,
                field="nuts",
            )
        if not cell["postcode"]:
            raise InputError("the postcode is empty", path=path, line=number, field="postcode")
        key = f"{cell['country']}:{cell['postcode']}" if "country" in cell else cell["postcode"]
        if table.setdefault(key, cell["nuts"]) != cell["nuts"]:
            raise InputError(
                f"postcode {key} is mapped to {table[key]} and to {cell['nuts']}",
                path=path,
                line=number,
                field="postcode",
            )
    return table


class _Where:
    """Turns a batch-relative row into the file's line (CSV) or row (Parquet)."""

    def __init__(self, path: Path, csv_file: bool) -> None:
        self.path = path
        self.csv = csv_file
        self.offset = 0

    def fail(self, message: str, row: int, field: str) -> InputError:
        position = self.offset + row
        if self.csv:
            return InputError(message, path=self.path, line=position + 2, field=field)
        return InputError(
            f"row {position + 1}: {message}", path=self.path, line=position + 1, field=field
        )


def _first(mask: pa.Array | pa.ChunkedArray) -> int:
    filled = pc.fill_null(mask, True)
    return int(pc.index(filled, True).as_py())


def _text(column: pa.Array, where: _Where, field: str) -> pa.Array:
    if pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type):
        try:
            column = column.cast(pa.string())
        except pa.ArrowInvalid:
            for i, value in enumerate(column.to_pylist()):
                try:
                    (value or b"").decode("utf-8")
                except UnicodeDecodeError:
                    raise where.fail("the text is not UTF-8", i, field) from None
            raise
    elif pa.types.is_integer(column.type):
        column = column.cast(pa.string())
    elif not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        raise where.fail(f"expected text, the column holds {column.type}", 0, field)
    return pc.utf8_trim_whitespace(column.cast(pa.string()))


def _codes(
    column: pa.Array, lookup: Mapping[str, str], where: _Where, field: str, expected: str
) -> pa.Array:
    encoded = pc.dictionary_encode(column)
    mapped = pa.array([lookup.get(v) for v in encoded.dictionary.to_pylist()], pa.string())
    result = mapped.take(encoded.indices)
    bad = _first(pc.is_null(result))
    if bad >= 0:
        raise where.fail(f"{expected}, got {column[bad].as_py()!r}", bad, field)
    return result


def _number(column: pa.Array, where: _Where, field: str, *, required: bool) -> pa.Array:
    if pa.types.is_string(column.type) or pa.types.is_binary(column.type):
        text = _text(column, where, field)
        blank = pc.equal(text, "")
        bad = _first(
            pc.and_(pc.invert(blank), pc.invert(pc.match_substring_regex(text, _NUMBER_RE)))
        )
        if bad >= 0:
            raise where.fail(
                f"expected a number such as 1200 or 35.5, got {text[bad].as_py()!r}", bad, field
            )
        values = pc.if_else(blank, pa.scalar(None, pa.string()), text).cast(pa.float64())
    elif (
        pa.types.is_integer(column.type)
        or pa.types.is_floating(column.type)
        or pa.types.is_decimal(column.type)
        or pa.types.is_null(column.type)
    ):
        values = column.cast(pa.float64())
    else:
        raise where.fail(f"expected numbers, the column holds {column.type}", 0, field)
    bad = _first(pc.invert(pc.is_finite(pc.fill_null(values, 0.0))))
    if bad >= 0:
        raise where.fail(f"expected a finite number, got {values[bad].as_py()}", bad, field)
    if required:
        bad = _first(pc.is_null(values))
        if bad >= 0:
            raise where.fail("expected a number, the cell is empty", bad, field)
    bad = _first(pc.less(pc.fill_null(values, 0.0), 0.0))
    if bad >= 0:
        raise where.fail(f"expected a non-negative number, got {values[bad].as_py()}", bad, field)
    return values


def _year(column: pa.Array, where: _Where) -> pa.Array:
    if pa.types.is_integer(column.type):
        years = column.cast(pa.int64())
    else:
        text = _text(column, where, "year")
        bad = _first(pc.invert(pc.match_substring_regex(text, r"^\d{4}$")))
        if bad >= 0:
            raise where.fail(
                f"expected a year such as 2019, got {text[bad].as_py()!r}", bad, "year"
            )
        years = text.cast(pa.int64())
    low, high = _YEARS
    bad = _first(pc.or_(pc.is_null(years), pc.or_(pc.less(years, low), pc.greater(years, high))))
    if bad >= 0:
        raise where.fail(
            f"expected a year between {low} and {high}, got {years[bad].as_py()}", bad, "year"
        )
    return years.cast(pa.int32())


def _region(columns: dict[str, pa.Array], codes: FirmCodes, where: _Where) -> pa.Array:
    if "region" in columns:
        region = pc.utf8_upper(_text(columns["region"], where, "region"))
        bad = _first(pc.invert(pc.match_substring_regex(region, _REGION_RE)))
        if bad >= 0:
            raise where.fail(
                f"expected a NUTS code such as HU211, got {region[bad].as_py()!r}", bad, "region"
            )
        if codes.countries is not None:
            known = pc.is_in(
                pc.utf8_slice_codeunits(region, 0, 2), pa.array(sorted(codes.countries))
            )
            bad = _first(pc.invert(known))
            if bad >= 0:
                raise where.fail(
                    f"unknown country {region[bad].as_py()[:2]!r} in region code "
                    f"{region[bad].as_py()!r}",
                    bad,
                    "region",
                )
        return region
    if codes.postcodes is None:
        raise where.fail("the file has postcodes: give a postcode-to-NUTS table", 0, "postcode")
    postcode = _text(columns["postcode"], where, "postcode")
    if "country" in columns:
        country = pc.utf8_upper(_text(columns["country"], where, "country"))
        postcode = pc.binary_join_element_wise(country, postcode, ":")
    return _codes(
        postcode, codes.postcodes, where, "postcode", "expected a postcode of the postcode table"
    )


def _validate(columns: dict[str, pa.Array], codes: FirmCodes, where: _Where) -> pa.RecordBatch:
    firm = _text(columns["firm_id"], where, "firm_id")
    bad = _first(pc.equal(firm, ""))
    if bad >= 0:
        raise where.fail("expected a firm id, the cell is empty", bad, "firm_id")
    nace_text = pc.utf8_upper(_text(columns["nace"], where, "nace"))
    if codes.classes is not None:
        nace = _codes(
            nace_text,
            codes.classes,
            where,
            "nace",
            "expected a NACE Rev. 2 class such as C1011 or 10.11",
        )
    else:
        bad = _first(pc.invert(pc.match_substring_regex(nace_text, _CLASS_RE.pattern)))
        if bad >= 0:
            raise where.fail(
                f"expected a NACE Rev. 2 class such as C1011, got {nace_text[bad].as_py()!r}",
                bad,
                "nace",
            )
        nace = nace_text
    arrays = [firm, _region(columns, codes, where), nace, _year(columns["year"], where)]
    size = len(firm)
    for name in FIRM_MEASURES:
        if name in columns:
            arrays.append(_number(columns[name], where, name, required=name == "employees"))
        else:
            arrays.append(pa.nulls(size, pa.float64()))
    return pa.RecordBatch.from_arrays(arrays, schema=FIRM_SCHEMA)


def _columns_of(header: list[str], path: Path, csv_file: bool) -> dict[str, str]:
    """Canonical name -> the file's column name; refuses a file missing a required one."""
    by_lower: dict[str, str] = {}
    for name in header:
        by_lower.setdefault(name.strip().lower(), name)
    needed = ["firm_id", "nace", "year", "employees"]
    needed += ["region"] if "region" in by_lower or "postcode" not in by_lower else ["postcode"]
    absent = [n for n in needed if n not in by_lower]
    if absent:
        raise InputError(
            f"the file has no column {absent[0]!r} (columns: {', '.join(header) or 'none'}); "
            f"expected firm_id, region or postcode, nace, year, employees",
            path=path,
            line=1 if csv_file else None,
            field=absent[0],
        )
    wanted = [*needed, *(n for n in ("country", *FIRM_MEASURES) if n in by_lower)]
    return {n: by_lower[n] for n in dict.fromkeys(wanted)}


def _is_parquet(path: Path) -> bool:
    return path.name.lower().endswith((".parquet", ".pq"))


def iter_firm_batches(
    path: str | Path, *, codes: FirmCodes | None = None, batch_rows: int = 1 << 20
) -> Iterator[pa.RecordBatch]:
    """Validated canonical batches (:data:`FIRM_SCHEMA`) of a CSV or Parquet firm file.

    Raises
    ------
    InputError
        Naming file, line or row, and field, at the first bad cell; batches yielded before
        it were valid, so a caller that must be all-or-nothing consumes every batch first.
    """
    path = Path(path)
    codes = codes or FirmCodes()
    if not path.is_file():
        raise InputError("no such file", path=path)
    if _is_parquet(path):
        yield from _parquet_batches(path, codes, batch_rows)
    elif path.name.lower().endswith((".csv", ".csv.gz", ".txt")):
        yield from _csv_batches(path, codes, batch_rows)
    else:
        raise InputError("expected a firm file ending in .csv, .csv.gz or .parquet", path=path)


def _parquet_batches(path: Path, codes: FirmCodes, batch_rows: int) -> Iterator[pa.RecordBatch]:
    where = _Where(path, csv_file=False)
    try:
        parquet = pq.ParquetFile(path)
        names = _columns_of(list(parquet.schema_arrow.names), path, csv_file=False)
        batches = parquet.iter_batches(batch_size=batch_rows, columns=list(names.values()))
        for batch in batches:
            columns = {k: batch.column(v) for k, v in names.items()}
            yield _validate(columns, codes, where)
            where.offset += batch.num_rows
    except (pa.ArrowException, OSError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"not a readable Parquet file: {exc}", path=path) from exc


def _csv_header(path: Path) -> tuple[list[str], str]:
    opener: Any = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            first = handle.readline(1 << 16)
    except (OSError, EOFError) as exc:
        raise InputError(f"cannot read the file: {exc}", path=path, line=1) from exc
    try:
        line = first.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise InputError("the header is not UTF-8 text", path=path, line=1) from exc
    if not line.strip():
        raise InputError("the file is empty", path=path, line=1)
    sep = ";" if line.count(";") > line.count(",") else ","
    header = next(csv.reader([line], delimiter=sep))
    return header, sep


def _csv_batches(path: Path, codes: FirmCodes, batch_rows: int) -> Iterator[pa.RecordBatch]:
    header, sep = _csv_header(path)
    if len(set(header)) != len(header):
        raise InputError("the header names a column twice", path=path, line=1)
    names = _columns_of(header, path, csv_file=True)
    where = _Where(path, csv_file=True)
    bad_row: list[int | None] = []

    def invalid(row: Any) -> str:
        bad_row.append(row.number)
        return "error"

    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(
                block_size=max(1 << 12, batch_rows * 64), use_threads=False
            ),
            parse_options=pacsv.ParseOptions(delimiter=sep, invalid_row_handler=invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.binary() for name in header},
                include_columns=list(names.values()),
                strings_can_be_null=False,
            ),
        )
        for batch in reader:
            columns = {k: batch.column(v) for k, v in names.items()}
            yield _validate(columns, codes, where)
            where.offset += batch.num_rows
    except (pa.ArrowException, OSError, EOFError) as exc:
        line = bad_row[0] if bad_row else None
        message = re.sub(r"^CSV parse error: (Row #\d+: )?", "", str(exc))
        raise InputError(f"cannot parse the CSV: {message}", path=path, line=line) from exc


def firm_batch_reader(
    path: str | Path, *, codes: FirmCodes | None = None, batch_rows: int = 1 << 20
) -> pa.RecordBatchReader:
    """:func:`iter_firm_batches` as an Arrow stream (DuckDB and Arrow consume it lazily)."""
    return pa.RecordBatchReader.from_batches(
        FIRM_SCHEMA, iter_firm_batches(path, codes=codes, batch_rows=batch_rows)
    )


def read_firms(path: str | Path, *, codes: FirmCodes | None = None) -> pd.DataFrame:
    """A whole firm file as a validated frame with the columns of :data:`FIRM_COLUMNS`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "firms.csv"
    >>> _ = p.write_text("firm_id,region,nace,year,employees\\nA1,hu211,C1011,2020,12\\n")
    >>> read_firms(p)[["firm_id", "region", "nace", "year", "employees"]].to_string(index=False)
    'firm_id region  nace  year  employees\\n     A1  HU211 C1011  2020       12.0'
    >>> _ = p.write_text("firm_id,region,nace,year,employees\\nA1,HU211,10.11,2020,12\\n")
    >>> read_firms(p, codes=FirmCodes(classes={"10.11": "C1011"}))["nace"].tolist()
    ['C1011']
    """
    table = pa.Table.from_batches(list(iter_firm_batches(path, codes=codes)), schema=FIRM_SCHEMA)
    frame: pd.DataFrame = table.to_pandas()
    return frame
