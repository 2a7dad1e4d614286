"""The error tree shared by every layer.

Errors carry no HTTP status codes: the web layer maps them at its edge
(InputError -> 422, NotFound -> 404, PermissionDenied -> 403, Conflict -> 409)
and the CLI maps InputError to exit code 2.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["Conflict", "InputError", "NotFound", "PermissionDenied", "PoliseeError"]


class PoliseeError(Exception):
    """Base class of every error polisee raises on purpose."""


class InputError(PoliseeError):
    """Bad input: names the file, line and field so that a user can fix it.

    ``str(error)`` reads ``path:line: field: message`` with the parts that are known.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        elif self.line is not None:
            where = f"line {self.line}: "
        if self.field is not None:
            where += f"{self.field}: "
        return where + self.message


class NotFound(PoliseeError):
    """A named thing (region, dataset, user, ...) does not exist."""


class PermissionDenied(PoliseeError):
    """The caller is not allowed to do this."""


class Conflict(PoliseeError):
    """The change collides with the current state (duplicate, stale version, locked record)."""
