"""The only module that imports rich: consoles, tables and progress bars for the CLI."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

__all__ = ["console", "err_console", "print_table", "progress"]

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)
if not console.is_terminal:
    # Piped or captured output: wide enough that tables are not folded into columns of words.
    console.width = max(console.width, 160)

_PLAIN_INT_COLUMNS = {"year", "years", "nuts", "nuts version", "version", "cluster"}


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print a table; numbers are right-aligned."""
    table = Table(title=title, title_justify="left")
    numeric = [
        bool(rows) and all(isinstance(r[i], int | float) for r in rows) for i in range(len(columns))
    ]
    for name, is_num in zip(columns, numeric, strict=True):
        table.add_column(name, justify="right" if is_num else "left")
    plain = [name.lower() in _PLAIN_INT_COLUMNS for name in columns]
    for row in rows:
        table.add_row(
            *(
                str(v) if p and isinstance(v, int) else _fmt(v)
                for v, p in zip(row, plain, strict=True)
            )
        )
    console.print(table)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


@contextmanager
def progress(description: str) -> Iterator[Any]:
    """A progress bar on stderr; yields a callback ``update(done, total)``."""
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    )
    with bar:
        task = bar.add_task(description, total=None)

        def update(done: float, total: float | None = None) -> None:
            bar.update(task, completed=done, total=total)

        yield update
