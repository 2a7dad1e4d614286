"""Reading the classification files: one place that says which file lacks which column."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from polisee.errors import InputError

__all__ = ["read_csv", "require_columns"]


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
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, sep=sep)
    require_columns(frame, required, path)
    return frame
