"""The indicator registry: every entry documented, compute() dispatches, register() guards."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from polisee.analytics.panel import Panel
from polisee.analytics.registry import Indicator, compute, register, registry
from polisee.analytics.specialisation import location_quotient, specialisation_indices
from polisee.errors import Conflict, InputError, NotFound

METHODOLOGY = Path(__file__).resolve().parents[2] / "docs" / "methodology.md"


def anchors() -> set[str]:
    text = METHODOLOGY.read_text(encoding="utf-8")
    ids = set(re.findall(r'<a id="([^"]+)"></a>', text))
    slugs = {
        re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
        for h in re.findall(r"^#+ (.+)$", text, flags=re.M)
    }
    return ids | slugs


def test_every_registry_anchor_exists_in_methodology() -> None:
    known = anchors()
    missing = sorted(ind.key for ind in registry.values() if ind.anchor not in known)
    assert not missing, f"no section in docs/methodology.md for {missing}"


def test_registry_holds_the_specialisation_indicators() -> None:
    expected = {
        "lq",
        "krugman",
        "hoover",
        "gini",
        "hhi",
        "hhi_norm",
        "theil",
        "entropy",
        "hachman",
        "locational_gini",
        "gini_concentration",
        "hoover_concentration",
        "krugman_concentration",
        "ellison_glaeser",
        "shift_share",
        "strong_flags",
        "stars",
    }
    assert expected <= set(registry)
    for key, ind in registry.items():
        assert ind.key == key
        assert ind.kind in ("region-industry", "region", "industry", "region-cluster")
        assert ind.name
        assert ind.unit
        assert ind.peer


def panel() -> Panel:
    df = pd.DataFrame(
        {
            "region": list("AAABBBCCC"),
            "industry": list("xyzxyzxyz"),
            "year": 2020,
            "value": [10.0, 10.0, 20.0, 10.0, 30.0, 0.0, 20.0, 0.0, 0.0],
        }
    )
    return Panel.from_frame(df)


def test_compute_returns_the_function_result() -> None:
    pd.testing.assert_series_equal(compute("lq", panel()), location_quotient(panel()))
    k = compute("krugman", panel(), reference="total")
    assert k.name == "krugman"
    pd.testing.assert_series_equal(k, specialisation_indices(panel(), reference="total")["krugman"])


def test_compute_strong_flags_from_cluster_panel() -> None:
    est = panel()
    flags = compute("strong_flags", panel(), establishments=est)
    assert list(flags.columns) == ["strong", "strong10", "significant", "qualifying"]
    assert list(flags.index.names) == ["region", "cluster", "year"]


def test_compute_unknown_key_is_not_found() -> None:
    with pytest.raises(NotFound, match="no indicator 'nope'"):
        compute("nope", panel())


def test_register_guards_duplicates_and_kinds() -> None:
    ind = registry["lq"]
    with pytest.raises(Conflict):
        register(ind)
    assert register(ind, replace=True) is ind
    bad = Indicator("x_test", "X", "ratio", "planet", "lq", "none", location_quotient)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="kind"):
        register(bad)
    assert "x_test" not in registry
    assert np.isfinite(compute("lq", panel()).dropna()).all()
