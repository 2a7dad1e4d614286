"""The one list of indicators: key, unit, formula anchor, peer and function.

CLI pickers, web pickers, the docs test and the conformance suite iterate over
``registry``; a new indicator is added in one place with :func:`register`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, cast

import pandas as pd

from polisee.analytics import clusters, shiftshare, specialisation
from polisee.analytics.complexity import EconomicComplexity
from polisee.analytics.panel import Panel
from polisee.analytics.relatedness import Method as RelatednessMethod
from polisee.analytics.relatedness import relatedness, relatedness_density
from polisee.errors import Conflict, InputError, NotFound

__all__ = ["Indicator", "Kind", "compute", "register", "registry"]

Kind = Literal["region-industry", "region", "industry", "region-cluster"]
KINDS = ("region-industry", "region", "industry", "region-cluster")


@dataclass(frozen=True)
class Indicator:
    """One indicator.

    ``anchor`` is the id of its section in docs/methodology.md; ``column`` selects
    one column when ``function`` returns a DataFrame of several indicators.
    """

    key: str
    name: str
    unit: str
    kind: Kind
    anchor: str
    peer: str
    function: Callable[..., pd.Series | pd.DataFrame]
    column: str | None = None


registry: dict[str, Indicator] = {}


def register(indicator: Indicator, *, replace: bool = False) -> Indicator:
    """Add ``indicator`` to :data:`registry`; a taken key raises Conflict unless ``replace``."""
    if indicator.kind not in KINDS:
        raise InputError(f"expected kind in {list(KINDS)}, got {indicator.kind!r}", field="kind")
    if indicator.key in registry and not replace:
        raise Conflict(f"indicator {indicator.key!r} is already registered")
    registry[indicator.key] = indicator
    return indicator


def compute(key: str, panel: Panel, **params: Any) -> pd.Series | pd.DataFrame:
    """Compute the indicator ``key`` on ``panel``; a single column comes back as a Series named ``key``."""
    try:
        indicator = registry[key]
    except KeyError:
        raise NotFound(f"no indicator {key!r}; known: {sorted(registry)}") from None
    result = indicator.function(panel, **params)
    if indicator.column is not None:
        return result[indicator.column].rename(key)
    return result


def _strong_flags(panel: Panel, *, establishments: Panel, base: Any = "total") -> pd.DataFrame:
    """Strong-cluster flags from a region x cluster employment panel."""
    lq = specialisation.location_quotient(panel, base=base)
    names = ["region", "cluster", "year"]
    lq.index = lq.index.set_names(names)
    emp = panel.values.rename_axis(names)
    est = establishments.values.rename_axis(names).reindex(emp.index)
    return clusters.strong_cluster_flags(lq, emp, est)


_SPEC = specialisation.specialisation_indices
_CONC = specialisation.concentration_indices
_ECONGEO = "EconGeo"
for _ind in (
    Indicator(
        "lq",
        "Location quotient",
        "ratio",
        "region-industry",
        "lq",
        "EconGeo location_quotient; REAT locq; CMP lq_tf",
        specialisation.location_quotient,
    ),
    Indicator(
        "krugman",
        "Krugman dissimilarity index",
        "index 0-2",
        "region",
        "krugman",
        "EconGeo krugman_index (reference='total'); REAT krugman.spec",
        _SPEC,
        "krugman",
    ),
    Indicator(
        "hoover",
        "Hoover coefficient of specialisation",
        "index 0-1",
        "region",
        "hoover",
        "EconGeo spec_coeff (reference='total')",
        _SPEC,
        "hoover",
    ),
    Indicator(
        "gini",
        "Gini coefficient of specialisation",
        "index 0-1",
        "region",
        "gini",
        "REAT gini.spec; EconGeo Gini on LQs",
        _SPEC,
        "gini",
    ),
    Indicator(
        "hhi",
        "Herfindahl-Hirschman index",
        "index 1/n-1",
        "region",
        "hhi",
        "EconGeo herfindahl; REAT herf",
        _SPEC,
        "hhi",
    ),
    Indicator(
        "hhi_norm",
        "Normalised Herfindahl-Hirschman index",
        "index 0-1",
        "region",
        "hhi_norm",
        "REAT herf(coefnorm=TRUE)",
        _SPEC,
        "hhi_norm",
    ),
    Indicator(
        "theil",
        "Relative Theil index of specialisation",
        "nats",
        "region",
        "theil",
        "none (formula in Cutrini 2009)",
        _SPEC,
        "theil",
    ),
    Indicator(
        "entropy",
        "Shannon entropy of the industry mix",
        "bits",
        "region",
        "entropy",
        "EconGeo entropy",
        _SPEC,
        "entropy",
    ),
    Indicator(
        "hachman",
        "Hachman index",
        "index 0-1",
        "region",
        "hachman",
        "EconGeo hachman",
        _SPEC,
        "hachman",
    ),
    Indicator(
        "locational_gini",
        "Locational Gini coefficient",
        "index 0-0.5",
        "industry",
        "locational_gini",
        "EconGeo locational_gini",
        _CONC,
        "locational_gini",
    ),
    Indicator(
        "gini_concentration",
        "Gini coefficient of spatial concentration",
        "index 0-1",
        "industry",
        "gini_concentration",
        "REAT gini.conc",
        _CONC,
        "gini_concentration",
    ),
    Indicator(
        "hoover_concentration",
        "Hoover concentration index",
        "index 0-1",
        "industry",
        "hoover_concentration",
        "EconGeo hoover_index (percent)",
        _CONC,
        "hoover_concentration",
    ),
    Indicator(
        "krugman_concentration",
        "Krugman concentration index",
        "index 0-2",
        "industry",
        "krugman_concentration",
        "REAT krugman.conc",
        _CONC,
        "krugman_concentration",
    ),
    Indicator(
        "ellison_glaeser",
        "Ellison-Glaeser agglomeration index",
        "index",
        "industry",
        "ellison_glaeser",
        "REAT ellison.a",
        _CONC,
        "ellison_glaeser",
    ),
    Indicator(
        "shift_share",
        "Shift-share decomposition",
        "value units",
        "region-industry",
        "shift_share",
        "REAT shift / shiftd",
        shiftshare.shift_share,
    ),
    Indicator(
        "strong_flags",
        "Strong cluster flags",
        "boolean",
        "region-cluster",
        "strong_flags",
        "US Cluster Mapping Project",
        _strong_flags,
    ),
    Indicator(
        "stars",
        "Cluster star ratings",
        "stars 0-4",
        "region-cluster",
        "stars",
        "European Cluster Observatory",
        clusters.star_ratings,
    ),
):
    register(_ind)


# -- economic complexity and relatedness --------------------------------------------
def _complexity(attribute: str) -> Callable[..., pd.Series]:
    """A registry function fitting EconomicComplexity and returning one fitted attribute.

    Region-level results come back indexed ``(region, year)``, industry-level ones
    ``(industry, year)`` and region x industry ones ``(region, industry, year)``, like
    the other indicators.
    """

    def fit_and_take(panel: Panel, **params: Any) -> pd.Series:
        fitted = getattr(EconomicComplexity(**params).fit(panel), attribute)
        out: pd.Series
        if isinstance(fitted, pd.DataFrame):
            long = cast(pd.Series, fitted.stack(future_stack=True))
            long.index = long.index.set_names(["year", "region", "industry"])
            out = long.reorder_levels([1, 2, 0]).sort_index()
        else:
            out = cast(pd.Series, fitted).reorder_levels([1, 0]).sort_index()
        return out.rename(attribute.rstrip("_"))

    return fit_and_take


def _relatedness_density(
    panel: Panel,
    *,
    method: RelatednessMethod = "proximity",
    presence: Literal["rca", "binary"] = "rca",
    threshold: float = 1.0,
) -> pd.Series:
    parts = []
    for year in panel.years:
        one = panel.select(years=[year])
        matrix = relatedness(one, year=year, method=method)
        dens = relatedness_density(one, matrix, year=year, presence=presence, threshold=threshold)
        framed = dens.to_frame("relatedness_density").assign(year=year)
        parts.append(framed.set_index("year", append=True)["relatedness_density"])
    out = cast(pd.Series, pd.concat(parts))
    out.index = out.index.set_names(["region", "industry", "year"])
    return out.sort_index()


_GROWTH_LAB = "ecomplexity (Growth Lab Stata and Python)"
for _ind in (
    Indicator(
        "rca",
        "Revealed comparative advantage",
        "ratio",
        "region-industry",
        "rca",
        f"{_GROWTH_LAB}; EconGeo rca",
        _complexity("rca_"),
    ),
    Indicator(
        "eci",
        "Economic complexity index",
        "standardised index",
        "region",
        "eci",
        f"{_GROWTH_LAB}; EconGeo kci",
        _complexity("eci_"),
    ),
    Indicator(
        "diversity",
        "Diversity (industries with RCA)",
        "count",
        "region",
        "diversity",
        _GROWTH_LAB,
        _complexity("diversity_"),
    ),
    Indicator(
        "pci",
        "Product (industry) complexity index",
        "standardised index",
        "industry",
        "pci",
        _GROWTH_LAB,
        _complexity("pci_"),
    ),
    Indicator(
        "ubiquity",
        "Ubiquity (regions with RCA)",
        "count",
        "industry",
        "ubiquity",
        _GROWTH_LAB,
        _complexity("ubiquity_"),
    ),
    Indicator(
        "density",
        "Density (proximity-weighted presence)",
        "share 0-1",
        "region-industry",
        "density",
        _GROWTH_LAB,
        _complexity("density_"),
    ),
    Indicator(
        "coi",
        "Complexity outlook index",
        "standardised index",
        "region",
        "coi",
        _GROWTH_LAB,
        _complexity("coi_"),
    ),
    Indicator(
        "cog",
        "Complexity outlook gain",
        "index (ECI sd units)",
        "region-industry",
        "cog",
        _GROWTH_LAB,
        _complexity("cog_"),
    ),
    Indicator(
        "relatedness_density",
        "Relatedness density",
        "percent 0-100",
        "region-industry",
        "relatedness_density",
        "EconGeo relatedness_density",
        _relatedness_density,
    ),
):
    register(_ind)
