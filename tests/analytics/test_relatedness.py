"""relatedness and relatedness_density against EconGeo's documented examples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from polisee.analytics.complexity import EconomicComplexity
from polisee.analytics.panel import Panel
from polisee.analytics.relatedness import (
    relatedness,
    relatedness_density,
    relatedness_from_cooccurrence,
)
from polisee.errors import InputError


class RRandom:
    """R's default generator (Mersenne-Twister, set.seed scrambling, sample() by rejection).

    Enough of R >= 3.6 to rebuild EconGeo's documented examples, which draw their inputs
    with ``set.seed(31); sample(...)``. Checked against R: ``set.seed(1); runif(3)`` is
    0.2655087 0.3721239 0.5728534 and ``set.seed(42); sample(1:10)`` is 1 5 10 8 2 4 6 9 7 3.
    """

    def __init__(self, seed: int) -> None:
        s = seed & 0xFFFFFFFF
        for _ in range(50):
            s = (69069 * s + 1) & 0xFFFFFFFF
        state = []
        for _ in range(625):
            s = (69069 * s + 1) & 0xFFFFFFFF
            state.append(s)
        self._mt = np.random.MT19937()
        # The first seed is R's position slot, reset to 624 (regenerate) by FixupSeeds.
        self._mt.state = {
            "bit_generator": "MT19937",
            "state": {"key": np.array(state[1:], dtype=np.uint32), "pos": 624},
        }

    def runif(self) -> float:
        return int(self._mt.random_raw()) * 2.3283064365386963e-10

    def _index(self, n: int) -> int:
        bits = int(np.ceil(np.log2(n)))
        while True:
            v = 0
            for _ in range(0, bits + 1, 16):
                v = 65536 * v + int(np.floor(self.runif() * 65536))
            v &= (1 << bits) - 1
            if v < n:
                return v

    def sample(self, values: list[int], size: int) -> list[int]:
        """``sample(values, size, replace = TRUE)``."""
        return [values[self._index(len(values))] for _ in range(size)]

    def sample_without_replacement(self, values: list[int]) -> list[int]:
        pool = list(values)
        out = []
        n = len(pool)
        while n:
            j = self._index(n)
            out.append(pool[j])
            pool[j] = pool[n - 1]
            n -= 1
        return out


def _r_matrix(values: list[int], ncol: int) -> np.ndarray:
    """``matrix(values, ncol = ncol)``: R fills by column."""
    return np.array(values, dtype=float).reshape(ncol, -1).T


def _r_symmetric_from_upper(m: np.ndarray) -> np.ndarray:
    """``m[lower.tri(m, diag = TRUE)] <- t(m)[lower.tri(t(m), diag = TRUE)]``."""
    out = m.copy()
    lower = np.tril_indices_from(out)
    out[lower] = m.T[lower]
    return out


def test_r_random_reproduces_r() -> None:
    r = RRandom(1)
    assert [round(r.runif(), 7) for _ in range(3)] == [0.2655087, 0.3721239, 0.5728534]
    assert RRandom(42).sample_without_replacement(list(range(1, 11))) == [1, 5, 10, 8, 2, 4, 6, 9, 7, 3]  # fmt: skip


def _panel_from(matrix: np.ndarray, regions: list[str], industries: list[str]) -> Panel:
    long = pd.DataFrame(matrix, index=regions, columns=industries).stack().rename("value")
    df = long.rename_axis(["region", "industry"]).reset_index().assign(year=2020)
    return Panel.from_frame(df)


def test_matches_econgeo_relatedness_density() -> None:
    # EconGeo's ?relatedness_density example: set.seed(31); a 5 x 4 presence matrix and a
    # symmetric 0/1 relatedness matrix, both from sample(0:1, ..., replace = TRUE).
    r = RRandom(31)
    mat = _r_matrix(r.sample([0, 1], 20), ncol=4)
    rel = _r_symmetric_from_upper(_r_matrix(r.sample([0, 1], 16), ncol=4))
    regions, industries = ["R1", "R2", "R3", "R4", "R5"], ["I1", "I2", "I3", "I4"]
    np.testing.assert_array_equal(mat, [[0, 1, 0, 1], [0, 0, 0, 1], [0, 0, 0, 1], [1, 0, 0, 1], [1, 1, 1, 0]])  # fmt: skip
    np.testing.assert_array_equal(rel, [[1, 1, 0, 1], [1, 1, 1, 1], [0, 1, 1, 1], [1, 1, 1, 0]])  # fmt: skip
    panel = _panel_from(mat, regions, industries)
    related = pd.DataFrame(rel, index=industries, columns=industries)
    density = relatedness_density(panel, related, presence="binary").unstack("industry")
    # R1 has I2 and I4: rows I2 + I4 of rel = (2, 2, 2, 1); colSums(rel) = (3, 4, 3, 3).
    expected = [
        [200 / 3, 50.0, 200 / 3, 100 / 3],
        [100 / 3, 25.0, 100 / 3, 0.0],
        [100 / 3, 25.0, 100 / 3, 0.0],
        [200 / 3, 50.0, 100 / 3, 100 / 3],  # I1 + I4 = (2, 2, 1, 1)
        [200 / 3, 75.0, 200 / 3, 100.0],  # I1 + I2 + I3 = (2, 3, 2, 3)
    ]
    np.testing.assert_allclose(density.to_numpy(), expected)
    # EconGeo rounds to 2 decimals; polisee does not.
    assert density.loc["R1", "I1"].round(2) == 66.67


def _econgeo_cooccurrence() -> pd.DataFrame:
    # EconGeo's ?relatedness example: set.seed(31); matrix(sample(0:10, 36, replace = TRUE),
    # ncol = 6), upper triangle mirrored onto the lower one.
    r = RRandom(31)
    mat = _r_symmetric_from_upper(_r_matrix(r.sample(list(range(11)), 36), ncol=6))
    names = ["I1", "I2", "I3", "I4", "I5", "I6"]
    return pd.DataFrame(mat, index=names, columns=names)


@pytest.mark.parametrize(
    "method", ["probabilistic", "association", "cosine", "jaccard"],
    ids=["prob", "association", "cosine", "jaccard"],
)  # fmt: skip
def test_matches_econgeo_relatedness(method: str) -> None:
    cooc = _econgeo_cooccurrence()
    out = relatedness_from_cooccurrence(cooc, method=method)  # type: ignore[arg-type]
    c = cooc.to_numpy().copy()
    np.fill_diagonal(c, 0)
    s = c.sum(axis=0)
    t = c.sum()
    # One cell by EconGeo's formula, written out: I1 x I2.
    c12, s1, s2 = c[0, 1], s[0], s[1]
    expected = {
        "probabilistic": c12
        / (((s2 / t) * (s1 / (t - s2)) + (s1 / t) * (s2 / (t - s1))) * (t / 2)),
        "association": (c12 / t) / ((s1 / t) * (s2 / t)),
        "cosine": c12 / np.sqrt(s1 * s2),
        "jaccard": c12 / (s1 + s2 - c12),
    }[method]
    assert out.loc["I1", "I2"] == pytest.approx(expected, rel=1e-12)
    assert (np.diag(out) == 0).all()
    np.testing.assert_allclose(out, out.T)


def test_relatedness_proximity_is_the_complexity_proximity() -> None:
    rng = np.random.default_rng(4)
    values = np.round(rng.lognormal(3, 1.5, (15, 8)))
    values[rng.random(values.shape) < 0.3] = 0
    panel = _panel_from(values, [f"R{i:02d}" for i in range(15)], [f"I{j}" for j in range(8)])
    # ecomplexity's presence (RCA >= 1), with the industry left out of its own density.
    ec = EconomicComplexity(convention="ecomplexity", self_proximity=0.0).fit(panel)
    phi = relatedness(panel, method="proximity")
    np.testing.assert_allclose(phi, ec.proximity_.loc[2020].reindex_like(phi), atol=1e-12)
    density = relatedness_density(panel, phi).unstack("industry")
    np.testing.assert_allclose(
        density / 100, ec.density_.loc[2020].reindex_like(density), atol=1e-12
    )


def test_relatedness_needs_a_year_when_the_panel_has_several() -> None:
    df = pd.DataFrame(
        {"region": ["A", "A"], "industry": ["x", "x"], "year": [2019, 2020], "value": 1.0}
    )
    with pytest.raises(InputError, match="expected a year"):
        relatedness(Panel.from_frame(df))


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda p: relatedness(p, method="pearson"), "method"),  # type: ignore[arg-type]
        (lambda p: relatedness(p, presence="share"), "presence"),  # type: ignore[arg-type]
        (lambda p: relatedness_density(p, pd.DataFrame([[0.0]], index=["x"], columns=["x"])), "relatedness"),
    ],
    ids=["method", "presence", "relatedness-missing-industries"],
)  # fmt: skip
def test_bad_arguments_name_the_field(call: object, field: str) -> None:
    df = pd.DataFrame(
        {"region": list("AABB"), "industry": list("xyxz"), "year": 2020, "value": 1.0}
    )
    with pytest.raises(InputError) as info:
        call(Panel.from_frame(df))  # type: ignore[operator]
    assert info.value.field == field
