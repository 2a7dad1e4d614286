"""Plain CSV and XLSX tables with a column mapping, to canonical long frames."""

from __future__ import annotations

import io
import re
from collections.abc import Collection, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from polisee.errors import InputError
from polisee.sources._canonical import (
    CANONICAL_COLUMNS,
    Keep,
    ReadReport,
    ReadResult,
    Vocabulary,
    canonical_rows,
    check_codes,
    count_rows,
    read_bytes,
    region_filter,
)

__all__ = ["MAPPING_KEYS", "read_table"]

MAPPING_KEYS = ("region", "industry", "year", "value", "flag", "measure")
"""Canonical fields a mapping may name; ``region``, ``year`` and ``value`` are required."""


def read_table(
    path: str | Path,
    *,
    mapping: Mapping[str, str],
    dataset: str,
    measure: str | None = None,
    industry: str | None = None,
    sheet: str | None = None,
    non_negative: Collection[str] | None = None,
    aggregates: Keep = "exclude",
    extra_regio: Keep = "exclude",
    max_bytes: int = 1 << 30,
    vocabulary: Vocabulary | None = None,
) -> ReadResult:
    """Read a CSV (``,`` or ``;``) or XLSX table whose columns are named by ``mapping``.

    Parameters
    ----------
    mapping
        Canonical field -> column of the file, e.g. ``{"region": "geo", "year": "time",
        "value": "obs"}``; ``measure``, ``industry`` and ``flag`` are optional. A value
        of the form ``=TEXT`` is a constant instead of a column (``{"measure": "=FTE"}``).
    measure, industry
        Constants used when the mapping does not name these fields
        (defaults ``VALUE`` and ``TOTAL``).
    sheet
        XLSX sheet name (default the first sheet).
    non_negative
        Measures whose values must be >= 0; default the SBS counts ``V11210`` (local
        units) and ``V16110`` (persons employed). Pass an empty set to check nothing.
    aggregates, extra_regio
        Whether EU/euro-area aggregates (``EU28``) and extra-regio codes (``HUZZ``) are
        kept or excluded; the report counts them either way.
    max_bytes
        Larger files are refused before reading.
    vocabulary
        Known country prefixes and NACE codes; an unknown one is refused with its line.

    Returns
    -------
    ReadResult
        The canonical frame (``dataset, measure, region, industry, year, value, flag``)
        and its :class:`~polisee.sources._canonical.ReadReport`.

    Raises
    ------
    InputError
        Naming file, line (1-based, header = line 1) and column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "rd.csv"
    >>> _ = p.write_text("geo,time,values\\nHU21,2018,1200.5\\nHU22,2018,\\n")
    >>> r = read_table(p, mapping={"region": "geo", "year": "time", "value": "values"},
    ...                dataset="rd", measure="FTE")
    >>> r.frame[["region", "year", "value"]].to_string(index=False)
    'region  year  value\\n  HU21  2018 1200.5\\n  HU22  2018    NaN'
    """
    path = Path(path)
    unknown = sorted(set(mapping) - set(MAPPING_KEYS))
    if unknown:
        raise InputError(
            f"unknown mapping keys {unknown}; expected among {list(MAPPING_KEYS)}", field=unknown[0]
        )
    for needed in ("region", "year", "value"):
        if needed not in mapping:
            raise InputError(f"the mapping must name the {needed!r} column", field=needed)
    table = _load(path, sheet=sheet, max_bytes=max_bytes)
    constants = {k: v[1:] for k, v in mapping.items() if v.startswith("=")}
    columns = {k: v for k, v in mapping.items() if not v.startswith("=")}
    absent = [c for c in columns.values() if c not in table.columns]
    if absent:
        raise InputError(
            f"the file has no column {absent[0]!r} (columns: {', '.join(map(str, table.columns))})",
            path=path,
            line=1,
            field=absent[0],
        )
    if table.empty:
        raise InputError("the table has a header but no data rows", path=path, line=2)
    lines = np.arange(2, len(table) + 2)

    def text(key: str, default: str) -> pd.Series:
        if key in columns:
            return table[columns[key]].fillna("").astype(str).str.strip()
        return pd.Series(constants.get(key, default), index=table.index, dtype=object)

    region = text("region", "")
    blank = region == ""
    if bool(blank.any()):
        i = int(np.flatnonzero(blank.to_numpy())[0])
        raise InputError(
            "expected a region code, the cell is empty",
            path=path,
            line=int(lines[i]),
            field=columns["region"],
        )
    frame = canonical_rows(
        path,
        dataset=dataset,
        measure=text("measure", measure or "VALUE"),
        region=region,
        industry=text("industry", industry or "TOTAL"),
        year_text=text("year", "").str.replace(r"\.0$", "", regex=True),
        value_text=text("value", ""),
        flags=text("flag", ""),
        fields={
            "year": columns["year"],
            "value": columns["value"],
            "flag": columns.get("flag"),
            "key": columns["region"],
        },
        missing_tokens=("", ":", "NA", "NaN", "nan"),
        non_negative=None if non_negative is None else set(non_negative),
    )
    report = ReadReport()
    keep = region_filter(
        frame["region"],
        report,
        aggregates=aggregates,
        extra_regio=extra_regio,
        path=path,
        field=columns["region"],
    )
    check_codes(
        vocabulary,
        regions=frame["region"],
        industries=frame["industry"],
        path=path,
        region_field=columns["region"],
        industry_field=columns.get("industry", "industry"),
    )
    frame = frame[keep].reset_index(drop=True)
    count_rows(frame, report)
    return ReadResult(frame.loc[:, list(CANONICAL_COLUMNS)], report)


def _load(path: Path, *, sheet: str | None, max_bytes: int) -> pd.DataFrame:
    name = path.name.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return _load_xlsx(path, sheet=sheet, max_bytes=max_bytes)
    raw = read_bytes(path, max_bytes=max_bytes)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("the file is not UTF-8 text", path=path, line=line) from exc
    first = text.split("\n", 1)[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    try:
        return pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_values=[]
        )
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise InputError(
            f"cannot parse the CSV: {exc}", path=path, line=int(match.group(1)) if match else None
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise InputError("the file is empty", path=path, line=1) from exc


def _load_xlsx(path: Path, *, sheet: str | None, max_bytes: int) -> pd.DataFrame:
    import zipfile

    from openpyxl import load_workbook

    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot open the file: {exc.strerror}", path=path) from exc
    if size > max_bytes:
        raise InputError(
            f"the file is {size:,} bytes, over the limit of {max_bytes:,} bytes", path=path
        )
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(f"not a readable XLSX workbook: {exc}", path=path) from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InputError(
                f"no sheet {sheet!r} (sheets: {', '.join(book.sheetnames)})",
                path=path,
                field="sheet",
            )
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
    finally:
        book.close()
    if not rows:
        raise InputError("the sheet is empty", path=path, line=1)
    header = ["" if c is None else str(c).strip() for c in rows[0]]
    body = [["" if c is None else str(c) for c in row] for row in rows[1:]]
    return pd.DataFrame(body, columns=header, dtype=object)
