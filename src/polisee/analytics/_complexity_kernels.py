"""Numeric kernels behind :class:`~polisee.analytics.complexity.EconomicComplexity`.

Private: plain numpy arrays in, plain numpy arrays out, one year at a time. Labels,
validation of parameters and the pandas frames live in ``complexity.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.linalg
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import eigsh

from polisee.errors import InputError

__all__ = ["Settings", "YearResult", "allocate", "fit_year", "year_matrices"]

FloatArray = np.ndarray


@dataclass(frozen=True)
class Settings:
    """Resolved conventions (a preset with its overrides applied)."""

    presence: str  # "rca" | "binary"
    threshold: float
    strict: bool  # presence when RCA > threshold (True) or RCA >= threshold (False)
    method: str  # "eigenvector" | "reflections" | "fitness"
    proximity: str  # "min" | "asymmetric" | "continuous"
    self_proximity: float  # diagonal of the proximity matrix: 0.0 or 1.0
    scale: str  # "regions": population sd over regions; "cells": sample sd over cells
    missing: str  # "zero" | "drop_region" | "raise"
    max_iter: int
    tol: float


@dataclass
class YearResult:
    """Output slots for one year on the full (regions x industries) grid, filled in place.

    Views into the preallocated (year, ...) arrays: NaN (0 for ``presence``) outside the
    fitted set.
    """

    rca: FloatArray
    presence: np.ndarray
    diversity: FloatArray
    ubiquity: FloatArray
    eci: FloatArray
    pci: FloatArray
    proximity: FloatArray
    density: FloatArray
    coi: FloatArray
    cog: FloatArray


def year_matrices(
    data: pd.DataFrame,
) -> tuple[pd.Index, pd.Index, pd.Index, Callable[[int, FloatArray], FloatArray]]:
    """Long ``(region, industry, year)`` frame -> sorted labels and a year-matrix filler.

    ``fill(t, buffer)`` writes year number ``t`` into the (regions x industries)
    ``buffer`` and returns it. Cells absent from the long frame are zero (long data omits
    empty cells, as Eurostat and the peers do); cells present with a NaN value stay NaN.
    """
    index = data.index
    if not isinstance(index, pd.MultiIndex):
        raise InputError("expected a Panel indexed by (region, industry, year)", field="index")
    index = index.remove_unused_levels()
    levels: list[pd.Index] = []
    codes: list[np.ndarray] = []
    for level, code in zip(index.levels, index.codes, strict=True):
        if level.is_monotonic_increasing:
            # A Panel's levels come sorted: the codes are the ranks already.
            levels.append(level)
            codes.append(np.asarray(code, dtype=np.intp))
            continue
        order = np.argsort(level.to_numpy(), kind="stable")
        rank = np.empty(len(order), dtype=np.intp)
        rank[order] = np.arange(len(order))
        levels.append(level[order])
        codes.append(rank[np.asarray(code)])
    regions, industries, years = levels
    # Few years: a stable sort of small integers is a radix sort (linear, not n log n).
    year_codes = codes[2].astype(np.uint16 if len(years) < 2**16 else np.intp)
    by_year = np.argsort(year_codes, kind="stable")
    bounds = np.searchsorted(codes[2][by_year], np.arange(len(years) + 1))
    # Each row's cell as one flat position of the (regions x industries) matrix, in year
    # order: filling a year is one scatter through a contiguous slice.
    cells = (codes[0] * len(industries) + codes[1])[by_year]
    values = data["value"].to_numpy(dtype=np.float64)[by_year]

    def fill(t: int, buffer: FloatArray) -> FloatArray:
        buffer.fill(0.0)
        buffer.ravel()[cells[bounds[t] : bounds[t + 1]]] = values[bounds[t] : bounds[t + 1]]
        return buffer

    return regions, industries, years, fill


def allocate(n_years: int, n_regions: int, n_industries: int) -> list[YearResult]:
    """Preallocated outputs for every year (one block per attribute, a view per year)."""
    T, R, P = n_years, n_regions, n_industries
    # The large blocks are left uninitialised: fit_year writes every cell of its year
    # (NaN first where a region or industry is left out), which spares a pass over
    # hundreds of megabytes.
    blocks: dict[str, np.ndarray] = {
        "rca": np.empty((T, R, P)),
        "presence": np.zeros((T, R, P), dtype=np.int8),
        "diversity": np.full((T, R), np.nan),
        "ubiquity": np.full((T, P), np.nan),
        "eci": np.full((T, R), np.nan),
        "pci": np.full((T, P), np.nan),
        "proximity": np.empty((T, P, P)),
        "density": np.empty((T, R, P)),
        "coi": np.full((T, R), np.nan),
        "cog": np.empty((T, R, P)),
    }
    return [YearResult(**{k: v[t] for k, v in blocks.items()}) for t in range(T)]


def fit_year(
    X: FloatArray,
    year: int,
    regions: pd.Index,
    industries: pd.Index,
    s: Settings,
    out: YearResult,
) -> None:
    """Fit one year's region x industry matrix ``X`` (NaN = missing cell) into ``out``."""
    R, P = X.shape
    keep_r = np.ones(R, dtype=bool)
    nan = np.isnan(X)
    if nan.any():
        if s.missing == "raise":
            r, p = np.argwhere(nan)[0]
            raise InputError(
                f"expected no missing values, got NaN at region {regions[r]}, industry "
                f"{industries[p]}, year {year} (choose missing='zero' or 'drop_region')",
                field="value",
            )
        if s.missing == "drop_region":
            keep_r &= ~nan.any(axis=1)
        X = np.where(nan, 0.0, X)

    # Peers drop locations and products with a zero total before anything else.
    keep_r &= X.sum(axis=1) > 0
    keep_p = X[keep_r].sum(axis=0) > 0 if not keep_r.all() else X.sum(axis=0) > 0
    ra = None if keep_r.all() else np.flatnonzero(keep_r)
    pa = None if keep_p.all() else np.flatnonzero(keep_p)
    Xa = _take(X, ra, pa)
    if ra is not None or pa is not None:
        out.rca.fill(np.nan)

    if s.presence == "binary":
        rca = Xa.copy()
        Mb = Xa > 0
    else:
        # Same order of operations as ecomplexity 0.5.3 so that cells at the threshold agree.
        num = np.divide(
            Xa, Xa.sum(axis=1)[:, None], out=out.rca if ra is None and pa is None else None
        )
        loc_total = Xa.sum(axis=0)[None, :]
        den = loc_total / loc_total.sum(axis=1)[:, None]
        rca = np.divide(num, den, out=num)
        Mb = (rca > s.threshold) if s.strict else (rca >= s.threshold)
    M = Mb.astype(np.float64)
    d = M.sum(axis=1)
    u = M.sum(axis=0)

    # The complexity block: regions with diversity > 0, industries with ubiquity > 0.
    rv = None if (d > 0).all() else np.flatnonzero(d > 0)
    pv = None if (u > 0).all() else np.flatnonzero(u > 0)
    Mv = _take(M, rv, pv)
    dv = d if rv is None else d[rv]
    uv = u if pv is None else u[pv]
    label_r = _labels(regions, ra, rv)
    label_p = _labels(industries, pa, pv)
    _check_size(Mv, year)

    # Co-occurrence (the regions left out have no presence, so it is Mv' Mv); counts below
    # 2**24 are exact in single precision, at twice the speed.
    C = None
    if s.proximity != "continuous":
        levels = _take(M, None, pv)
        M32 = levels.astype(np.float32)
        C = (M32.T @ M32).astype(np.float64) if levels.shape[0] < 2**24 else levels.T @ levels

    if s.method == "fitness":
        _check_components(Mv, year, label_r, label_p)
        kc, kp = _fitness(Mv, s.max_iter, s.tol)
    else:
        if s.method == "eigenvector":
            kp = _second_eigenvector(Mv, dv, uv, year, label_r, label_p, C)
            kc = (Mv / dv[:, None]) @ kp
        else:
            _check_components(Mv, year, label_r, label_p)
            _check_diversity(dv, year)
            kc, kp = _reflections(Mv, dv, uv, s.max_iter, s.tol)
        r = np.corrcoef(dv, kc)[0, 1]
        if not abs(r) > 1e-9:
            raise InputError(
                f"expected ECI to be correlated with diversity in year {year}, got r = {r:.3g}:"
                " the sign of ECI, oriented by diversity, is undefined",
                field="value",
            )
        sign = np.sign(r)
        kc = sign * kc
        kp = sign * kp

    # Proximity over the industries with ubiquity > 0 (the others have no co-occurrence).
    if s.proximity == "continuous":
        levels = _take(rca, None, pv)
        W = (1.0 + np.corrcoef(levels.T)) / 2.0
    else:
        assert C is not None
        W = C / uv[None, :]  # W[k, p] = P(k | p)
        if s.proximity == "min":
            W = np.minimum(W, W.T)
    np.fill_diagonal(W, s.self_proximity)
    # Both peers report phi[p, q] = P(q | p) for asymmetric proximity (Stata's
    # genproximity and ecomplexity.proximity agree) and use that matrix for COG.
    # (For "min" W is symmetric and W itself is that matrix, read without striding.)
    reported = W if s.proximity == "min" else W.T

    full = ra is None and pa is None and rv is None and pv is None
    if not full:
        for block in (out.density, out.cog, out.proximity):
            block.fill(np.nan)
    n_industries = P if pa is None else len(pa)  # industries in the year's data (cells)

    # density[c, p] = sum_k levels[c, k] W[k, p] / sum_k W[k, p]
    # cog[c, p] = (1 - M[c, p]) sum_k (1 - M[c, k]) prox[k, p] pci[k] / sum_j prox[k, j]
    with np.errstate(divide="ignore", invalid="ignore"):
        Wn = W / W.sum(axis=0)[None, :]
    row_sum = reported.sum(axis=1)
    # An industry related to nothing contributes nothing (0, not 0/0).
    weight = np.divide(kp, row_sum, out=np.zeros_like(kp), where=row_sum != 0)
    Z = reported * weight[:, None]
    density = out.density if full else np.empty((levels.shape[0], Wn.shape[1]))
    np.matmul(levels, Wn, out=density)
    density_v = density if rv is None else density[rv]
    Mbv = _take(Mb, rv, pv)
    cog = out.cog if full else np.empty(Mv.shape)
    np.matmul(Mv, Z, out=cog)
    np.subtract(Z.sum(axis=0)[None, :], cog, out=cog)  # (1 - M) @ Z
    np.putmask(cog, Mbv, 0.0)
    absent_density = np.where(Mbv, 0.0, density_v)
    coi_raw = absent_density @ kp

    if s.method == "fitness":
        eci_v, pci_v, coi_v = kc, kp, coi_raw
    else:
        mean, sd = _scale(kc, n_industries, s.scale)
        eci_v = (kc - mean) / sd
        pci_v = (kp - mean) / sd
        cog /= sd
        coi_mean, coi_sd = _scale(coi_raw, n_industries, s.scale)
        coi_v = (coi_raw - coi_mean) / coi_sd

    # Back onto the full grid; NaN outside the fitted set.
    rows = _compose(ra, rv)
    cols = _compose(pa, pv)
    if rca is not out.rca:
        _put(out.rca, ra, pa, rca)
    _put(out.presence, ra, pa, Mb)
    _put(out.diversity, ra, None, d)
    _put(out.ubiquity, pa, None, u)
    _put(out.eci, rows, None, eci_v)
    _put(out.pci, cols, None, pci_v)
    _put(out.proximity, cols, cols, reported)
    if not full:
        _put(out.density, ra, cols, density)
        _put(out.cog, rows, cols, cog)
    _put(out.coi, rows, None, coi_v)


def _take(A: np.ndarray, rows: np.ndarray | None, cols: np.ndarray | None) -> np.ndarray:
    """``A[rows][:, cols]`` where ``None`` selects everything (no copy then)."""
    if rows is None and cols is None:
        return A
    picked: np.ndarray
    if rows is None:
        picked = A[:, cols]
    elif cols is None:
        picked = A[rows]
    else:
        picked = A[np.ix_(rows, cols)]
    return picked


def _put(
    dst: np.ndarray, rows: np.ndarray | None, cols: np.ndarray | None, src: np.ndarray
) -> None:
    if dst.ndim == 1:
        if rows is None:
            dst[...] = src
        else:
            dst[rows] = src
    elif rows is None and cols is None:
        dst[...] = src
    else:
        dst[np.ix_(_all(rows, dst.shape[0]), _all(cols, dst.shape[1]))] = src


def _all(index: np.ndarray | None, n: int) -> np.ndarray:
    return np.arange(n) if index is None else index


def _compose(outer: np.ndarray | None, inner: np.ndarray | None) -> np.ndarray | None:
    """Positions on the full grid of a selection ``inner`` made within selection ``outer``."""
    if inner is None:
        return outer
    return inner if outer is None else outer[inner]


def _labels(labels: pd.Index, outer: np.ndarray | None, inner: np.ndarray | None) -> pd.Index:
    sel = _compose(outer, inner)
    return labels if sel is None else labels[sel]


def _scale(x: FloatArray, n_industries: int, how: str) -> tuple[float, float]:
    """Mean and standard deviation used to standardise (see the module's Notes)."""
    mean = float(x.mean())
    if how == "regions":
        return mean, float(x.std())
    # Stata's ``sum`` over the long data: every region repeated once per industry, N - 1.
    n_cells = x.size * n_industries
    var = n_industries * float(((x - mean) ** 2).sum()) / (n_cells - 1)
    return mean, float(np.sqrt(var))


def _check_size(Mv: FloatArray, year: int) -> None:
    R, P = Mv.shape
    if R < 2 or P < 2:
        raise InputError(
            f"expected at least 2 regions and 2 industries with presence in year {year}, "
            f"got {R} regions and {P} industries",
            field="value",
        )


def _check_components(Mv: FloatArray, year: int, regions: pd.Index, industries: pd.Index) -> None:
    """Raise when the bipartite presence network falls apart, naming the components."""
    R, P = Mv.shape
    r_idx, p_idx = np.nonzero(Mv)
    graph = coo_array((np.ones(r_idx.size), (r_idx, R + p_idx)), shape=(R + P, R + P))
    n_comp, labels = connected_components(graph, directed=False)
    if n_comp > 1:
        parts = []
        for k in range(min(n_comp, 4)):
            regs = list(regions[np.flatnonzero(labels[:R] == k)])
            inds = list(industries[np.flatnonzero(labels[R:] == k)])
            parts.append(f"{{regions {_short(regs)}; industries {_short(inds)}}}")
        more = f" and {n_comp - 4} more" if n_comp > 4 else ""
        raise InputError(
            f"expected a connected presence network in year {year}, got {n_comp} components: "
            + ", ".join(parts)
            + more
            + "; ECI is not defined across disconnected groups (fit them separately)",
            field="value",
        )


def _check_diversity(dv: FloatArray, year: int) -> None:
    if np.ptp(dv) == 0:
        raise InputError(
            f"expected diversity to vary across regions in year {year}, every region has "
            f"{int(dv[0])} industries with presence: the sign of ECI is undefined",
            field="value",
        )


def _short(labels: Sequence[object], limit: int = 6) -> str:
    shown = ", ".join(str(x) for x in labels[:limit])
    return f"[{shown}{', ...' if len(labels) > limit else ''}]"


def _second_eigenvector(
    Mv: FloatArray,
    dv: FloatArray,
    uv: FloatArray,
    year: int,
    regions: pd.Index,
    industries: pd.Index,
    cooccurrence: FloatArray | None = None,
) -> FloatArray:
    """Industry vector Q of M~ = D_p^-1 M' D_c^-1 M for its second largest eigenvalue.

    Solved on whichever side is smaller, as a symmetric matrix similar to M~ (industries:
    D_p^-1/2 M' D_c^-1 M D_p^-1/2) or to its region twin (regions: D_c^-1/2 M D_p^-1 M'
    D_c^-1/2): real spectrum in [0, 1], a stable symmetric solver, and the same vector
    up to scale (Q = D_p^-1 M' K on the region side).
    """
    R, P = Mv.shape
    B = Mv * (1.0 / np.sqrt(dv))[:, None] * (1.0 / np.sqrt(uv))[None, :]
    on_regions = R < P
    S = B @ B.T if on_regions else B.T @ B
    n = S.shape[0]
    if n > 400:
        # Lanczos for the three leading eigenpairs (faster than the full solver from a
        # few hundred on); a fixed start keeps runs reproducible.
        start = np.random.default_rng(0).random(n) + 0.5
        vals, vecs = eigsh(S, k=3, which="LA", tol=0, v0=start)
        order = np.argsort(vals)
        vals, vecs = vals[order], vecs[:, order]
    else:
        vals, vecs = scipy.linalg.eigh(S, subset_by_index=[max(n - 3, 0), n - 1])
    # The leading eigenvalue is 1 once per connected component: a second 1 means the
    # network falls apart. The full solver sees every copy of a repeated eigenvalue;
    # Lanczos may not, so there the graph itself is checked.
    # With Lanczos, every region having an industry, the network is connected when the
    # industries are, which the co-occurrence graph (P x P, already computed) tells cheaply.
    if vals[-2] > 1.0 - 1e-9 or (
        n > 400
        and (cooccurrence is None or connected_components(cooccurrence > 0, directed=False)[0] > 1)
    ):
        _check_components(Mv, year, regions, industries)
    _check_diversity(dv, year)
    if vals.size >= 3 and (vals[-2] - vals[-3]) <= 1e-10 * max(vals[-1], 1.0):
        raise InputError(
            f"expected a simple second eigenvalue in year {year}, got a repeated one "
            f"({vals[-2]:.12g}): ECI is not unique for this presence matrix",
            field="value",
        )
    if on_regions:
        kc = vecs[:, -2] / np.sqrt(dv)
        result: FloatArray = (Mv.T @ kc) / uv
    else:
        result = vecs[:, -2] / np.sqrt(uv)
    return result


def _reflections(
    Mv: FloatArray, dv: FloatArray, uv: FloatArray, max_iter: int, tol: float
) -> tuple[FloatArray, FloatArray]:
    """Method of reflections iterated to its limit, the trivial component removed each step."""
    A = Mv / dv[:, None]
    Bt = (Mv / uv[None, :]).T
    weights = dv / dv.sum()
    kc = dv - dv.mean()
    kc = kc / np.linalg.norm(kc)
    for _ in range(max_iter):
        new = A @ (Bt @ kc)
        new = new - weights @ new
        new = new / np.linalg.norm(new)
        done = np.abs(new - kc).max() < tol
        kc = new
        if done:
            break
    kp = Bt @ kc
    return A @ kp, kp


def _fitness(Mv: FloatArray, max_iter: int, tol: float) -> tuple[FloatArray, FloatArray]:
    """Fitness-complexity fixed point (Tacchella et al. 2012), both normalised to mean 1."""
    F = np.ones(Mv.shape[0])
    Q = np.ones(Mv.shape[1])
    for _ in range(max_iter):
        F_new = Mv @ Q
        with np.errstate(divide="ignore"):
            Q_new = 1.0 / (Mv.T @ (1.0 / F))
        F_new = F_new / F_new.mean()
        Q_new = Q_new / Q_new.mean()
        done = max(np.abs(F_new - F).max(), np.abs(Q_new - Q).max()) < tol
        F, Q = F_new, Q_new
        if done:
            break
    return F, Q
