"""Location quotients, regional specialisation and industry concentration indices.

Every function works on whole region x industry matrices, one year slice of a
``(year, region, industry)`` cube at a time, with numpy; pandas only carries the
labels in and out. Formulas, conventions and peer differences are in
``docs/methodology.md``.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from polisee.analytics.panel import Panel
from polisee.errors import InputError

__all__ = [
    "Missing",
    "Reference",
    "concentration_indices",
    "location_quotient",
    "specialisation_indices",
]

Missing = Literal["drop_region", "zero", "raise"]
Reference = Literal["rest", "total"]
_MISSING = ("drop_region", "zero", "raise")

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class _Cube:
    """Values as a ``(year, region, industry)`` array with missing cells resolved."""

    years: pd.Index
    regions: pd.Index
    industries: pd.Index
    values: FloatArray  # zeros where a cell is not usable
    usable: BoolArray  # cell enters the computation
    codes: tuple[np.ndarray, np.ndarray, np.ndarray]  # positions of the input rows


def _cube(panel: Panel, missing: str) -> _Cube:
    if missing not in _MISSING:
        raise InputError(f"expected missing in {list(_MISSING)}, got {missing!r}", field="missing")
    idx = panel.data.index
    r_codes, regions = pd.factorize(idx.get_level_values("region"), sort=True)
    i_codes, industries = pd.factorize(idx.get_level_values("industry"), sort=True)
    y_codes, years = pd.factorize(idx.get_level_values("year"), sort=True)
    cube = np.full((len(years), len(regions), len(industries)), np.nan)
    cube[y_codes, r_codes, i_codes] = panel.values.to_numpy(dtype="float64")
    gap = np.isnan(cube)
    # A region or an industry with no known cell in a year is absent that year:
    # it gets NaN for itself and does not make every other row incomplete.
    absent_row = gap.all(axis=2)
    absent_col = gap.all(axis=1)
    real_gap = gap & ~absent_row[:, :, None] & ~absent_col[:, None, :]
    if missing == "raise" and real_gap.any():
        y, r, i = (int(a[0]) for a in np.nonzero(real_gap))
        raise InputError(
            "expected no missing values with missing='raise', got a missing cell at "
            f"region {regions[r]}, industry {industries[i]}, year {years[y]}",
            field="value",
        )
    if missing == "zero":
        usable = ~absent_row[:, :, None] & ~absent_col[:, None, :] & np.ones_like(gap)
    else:
        incomplete = real_gap.any(axis=2)
        usable = ~gap & ~incomplete[:, :, None]
    values = np.where(usable & ~gap, cube, 0.0)
    return _Cube(years, regions, industries, values, usable, (y_codes, r_codes, i_codes))


def _base_mask(cube: _Cube, base: str | Collection[Hashable]) -> BoolArray:
    if isinstance(base, str):
        if base != "total":
            raise InputError(
                f"expected base='total' or a collection of industry codes, got {base!r}",
                field="base",
            )
        return np.ones(len(cube.industries), dtype=bool)
    wanted = pd.Index([str(b) for b in base])
    unknown = wanted.difference(cube.industries)
    if len(unknown) or not len(wanted):
        raise InputError(
            f"expected base industries present in the panel, unknown {list(unknown)}",
            field="base",
        )
    return np.asarray(cube.industries.isin(wanted), dtype=bool)


def _lq_cube(cube: _Cube, base_mask: BoolArray) -> FloatArray:
    x = cube.values
    x_r = (x * base_mask).sum(axis=2)  # (year, region)
    x_i = x.sum(axis=1)  # (year, industry)
    x_all = x_r.sum(axis=1)  # (year,)
    with np.errstate(all="ignore"):
        lq = (x / x_r[:, :, None]) / (x_i / x_all[:, None])[:, None, :]
    lq[~cube.usable] = np.nan
    lq[~np.isfinite(lq)] = np.nan
    return np.asarray(lq, dtype=np.float64)


def location_quotient(
    panel: Panel,
    *,
    base: str | Collection[Hashable] = "total",
    missing: Missing | Literal["known"] = "drop_region",
) -> pd.Series:
    r"""Location quotient of every region and industry, per year.

    Parameters
    ----------
    panel : Panel
        Employment (or any additive measure) by region, industry and year.
    base : "total" or collection of industry codes
        Industries whose sum forms the denominators. ``"total"`` uses all
        industries; a collection (e.g. the traded clusters, as the US Cluster
        Mapping LQ does) sums only those. The numerator industry need not be in it.
    missing : {"drop_region", "zero", "known", "raise"}
        Treatment of missing (NaN or absent) cells, see Notes.

    Returns
    -------
    pd.Series
        Named ``"lq"``, same index and order as ``panel.data``; NaN where undefined.

    Notes
    -----
    .. math:: LQ_{ri} = \frac{x_{ri} / x_r}{x_i / x},\quad
              x_r = \sum_{i \in B} x_{ri},\ x_i = \sum_r x_{ri},\ x = \sum_r x_r

    computed separately for each year. Missing cells:

    * ``drop_region`` (default): a region with any missing cell in a year gets NaN
      LQs for that year and is left out of :math:`x_i` and :math:`x`, so the LQs of
      all other regions are those of the sample of complete regions. Keeping it
      would understate its own total (biasing its LQs upwards) and the national
      industry totals.
    * ``zero``: missing cells count as 0 (their LQ is 0). Confidential cells are
      usually small, so this is a lower-bound reading of the data.
    * ``known``: totals are taken over the known cells, as with ``zero``, but a
      missing cell's own LQ is NaN (unknown), not 0. The reading the platform shows
      for real regional data, where a few confidential cells per region are common.
    * ``raise``: :class:`~polisee.errors.InputError` naming the first missing cell
      (year, then region, then industry order).

    Under every policy a region with no known cell, or an industry with no known
    cell, in a year is absent that year: NaN for itself, no effect on others. A
    region whose base total is 0 or an industry whose total is 0 gets NaN for
    itself only; every other LQ equals the one computed without it. EconGeo sets
    such cells to 0; polisee keeps NaN because 0 would read as "not specialised".

    References
    ----------
    Balassa, B. (1965) Trade liberalisation and revealed comparative advantage.
    The Manchester School 33: 99-123. Peers: EconGeo ``location_quotient``,
    REAT ``locq``.

    Examples
    --------
    >>> df = pd.DataFrame({"region": list("AAABBBCCC"), "industry": list("xyzxyzxyz"),
    ...                    "year": 2020, "value": [10., 10., 20., 10., 30., 0., 20., 0., 0.]})
    >>> lq = location_quotient(Panel.from_frame(df))
    >>> lq.xs(2020, level="year").unstack().round(3)
    industry      x      y    z
    region
    A         0.625  0.625  2.5
    B         0.625  1.875  0.0
    C         2.500  0.000  0.0

    Region A holds 10 of 40 in x; nationally x is 40 of 100: (10/40)/(40/100) = 0.625.
    """
    cube = _cube(panel, "zero" if missing == "known" else missing)
    lq = _lq_cube(cube, _base_mask(cube, base))
    y, r, i = cube.codes
    out = pd.Series(lq[y, r, i], index=panel.data.index, name="lq")
    if missing == "known":
        out[panel.values.isna().to_numpy()] = np.nan
    return out


def _frame_by_region(cube: _Cube, columns: dict[str, FloatArray]) -> pd.DataFrame:
    index = pd.MultiIndex.from_product([cube.regions, cube.years], names=["region", "year"])
    data = {k: np.asarray(v).transpose(1, 0).reshape(-1) for k, v in columns.items()}
    return pd.DataFrame(data, index=index)


def _gini_rows(values: FloatArray, known: BoolArray) -> FloatArray:
    """Unweighted Gini of each row over its known entries (REAT/EconGeo formula)."""
    v = np.where(known, values, np.inf)
    v = np.sort(v, axis=-1)
    n = known.sum(axis=-1)
    rank = np.arange(1, v.shape[-1] + 1)
    v_known = np.where(np.isfinite(v), v, 0.0)
    total = v_known.sum(axis=-1)
    with np.errstate(all="ignore"):
        g = 2.0 * (rank * v_known).sum(axis=-1) / (n * total) - (n + 1.0) / n
    return np.where((n > 0) & (total > 0), g, np.nan)


def _select_years(cube: _Cube, year: int | None) -> _Cube:
    if year is None:
        return cube
    if year not in cube.years:
        raise InputError(
            f"year {year} is not in the panel (years {list(cube.years)})", field="year"
        )
    k = int(np.flatnonzero(cube.years == year)[0])
    return _Cube(
        cube.years[k : k + 1],
        cube.regions,
        cube.industries,
        cube.values[k : k + 1],
        cube.usable[k : k + 1],
        cube.codes,
    )


def _reference_shares(x: FloatArray, axis: int, reference: str) -> FloatArray:
    """Shares of the comparison economy along ``axis`` for each row of the other axis."""
    if reference not in ("rest", "total"):
        raise InputError(
            f"expected reference 'rest' or 'total', got {reference!r}", field="reference"
        )
    other = 2 if axis == 1 else 1  # the axis summed to get a row's size
    totals = x.sum(axis=axis, keepdims=True)
    comp = totals - x if reference == "rest" else np.broadcast_to(totals, x.shape)
    size = comp.sum(axis=other, keepdims=True)
    with np.errstate(all="ignore"):
        return np.asarray(comp / size, dtype=np.float64)


def specialisation_indices(
    panel: Panel,
    *,
    year: int | None = None,
    reference: Reference = "rest",
    missing: Missing = "drop_region",
) -> pd.DataFrame:
    r"""Specialisation of each region's industry structure, per year.

    Parameters
    ----------
    panel : Panel
        Employment by region, industry and year.
    year : int, optional
        One year; all years when omitted.
    reference : {"rest", "total"}
        Comparison economy of ``krugman`` and ``hoover``: the other regions pooled
        (Krugman 1991, Midelfart-Knarvik et al. 2000) or all regions including the
        region itself (EconGeo ``krugman_index`` and ``spec_coeff``).
    missing : {"drop_region", "zero", "raise"}
        As in :func:`location_quotient`; a dropped region gets NaN everywhere.

    Returns
    -------
    pd.DataFrame
        Indexed ``(region, year)`` with columns ``krugman``, ``hoover``, ``gini``,
        ``hhi``, ``hhi_norm``, ``theil``, ``entropy`` and ``hachman``.

    Notes
    -----
    With :math:`s_{ri} = x_{ri}/x_r`, :math:`s_i` the reference shares and
    :math:`n` the number of industries known in the year:

    * ``krugman`` :math:`K_r = \sum_i |s_{ri} - s_i|` in [0, 2];
      ``hoover`` :math:`= K_r / 2`.
    * ``gini`` unweighted Gini of the region's LQs (national reference) over the
      :math:`n` industries, :math:`G = \frac{2}{n^2 \bar R}\sum_\lambda \lambda
      (R_{(\lambda)} - \bar R)` (REAT ``gini.spec``; EconGeo ``Gini`` applied to
      the LQ row). Not rescaled by its maximum :math:`(n-1)/n`.
    * ``hhi`` :math:`\sum_i s_{ri}^2`; ``hhi_norm`` :math:`(H - 1/n)/(1 - 1/n)`
      (REAT ``herf(norm=TRUE)``).
    * ``theil`` relative Theil index :math:`\sum_i s_{ri}\ln(s_{ri}/s_i)` against
      the national structure, :math:`0\ln 0 = 0`.
    * ``entropy`` Shannon entropy in bits :math:`-\sum_i s_{ri}\log_2 s_{ri}`
      (EconGeo ``entropy``, which adds 1e-9 inside the log and rounds to 3 places;
      polisee does neither).
    * ``hachman`` :math:`1 / \sum_i s_{ri} LQ_{ri}` in (0, 1] (EconGeo ``hachman``).

    Examples
    --------
    >>> df = pd.DataFrame({"region": list("AAABBBCCC"), "industry": list("xyzxyzxyz"),
    ...                    "year": 2020, "value": [10., 10., 20., 10., 30., 0., 20., 0., 0.]})
    >>> out = specialisation_indices(Panel.from_frame(df), reference="total")
    >>> out[["krugman", "hoover", "hhi"]].round(3)
                 krugman  hoover    hhi
    region year
    A      2020      0.6    0.30  0.375
    B      2020      0.7    0.35  0.625
    C      2020      1.2    0.60  1.000

    Region A has shares (.25, .25, .5) against (.4, .4, .2) nationally:
    K = .15 + .15 + .3 = 0.6; C has only x: K = |1 - .4| + .4 + .2 = 1.2.
    """
    cube = _select_years(_cube(panel, missing), year)
    x = cube.values
    known_cols: BoolArray = np.asarray(cube.usable.any(axis=1), dtype=bool)  # (year, industry)
    row_ok: BoolArray = np.asarray(cube.usable.any(axis=2), dtype=bool)  # (year, region)
    x_r = x.sum(axis=2, keepdims=True)
    with np.errstate(all="ignore"):
        s = x / x_r
    ref = _reference_shares(x, axis=1, reference=reference)
    with np.errstate(all="ignore"):
        krugman = np.where(known_cols[:, None, :], np.abs(s - ref), 0.0).sum(axis=2)
    lq = _lq_cube(cube, np.ones(len(cube.industries), dtype=bool))
    lq_known = known_cols[:, None, :] & ~np.isnan(lq)
    gini = _gini_rows(np.nan_to_num(lq), lq_known)
    n = known_cols.sum(axis=1)[:, None].astype(float)
    s0 = np.nan_to_num(s)
    hhi = (s0**2).sum(axis=2)
    with np.errstate(all="ignore"):
        hhi_norm = (hhi - 1.0 / n) / (1.0 - 1.0 / n)
        pos = s0 > 0
        theil = np.where(pos, s0 * np.log(np.where(pos, lq, 1.0)), 0.0).sum(axis=2)
        entropy = -np.where(pos, s0 * np.log2(np.where(pos, s0, 1.0)), 0.0).sum(axis=2)
        hachman = 1.0 / np.where(pos, s0 * lq, 0.0).sum(axis=2)
    valid = row_ok & (x_r[:, :, 0] > 0)
    columns = {
        "krugman": krugman,
        "hoover": krugman / 2.0,
        "gini": gini,
        "hhi": hhi,
        "hhi_norm": hhi_norm,
        "theil": theil,
        "entropy": entropy,
        "hachman": hachman,
    }
    columns = {k: np.where(valid, v, np.nan) for k, v in columns.items()}
    return _frame_by_region(cube, columns)


def concentration_indices(
    panel: Panel,
    *,
    plants: pd.Series | None = None,
    year: int | None = None,
    reference: Reference = "total",
    missing: Missing = "drop_region",
) -> pd.DataFrame:
    r"""Geographic concentration of each industry across regions, per year.

    Parameters
    ----------
    panel : Panel
        Employment by region, industry and year.
    plants : pd.Series, optional
        Plant-size Herfindahl :math:`H_i = \sum_k z_{ik}^2` of each industry, indexed
        by industry (same for all years) or by ``(industry, year)``. Needed for
        ``ellison_glaeser``; without it the column is NaN.
    year : int, optional
        One year; all years when omitted.
    reference : {"total", "rest"}
        Comparison distribution of ``hoover_concentration`` and
        ``krugman_concentration``: all employment (EconGeo ``hoover_index`` with
        regional totals as ``pop``) or the other industries pooled (REAT
        ``krugman.conc`` with two industries).
    missing : {"drop_region", "zero", "raise"}
        As in :func:`location_quotient`.

    Returns
    -------
    pd.DataFrame
        Indexed ``(industry, year)`` with columns ``locational_gini``,
        ``gini_concentration``, ``hoover_concentration``,
        ``krugman_concentration`` and ``ellison_glaeser``.

    Notes
    -----
    With :math:`c_r = x_{ri}/x_i` (region's share of the industry) and
    :math:`a_r` the reference share of region r:

    * ``locational_gini`` (Krugman 1991, EconGeo ``locational_gini``): regions
      sorted by LQ, Lorenz curve of cumulative :math:`c_r` against cumulative
      :math:`x_r/x`, :math:`\frac12\sum_k (X_k Y_{k+1} - X_{k+1} Y_k)`; at most 0.5.
    * ``gini_concentration`` (REAT ``gini.conc``): unweighted Gini of the
      industry's LQs over the regions, at most :math:`(n-1)/n`.
    * ``hoover_concentration`` :math:`\frac12\sum_r |c_r - a_r|` in [0, 1]
      (EconGeo reports it in percent, rounded to 2 decimals).
    * ``krugman_concentration`` :math:`\sum_r |c_r - a_r|` in [0, 2].
    * ``ellison_glaeser`` (Ellison & Glaeser 1997) with :math:`G = \sum_r (c_r -
      a_r)^2` (a = total employment shares):
      :math:`\gamma = \frac{G - (1 - \sum a_r^2) H_i}{(1 - \sum a_r^2)(1 - H_i)}`.

    Examples
    --------
    >>> df = pd.DataFrame({"region": list("AAABBBCCC"), "industry": list("xyzxyzxyz"),
    ...                    "year": 2020, "value": [10., 10., 20., 10., 30., 0., 20., 0., 0.]})
    >>> out = concentration_indices(Panel.from_frame(df))
    >>> out[["hoover_concentration", "krugman_concentration"]].round(3)
                   hoover_concentration  krugman_concentration
    industry year
    x        2020                  0.30                    0.6
    y        2020                  0.35                    0.7
    z        2020                  0.60                    1.2

    Industry x sits (.25, .25, .5) in regions holding (.4, .4, .2) of all jobs:
    0.5 * (.15 + .15 + .3) = 0.3; z is all in A: 0.5 * (|1 - .4| + .4 + .2) = 0.6.
    """
    cube = _select_years(_cube(panel, missing), year)
    x = cube.values
    row_ok: BoolArray = np.asarray(cube.usable.any(axis=2), dtype=bool)  # regions in the sample
    x_i = x.sum(axis=1, keepdims=True)  # (year, 1, industry)
    with np.errstate(all="ignore"):
        c = x / x_i
    ref = _reference_shares(x, axis=2, reference=reference)
    tot = _reference_shares(x, axis=2, reference="total")
    in_sample = row_ok[:, :, None]
    diff = np.where(in_sample, np.abs(c - ref), 0.0)
    krugman = diff.sum(axis=1)
    lq = _lq_cube(cube, np.ones(len(cube.industries), dtype=bool))
    # gini over the regions in the sample with a positive total
    a = tot[:, :, :1]  # region shares of total employment, same for every industry
    pos_region = in_sample & (a > 0)
    lq_t = np.transpose(np.where(pos_region, np.nan_to_num(lq), np.nan), (0, 2, 1))
    known = np.transpose(np.broadcast_to(pos_region, lq.shape), (0, 2, 1))
    gini_conc = _gini_rows(np.nan_to_num(lq_t), known)
    locational = _locational_gini(lq_t, c, a, known)
    a_sq = np.where(pos_region[:, :, 0], a[:, :, 0] ** 2, 0.0).sum(axis=1)[:, None]
    g_eg = np.where(in_sample, (c - tot) ** 2, 0.0).sum(axis=1)
    h = _plant_herfindahl(plants, cube)
    with np.errstate(all="ignore"):
        eg = (g_eg - (1.0 - a_sq) * h) / ((1.0 - a_sq) * (1.0 - h))
    valid = x_i[:, 0, :] > 0
    columns = {
        "locational_gini": locational,
        "gini_concentration": gini_conc,
        "hoover_concentration": krugman / 2.0,
        "krugman_concentration": krugman,
        "ellison_glaeser": eg,
    }
    index = pd.MultiIndex.from_product([cube.industries, cube.years], names=["industry", "year"])
    data = {k: np.where(valid, v, np.nan).transpose(1, 0).reshape(-1) for k, v in columns.items()}
    return pd.DataFrame(data, index=index)


def _locational_gini(
    lq_t: FloatArray, c: FloatArray, a: FloatArray, known: BoolArray
) -> FloatArray:
    """Krugman's locational Gini for each (year, industry); regions sorted by LQ."""
    key = np.where(known, np.nan_to_num(lq_t), np.inf)
    order = np.argsort(key, axis=-1, kind="stable")
    c_t = np.transpose(np.where(np.isfinite(c), c, 0.0), (0, 2, 1))
    a_t = np.broadcast_to(np.transpose(a, (0, 2, 1)), c_t.shape)
    c_s = np.take_along_axis(np.where(known, c_t, 0.0), order, axis=-1)
    a_s = np.take_along_axis(np.where(known, a_t, 0.0), order, axis=-1)
    y = np.cumsum(c_s, axis=-1)
    xx = np.cumsum(a_s, axis=-1)
    with np.errstate(all="ignore"):
        y = y / y[..., -1:]
        xx = xx / xx[..., -1:]
    area = (xx[..., :-1] * y[..., 1:] - xx[..., 1:] * y[..., :-1]).sum(axis=-1)
    return np.asarray(area / 2.0, dtype=np.float64)


def _plant_herfindahl(plants: pd.Series | None, cube: _Cube) -> FloatArray:
    shape = (len(cube.years), len(cube.industries))
    if plants is None:
        return np.full(shape, np.nan)
    h = pd.to_numeric(plants, errors="coerce").astype("float64")
    if bool(((h < 0) | (h > 1)).any()):
        raise InputError("expected plant Herfindahls between 0 and 1", field="plants")
    if isinstance(h.index, pd.MultiIndex):
        h.index = pd.MultiIndex.from_arrays(
            [h.index.get_level_values(0).astype(str), h.index.get_level_values(1).astype(int)]
        )
        full = pd.MultiIndex.from_product([cube.industries, cube.years])
        flat = h.reindex(full).to_numpy(dtype="float64")
        return np.asarray(flat.reshape(len(cube.industries), len(cube.years)).T, dtype=np.float64)
    h.index = h.index.astype(str)
    row = h.reindex(cube.industries).to_numpy(dtype="float64")
    return np.asarray(np.broadcast_to(row, shape), dtype=np.float64).copy()
