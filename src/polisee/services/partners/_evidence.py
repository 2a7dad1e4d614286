"""What matching reads from the statistics store: the industry x industry proximity and the
regions' location quotients by NACE division, computed once per data version and cached."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from polisee.analytics import location_quotient, relatedness
from polisee.errors import NotFound
from polisee.services import evidence as ev
from polisee.statsdb import StatsStore

__all__ = ["IndustryEvidence", "industry_evidence"]


@dataclass(frozen=True)
class IndustryEvidence:
    """Proximity between NACE divisions (co-location of SBS employment across NUTS-2
    regions in ``year``; Hidalgo et al. 2007) and each region's location quotients."""

    year: int
    industries: list[str]
    proximity: np.ndarray[Any, np.dtype[np.float64]]
    regions: list[str]
    lq: np.ndarray[Any, np.dtype[np.float64]]

    @property
    def source(self) -> str:
        """How the explanation names where relatedness came from."""
        return f"SBS employment {self.year}"


def industry_evidence(
    store: StatsStore | None, cache: ev.EvidenceCache | None = None
) -> IndustryEvidence | None:
    """The evidence of the latest complete SBS year, or None without a store or figures."""
    if store is None:
        return None
    c = cache if cache is not None else ev.EvidenceCache(16)

    def compute() -> IndustryEvidence | None:
        try:
            year = ev.default_year(store, c)
            panel = ev.division_panel(store, level=2, cache=c).select(years=[year])
        except NotFound:
            return None
        proximity = relatedness(panel, year=year, method="proximity")
        lq = location_quotient(panel, missing="known").xs(year, level="year").unstack("industry")
        lq = lq.reindex(columns=proximity.columns)
        return IndustryEvidence(
            year=year,
            industries=[str(code) for code in proximity.columns],
            proximity=proximity.to_numpy(dtype=np.float64),
            regions=[str(code) for code in lq.index],
            lq=lq.to_numpy(dtype=np.float64),
        )

    result: IndustryEvidence | None = c.fetch(store, "partners_industry_evidence", (), compute)
    return result
