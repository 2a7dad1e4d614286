"""Environmental accounts to canonical frames: JRC/WIOD CO2 by industry and EGSS employment.

Both files are national (one row per country), so their ``region`` is a country code.
The Eurostat air-emission accounts by NACE section (``env_ac_ainah_r2``, tidy CSV) need
no reader of their own: they are a plain table read with a column mapping (see
``services/demo.py``).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from polisee.errors import InputError
from polisee.sources._canonical import (
    CANONICAL_COLUMNS,
    ReadReport,
    ReadResult,
    Vocabulary,
    canonical_rows,
    check_codes,
    count_rows,
    read_bytes,
    region_filter,
)

__all__ = [
    "CO2_MEASURE",
    "EGSS_MEASURES",
    "JRC_BREAK_YEAR",
    "read_egss",
    "read_jrc_co2",
]

CO2_MEASURE = "CO2_KT"
"""CO2 emissions in thousand tonnes (JRC/WIOD emission accounts)."""

JRC_BREAK_YEAR = 2008
"""First year of the JRC series that follows Eurostat's air emission accounts; the years
before are JRC estimates with another allocation (flag ``e``), 2008 carries the break
flag ``b``. Growth rates across 2007/2008 are not meaningful."""

EGSS_MEASURES = {"TOT_EGSS": "EGSS_EMP", "MKT": "EGSS_EMP_MKT"}
"""EGSS type of output -> measure: all environmental goods and services employment, and
the part producing market output (the part most countries report)."""

_HOUSEHOLDS = "FC_HH"
_REST_OF_WORLD = "ROW"


def _table(path: Path, required: tuple[str, ...], max_bytes: int) -> pd.DataFrame:
    raw = read_bytes(path, max_bytes=max_bytes)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("the file is not UTF-8 text", path=path, line=line) from exc
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[])
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot parse the CSV: {exc}", path=path) from exc
    for column in required:
        if column not in table.columns:
            raise InputError(
                f"expected a column {column!r}, got {list(table.columns)[:12]}",
                path=path,
                line=1,
                field=column,
            )
    if table.empty:
        raise InputError("the table has a header but no data rows", path=path, line=2)
    return table


def read_jrc_co2(
    path: str | Path,
    *,
    dataset: str = "jrc_wiod_co2",
    max_bytes: int = 1 << 30,
    vocabulary: Vocabulary | None = None,
) -> ReadResult:
    """Read the long CSV of the JRC/WIOD CO2 emission accounts (Corsatea et al. 2019).

    Parameters
    ----------
    path
        ``jrc_wiod_co2_by_industry_2000_2016_long.csv(.gz)`` with the columns ``geo``,
        ``industry_code``, ``year`` and ``co2_kt``.
    dataset
        Name of the dataset in the canonical frame.
    max_bytes, vocabulary
        As for the other readers: a size limit, and the known countries and NACE codes.

    Returns
    -------
    ReadResult
        Measure ``CO2_KT`` (thousand tonnes of CO2) by country (``region``), WIOD industry
        (``industry``: ``C10-C12``, ``D35``, ``R_S`` ...) and year. Years before 2008 are
        flagged ``e`` (JRC estimates) and 2008 ``b`` (break in series).

    Notes
    -----
    Household direct emissions (``FC_HH``) are not an industry and the rest of the world
    (``ROW``) is not a country: both are left out and counted in the report's
    ``excluded``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "co2.csv"
    >>> _ = p.write_text("country_iso3,geo,industry_code,industry_label,year,co2_kt\\n"
    ...                  "AUT,AT,C19,Refining,2007,410.7\\nAUT,AT,C19,Refining,2008,2807.4\\n"
    ...                  "AUT,AT,FC_HH,Households,2008,9000\\n")
    >>> r = read_jrc_co2(p)
    >>> r.frame[["region", "industry", "year", "value", "flag"]].to_string(index=False)
    'region industry  year  value flag\\n    AT      C19  2007  410.7    e\\n    AT      C19  2008 2807.4    b'
    >>> r.report.excluded["households_rows"]
    1
    """
    path = Path(path)
    table = _table(path, ("geo", "industry_code", "year", "co2_kt"), max_bytes)
    table = table.apply(lambda column: column.str.strip())
    households = table["industry_code"] == _HOUSEHOLDS
    rest = table["geo"] == _REST_OF_WORLD
    year_number = pd.to_numeric(table["year"], errors="coerce")
    flags = np.where(
        year_number < JRC_BREAK_YEAR, "e", np.where(year_number == JRC_BREAK_YEAR, "b", "")
    )
    frame = canonical_rows(
        path,
        dataset=dataset,
        measure=pd.Series(CO2_MEASURE, index=table.index, dtype=object),
        region=table["geo"],
        industry=table["industry_code"],
        year_text=table["year"],
        value_text=table["co2_kt"],
        flags=pd.Series(flags, index=table.index, dtype=object),
        fields={"year": "year", "value": "co2_kt", "flag": None, "key": "geo"},
        non_negative=frozenset({CO2_MEASURE}),
    )
    report = ReadReport()
    report.excluded["households_rows"] = int(households.sum())
    report.excluded["rest_of_world_rows"] = int(rest.sum())
    keep = ~(households | rest).to_numpy()
    frame = frame[keep].reset_index(drop=True)
    keep_regions = region_filter(
        frame["region"].astype(str),
        report,
        aggregates="exclude",
        extra_regio="exclude",
        path=path,
        field="geo",
    )
    check_codes(
        vocabulary,
        regions=frame["region"].astype(str),
        industries=frame["industry"].astype(str),
        path=path,
        region_field="geo",
        industry_field="industry_code",
    )
    frame = frame[keep_regions].reset_index(drop=True)
    count_rows(frame, report)
    report.dimensions["industry_code"] = sorted(map(str, frame["industry"].unique()))
    return ReadResult(frame.loc[:, list(CANONICAL_COLUMNS)], report)


def read_egss(
    path: str | Path,
    *,
    dataset: str = "egss",
    max_bytes: int = 1 << 30,
    vocabulary: Vocabulary | None = None,
) -> ReadResult:
    """Read EGSS employment (FTE) by NACE Rev. 2 from the countries' MDT transmission file.

    Parameters
    ----------
    path
        ``egss_mdt_by_nace_cepa_crema.csv(.gz)`` with the columns ``geo, year, indic_pi,
        unit, nace_r2, ceparema, ty, obs_value, obs_status``.
    dataset, max_bytes, vocabulary
        As for the other readers.

    Returns
    -------
    ReadResult
        Employment in the environmental goods and services sector, full-time equivalents,
        all environmental domains together (``ceparema`` = ``TOTAL``): measure
        ``EGSS_EMP`` for the whole sector (``ty`` = ``TOT_EGSS``) and ``EGSS_EMP_MKT`` for
        its market output (``ty`` = ``MKT``), by country and ``nace_r2`` code (``TOTAL``,
        sections and the A*64-like groupings such as ``C22_C23``).

    Notes
    -----
    Observation status ``L`` ("data exist but were not collected") carries zeros that
    mean "not reported": such cells are kept as missing values and counted in the
    report's ``excluded["not_collected_values"]``. The other statuses become flags
    (``E`` -> ``e``, ``P`` -> ``p``, ``B`` -> ``b``). Output, value added and exports (in
    national currency) are not read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "egss.csv"
    >>> _ = p.write_text(
    ...     "geo,year,indic_pi,unit,nace_r2,ceparema,ty,obs_value,obs_status\\n"
    ...     "HU,2014,EMP,FTE,TOTAL,TOTAL,MKT,33725.6,\\n"
    ...     "HU,2014,EMP,FTE,L,TOTAL,MKT,0.0,L\\n"
    ...     "HU,2014,EMP,FTE,E,CEPA1,TOT_EGSS,12.0,\\n"
    ...     "DE,2014,EMP,FTE,E,TOTAL,TOT_EGSS,214530.7,E\\n")
    >>> r = read_egss(p)
    >>> r.frame[["measure", "region", "industry", "value", "flag"]].to_string(index=False)
    '     measure region industry    value flag\\n    EGSS_EMP     DE        E 214530.7    e\\nEGSS_EMP_MKT     HU        L      NaN     \\nEGSS_EMP_MKT     HU    TOTAL  33725.6     '
    """
    path = Path(path)
    required = ("geo", "year", "indic_pi", "unit", "nace_r2", "ceparema", "ty", "obs_value")
    table = _table(path, required, max_bytes)
    if "obs_status" not in table.columns:
        table["obs_status"] = ""
    wanted = (
        (table["indic_pi"] == "EMP")
        & (table["unit"] == "FTE")
        & (table["ceparema"] == "TOTAL")
        & table["ty"].isin(list(EGSS_MEASURES))
    )
    table = table[wanted.to_numpy()].reset_index(drop=True)
    if table.empty:
        raise InputError(
            "no EGSS employment rows (indic_pi EMP, unit FTE, ceparema TOTAL, ty TOT_EGSS or MKT)",
            path=path,
        )
    status = table["obs_status"].str.strip().str.upper()
    not_collected = status.str.contains("L", regex=False)
    values = table["obs_value"].str.strip().where(~not_collected, "")
    flags = status.str.replace("L", "", regex=False).str.lower()
    frame = canonical_rows(
        path,
        dataset=dataset,
        measure=table["ty"].map(EGSS_MEASURES),
        region=table["geo"].str.strip(),
        industry=table["nace_r2"].str.strip(),
        year_text=table["year"].str.strip(),
        value_text=values,
        flags=flags,
        fields={"year": "year", "value": "obs_value", "flag": "obs_status", "key": "geo"},
        non_negative=frozenset(EGSS_MEASURES.values()),
    )
    report = ReadReport()
    report.excluded["not_collected_values"] = int(not_collected.sum())
    keep = region_filter(
        frame["region"].astype(str),
        report,
        aggregates="exclude",
        extra_regio="exclude",
        path=path,
        field="geo",
    )
    check_codes(
        vocabulary,
        regions=frame["region"].astype(str),
        industries=frame["industry"].astype(str),
        path=path,
        region_field="geo",
        industry_field="nace_r2",
    )
    frame = frame[keep].reset_index(drop=True)
    frame = frame.sort_values(["measure", "region", "industry", "year"], kind="stable")
    frame = frame.reset_index(drop=True)
    count_rows(frame, report)
    return ReadResult(frame.loc[:, list(CANONICAL_COLUMNS)], report)
