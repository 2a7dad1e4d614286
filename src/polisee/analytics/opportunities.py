"""Growth opportunities of a region and its peer regions.

``growth_opportunities`` ranks the industries a region does not have yet by feasibility
(density: how much of the related know-how is already there) and attractiveness
(complexity PCI and complexity outlook gain COG), as the Growth Lab's Atlas does for
countries. ``strategic_approach`` places each region in one of the Atlas's four broad
approaches. ``peer_regions`` finds the regions most alike in industry mix and size.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from polisee.analytics.complexity import EconomicComplexity
from polisee.analytics.panel import Panel
from polisee.errors import InputError

__all__ = [
    "QUADRANTS",
    "STRATEGIC_APPROACHES",
    "growth_opportunities",
    "peer_regions",
    "strategic_approach",
]

#: (feasible, attractive) -> quadrant name; medians over the region's absent industries.
QUADRANTS: dict[tuple[bool, bool], str] = {
    (True, True): "low-hanging fruit",
    (False, True): "long jump",
    (True, False): "nearby, less complex",
    (False, False): "low priority",
}

#: (ECI above median, COI above median) -> the Atlas's strategic approach.
STRATEGIC_APPROACHES: dict[tuple[bool, bool], str] = {
    (True, True): "light touch",
    (False, True): "parsimonious industrial policy",
    (False, False): "strategic bets",
    (True, False): "technological frontier",
}


def _fitted_year(ec: EconomicComplexity, year: int | None) -> int:
    if not hasattr(ec, "eci_"):
        raise InputError("expected a fitted EconomicComplexity: call fit(panel) first", field="ec")
    years = sorted(int(y) for y in ec.eci_.index.get_level_values("year").unique())
    if year is None:
        return years[-1]
    if year not in years:
        raise InputError(f"year {year} was not fitted (years {years})", field="year")
    return int(year)


def growth_opportunities(
    ec: EconomicComplexity, region: str, *, year: int | None = None
) -> pd.DataFrame:
    r"""Industries absent from ``region``, ranked by feasibility and attractiveness.

    Parameters
    ----------
    ec : EconomicComplexity
        A fitted estimator (its ``presence_``, ``density_``, ``pci_`` and ``cog_``).
    region : str
        The region's code.
    year : int, optional
        Defaults to the last fitted year.

    Returns
    -------
    pandas.DataFrame
        One row per industry with presence 0 and a defined density and PCI, sorted by
        ``rank``; columns ``density`` (feasibility), ``distance`` (1 - density), ``pci``
        and ``cog`` (attractiveness), ``feasible`` (density at or above the median),
        ``attractive`` (PCI at or above the median), ``quadrant`` (see
        :data:`QUADRANTS`), ``score`` and ``rank`` (1 = best).

    Notes
    -----
    Medians are taken over the region's own absent industries, so every region gets
    all four quadrants:

    ==========================  ==================  ===================
    quadrant                    density >= median   PCI >= median
    ==========================  ==================  ===================
    ``"low-hanging fruit"``     yes                 yes
    ``"long jump"``             no                  yes
    ``"nearby, less complex"``  yes                 no
    ``"low priority"``          no                  no
    ==========================  ==================  ===================

    ``score`` is the mean of the within-region z-scores of density, PCI and COG (equal
    weights: the Atlas's "balanced portfolio" idea; the weights are polisee's choice).
    The density is the estimator's convention (atlas: an industry does not count
    towards its own density).

    References
    ----------
    Hausmann, R., Hidalgo, C. A., et al. (2014). The Atlas of Economic Complexity:
    Mapping Paths to Prosperity. MIT Press.
    Hidalgo, C. A., Klinger, B., Barabasi, A.-L., & Hausmann, R. (2007). The product space
    conditions the development of nations. Science 317(5837), 482-487.
    Growth Lab, Harvard University. Atlas of Economic Complexity, country profiles:
    "growth opportunities" and "strategic approach" (atlas.hks.harvard.edu).

    Examples
    --------
    >>> rows = [("A", "x"), ("B", "x"), ("B", "y"), ("C", "x"), ("C", "y"), ("C", "z"),
    ...         ("D", "x"), ("D", "w"), ("E", "x"), ("E", "y"), ("E", "w")]
    >>> df = pd.DataFrame(rows, columns=["region", "industry"]).assign(year=2020, value=1.0)
    >>> ec = EconomicComplexity(presence="binary").fit(Panel.from_frame(df))
    >>> growth_opportunities(ec, "A")[["quadrant", "rank"]]
                        quadrant  rank
    industry
    y          low-hanging fruit     1
    z                  long jump     2
    w       nearby, less complex     3
    """
    year = _fitted_year(ec, year)
    key = (year, region)
    if key not in ec.presence_.index:
        raise InputError(f"region {region} is not in the fitted panel", field="region")
    frame = pd.DataFrame(
        {
            "presence": ec.presence_.loc[key],
            "density": ec.density_.loc[key],
            "pci": ec.pci_.loc[year],
            "cog": ec.cog_.loc[key],
        }
    )
    frame = frame[(frame["presence"] == 0) & frame["density"].notna() & frame["pci"].notna()]
    frame = frame.drop(columns="presence")
    frame.index.name = "industry"
    frame.insert(1, "distance", 1.0 - frame["density"])
    frame["feasible"] = frame["density"] >= frame["density"].median()
    frame["attractive"] = frame["pci"] >= frame["pci"].median()
    frame["quadrant"] = [
        QUADRANTS[(bool(f), bool(a))]
        for f, a in zip(frame["feasible"], frame["attractive"], strict=True)
    ]
    z = frame[["density", "pci", "cog"]].apply(_zscore)
    frame["score"] = z.mean(axis=1)
    frame = frame.sort_values(["score", "density"], ascending=False, kind="stable")
    frame["rank"] = np.arange(1, len(frame) + 1)
    return frame


def _zscore(x: pd.Series) -> pd.Series:
    sd = x.std(ddof=0)
    if not sd > 0:
        return x * 0.0
    return (x - x.mean()) / sd


def strategic_approach(ec: EconomicComplexity, *, year: int | None = None) -> pd.Series:
    """The Atlas's broad strategic approach of every region, from its ECI and COI.

    ECI and COI are compared with their medians across the fitted regions of that year
    (see :data:`STRATEGIC_APPROACHES`): many nearby complex opportunities and high
    complexity -> "light touch"; many opportunities, low complexity -> "parsimonious
    industrial policy"; few of either -> "strategic bets"; high complexity with few
    remaining opportunities -> "technological frontier".

    Returns
    -------
    pandas.Series
        Named ``"strategic_approach"``, indexed by region (regions without ECI omitted).

    References
    ----------
    Growth Lab, Harvard University. Atlas of Economic Complexity, country profiles,
    "strategic approach" (atlas.hks.harvard.edu).
    """
    year = _fitted_year(ec, year)
    both = pd.DataFrame({"eci": ec.eci_.loc[year], "coi": ec.coi_.loc[year]}).dropna()
    high_eci = both["eci"] >= both["eci"].median()
    high_coi = both["coi"] >= both["coi"].median()
    names = [
        STRATEGIC_APPROACHES[(bool(e), bool(c))] for e, c in zip(high_eci, high_coi, strict=True)
    ]
    return pd.Series(names, index=both.index, name="strategic_approach")


def peer_regions(panel: Panel, region: str, *, k: int = 5, year: int | None = None) -> pd.DataFrame:
    r"""The ``k`` regions nearest to ``region`` by industry structure and size.

    Parameters
    ----------
    panel : Panel
        Values by region x industry (employment); NaN and absent cells count as zero.
    region : str
        The region's code.
    k : int
        How many peers (fewer when the panel has fewer regions).
    year : int, optional
        Defaults to the panel's last year.

    Returns
    -------
    pandas.DataFrame
        Indexed by peer region, nearest first: ``distance``, its components
        ``structure`` (cosine distance of industry shares) and ``size`` (absolute
        difference of log total), ``total``, and ``rank``.

    Notes
    -----
    Structure is compared with the cosine distance
    :math:`1 - \frac{s_c \cdot s_r}{\lVert s_c\rVert \lVert s_r\rVert}` of the industry
    share vectors: it ignores size (shares of a region twice as large with the same mix
    are identical) and is bounded in [0, 1] for non-negative data, unlike a Euclidean
    distance dominated by the largest industries. Size is
    :math:`|\ln X_c - \ln X_r|`. Each component is divided by its standard deviation over
    all other regions so that neither dominates by its units, and
    :math:`d = \sqrt{\tilde d_{structure}^2 + \tilde d_{size}^2}`.

    Examples
    --------
    B has A's mix at twice the size, C A's size with another mix:

    >>> df = pd.DataFrame({"region": list("AABBCCDD"), "industry": list("xyxyxyxy"),
    ...                    "year": 2020, "value": [3.0, 1.0, 6.0, 2.0, 1.0, 3.0, 30.0, 10.0]})
    >>> peer_regions(Panel.from_frame(df), "A", k=2)[["structure", "size", "rank"]].round(3)
            structure   size  rank
    region
    B             0.0  0.693     1
    C             0.4  0.000     2
    """
    if k < 1:
        raise InputError(f"expected k >= 1, got {k}", field="k")
    year = panel.years[-1] if year is None else year
    matrix = panel.to_matrix(year).fillna(0.0)
    if region not in matrix.index:
        raise InputError(f"region {region} is not in the panel for year {year}", field="region")
    X = matrix.to_numpy(dtype=np.float64)
    total = X.sum(axis=1)
    active = total > 0
    if not active[matrix.index.get_loc(region)]:
        raise InputError(f"region {region} has no values in year {year}", field="region")
    X, total, labels = X[active], total[active], matrix.index[active]
    me = int(labels.get_loc(region))
    norms = np.linalg.norm(X, axis=1)
    structure = np.clip(1.0 - (X @ X[me]) / (norms * norms[me]), 0.0, 1.0)
    size = np.abs(np.log(total) - np.log(total[me]))
    others = np.arange(len(labels)) != me
    scaled = [_scaled(c, others) for c in (structure, size)]
    distance = np.sqrt(scaled[0] ** 2 + scaled[1] ** 2)
    keep = np.flatnonzero(others)
    out = pd.DataFrame(
        {
            "distance": distance[keep],
            "structure": structure[keep],
            "size": size[keep],
            "total": total[keep],
        },
        index=pd.Index(labels[keep], name="region"),
    )
    out = out.sort_values(["distance", "structure"], kind="stable").head(k)
    out["rank"] = np.arange(1, len(out) + 1)
    return out


def _scaled(component: np.ndarray, others: np.ndarray) -> np.ndarray:
    sd = component[others].std()
    return component / sd if sd > 0 else component
