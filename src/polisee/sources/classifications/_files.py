"""Reading the classification files: one place that says which file lacks which column."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from polisee.errors import InputError

__all__ = ["integer_column", "read_csv", "require_columns"]


def require_columns(frame: pd.DataFrame, required: Sequence[str], path: Path) -> None:
    """InputError naming the first column of ``required`` that ``frame`` lacks."""
    for column in required:
        if column not in frame.columns:
            raise InputError(
                f"expected a column {column!r}, got {list(frame.columns)[:12]}",
                path=path,
                line=1,
                field=column,
            )


def read_csv(path: Path, required: Sequence[str], *, sep: str = ",") -> pd.DataFrame:
    """A classification CSV as text columns (empty cells stay ``""``), checked for columns."""
    if not path.is_file():
        raise InputError("expected a file, none found", path=path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, sep=sep)
    except pd.errors.EmptyDataError as exc:
        raise InputError("the file is empty", path=path, line=1) from exc
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise InputError(
            f"cannot parse the CSV: {exc}", path=path, line=int(match.group(1)) if match else None
        ) from exc
    except UnicodeDecodeError as exc:
        raise InputError("the file is not UTF-8 text", path=path) from exc
    require_columns(frame, required, path)
    return frame


def integer_column(frame: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """``frame[column]`` as int64; InputError naming the line of the first non-integer.

    Row ``i`` is line ``i + 2`` (after the header).
    """
    text = frame[column].astype(str).str.strip()
    bad = ~text.str.fullmatch(r"-?\d{1,9}")
    if bool(bad.any()):
        row = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            f"expected an integer, got {text.iloc[row]!r}", path=path, line=row + 2, field=column
        )
    return text.astype("int64")
