r"""Composite indices (OECD/JRC Handbook, 2008): outliers, normalisation, aggregation, uncertainty.

Input is a region x indicator frame of raw values (NaN = missing). The steps:

1. :func:`winsorise` skewed indicators (the JRC rule: |skewness| > 2 and kurtosis > 3.5,
   up to five points on the skewed side, one at a time);
2. :func:`normalise` each indicator onto a 0-100 scale by min-max or by z-score (chosen per
   indicator), after turning "lower is better" indicators round;
3. :func:`aggregate` with weights, arithmetically or geometrically, only for regions with
   enough indicators present (the coverage rule);
4. :class:`CompositeIndex` bundles the three and, with :meth:`CompositeIndex.uncertainty`,
   runs the Monte Carlo uncertainty analysis of Saisana, Saltelli & Tarantola (2005): random
   weights, normalisation and aggregation in every draw, reported as each region's median
   rank and its 5-95 % interval, with a robustness flag.

Everything is vectorised over regions, indicators and draws (no loop per draw).

References
----------
OECD/JRC (2008). Handbook on Constructing Composite Indicators: Methodology and User Guide.
OECD Publishing, Paris. https://doi.org/10.1787/9789264043466-en
Saisana, M., Saltelli, A., & Tarantola, S. (2005). Uncertainty and sensitivity analysis
techniques as tools for the quality assessment of composite indicators. Journal of the Royal
Statistical Society A 168(2), 307-323.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, cast

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from polisee.errors import InputError

__all__ = [
    "AGGREGATIONS",
    "GEOMETRIC_FLOOR",
    "NORMALISATIONS",
    "SCALE",
    "Z_RANGE",
    "Aggregation",
    "CompositeIndex",
    "Normalisation",
    "aggregate",
    "normalise",
    "rank_scores",
    "rank_uncertainty",
    "winsorise",
]

Normalisation = Literal["min-max", "z-score"]
Aggregation = Literal["arithmetic", "geometric"]
NORMALISATIONS: tuple[Normalisation, ...] = ("min-max", "z-score")
AGGREGATIONS: tuple[Aggregation, ...] = ("arithmetic", "geometric")

SCALE = 100.0
"""Top of the normalised scale: every normalised indicator and every score lies in 0..100."""

Z_RANGE = 3.0
"""z-scores are put on the 0-100 scale as ``50 + 50 z / Z_RANGE`` and clipped: the mean is 50,
three standard deviations above it 100."""

GEOMETRIC_FLOOR = 1.0
"""Normalised values below this are raised to it before a geometric mean, so that one zero
(the minimum of a min-max indicator) does not set the whole score to zero."""

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


def _frame(values: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(values, pd.DataFrame):
        raise InputError("expected a DataFrame of regions x indicators", field="values")
    if values.columns.has_duplicates:
        dup = values.columns[values.columns.duplicated()][0]
        raise InputError(f"indicator {dup!r} occurs twice", field=str(dup))
    out = values.apply(pd.to_numeric, errors="coerce").astype("float64")
    bad = values.notna() & out.isna()
    if bool(bad.to_numpy().any()):
        row, col = np.argwhere(bad.to_numpy())[0]
        raise InputError(
            f"expected a number, got {values.iat[row, col]!r} at region {values.index[row]}, "
            f"indicator {values.columns[col]}",
            field=str(values.columns[col]),
        )
    if np.isinf(out.to_numpy()).any():
        row, col = np.argwhere(np.isinf(out.to_numpy()))[0]
        raise InputError(
            f"expected a finite number at region {values.index[row]}, indicator {values.columns[col]}",
            field=str(values.columns[col]),
        )
    return cast(pd.DataFrame, out)


def _per_indicator(
    columns: pd.Index, given: Any, default: Any, allowed: tuple[Any, ...], name: str
) -> dict[str, Any]:
    """A value per indicator from a scalar or a mapping (missing keys take ``default``)."""
    if given is None:
        chosen = dict.fromkeys(map(str, columns), default)
    elif isinstance(given, Mapping):
        unknown = sorted(set(map(str, given)) - set(map(str, columns)))
        if unknown:
            raise InputError(f"{name} names unknown indicators {unknown}", field=name)
        chosen = {str(c): given.get(c, default) for c in columns}
    else:
        chosen = dict.fromkeys(map(str, columns), given)
    for key, value in chosen.items():
        if value not in allowed:
            raise InputError(
                f"expected {name} among {list(allowed)}, got {value!r} for {key}", field=name
            )
    return chosen


def winsorise(
    values: pd.DataFrame,
    *,
    skewness: float = 2.0,
    kurtosis: float = 3.5,
    max_points: int = 5,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    r"""Winsorise the indicators that have outliers, by the JRC rule.

    Parameters
    ----------
    values : pandas.DataFrame
        Regions x indicators, NaN where missing.
    skewness, kurtosis : float
        An indicator is treated while :math:`|\text{skewness}| >` ``skewness`` and
        (excess) kurtosis :math:`>` ``kurtosis``.
    max_points : int
        At most this many values are winsorised per indicator.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The treated values (same shape) and a report indexed by indicator with
        ``points`` (values changed), ``side`` (``"upper"``, ``"lower"`` or ``""``),
        ``skewness_before``, ``kurtosis_before``, ``skewness_after``, ``kurtosis_after``.

    Notes
    -----
    The most extreme value on the skewed side is set to the next value, and the test is
    repeated: after :math:`k` steps the :math:`k` largest (positive skew) values equal
    the :math:`(k+1)`-th largest. Skewness and kurtosis are the bias-corrected sample
    statistics (pandas, Excel's SKEW and KURT), as in the JRC COIN practice; fewer than
    four values are never treated. An indicator still skewed after ``max_points`` steps
    is left at that stage and reported.

    Examples
    --------
    One region far above eight others:

    >>> v = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6, 7, 8, 100]}, index=list("ABCDEFGHI"))
    >>> treated, report = winsorise(v)
    >>> treated["x"].tolist()
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 8.0]
    >>> int(report.loc["x", "points"]), report.loc["x", "side"]
    (1, 'upper')
    """
    frame = _frame(values)
    if max_points < 0:
        raise InputError(f"expected max_points >= 0, got {max_points}", field="max_points")
    treated = frame.copy()
    rows = []
    for column in frame.columns:
        series = frame[column].dropna()
        before_s, before_k = _moments(series)
        points, side = 0, ""
        current = series
        if len(series) >= 4:
            ordered = np.sort(series.to_numpy())
            s, k = before_s, before_k
            while points < max_points and _outlying(s, k, skewness, kurtosis):
                points += 1
                if points >= len(ordered):
                    break
                if s > 0:
                    side = "upper"
                    current = series.clip(upper=ordered[-1 - points])
                else:
                    side = "lower"
                    current = series.clip(lower=ordered[points])
                s, k = _moments(current)
            if points:
                treated.loc[current.index, column] = current
        after_s, after_k = _moments(current)
        rows.append(
            {
                "indicator": column,
                "points": points,
                "side": side,
                "skewness_before": before_s,
                "kurtosis_before": before_k,
                "skewness_after": after_s,
                "kurtosis_after": after_k,
            }
        )
    report = pd.DataFrame(rows).set_index("indicator")
    report.index.name = None
    return treated, report


def _moments(series: pd.Series) -> tuple[float, float]:
    if len(series) < 4 or float(series.std()) == 0.0:
        return 0.0, 0.0
    return float(cast(float, series.skew())), float(cast(float, series.kurt()))


def _outlying(s: float, k: float, skewness: float, kurtosis: float) -> bool:
    return abs(s) > skewness and k > kurtosis


def normalise(
    values: pd.DataFrame,
    method: Normalisation | Mapping[str, Normalisation] = "min-max",
    *,
    directions: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    r"""Put every indicator on a 0-100 scale where higher is better.

    Parameters
    ----------
    values : pandas.DataFrame
        Regions x indicators (the regions of one NUTS level and year), NaN where missing.
    method : {"min-max", "z-score"} or mapping of indicator to method
        One method for all, or one per indicator (missing keys take ``"min-max"``).
    directions : mapping of indicator to +1 or -1, optional
        -1 where a lower value is better (it is negated first); default +1.

    Returns
    -------
    pandas.DataFrame
        Same shape, values in 0..100, NaN where the input is NaN.

    Notes
    -----
    With :math:`x` the (direction-adjusted) value over the regions present:

    - min-max: :math:`100\,(x - \min x)/(\max x - \min x)`;
    - z-score: :math:`z = (x - \bar x)/\sigma` (population standard deviation), put on
      the same scale as :math:`50 + 50\,z/3`, clipped to 0..100.

    An indicator with no spread (all regions equal, or one region) carries no
    information: every present region gets 50.

    Examples
    --------
    >>> v = pd.DataFrame({"a": [1.0, 2, 3], "b": [30.0, 10, 20]}, index=list("XYZ"))
    >>> normalise(v, directions={"b": -1})
         a      b
    X    0.0    0.0
    Y   50.0  100.0
    Z  100.0   50.0
    >>> normalise(v, "z-score")["a"].round(2).tolist()
    [29.59, 50.0, 70.41]
    """
    frame = _frame(values)
    methods = _per_indicator(frame.columns, method, "min-max", NORMALISATIONS, "method")
    signs = _per_indicator(frame.columns, directions, 1, (1, -1), "directions")
    X = frame.to_numpy(dtype=np.float64) * np.array([signs[str(c)] for c in frame.columns])
    use_z = np.array([methods[str(c)] == "z-score" for c in frame.columns])
    mm, z = _both_scales(X)
    out = np.where(use_z[None, :], z, mm)
    return pd.DataFrame(out, index=frame.index, columns=frame.columns)


def _both_scales(X: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Min-max and z-score scales of a regions x indicators array (NaN kept)."""
    present = ~np.isnan(X)
    counts = present.sum(axis=0)
    with np.errstate(all="ignore"):
        lo = np.nanmin(np.where(present, X, np.inf), axis=0)
        hi = np.nanmax(np.where(present, X, -np.inf), axis=0)
        span = hi - lo
        mm = np.where(span > 0, SCALE * (X - lo) / np.where(span > 0, span, 1.0), SCALE / 2)
        mean = np.nansum(X, axis=0) / np.maximum(counts, 1)
        sd = np.sqrt(np.nansum((X - mean) ** 2, axis=0) / np.maximum(counts, 1))
        z = np.where(sd > 0, (X - mean) / np.where(sd > 0, sd, 1.0), 0.0)
    zs = np.clip(SCALE / 2 + (SCALE / 2) * z / Z_RANGE, 0.0, SCALE)
    return np.where(present, mm, np.nan), np.where(present, zs, np.nan)


def _weights(columns: pd.Index, weights: Mapping[str, float] | pd.Series | None) -> FloatArray:
    if weights is None:
        w = np.ones(len(columns))
    else:
        given = {str(k): float(v) for k, v in dict(weights).items()}
        unknown = sorted(set(given) - set(map(str, columns)))
        if unknown:
            raise InputError(f"weights name unknown indicators {unknown}", field="weights")
        w = np.array([given.get(str(c), 0.0) for c in columns], dtype=np.float64)
    if (w < 0).any() or not np.isfinite(w).all():
        raise InputError("expected finite, non-negative weights", field="weights")
    if w.sum() <= 0:
        raise InputError("expected at least one positive weight", field="weights")
    out: FloatArray = w / w.sum()
    return out


def _aggregate_arrays(
    V: FloatArray, present: np.ndarray[Any, np.dtype[np.bool_]], W: FloatArray, geometric: Any
) -> FloatArray:
    """Weighted means over the last axis of ``V`` where ``present``; NaN without weight.

    ``V`` is (..., R, K), ``W`` broadcasts to it, ``geometric`` is a bool or an array
    broadcasting to (..., R).
    """
    Wp = np.where(present, W, 0.0)
    denominator = Wp.sum(axis=-1)
    safe = np.where(present, V, 0.0)
    with np.errstate(all="ignore"):
        arithmetic = (Wp * safe).sum(axis=-1) / denominator
        logs = np.log(np.where(present, np.maximum(V, GEOMETRIC_FLOOR), 1.0))
        geometric_mean = np.exp((Wp * logs).sum(axis=-1) / denominator)
    out = np.where(geometric, geometric_mean, arithmetic)
    return np.where(denominator > 0, out, np.nan)


def aggregate(
    scores: pd.DataFrame,
    weights: Mapping[str, float] | pd.Series | None = None,
    *,
    method: Aggregation = "arithmetic",
    min_coverage: float = 0.5,
) -> pd.Series:
    r"""Weighted mean of normalised indicators per region, where enough of them are present.

    Parameters
    ----------
    scores : pandas.DataFrame
        Normalised indicators (0..100), regions x indicators.
    weights : mapping of indicator to weight, optional
        Non-negative; equal by default; indicators left out weigh 0.
    method : {"arithmetic", "geometric"}
        Weighted arithmetic mean, or weighted geometric mean of the values raised to at
        least :data:`GEOMETRIC_FLOOR`.
    min_coverage : float
        Share of the indicators (columns) a region must have to get a score.

    Returns
    -------
    pandas.Series
        Named ``"score"``, 0..100, NaN where coverage is too low.

    Notes
    -----
    With the weights :math:`w_k` of the indicators present for the region, renormalised
    to sum to one: arithmetic :math:`\sum_k w_k y_k`, geometric
    :math:`\prod_k \max(y_k, 1)^{w_k}`. The geometric mean rewards balance: a weak
    indicator cannot be fully made up by a strong one.

    Examples
    --------
    >>> y = pd.DataFrame({"a": [0.0, 50, 100], "b": [100.0, 0, 50], "c": [None, None, 80]},
    ...                  index=list("XYZ"))
    >>> aggregate(y[["a", "b"]]).tolist()
    [50.0, 25.0, 75.0]
    >>> aggregate(y[["a", "b"]], method="geometric").round(2).tolist()
    [10.0, 7.07, 70.71]
    >>> aggregate(y, min_coverage=0.75).round(2).tolist()  # X and Y have 2 of 3 indicators
    [nan, nan, 76.67]
    """
    frame = _frame(scores)
    if method not in AGGREGATIONS:
        raise InputError(
            f"expected method among {list(AGGREGATIONS)}, got {method!r}", field="method"
        )
    if not 0 <= min_coverage <= 1:
        raise InputError(f"expected min_coverage in 0..1, got {min_coverage}", field="min_coverage")
    w = _weights(frame.columns, weights)
    X = frame.to_numpy(dtype=np.float64)
    present = ~np.isnan(X)
    out = _aggregate_arrays(X, present, w, method == "geometric")
    coverage = present.sum(axis=1) / max(X.shape[1], 1)
    out = np.where(coverage >= min_coverage - 1e-12, out, np.nan)
    return pd.Series(out, index=frame.index, name="score")


def rank_scores(scores: pd.Series) -> pd.Series:
    """Ranks, 1 for the highest score; ties share the better rank; NaN stays unranked.

    >>> rank_scores(pd.Series([50.0, 75.0, None, 75.0], index=list("WXYZ"))).tolist()
    [3.0, 1.0, nan, 1.0]
    """
    return scores.rank(ascending=False, method="min").rename("rank")


TIE_TOLERANCE = 1e-9
"""Scores (0-100) closer than this are ranked as ties."""


def _min_ranks(scores: FloatArray) -> FloatArray:
    """Per row, rank 1 for the highest score, ties sharing the better (lower) rank.

    The same as ``scipy.stats.rankdata(-scores, method="min", axis=1)`` with one sort.

    >>> _min_ranks(np.array([[50.0, 75.0, 75.0, 10.0]])).tolist()
    [[3.0, 1.0, 1.0, 4.0]]
    """
    order = np.argsort(-scores, axis=1, kind="stable")
    ordered = np.take_along_axis(scores, order, axis=1)
    positions = np.broadcast_to(np.arange(scores.shape[1]), scores.shape)
    new_value = np.ones(scores.shape, dtype=bool)
    # Scores equal up to rounding (the same clipped value reached by different arithmetic
    # in a draw) are ties, not a strict order decided by the last bit.
    new_value[:, 1:] = ordered[:, :-1] - ordered[:, 1:] > TIE_TOLERANCE
    first = np.maximum.accumulate(np.where(new_value, positions, 0), axis=1)
    ranks = np.empty(scores.shape, dtype=np.float64)
    np.put_along_axis(ranks, order, first + 1.0, axis=1)
    return ranks


def rank_uncertainty(
    minmax: pd.DataFrame,
    zscore: pd.DataFrame,
    *,
    weights: Mapping[str, float] | pd.Series | None = None,
    normalisation: Mapping[str, Normalisation] | Normalisation = "min-max",
    aggregation: Aggregation = "arithmetic",
    min_coverage: float = 0.5,
    draws: int = 1000,
    weight_spread: float = 0.5,
    vary_normalisation: bool = True,
    vary_aggregation: bool = True,
    robust_width: float = 0.1,
    seed: int = 2005,
) -> pd.DataFrame:
    r"""Monte Carlo uncertainty of the ranks (Saisana, Saltelli & Tarantola 2005).

    Parameters
    ----------
    minmax, zscore : pandas.DataFrame
        The same indicators normalised both ways (:func:`normalise`), regions x indicators.
    weights, normalisation, aggregation, min_coverage
        The nominal choices (see :func:`normalise` and :func:`aggregate`).
    draws : int
        Number of Monte Carlo draws.
    weight_spread : float
        Each draw multiplies every nominal weight by a uniform factor in
        ``[1 - weight_spread, 1 + weight_spread]`` (then renormalises).
    vary_normalisation : bool
        Each draw picks min-max or z-score for each indicator with equal chance; otherwise
        the nominal method.
    vary_aggregation : bool
        Each draw picks the arithmetic or the geometric mean with equal chance.
    robust_width : float
        A rank is robust when its 5-95 % interval spans at most this share of the
        regions ranked (and at least one rank).
    seed : int
        Seed of the random generator: the same inputs give the same result.

    Returns
    -------
    pandas.DataFrame
        Indexed by region: ``nominal_rank``, ``median_rank``, ``rank_p05``, ``rank_p95``
        and ``robust`` (boolean, NA for regions without a score).

    Notes
    -----
    Regions without a nominal score (coverage rule) are not ranked in any draw. Within a
    draw, ranks are 1 for the best score, ties sharing the better rank. All draws are
    computed at once: the weighted sums are matrix products of the draws' weights
    (draws x indicators) with the regions' normalised values (indicators x regions).

    Examples
    --------
    X is first on both indicators, so first in every draw:

    >>> v = pd.DataFrame({"a": [9.0, 2, 1, 4], "b": [8.0, 1, 3, 2]}, index=list("XYZW"))
    >>> out = rank_uncertainty(normalise(v), normalise(v, "z-score"), draws=200)
    >>> out.loc["X", ["median_rank", "rank_p05", "rank_p95"]].tolist()
    [1.0, 1.0, 1.0]
    >>> bool(out.loc["X", "robust"])
    True
    """
    mm = _frame(minmax)
    zz = _frame(zscore).reindex(index=mm.index, columns=mm.columns)
    if draws < 1:
        raise InputError(f"expected at least one draw, got {draws}", field="draws")
    if not 0 <= weight_spread < 1:
        raise InputError(
            f"expected weight_spread in [0, 1), got {weight_spread}", field="weight_spread"
        )
    if aggregation not in AGGREGATIONS:
        raise InputError(
            f"expected aggregation among {list(AGGREGATIONS)}, got {aggregation!r}",
            field="aggregation",
        )
    w0 = _weights(mm.columns, weights)
    nominal_z = np.array(
        [
            m == "z-score"
            for m in _per_indicator(
                mm.columns, normalisation, "min-max", NORMALISATIONS, "normalisation"
            ).values()
        ]
    )
    MM = mm.to_numpy(dtype=np.float64)
    ZZ = zz.to_numpy(dtype=np.float64)
    present = ~np.isnan(MM)
    nominal_values = np.where(nominal_z[None, :], ZZ, MM)
    nominal = _aggregate_arrays(nominal_values, present, w0, aggregation == "geometric")
    coverage = present.sum(axis=1) / max(MM.shape[1], 1)
    valid = (coverage >= min_coverage - 1e-12) & ~np.isnan(nominal)
    out = pd.DataFrame(
        {
            "nominal_rank": np.nan,
            "median_rank": np.nan,
            "rank_p05": np.nan,
            "rank_p95": np.nan,
        },
        index=mm.index,
    )
    robust = pd.Series(pd.NA, index=mm.index, dtype="boolean")
    n = int(valid.sum())
    if n == 0:
        out["robust"] = robust
        return out
    Pv = present[valid].astype(np.float64)
    MMv = np.where(present[valid], MM[valid], 0.0)
    ZZv = np.where(present[valid], ZZ[valid], 0.0)
    LMM = np.log(np.maximum(MMv, GEOMETRIC_FLOOR)) * Pv
    LZZ = np.log(np.maximum(ZZv, GEOMETRIC_FLOOR)) * Pv
    rng = np.random.default_rng(seed)
    K = MM.shape[1]
    W = w0[None, :] * rng.uniform(1 - weight_spread, 1 + weight_spread, (draws, K))
    if vary_normalisation:
        use_z = (rng.random((draws, K)) < 0.5).astype(np.float64)
    else:
        use_z = np.broadcast_to(nominal_z.astype(np.float64), (draws, K))
    if vary_aggregation:
        geometric = rng.random(draws) < 0.5
    else:
        geometric = np.full(draws, aggregation == "geometric")
    # The value used for indicator k in draw d is MM + z_dk (ZZ - MM): each weighted sum
    # over the indicators is two (draws x K) @ (K x regions) products, with no array of
    # shape draws x regions x indicators.
    Wz = W * use_z
    denominator = W @ Pv.T
    with np.errstate(all="ignore"):
        arithmetic = (W @ MMv.T + Wz @ (ZZv - MMv).T) / denominator
        geometric_mean = np.exp((W @ LMM.T + Wz @ (LZZ - LMM).T) / denominator)
    S = np.where(geometric[:, None], geometric_mean, arithmetic)
    S = np.where(denominator > 0, S, -np.inf)
    ranks = _min_ranks(S)
    p05, median, p95 = np.percentile(ranks, [5, 50, 95], axis=0)
    out.loc[valid, "nominal_rank"] = rankdata(-nominal[valid], method="min")
    out.loc[valid, "median_rank"] = median
    out.loc[valid, "rank_p05"] = p05
    out.loc[valid, "rank_p95"] = p95
    limit = max(1.0, robust_width * n)
    robust[valid] = (p95 - p05) <= limit
    out["robust"] = robust
    return out


class CompositeIndex:
    """A composite index of one theme: outlier treatment, normalisation, weights, aggregation.

    ``__init__`` stores the choices; :meth:`fit` computes, on a regions x indicators frame,
    ``treated_`` (after winsorising), ``winsorised_`` (the report of :func:`winsorise`),
    ``minmax_`` and ``zscore_`` (both normalisations), ``normalised_`` (the chosen one per
    indicator), ``coverage_`` (share of indicators present), ``missing_`` (tuple of the
    missing indicators), ``scores_`` (0..100, NaN under the coverage rule) and ``ranks_``.
    :meth:`uncertainty` then runs the Monte Carlo analysis on the fitted values.

    Parameters
    ----------
    weights : mapping of indicator to weight, optional
        Equal by default.
    normalisation : {"min-max", "z-score"} or mapping of indicator to method
    directions : mapping of indicator to +1 or -1, optional
    aggregation : {"arithmetic", "geometric"}
    winsorise : bool
        Treat outliers by the JRC rule before normalising.
    min_coverage : float
        Share of the indicators a region needs for a score.

    Examples
    --------
    >>> v = pd.DataFrame({"a": [1.0, 2, 3], "b": [30.0, 10, None]}, index=list("XYZ"))
    >>> index = CompositeIndex(directions={"b": -1}, winsorise=False).fit(v)
    >>> index.scores_.tolist()
    [0.0, 75.0, 100.0]
    >>> index.missing_["Z"], index.ranks_.tolist()
    (('b',), [3.0, 2.0, 1.0])
    """

    def __init__(
        self,
        *,
        weights: Mapping[str, float] | pd.Series | None = None,
        normalisation: Normalisation | Mapping[str, Normalisation] = "min-max",
        directions: Mapping[str, int] | None = None,
        aggregation: Aggregation = "arithmetic",
        winsorise: bool = True,
        min_coverage: float = 0.5,
    ) -> None:
        self.weights = weights
        self.normalisation = normalisation
        self.directions = directions
        self.aggregation = aggregation
        self.winsorise = winsorise
        self.min_coverage = min_coverage

    def fit(self, values: pd.DataFrame) -> CompositeIndex:
        """Compute the fitted attributes on ``values`` (regions x indicators); returns self."""
        frame = _frame(values)
        if frame.shape[1] == 0:
            raise InputError("expected at least one indicator", field="values")
        if self.winsorise:
            treated, report = winsorise(frame)
        else:
            treated, report = frame, pd.DataFrame(index=frame.columns)
        self.treated_ = treated
        self.winsorised_ = report
        self.minmax_ = normalise(treated, "min-max", directions=self.directions)
        self.zscore_ = normalise(treated, "z-score", directions=self.directions)
        methods = _per_indicator(
            frame.columns, self.normalisation, "min-max", NORMALISATIONS, "normalisation"
        )
        chosen = np.array([methods[str(c)] == "z-score" for c in frame.columns])
        self.normalised_ = pd.DataFrame(
            np.where(chosen[None, :], self.zscore_.to_numpy(), self.minmax_.to_numpy()),
            index=frame.index,
            columns=frame.columns,
        )
        present = frame.notna()
        self.coverage_ = (present.sum(axis=1) / frame.shape[1]).rename("coverage")
        names = np.array([str(c) for c in frame.columns], dtype=object)
        self.missing_ = pd.Series(
            [tuple(names[~row]) for row in present.to_numpy()], index=frame.index, name="missing"
        )
        self.scores_ = aggregate(
            self.normalised_,
            self.weights,
            method=self.aggregation,
            min_coverage=self.min_coverage,
        )
        self.ranks_ = rank_scores(self.scores_)
        return self

    def uncertainty(
        self,
        *,
        draws: int = 1000,
        weight_spread: float = 0.5,
        vary_normalisation: bool = True,
        vary_aggregation: bool = True,
        robust_width: float = 0.1,
        seed: int = 2005,
    ) -> pd.DataFrame:
        """The Monte Carlo rank analysis of :func:`rank_uncertainty` on the fitted values."""
        if not hasattr(self, "minmax_"):
            raise InputError("fit the index before its uncertainty analysis", field="fit")
        return rank_uncertainty(
            self.minmax_,
            self.zscore_,
            weights=self.weights,
            normalisation=self.normalisation,
            aggregation=self.aggregation,
            min_coverage=self.min_coverage,
            draws=draws,
            weight_spread=weight_spread,
            vary_normalisation=vary_normalisation,
            vary_aggregation=vary_aggregation,
            robust_width=robust_width,
            seed=seed,
        )
