"""The canonical long frame every reader returns, and the report that goes with it."""

from __future__ import annotations

import gzip
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from polisee.errors import InputError

__all__ = [
    "CANONICAL_COLUMNS",
    "FLAG_LETTERS",
    "ReadReport",
    "ReadResult",
    "classify_regions",
    "read_bytes",
]

CANONICAL_COLUMNS = ("dataset", "measure", "region", "industry", "year", "value", "flag")

FLAG_LETTERS = frozenset("bcdefinprsuz")
"""Eurostat observation flags: b break, c confidential, d definition differs, e estimated,
f forecast, i see metadata, n not significant, p provisional, r revised, s Eurostat
estimate, u low reliability, z not applicable."""

_AGGREGATE = re.compile(r"^(EU\d*(_\d{4})?|EA\d*|EFTA|EEA\d*|EU_V|EA_V|[A-Z]{2}_[A-Z_]+)$")
_NUTS = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")


@dataclass
class ReadReport:
    """What a reader saw: counts a user can check against the source."""

    rows: int = 0
    values_present: int = 0
    missing: int = 0
    flags: dict[str, int] = field(default_factory=dict)
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
    with path.open("rb") as fh:
        raw = fh.read()
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
