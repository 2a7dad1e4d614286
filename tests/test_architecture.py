"""The layer contract of DESIGN.md, and public names declared in ``__all__``."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

import polisee

ROOT = Path(__file__).resolve().parents[1]


def test_layer_contract_holds() -> None:
    # lint_imports returns 0 when every contract in pyproject.toml is kept.
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(polisee.__path__, prefix="polisee."):
        if info.name.split(".")[-1].startswith("_") or ".migrations" in info.name:
            continue
        names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _modules(), ids=lambda n: n)
def test_public_names_are_declared_and_exist(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    for public in exported:
        assert hasattr(module, public), f"{name}.__all__ names {public!r}, which does not exist"
