"""Relatedness between industries from their co-location, and relatedness density.

``relatedness`` turns a panel into an industry x industry matrix (co-occurrence of
presence across regions, normalised); ``relatedness_density`` says, for every region
and industry, what share of the industries related to it the region already has.
Conventions follow the R package EconGeo (Balland 2017) and, for ``"proximity"``,
Hidalgo et al. (2007).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from polisee.analytics.panel import Panel
from polisee.errors import InputError

__all__ = [
    "RELATEDNESS_METHODS",
    "relatedness",
    "relatedness_density",
    "relatedness_from_cooccurrence",
]

Method = Literal["proximity", "cosine", "jaccard", "association", "probabilistic"]
RELATEDNESS_METHODS: tuple[str, ...] = (
    "proximity",
    "cosine",
    "jaccard",
    "association",
    "probabilistic",
)


def _presence(
    panel: Panel, year: int | None, presence: str, threshold: float
) -> tuple[pd.DataFrame, int]:
    """Region x industry 0/1 matrix for one year (NaN and absent cells count as zero)."""
    if presence not in ("rca", "binary"):
        raise InputError(
            f"expected presence to be one of ['rca', 'binary'], got {presence!r}", field="presence"
        )
    matrix = panel.to_matrix(year)
    year = int(year if year is not None else panel.years[0])
    X = np.nan_to_num(matrix.to_numpy(dtype=np.float64), nan=0.0)
    if presence == "binary":
        M = (X > 0).astype(np.float64)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            rca = (X / X.sum(axis=1, keepdims=True)) / (X.sum(axis=0) / X.sum())[None, :]
        M = (np.nan_to_num(rca, nan=0.0) >= threshold).astype(np.float64)
    return pd.DataFrame(M, index=matrix.index, columns=matrix.columns), year


def relatedness(
    panel: Panel,
    *,
    year: int | None = None,
    method: Method = "proximity",
    presence: Literal["rca", "binary"] = "rca",
    threshold: float = 1.0,
) -> pd.DataFrame:
    r"""Industry x industry relatedness from co-location in one year.

    Parameters
    ----------
    panel : Panel
        Values by region x industry (employment, exports, ...); NaN and absent cells count
        as zero.
    year : int, optional
        Needed when the panel holds several years.
    method : {"proximity", "cosine", "jaccard", "association", "probabilistic"}
        Normalisation of the co-occurrence counts (see Notes).
    presence : {"rca", "binary"}
        A region has an industry when its RCA is at least ``threshold`` (EconGeo's
        ``rca(mat, binary = TRUE)``), or when the value is positive (``"binary"``).
    threshold : float
        RCA threshold (1.0).

    Returns
    -------
    pandas.DataFrame
        Symmetric, index and columns the panel's industries, zero diagonal: an industry
        is not related to itself, so it never counts towards its own density.

    Notes
    -----
    With presence :math:`M_{cp}`, co-occurrence :math:`C_{ij} = \sum_c M_{ci} M_{cj}`
    (EconGeo ``co_occurrence(t(M))``, diagonal 0), :math:`s_i = \sum_j C_{ij}`,
    :math:`T = \sum_{ij} C_{ij}` and ubiquity :math:`k_i = \sum_c M_{ci}`:

    - ``"proximity"``: :math:`\min(C_{ij}/k_i, C_{ij}/k_j)` (Hidalgo et al. 2007), the
      minimum conditional probability; the same matrix as
      :class:`~polisee.analytics.complexity.EconomicComplexity`'s ``proximity_`` in the
      atlas convention.
    - ``"cosine"``: :math:`C_{ij} / \sqrt{s_i s_j}` (EconGeo ``method = "cosine"``).
    - ``"jaccard"``: :math:`C_{ij} / (s_i + s_j - C_{ij})` (EconGeo ``"jaccard"``).
    - ``"association"``: :math:`C_{ij} T / (s_i s_j)`, observed over expected
      co-occurrences, the association strength of van Eck & Waltman (2009) (EconGeo
      ``"association"``); above 1 means more co-location than chance.
    - ``"probabilistic"``: EconGeo's default ``"prob"``, the probability index of Steijn
      (2017), an association strength with expected counts from combinations without
      repetition: :math:`C_{ij} / \left[\tfrac{T}{2}\left(\tfrac{s_i}{T}
      \tfrac{s_j}{T - s_i} + \tfrac{s_j}{T}\tfrac{s_i}{T - s_j}\right)\right]`.

    Undefined ratios (an industry present nowhere) are 0, as in EconGeo.

    References
    ----------
    Balland, P.-A. (2017). Economic Geography in R: Introduction to the EconGeo package.
    Papers in Evolutionary Economic Geography 17.09, Utrecht University.
    van Eck, N. J., & Waltman, L. (2009). How to normalize cooccurrence data? JASIST 60(8),
    1635-1651.
    Steijn, M. P. A. (2017). Improvement on the association strength: implementing
    probability measures based on combinations without repetition. Working paper, Utrecht
    University.
    Hidalgo, C. A., Klinger, B., Barabasi, A.-L., & Hausmann, R. (2007). The product space
    conditions the development of nations. Science 317(5837), 482-487.

    Examples
    --------
    Regions A (x, y), B (x, y, z), C (z) given as presence: x and y co-occur twice,
    x and z, y and z once; k = (2, 2, 2), so proximity is C / 2:

    >>> df = pd.DataFrame({"region": list("AABBBC"), "industry": list("xyxyzz"),
    ...                    "year": 2020, "value": 1.0})
    >>> relatedness(Panel.from_frame(df), method="proximity", presence="binary")
    industry    x    y    z
    industry
    x         0.0  1.0  0.5
    y         1.0  0.0  0.5
    z         0.5  0.5  0.0
    """
    if method not in RELATEDNESS_METHODS:
        raise InputError(
            f"expected method to be one of {list(RELATEDNESS_METHODS)}, got {method!r}",
            field="method",
        )
    M, _ = _presence(panel, year, presence, threshold)
    m = M.to_numpy()
    cooc = m.T @ m
    if method == "proximity":
        ubiquity = np.diag(cooc).copy()
        with np.errstate(divide="ignore", invalid="ignore"):
            out = cooc / np.maximum(ubiquity[:, None], ubiquity[None, :])
        out = np.nan_to_num(out, nan=0.0, posinf=0.0)
        np.fill_diagonal(out, 0.0)
        return pd.DataFrame(out, index=M.columns, columns=M.columns)
    frame = pd.DataFrame(cooc, index=M.columns, columns=M.columns)
    return relatedness_from_cooccurrence(frame, method=method)


def relatedness_from_cooccurrence(
    cooccurrence: pd.DataFrame,
    *,
    method: Literal["cosine", "jaccard", "association", "probabilistic"] = "probabilistic",
) -> pd.DataFrame:
    """Normalise a symmetric co-occurrence matrix as EconGeo's ``relatedness(mat, method)``.

    The diagonal of ``cooccurrence`` is ignored (set to 0 first); see :func:`relatedness`
    for the formulas. Useful for co-occurrences counted elsewhere (patents, firms, jobs).

    Examples
    --------
    >>> c = pd.DataFrame([[0, 2, 1], [2, 0, 1], [1, 1, 0]], index=list("xyz"), columns=list("xyz"))
    >>> relatedness_from_cooccurrence(c, method="cosine").loc["x", "y"]  # 2 / sqrt(3 * 3)
    np.float64(0.6666666666666666)
    """
    if method not in ("cosine", "jaccard", "association", "probabilistic"):
        raise InputError(
            f"expected method to be one of ['cosine', 'jaccard', 'association', "
            f"'probabilistic'], got {method!r}",
            field="method",
        )
    if cooccurrence.shape[0] != cooccurrence.shape[1]:
        raise InputError(
            f"expected a square co-occurrence matrix, got shape {cooccurrence.shape}",
            field="cooccurrence",
        )
    c = cooccurrence.to_numpy(dtype=np.float64).copy()
    np.fill_diagonal(c, 0.0)
    s = c.sum(axis=0)
    si = s[:, None]
    sj = s[None, :]
    t = c.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "probabilistic":
            out = c / (((si / t) * (sj / (t - si)) + (sj / t) * (si / (t - sj))) * (t / 2))
        elif method == "association":
            out = (c / t) / ((si / t) * (sj / t))
        elif method == "cosine":
            out = c / np.sqrt(si * sj)
        else:
            out = c / (si + sj - c)
    out = np.nan_to_num(out, nan=0.0, posinf=0.0, neginf=0.0)
    np.fill_diagonal(out, 0.0)
    return pd.DataFrame(out, index=cooccurrence.index, columns=cooccurrence.columns)


def relatedness_density(
    panel: Panel,
    relatedness: pd.DataFrame,
    *,
    year: int | None = None,
    presence: Literal["rca", "binary"] = "rca",
    threshold: float = 1.0,
) -> pd.Series:
    r"""Relatedness density of every region x industry, from 0 to 100 (EconGeo).

    Parameters
    ----------
    panel : Panel
        Values by region x industry; presence as in :func:`relatedness`.
    relatedness : pandas.DataFrame
        Industry x industry relatedness (from :func:`relatedness` or elsewhere), used as
        given: its diagonal decides whether an industry counts towards its own density
        (:func:`relatedness` returns 0 there).
    year : int, optional
        Needed when the panel holds several years.

    Returns
    -------
    pandas.Series
        Named ``"relatedness_density"``, indexed ``(region, industry)``; NaN for an
        industry related to nothing.

    Notes
    -----
    .. math:: RD_{cp} = 100 \, \frac{\sum_k M_{ck} \phi_{kp}}{\sum_k \phi_{kp}}

    EconGeo's ``relatedness_density(mat, relatedness)`` (Boschma, Balland & Kogler 2015),
    which rounds to 2 decimals (polisee does not). The Growth Lab's density (``density_``
    of :class:`~polisee.analytics.complexity.EconomicComplexity`, and the ``ecomplexity``
    packages) is the same ratio on a 0..1 scale; with a zero diagonal and the proximity
    method, ``relatedness_density / 100`` equals the atlas-convention ``density_``.

    References
    ----------
    Boschma, R., Balland, P.-A., & Kogler, D. (2015). Relatedness and technological change
    in cities. Industrial and Corporate Change 24(1), 223-250.
    Hidalgo, C. A., et al. (2007). The product space conditions the development of nations.
    Science 317(5837), 482-487.

    Examples
    --------
    Region C has only z; z is related to x with 0.5 and to y with 0.5, x to y with 1,
    so C's density of x is 100 * 0.5 / (1 + 0.5) = 33.3:

    >>> df = pd.DataFrame({"region": list("AABBBC"), "industry": list("xyxyzz"),
    ...                    "year": 2020, "value": 1.0})
    >>> panel = Panel.from_frame(df)
    >>> rel = relatedness(panel, presence="binary")
    >>> relatedness_density(panel, rel, presence="binary").loc["C"].round(1)
    industry
    x    33.3
    y    33.3
    z     0.0
    Name: relatedness_density, dtype: float64
    """
    if relatedness.shape[0] != relatedness.shape[1] or not relatedness.index.equals(
        relatedness.columns
    ):
        raise InputError(
            "expected a square relatedness matrix with the same industries in rows and columns",
            field="relatedness",
        )
    M, _ = _presence(panel, year, presence, threshold)
    missing = M.columns.difference(relatedness.index)
    if len(missing):
        raise InputError(
            f"expected relatedness for every industry of the panel, missing {list(missing[:5])}",
            field="relatedness",
        )
    phi = relatedness.loc[M.columns, M.columns].to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        density = 100.0 * (M.to_numpy() @ phi) / phi.sum(axis=0)[None, :]
    index = pd.MultiIndex.from_product([M.index, M.columns], names=["region", "industry"])
    return pd.Series(density.ravel(), index=index, name="relatedness_density")
