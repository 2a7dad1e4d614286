"""growth_opportunities, strategic_approach and peer_regions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from polisee.analytics.complexity import EconomicComplexity
from polisee.analytics.opportunities import (
    QUADRANTS,
    growth_opportunities,
    peer_regions,
    strategic_approach,
)
from polisee.analytics.panel import Panel
from polisee.errors import InputError


def _panel(seed: int = 4, n_reg: int = 30, n_ind: int = 20) -> Panel:
    rng = np.random.default_rng(seed)
    values = np.round(
        rng.lognormal(0, 1, (n_reg, 1))
        * rng.lognormal(0, 1, (1, n_ind))
        * rng.lognormal(5, 1, (n_reg, n_ind))
    )
    values[rng.random(values.shape) < 0.3] = 0
    long = pd.DataFrame(
        values,
        index=[f"R{i:02d}" for i in range(n_reg)],
        columns=[f"I{j:02d}" for j in range(n_ind)],
    )
    long = long.stack().rename("value").rename_axis(["region", "industry"]).reset_index()
    return Panel.from_frame(long[long["value"] > 0].assign(year=2020))


@pytest.fixture(scope="module")
def fitted() -> EconomicComplexity:
    return EconomicComplexity().fit(_panel())


def test_opportunities_are_the_absent_industries_with_their_measures(
    fitted: EconomicComplexity,
) -> None:
    out = growth_opportunities(fitted, "R03")
    absent = fitted.presence_.loc[(2020, "R03")]
    assert set(out.index) == set(absent[absent == 0].index)
    assert (out["density"] == fitted.density_.loc[(2020, "R03"), out.index]).all()
    assert (out["pci"] == fitted.pci_.loc[2020].loc[out.index]).all()
    np.testing.assert_allclose(out["distance"], 1 - out["density"])
    assert list(out["rank"]) == list(range(1, len(out) + 1))
    assert out["score"].is_monotonic_decreasing


def test_quadrants_follow_the_medians(fitted: EconomicComplexity) -> None:
    out = growth_opportunities(fitted, "R07")
    feasible = out["density"] >= out["density"].median()
    attractive = out["pci"] >= out["pci"].median()
    expected = [QUADRANTS[(bool(f), bool(a))] for f, a in zip(feasible, attractive, strict=True)]
    assert list(out["quadrant"]) == expected
    low_hanging = out[out["quadrant"] == "low-hanging fruit"]
    assert (low_hanging["density"] >= out["density"].median()).all()
    assert (low_hanging["pci"] >= out["pci"].median()).all()
    assert set(out["quadrant"]) <= set(QUADRANTS.values())


def test_strategic_approach_uses_eci_and_coi_medians(fitted: EconomicComplexity) -> None:
    approach = strategic_approach(fitted)
    eci, coi = fitted.eci_.loc[2020], fitted.coi_.loc[2020]
    top = eci.idxmax()
    assert approach[top] in {"light touch", "technological frontier"}
    assert approach[top] == (
        "light touch" if coi[top] >= coi.median() else "technological frontier"
    )
    assert approach.value_counts().sum() == eci.notna().sum()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"region": "NOWHERE"}, "region"), ({"region": "R01", "year": 1999}, "year")],
    ids=["unknown-region", "unfitted-year"],
)
def test_opportunities_name_bad_arguments(
    fitted: EconomicComplexity, kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(InputError) as info:
        growth_opportunities(fitted, **kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


def test_opportunities_need_a_fitted_estimator() -> None:
    with pytest.raises(InputError, match="fit"):
        growth_opportunities(EconomicComplexity(), "R01")


def test_peer_of_a_scaled_copy_is_the_copy_at_structure_zero() -> None:
    panel = _panel()
    data = panel.data.reset_index()
    copy = data[data["region"] == "R05"].assign(region="COPY", value=lambda d: d["value"] * 1.25)
    panel = Panel.from_frame(pd.concat([data, copy]))
    peers = peer_regions(panel, "R05", k=3)
    assert peers.index[0] == "COPY"
    assert peers.loc["COPY", "structure"] == pytest.approx(0.0, abs=1e-12)
    assert peers.loc["COPY", "size"] == pytest.approx(np.log(1.25))
    assert list(peers["rank"]) == [1, 2, 3]
    assert "R05" not in peers.index
    assert peers["distance"].is_monotonic_increasing


def test_peer_distance_combines_scaled_components() -> None:
    panel = _panel()
    peers = peer_regions(panel, "R00", k=29)
    everyone = peer_regions(panel, "R00", k=100)
    assert len(everyone) == 29  # every other region, no more
    sd_structure, sd_size = everyone["structure"].std(ddof=0), everyone["size"].std(ddof=0)
    expected = np.sqrt((peers["structure"] / sd_structure) ** 2 + (peers["size"] / sd_size) ** 2)
    np.testing.assert_allclose(peers["distance"], expected)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"region": "NOWHERE"}, "region"), ({"region": "R01", "k": 0}, "k")],
    ids=["unknown-region", "k-zero"],
)
def test_peer_regions_name_bad_arguments(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as info:
        peer_regions(_panel(), **kwargs)  # type: ignore[arg-type]
    assert info.value.field == field
