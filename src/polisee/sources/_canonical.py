"""The canonical long frame every reader returns, and the report that goes with it."""

from __future__ import annotations

import ctypes
import ctypes.util
import gzip
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal, cast

import numpy as np
import pandas as pd
import pyarrow as pa

from polisee.errors import InputError
from polisee.sources.measures import MEASURES

__all__ = [
    "CANONICAL_COLUMNS",
    "CODE_COLUMNS",
    "DEFAULT_NON_NEGATIVE",
    "FLAG_LETTERS",
    "NUMBER_PATTERN",
    "Keep",
    "ReadReport",
    "ReadResult",
    "Vocabulary",
    "as_categories",
    "canonical_rows",
    "check_codes",
    "classify_regions",
    "count_rows",
    "read_bytes",
    "region_filter",
    "release_memory",
]

Keep = Literal["exclude", "keep"]

NUMBER_PATTERN = r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?"
"""A decimal number as statistics files write it (no thousands separators, no inf/nan)."""

DEFAULT_NON_NEGATIVE = frozenset(
    code for code, m in MEASURES.items() if m.unit in ("number", "persons")
)
"""Measures that must be >= 0 when a reader is not told otherwise: the counts
(local units V11210, persons employed V16110)."""

CANONICAL_COLUMNS = ("dataset", "measure", "region", "industry", "year", "value", "flag")

FLAG_LETTERS = frozenset("bcdefinprsuz")
"""Eurostat observation flags: b break, c confidential, d definition differs, e estimated,
f forecast, i see metadata, n not significant, p provisional, r revised, s Eurostat
estimate, u low reliability, z not applicable."""

_AGGREGATE = re.compile(r"^(EU\d*(_\d{4})?|EA\d*|EFTA|EEA\d*|EU_V|EA_V|[A-Z]{2}_[A-Z_]+)$")
_NUTS = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")


@dataclass
class ReadReport:
    """What a reader saw: counts a user can check against the source.

    Attributes
    ----------
    rows
        Rows of the returned frame (after excluding aggregates / extra-regio codes).
    values_present, missing
        Rows with a value, rows whose value is missing (NaN; ``:`` in Eurostat files).
    flags
        Rows carrying each flag letter (a ``bc`` cell counts for ``b`` and for ``c``).
    flag_combinations
        Rows per cell pattern as Eurostat writes it: ``":"`` missing without flag,
        ``": c"`` missing and confidential, ``"d"`` a value flagged ``d``, ``"bc"`` ...
    excluded, kept
        ``aggregates`` / ``extra_regio``: number of distinct codes excluded or kept;
        ``aggregates_rows`` / ``extra_regio_rows``: rows excluded with them.
    dimensions
        Codes seen per non-geo dimension of the file (``nace_r2``, ``indic_sb``, ...).
    """

    rows: int = 0
    values_present: int = 0
    missing: int = 0
    flags: dict[str, int] = field(default_factory=dict)
    flag_combinations: dict[str, int] = field(default_factory=dict)
    excluded: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)
    dimensions: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class ReadResult:
    """A canonical long frame and its report."""

    frame: pd.DataFrame
    report: ReadReport


def read_bytes(path: Path, *, max_bytes: int) -> bytes:
    """The file's content, decompressed when it is gzip, refused past ``max_bytes``.

    The size limit applies to the file on disk (checked before reading) and to the
    decompressed content (checked while inflating), so a small gzip bomb is refused too.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot open the file: {exc.strerror}", path=path) from exc
    if size > max_bytes:
        raise InputError(
            f"the file is {size:,} bytes, over the limit of {max_bytes:,} bytes "
            "(raise POLISEE_MAX_INPUT_BYTES to load it)",
            path=path,
        )
    if size == 0:
        raise InputError("the file is empty", path=path, line=1)
    try:
        with path.open("rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", path=path) from exc
    if raw[:2] != b"\x1f\x8b":
        if path.name.endswith(".gz"):
            raise InputError("expected a gzip file (.gz), the content is not gzip", path=path)
        return raw
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(raw, max_bytes + 1)
        if len(out) > max_bytes or inflater.unconsumed_tail:
            raise InputError(
                f"the decompressed content is over the limit of {max_bytes:,} bytes", path=path
            )
        if not inflater.eof:
            raise InputError("the gzip file is truncated (incomplete download?)", path=path)
    except (zlib.error, gzip.BadGzipFile, EOFError) as exc:
        raise InputError(f"the gzip file is corrupt: {exc}", path=path) from exc
    if not out:
        raise InputError("the file is empty", path=path, line=1)
    return out


def classify_regions(codes: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Masks (aggregate, extra-regio, not a region code) for an array of geo codes."""
    unique = pd.Series(codes.unique())
    aggregate = unique.str.match(_AGGREGATE.pattern).fillna(False).to_numpy(bool)
    is_nuts = unique.str.match(_NUTS.pattern).fillna(False).to_numpy(bool) & ~aggregate
    extra = (
        is_nuts & (unique.str.len() > 2).to_numpy(bool) & unique.str.endswith("Z").to_numpy(bool)
    )
    lookup_agg = dict(zip(unique, aggregate, strict=True))
    lookup_extra = dict(zip(unique, extra, strict=True))
    lookup_bad = dict(zip(unique, ~(is_nuts | aggregate), strict=True))
    return (
        codes.map(lookup_agg).to_numpy(bool),
        codes.map(lookup_extra).to_numpy(bool),
        codes.map(lookup_bad).to_numpy(bool),
    )


@dataclass(frozen=True)
class Vocabulary:
    """The codes a reader accepts beyond their syntax: countries and NACE codes.

    Built from the classifications (see
    :func:`polisee.sources.classifications.code_vocabulary`). A region code must start with
    a NUTS country (older NUTS versions of such a country are accepted here and reported by
    harmonisation) or be one of :attr:`other_countries` as a whole (``JP``); an industry
    code must be a NACE Rev. 2 code as Eurostat writes it (``C10``, ``G451``), one of
    :attr:`extra_industries`, or a range or join of known codes (``B-E``, ``M_N``).
    """

    countries: frozenset[str]
    industries: frozenset[str]
    other_countries: frozenset[str] = frozenset()
    extra_industries: frozenset[str] = frozenset({"TOTAL", "NRP"})

    def region_known(self, code: str) -> bool:
        """Whether ``code`` is in a NUTS country, or is another country as a whole.

        >>> v = Vocabulary(frozenset({"HU"}), frozenset(), other_countries=frozenset({"JP"}))
        >>> [v.region_known(c) for c in ("HU21", "HU", "JP", "JP1", "QQ1")]
        [True, True, True, False, False]
        """
        return code[:2] in self.countries or code in self.other_countries

    def industry_known(self, code: str) -> bool:
        """Whether ``code`` is a known NACE code, an extra code, or a range/join of known ones.

        >>> v = Vocabulary(frozenset({"HU"}), frozenset({"B", "C", "E", "M", "N", "C10"}))
        >>> [v.industry_known(c) for c in ("C10", "B-E", "M_N", "TOTAL", "C99", "B-Q", "")]
        [True, True, True, True, False, False, False]
        """
        if code in self.industries or code in self.extra_industries:
            return True
        parts = re.split(r"[-_]", code)
        return len(parts) > 1 and all(p in self.industries for p in parts)


def _first_row(values: pd.Series, bad: list[object]) -> int:
    return int(np.flatnonzero(values.isin(bad).to_numpy(bool))[0])


def check_codes(
    vocabulary: Vocabulary | None,
    *,
    regions: pd.Series,
    industries: pd.Series | None,
    path: Path | None,
    region_field: str = "geo",
    industry_field: str = "nace_r2",
) -> None:
    """Refuse a region of an unknown country or an unknown industry code.

    Row ``i`` of the series is line ``i + 2`` of the file. Checked per distinct code, so
    the cost does not grow with the rows. Nothing is checked without a vocabulary.
    """
    if vocabulary is None:
        return
    unique = pd.Series(pd.unique(regions), dtype=object)
    agg, _, _ = classify_regions(unique)
    bad = [c for c, a in zip(unique, agg, strict=True) if not a and not vocabulary.region_known(c)]
    if bad:
        code = str(bad[0])
        raise InputError(
            f"unknown country {code[:2]!r} in region code {code!r}: expected a NUTS code of "
            f"one of {', '.join(sorted(vocabulary.countries))}, another country's ISO code "
            "on its own, or an aggregate such as EU27_2020",
            path=path,
            line=_first_row(regions, bad[:1]) + 2,
            field=region_field,
        )
    if industries is None:
        return
    bad = [c for c in pd.unique(industries) if not vocabulary.industry_known(str(c))]
    if bad:
        raise InputError(
            f"unknown NACE Rev. 2 code {bad[0]!r}: expected a code such as C10, G451, a "
            "section letter, TOTAL, or a range of known codes such as B-E",
            path=path,
            line=_first_row(industries, bad[:1]) + 2,
            field=industry_field,
        )


def region_filter(
    regions: pd.Series,
    report: ReadReport,
    *,
    aggregates: Keep,
    extra_regio: Keep,
    rows_per_code: int = 1,
    path: Path | None = None,
    field: str = "geo",
) -> np.ndarray:
    """Rows to keep, counting aggregates and extra-regio codes in the report.

    Row ``i`` of ``regions`` is taken to be line ``i + 2`` of the file (after the header).
    """
    agg, extra, bad = classify_regions(regions)
    if bool(bad.any()):
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"expected a NUTS or aggregate region code, got {regions.iloc[row]!r}",
            path=path,
            line=row + 2,
            field=field,
        )
    for label, mask, keep in (("aggregates", agg, aggregates), ("extra_regio", extra, extra_regio)):
        n_codes = int(pd.Series(regions[mask]).nunique())
        (report.kept if keep == "keep" else report.excluded)[label] = n_codes
        report.excluded.setdefault(f"{label}_rows", 0)
        if keep == "exclude":
            report.excluded[f"{label}_rows"] = int(mask.sum()) * rows_per_code
    drop = np.zeros(len(regions), dtype=bool)
    if aggregates == "exclude":
        drop |= agg
    if extra_regio == "exclude":
        drop |= extra
    return ~drop


def count_rows(frame: pd.DataFrame, report: ReadReport) -> None:
    """Fill the row, value, flag and flag-combination counts of ``report`` from ``frame``."""
    report.rows = len(frame)
    present = int(frame["value"].notna().sum())
    report.values_present = present
    report.missing = report.rows - present
    counts = frame["flag"].value_counts()
    flags: dict[str, int] = {}
    for combo, n in counts[counts > 0].items():
        for letter in str(combo):
            flags[letter] = flags.get(letter, 0) + int(n)
    report.flags = dict(sorted(flags.items()))
    pairs = pd.DataFrame({"missing": frame["value"].isna().to_numpy(), "flag": frame["flag"]})
    combos: dict[str, int] = {}
    for pair, n in pairs.value_counts(sort=False).items():
        is_missing, flag = cast(tuple[bool, str], pair)
        key = (f": {flag}" if is_missing else str(flag)).strip()
        # Categorical flags also list the combinations that occur only in dropped rows.
        if key and n:
            combos[key] = combos.get(key, 0) + int(n)
    report.flag_combinations = dict(sorted(combos.items()))


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        return cast(Callable[[int], int], ctypes.CDLL(name).malloc_trim) if name else None
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim
        return None


def release_memory() -> None:
    """Give the memory freed by large intermediates back to the operating system.

    Arrow's allocator (mimalloc) and glibc's malloc keep freed pages for reuse; after a
    step that freed a few hundred MB (parsing, harmonising a large file) they would stay
    in the process and add to the peak of the next step, which allocates through the
    other allocator. Dask's workers trim glibc's heap the same way.
    """
    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def canonical_rows(
    path: Path,
    *,
    dataset: str,
    measure: pd.Series,
    region: pd.Series,
    industry: pd.Series | str,
    year_text: pd.Series,
    value_text: pd.Series,
    flags: pd.Series,
    fields: dict[str, str | None],
    missing_tokens: tuple[str, ...] = ("", ":"),
    non_negative: frozenset[str] | set[str] | None = None,
    year_hint: str = "",
) -> pd.DataFrame:
    """Validate the text columns of a row-per-observation table and build the canonical frame.

    Each check names the first offending row: line = row position + 2 (after the header),
    ``fields`` maps ``year``, ``value``, ``flag`` and ``key`` to the file's column names.
    Checks, in order: year, number, flags, non-negative counts, duplicate key.
    """
    lines = np.arange(2, len(year_text) + 2)

    def fail(mask: pd.Series, message: Callable[[int], str], field_key: str) -> None:
        if bool(mask.any()):
            i = int(np.flatnonzero(mask.to_numpy())[0])
            raise InputError(message(i), path=path, line=int(lines[i]), field=fields.get(field_key))

    fail(
        ~year_text.str.fullmatch(r"\d{4}"),
        lambda i: f"expected a year such as 2014, got {year_text.iloc[i]!r}{year_hint}",
        "year",
    )
    missing = value_text.isin(list(missing_tokens))
    fail(
        ~missing & ~value_text.str.fullmatch(NUMBER_PATTERN),
        lambda i: f"expected a number, got {value_text.iloc[i]!r}",
        "value",
    )
    fail(
        ~flags.map(lambda f: set(f) <= FLAG_LETTERS),
        lambda i: f"expected flags among '{''.join(sorted(FLAG_LETTERS))}', got {flags.iloc[i]!r}",
        "flag",
    )
    values = pd.to_numeric(value_text.where(~missing, None), errors="coerce").astype("float64")
    frame = pd.DataFrame(
        {
            "dataset": dataset,
            "measure": measure.to_numpy(object),
            "region": region.to_numpy(object),
            "industry": industry if isinstance(industry, str) else industry.to_numpy(object),
            "year": year_text.astype("int64").to_numpy(),
            "value": values.to_numpy(),
            "flag": flags.to_numpy(object),
        }
    )
    checks = DEFAULT_NON_NEGATIVE if non_negative is None else non_negative
    fail(
        (frame["value"] < 0) & frame["measure"].isin(list(checks)),
        lambda i: (
            f"expected a non-negative count for measure {frame['measure'].iloc[i]}, "
            f"got {value_text.iloc[i]!r}"
        ),
        "value",
    )
    fail(
        frame.duplicated(["measure", "region", "industry", "year"]),
        lambda i: (
            f"the observation {frame['measure'].iloc[i]}, {frame['region'].iloc[i]}, "
            f"{frame['industry'].iloc[i]}, {frame['year'].iloc[i]} occurs twice"
        ),
        "key",
    )
    return as_categories(frame)


CODE_COLUMNS = ("dataset", "measure", "region", "industry", "flag")
"""Canonical columns holding codes: categoricals, as few distinct strings repeat over the rows."""


def as_categories(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its code columns as categoricals (a small integer per row).

    >>> as_categories(pd.DataFrame({"region": ["HU21", "HU21"], "flag": ["", "c"]})).dtypes
    region    category
    flag      category
    dtype: object
    """
    return frame.astype({c: "category" for c in CODE_COLUMNS if c in frame.columns})
