from __future__ import annotations

import pytest

from polisee.errors import Conflict, InputError, NotFound, PermissionDenied, PoliseeError


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"path": "a.tsv", "line": 3, "field": "2014"}, "a.tsv:3: 2014: bad"),
        ({"path": "a.tsv"}, "a.tsv: bad"),
        ({"line": 7}, "line 7: bad"),
        ({"field": "value"}, "value: bad"),
        ({}, "bad"),
    ],
    ids=["full", "path-only", "line-only", "field-only", "bare"],
)
def test_input_error_names_file_line_and_field(kwargs: dict[str, object], expected: str) -> None:
    assert str(InputError("bad", **kwargs)) == expected  # type: ignore[arg-type]


def test_every_error_is_a_polisee_error() -> None:
    for cls in (InputError, NotFound, PermissionDenied, Conflict):
        assert issubclass(cls, PoliseeError)
