"""Regional analytics: pure numpy/scipy/pandas, usable alone from a notebook.

>>> from polisee.analytics import Panel, location_quotient, registry
>>> sorted(registry)[:3]
['cog', 'coi', 'density']
"""

from polisee.analytics.clusters import cluster_panel, star_ratings, strong_cluster_flags
from polisee.analytics.complexity import EconomicComplexity
from polisee.analytics.opportunities import growth_opportunities, peer_regions
from polisee.analytics.panel import Panel
from polisee.analytics.registry import Indicator, compute, register, registry
from polisee.analytics.relatedness import relatedness, relatedness_density
from polisee.analytics.shiftshare import shift_share
from polisee.analytics.specialisation import (
    concentration_indices,
    location_quotient,
    specialisation_indices,
)

__all__ = [
    "EconomicComplexity",
    "Indicator",
    "Panel",
    "cluster_panel",
    "compute",
    "concentration_indices",
    "growth_opportunities",
    "location_quotient",
    "peer_regions",
    "register",
    "registry",
    "relatedness",
    "relatedness_density",
    "shift_share",
    "specialisation_indices",
    "star_ratings",
    "strong_cluster_flags",
]
