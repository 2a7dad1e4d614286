"""The ``polisee`` command: sub-apps per area (``polisee data load``, ``polisee analyse lq``)."""

from __future__ import annotations

import sys

import typer

from polisee.cli import _console

__all__ = ["app", "main"]

app = typer.Typer(
    name="polisee",
    help="Evidence for cluster and smart-specialisation policy.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def root() -> None:
    """Evidence for cluster and smart-specialisation policy."""


@app.command("version")
def show_version() -> None:
    """Print the polisee version."""
    from polisee import __version__

    _console.console.print(f"polisee {__version__}")


def main() -> None:
    """Entry point of the ``polisee`` script."""
    sys.exit(app())
