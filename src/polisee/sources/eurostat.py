"""Eurostat files: bulk TSV (``.tsv``/``.tsv.gz``) and SDMX-CSV, to canonical long frames.

The canonical frame has the columns ``dataset, measure, region, industry, year,
value, flag``: ``value`` is float64 with NaN for ``:`` (not available — never zero),
``flag`` keeps Eurostat's observation flags (``c`` confidential, ``b`` break, ...)
per value, ``measure`` joins the dimensions other than geo, industry and time with
``.`` (``V16110``; ``THS.Y15-64``) and ``industry`` is the ``nace_r2`` code as
Eurostat writes it, or ``TOTAL`` for datasets without an activity dimension. The code
columns (``dataset, measure, region, industry, flag``) are pandas categoricals: a large
file repeats a few hundred codes over millions of rows, and a small integer per row keeps
a full load well within memory.
"""

from __future__ import annotations

import io
from collections.abc import Collection
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from polisee.errors import InputError
from polisee.sources._canonical import (
    CANONICAL_COLUMNS,
    DEFAULT_NON_NEGATIVE,
    FLAG_LETTERS,
    NUMBER_PATTERN,
    Keep,
    ReadReport,
    ReadResult,
    Vocabulary,
    canonical_rows,
    check_codes,
    count_rows,
    read_bytes,
    region_filter,
    release_memory,
)

__all__ = ["ReadReport", "ReadResult", "read_eurostat_tsv", "read_sdmx_csv"]

INDUSTRY_DIMENSIONS = ("nace_r2", "nace_r1", "nace", "nace_r21")


def read_eurostat_tsv(
    path: str | Path,
    *,
    dataset: str | None = None,
    aggregates: Keep = "exclude",
    extra_regio: Keep = "exclude",
    non_negative: Collection[str] | None = None,
    max_bytes: int = 1 << 30,
    vocabulary: Vocabulary | None = None,
) -> ReadResult:
    """Read a Eurostat bulk TSV file.

    Parameters
    ----------
    path
        ``.tsv`` or ``.tsv.gz``; the first column is a comma-joined key whose header
        ends in ``geo\\time`` (or ``geo\\TIME_PERIOD``), then one column per year.
    dataset
        Dataset name; default the file name before its first dot (``sbs_r_nuts06_r2``).
    aggregates, extra_regio
        Whether EU/euro-area aggregates (``EU28``, ``EA19``) and extra-regio codes
        (``CZZ``, ``CZZZ``) are kept or excluded; either way the report counts them.
    non_negative
        Measures whose values must be >= 0 (counts such as persons employed). Default:
        the SBS counts ``V11210`` (local units) and ``V16110`` (persons employed).
    max_bytes
        Files (or their decompressed content) larger than this are refused.
    vocabulary
        Known country prefixes and NACE codes; without it only the syntax of codes is
        checked.

    Returns
    -------
    ReadResult
        The canonical frame and a :class:`ReadReport`.

    Raises
    ------
    InputError
        Naming file, 1-based line and field: not gzip or truncated, no ``geo\\time``
        header, a year header like ``20l4``, a wrong number of cells, a cell like
        ``12x``, an unknown flag, a negative count, a key occurring twice, an unknown
        country or NACE code (with a vocabulary).
    """
    path = Path(path)
    name = dataset or path.name.split(".")[0]
    checks = DEFAULT_NON_NEGATIVE if non_negative is None else set(non_negative)
    raw = read_bytes(path, max_bytes=max_bytes)
    header_end = raw.find(b"\n")
    header_line = raw[: header_end if header_end >= 0 else len(raw)].rstrip(b"\r")
    try:
        header = header_line.decode("utf-8").split("\t")
    except UnicodeDecodeError as exc:
        raise InputError("the header is not UTF-8 text", path=path, line=1) from exc
    dims, years = _parse_header(header, path)
    table = _parse_body(raw, header_end, len(header), path)
    del raw
    if table.num_rows == 0:
        raise InputError("the file has a header but no data lines", path=path, line=2)

    keys = table.column(0).combine_chunks()
    parts = pc.split_pattern(keys, ",")
    lengths = pc.list_value_length(parts).to_numpy(zero_copy_only=False)
    bad = np.flatnonzero(lengths != len(dims))
    if bad.size:
        row = int(bad[0])
        raise InputError(
            f"expected {len(dims)} comma-separated codes ({','.join(dims)}), got {keys[row].as_py()!r}",
            path=path,
            line=row + 2,
            field=header[0],
        )
    # Codes stay in Arrow: 195k series x 3 dimensions as Python strings cost ~100 MB.
    flat = pc.list_flatten(parts)
    del parts
    codes = {
        d: pc.utf8_trim_whitespace(pc.take(flat, pa.array(np.arange(i, len(flat), len(dims)))))
        for i, d in enumerate(dims)
    }
    del flat
    joined = pc.binary_join_element_wise(*codes.values(), ",")
    if pc.count_distinct(joined).as_py() != len(joined):
        dup = pd.Series(joined.to_numpy(zero_copy_only=False)).duplicated().to_numpy()
        row = int(np.flatnonzero(dup)[0])
        raise InputError(
            f"the key {keys[row].as_py()!r} occurs twice", path=path, line=row + 2, field=header[0]
        )
    del joined, keys

    industry_dim = next((d for d in dims if d in INDUSTRY_DIMENSIONS), None)
    measure_dims = [d for d in dims if d not in ("geo", industry_dim, "freq")]
    n_series, n_years = table.num_rows, len(years)

    # Cells of every year column, stacked year by year: index = year_idx * n_series + row.
    cells = pa.chunked_array(
        [chunk for col in table.columns[1:] for chunk in col.chunks], type=pa.string()
    ).combine_chunks()
    value_text, flag_text = _split_cells(cells)
    # The parsed text is not needed past this point; freeing it early lowers the peak of
    # everything below (it is several times the size of the file).
    del cells, table
    missing = pc.equal(value_text, ":").to_numpy(zero_copy_only=False)
    empty = np.flatnonzero(pc.equal(value_text, "").to_numpy(zero_copy_only=False))
    if empty.size:
        _raise_cell(
            path,
            empty[0],
            n_series,
            header,
            years,
            value_text,
            "expected a number or ':' (missing), the cell is empty",
        )
    try:
        values = pc.cast(pc.if_else(pa.array(missing), None, value_text), pa.float64()).to_numpy(
            zero_copy_only=False
        )
        bad_cells = np.flatnonzero(~missing & ~np.isfinite(values))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        numeric_ok = pc.match_substring_regex(value_text, f"^{NUMBER_PATTERN}$").to_numpy(
            zero_copy_only=False
        )
        bad_cells = np.flatnonzero(~(missing | numeric_ok))
    if bad_cells.size:
        _raise_cell(
            path, bad_cells[0], n_series, header, years, value_text, "expected a number or ':'"
        )
    for combo in pc.unique(flag_text).to_pylist():
        if combo is not None and not set(combo) <= FLAG_LETTERS:
            index = int(
                np.flatnonzero(pc.equal(flag_text, combo).to_numpy(zero_copy_only=False))[0]
            )
            _raise_cell(
                path,
                index,
                n_series,
                header,
                years,
                flag_text,
                f"expected flags among '{''.join(sorted(FLAG_LETTERS))}'",
            )

    if measure_dims:
        measure_codes = (
            pc.binary_join_element_wise(*(codes[d] for d in measure_dims), ".")
            if len(measure_dims) > 1
            else codes[measure_dims[0]]
        )
    else:
        measure_codes = pa.array(["VALUE"] * n_series, pa.string())
    if checks:
        counts = pc.is_in(measure_codes, value_set=pa.array(sorted(checks), pa.string()))
        is_count = np.tile(counts.to_numpy(zero_copy_only=False), n_years)
        negative = np.flatnonzero((values < 0) & is_count)
        if negative.size:
            _raise_cell(
                path,
                negative[0],
                n_series,
                header,
                years,
                value_text,
                "expected a non-negative count for measure "
                f"{measure_codes[int(negative[0]) % n_series].as_py()}",
            )
    del value_text, missing
    release_memory()

    # Regions are classified once per series, then whole series are kept or dropped.
    report = ReadReport(
        dimensions={d: sorted(pc.unique(codes[d]).to_pylist()) for d in dims if d != "geo"}
    )
    geo = pd.Series(codes["geo"].to_numpy(zero_copy_only=False), dtype=object)
    keep_series = region_filter(
        geo,
        report,
        aggregates=aggregates,
        extra_regio=extra_regio,
        rows_per_code=n_years,
        path=path,
    )
    check_codes(
        vocabulary,
        regions=geo,
        industries=(
            pd.Series(codes[industry_dim].to_numpy(zero_copy_only=False), dtype=object)
            if industry_dim
            else None
        ),
        path=path,
        industry_field=industry_dim or "nace_r2",
    )
    del geo
    series_idx = np.flatnonzero(keep_series)
    n_kept = len(series_idx)
    cell_idx = (
        np.arange(n_years, dtype=np.int64)[:, None] * n_series + series_idx[None, :]
    ).ravel()
    series_take = pa.array(np.tile(series_idx, n_years))

    # Codes and flags stay dictionary-encoded (pandas categoricals): a handful of distinct
    # strings repeated over millions of rows cost a small integer per row instead of a
    # string each, which is most of the memory of a large load.
    def per_row(per_series: pa.Array) -> pa.DictionaryArray:
        encoded = pc.dictionary_encode(per_series)
        return pa.DictionaryArray.from_arrays(
            pc.take(encoded.indices, series_take), encoded.dictionary
        )

    flags_encoded = pc.dictionary_encode(flag_text)
    columns = {
        "dataset": pa.DictionaryArray.from_arrays(
            pa.array(np.zeros(n_kept * n_years, dtype=np.int32)), pa.array([name])
        ),
        "measure": per_row(measure_codes),
        "region": per_row(codes["geo"]),
        "industry": per_row(
            codes[industry_dim] if industry_dim else pa.array(["TOTAL"] * n_series, pa.string())
        ),
        "year": pa.array(np.repeat(np.asarray(years, dtype=np.int64), n_kept)),
        "value": pa.array(values[cell_idx]),
        "flag": pa.DictionaryArray.from_arrays(
            pc.take(flags_encoded.indices, pa.array(cell_idx)), flags_encoded.dictionary
        ),
    }
    del flag_text, flags_encoded
    # self_destruct frees each Arrow column as soon as pandas holds it: one copy at a time.
    out = pa.table(columns)
    del columns
    frame = out.to_pandas(self_destruct=True)
    del out
    # The intermediates above (several times the frame) would otherwise stay with the
    # allocators and add to the peak of the counting below and of the caller's next step.
    release_memory()
    count_rows(frame, report)
    release_memory()
    return ReadResult(frame.reset_index(drop=True), report)


def _parse_header(header: list[str], path: Path) -> tuple[list[str], list[int]]:
    first = header[0].strip()
    lowered = first.lower()
    if not (lowered.endswith(("geo\\time", "geo\\time_period"))):
        raise InputError(
            f"expected the first header cell to end in 'geo\\time' (Eurostat bulk TSV), got {first[:60]!r}",
            path=path,
            line=1,
            field="header",
        )
    dims = [d.strip() for d in first.rsplit("\\", 1)[0].split(",")]
    if dims[-1] != "geo":
        raise InputError(
            f"expected the last dimension before '\\time' to be 'geo', got {dims[-1]!r}",
            path=path,
            line=1,
            field="header",
        )
    if len(set(dims)) != len(dims) or not all(dims):
        raise InputError(
            f"expected distinct dimension names, got {dims}", path=path, line=1, field="header"
        )
    years = []
    for cell in header[1:]:
        text = cell.strip()
        if not (len(text) == 4 and text.isdigit()):
            raise InputError(
                f"expected a year such as 2014, got {text!r} (only annual data is supported)",
                path=path,
                line=1,
                field=text or "header",
            )
        years.append(int(text))
    if not years:
        raise InputError("expected at least one year column", path=path, line=1, field="header")
    if len(set(years)) != len(years):
        raise InputError("a year column occurs twice", path=path, line=1, field="header")
    return dims, years


def _parse_body(raw: bytes, header_end: int, n_columns: int, path: Path) -> pa.Table:
    if header_end < 0:
        raise InputError("the file has a header but no data lines", path=path, line=2)
    body = raw[header_end + 1 :]
    if not body.strip():
        raise InputError("the file has a header but no data lines", path=path, line=2)
    options = pacsv.ReadOptions(
        column_names=[f"c{i}" for i in range(n_columns)],
        block_size=1 << 24,
        # Blank lines are errors, not skipped: skipping would shift every later line number.
        skip_rows=0,
    )
    parse = pacsv.ParseOptions(
        delimiter="\t", quote_char=False, newlines_in_values=False, ignore_empty_lines=False
    )
    convert = pacsv.ConvertOptions(
        column_types={f"c{i}": pa.string() for i in range(n_columns)},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        null_values=[],
    )
    try:
        return pacsv.read_csv(
            io.BytesIO(body), read_options=options, parse_options=parse, convert_options=convert
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        line, field, message = _locate_body_error(body, n_columns)
        raise InputError(
            message or f"cannot parse the file: {exc}", path=path, line=line, field=field
        ) from exc


def _locate_body_error(body: bytes, n_columns: int) -> tuple[int | None, str | None, str]:
    """Find the first line whose cell count or encoding is wrong (error path only)."""
    lines = body.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the newline ending the last line
    for number, line in enumerate(lines, start=2):
        if not line.strip(b"\r"):
            return number, None, f"the line is empty; expected {n_columns} tab-separated cells"
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            return number, None, "the line is not UTF-8 text"
        cells = line.rstrip(b"\r").count(b"\t") + 1
        if cells != n_columns:
            return number, None, f"expected {n_columns} tab-separated cells, got {cells}"
    return None, None, ""


def _split_cells(cells: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Split ``'1234 d'`` into value text ``'1234'`` and flag text ``'d'``.

    Only cells holding a space carry flags (a minority), so only those are split.
    """
    trimmed = pc.utf8_trim_whitespace(cells)
    has_space = pc.match_substring(trimmed, " ")
    positions = np.flatnonzero(has_space.to_numpy(zero_copy_only=False))
    flag_text = pa.nulls(len(cells), pa.string()).fill_null("")
    if positions.size == 0:
        return trimmed, flag_text
    parts = pc.split_pattern(pc.take(trimmed, pa.array(positions)), " ", max_splits=1)
    value_text = pc.replace_with_mask(trimmed, has_space, pc.list_element(parts, 0))
    flags = pc.utf8_trim_whitespace(pc.list_element(parts, 1))
    return value_text, pc.replace_with_mask(flag_text, has_space, flags)


def _raise_cell(
    path: Path,
    index: int,
    n_series: int,
    header: list[str],
    years: list[int],
    texts: pa.Array,
    expectation: str,
) -> None:
    row, col = int(index) % n_series, int(index) // n_series
    raise InputError(
        f"{expectation}, got {texts[int(index)].as_py()!r}",
        path=path,
        line=row + 2,
        field=str(years[col]),
    )


def _filter_regions(
    frame: pd.DataFrame,
    report: ReadReport,
    *,
    aggregates: Keep,
    extra_regio: Keep,
    path: Path,
    vocabulary: Vocabulary | None,
    industry_field: str | None,
) -> pd.DataFrame:
    keep = region_filter(
        frame["region"], report, aggregates=aggregates, extra_regio=extra_regio, path=path
    )
    check_codes(
        vocabulary,
        regions=frame["region"],
        industries=frame["industry"] if industry_field else None,
        path=path,
        industry_field=industry_field or "nace_r2",
    )
    return frame if bool(keep.all()) else frame[keep]


def read_sdmx_csv(
    path: str | Path,
    *,
    dataset: str | None = None,
    aggregates: Keep = "exclude",
    extra_regio: Keep = "exclude",
    non_negative: Collection[str] | None = None,
    max_bytes: int = 1 << 30,
    vocabulary: Vocabulary | None = None,
) -> ReadResult:
    """Read SDMX-CSV as the Eurostat dissemination API returns it (1.0 and 2.0 layouts).

    Columns ``DATAFLOW`` (or ``STRUCTURE, STRUCTURE_ID[, ACTION]``), ``LAST UPDATE``,
    ``freq``, the dataset's dimensions, ``geo``, ``TIME_PERIOD``, ``OBS_VALUE`` and
    ``OBS_FLAG``. Only annual data (``TIME_PERIOD`` = a year) is supported.

    Raises
    ------
    InputError
        Naming file, line and column, as :func:`read_eurostat_tsv`.
    """
    path = Path(path)
    raw = read_bytes(path, max_bytes=max_bytes)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("the file is not UTF-8 text", path=path) from exc
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[])
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise InputError(f"cannot parse the CSV: {exc}", path=path) from exc
    required = {"geo", "TIME_PERIOD", "OBS_VALUE"}
    missing_cols = sorted(required - set(frame.columns))
    if missing_cols:
        raise InputError(
            f"expected SDMX-CSV columns {sorted(required)}, missing {missing_cols}",
            path=path,
            line=1,
            field=missing_cols[0],
        )
    if frame.empty:
        raise InputError("the file has a header but no data lines", path=path, line=2)
    meta = {
        "DATAFLOW",
        "STRUCTURE",
        "STRUCTURE_ID",
        "STRUCTURE_NAME",
        "ACTION",
        "LAST UPDATE",
        "freq",
        "CONF_STATUS",
        "OBS_FLAG",
        "OBS_VALUE",
        "TIME_PERIOD",
        "geo",
    }
    dims = [c for c in frame.columns if c not in meta and not c.endswith("_label")]
    if dataset is None:
        flow = frame.get("DATAFLOW", frame.get("STRUCTURE_ID"))
        dataset = (
            str(flow.iloc[0]).split(":")[-1].split("(")[0].lower()
            if flow is not None
            else path.name.split(".")[0]
        )
    industry_dim = next((d for d in dims if d in INDUSTRY_DIMENSIONS), None)
    measure_dims = [d for d in dims if d != industry_dim]
    measure = (
        frame[measure_dims].astype(str).agg(".".join, axis=1)
        if measure_dims
        else pd.Series("VALUE", index=frame.index)
    )
    flags = (
        frame["OBS_FLAG"].str.strip() if "OBS_FLAG" in frame else pd.Series("", index=frame.index)
    )
    out = canonical_rows(
        path,
        dataset=dataset,
        measure=measure,
        region=frame["geo"].str.strip(),
        industry=frame[industry_dim] if industry_dim else "TOTAL",
        year_text=frame["TIME_PERIOD"].str.strip(),
        value_text=frame["OBS_VALUE"].str.strip(),
        flags=flags,
        fields={"year": "TIME_PERIOD", "value": "OBS_VALUE", "flag": "OBS_FLAG", "key": "geo"},
        non_negative=None if non_negative is None else set(non_negative),
        year_hint=" (only annual data is supported)",
    )
    report = ReadReport(dimensions={d: sorted(frame[d].unique()) for d in dims})
    out = _filter_regions(
        out,
        report,
        aggregates=aggregates,
        extra_regio=extra_regio,
        path=path,
        vocabulary=vocabulary,
        industry_field=industry_dim,
    )
    count_rows(out, report)
    return ReadResult(out.loc[:, list(CANONICAL_COLUMNS)].reset_index(drop=True), report)
