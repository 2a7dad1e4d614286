"""The scoreboard's indicator definitions (registered at import) and computing one of them."""

from __future__ import annotations

import pandas as pd

from polisee.errors import InputError, NotFound
from polisee.services.scoreboard._common import empty, in_scope
from polisee.services.scoreboard._indicators import (
    eci,
    employment_growth,
    htec_share,
    kis_share,
    krugman,
    rd_personnel,
    regional_shift,
    specialisation_relatedness,
    starred_clusters,
    strong_cluster_growth_gap,
    strong_cluster_share,
    traded_share,
    wage_growth,
)
from polisee.services.scoreboard._model import (
    Context,
    IndicatorData,
    IndicatorDefinition,
    register_indicator,
)
from polisee.services.scoreboard._platform import (
    funding_per_employee,
    international_collaborations,
    organisations_per_stage,
)
from polisee.services.scoreboard._sustainability import (
    co2_intensity,
    egss_share,
    transition_exposure,
)

__all__ = ["DEFAULT_INDICATORS", "compute_indicator"]

DEFAULT_INDICATORS: tuple[IndicatorDefinition, ...] = (
    IndicatorDefinition(
        "rd_personnel",
        "innovation",
        "R&D personnel per 1,000 employed",
        "FTE per 1,000 employed",
        1,
        "z-score",
        ("rd_p_persreg", "lfst_r_lfe2en2"),
        "R&D personnel in full-time equivalents (all sectors) divided by LFS employment "
        "(persons aged 15 and over, in thousands), in the nearest year with both.",
        decimals=1,
        compute=rd_personnel,
    ),
    IndicatorDefinition(
        "htec_share",
        "innovation",
        "Employment in high-technology sectors",
        "% of business-economy employment",
        1,
        "min-max",
        ("sbs_r_nuts06_r2",),
        "Persons employed in Eurostat's high-technology sectors (high-technology manufacturing "
        "C21, C26 and knowledge-intensive high-technology services J59-J63, M72) as a share of "
        "the business economy (SBS sections B-N without K).",
        decimals=1,
        compute=htec_share,
    ),
    IndicatorDefinition(
        "kis_share",
        "innovation",
        "Employment in knowledge-intensive services",
        "% of business-economy employment",
        1,
        "min-max",
        ("sbs_r_nuts06_r2",),
        "Persons employed in Eurostat's knowledge-intensive services that SBS covers (H50, H51, "
        "J58-J63, M69-M75, N78, N80) as a share of the business economy; finance (K) and the "
        "public and social services (O-U) are outside SBS.",
        decimals=1,
        compute=kis_share,
    ),
    IndicatorDefinition(
        "eci",
        "innovation",
        "Economic complexity index",
        "standardised index",
        1,
        "z-score",
        ("sbs_r_nuts06_r2",),
        "Economic complexity index (eigenvector method) of the region's employment by NACE "
        "division, as in the region profiles.",
        decimals=2,
        compute=eci,
    ),
    IndicatorDefinition(
        "co2_intensity",
        "sustainability",
        "CO2 emissions per person employed (estimate)",
        "t CO2 per person employed",
        -1,
        "z-score",
        ("jrc_wiod_co2", "sbs_r_nuts06_r2"),
        "An estimate, not a measurement: for each NACE division, the national CO2 emissions of "
        "its WIOD industry (JRC/WIOD accounts) divided by national SBS employment in that "
        "industry, times the region's employment in the division; summed and divided by the "
        "region's employment in the divisions with figures (business economy).",
        estimate=True,
        decimals=1,
        compute=co2_intensity,
    ),
    IndicatorDefinition(
        "transition_exposure",
        "sustainability",
        "Employment in carbon-intensive industries",
        "% of business-economy employment",
        -1,
        "min-max",
        ("jrc_wiod_co2", "sbs_r_nuts06_r2"),
        "Persons employed in the industries whose CO2 per person employed, over all countries "
        "with figures, is at least 2.5 times that of all industries, as a share of the business "
        "economy: how exposed the region's jobs are to the low-carbon transition.",
        decimals=1,
        compute=transition_exposure,
    ),
    IndicatorDefinition(
        "egss_share",
        "sustainability",
        "Environmental goods and services employment (estimate)",
        "% of business-economy employment",
        1,
        "min-max",
        ("egss", "sbs_r_nuts06_r2"),
        "An estimate, not a measurement: for each SBS section, national employment (FTE) in "
        "environmental goods and services for the market divided by national SBS persons "
        "employed, times the region's employment in the section; only countries that report "
        "EGSS within three years of the scoreboard year have a figure.",
        estimate=True,
        decimals=2,
        compute=egss_share,
    ),
    IndicatorDefinition(
        "traded_share",
        "internationalisation",
        "Employment in traded clusters",
        "% of employment in cluster industries",
        1,
        "min-max",
        ("sbs_r_nuts06_r2",),
        "Persons employed in the industries of traded clusters (U.S. Cluster Mapping categories "
        "carried to NACE divisions), which sell beyond the region, as a share of employment in "
        "all cluster categories.",
        decimals=1,
        compute=traded_share,
    ),
    IndicatorDefinition(
        "collaborations",
        "internationalisation",
        "International collaborations recorded in the platform",
        "collaborations per cluster organisation",
        1,
        "z-score",
        ("platform:collaborations",),
        "Accepted match requests between a cluster organisation of the region and an "
        "organisation of another country, plus recorded collaborations running this year in "
        "which it works with an organisation of another country, per cluster organisation "
        "registered in the region. Regions whose cluster organisations neither have a partner "
        "profile nor take part in a recorded collaboration have no data.",
        decimals=2,
        compute=international_collaborations,
    ),
    IndicatorDefinition(
        "funding_per_employee",
        "financing",
        "Cluster funding per employee in clusters",
        "EUR per employee of cluster member firms",
        1,
        "z-score",
        ("platform:allocations",),
        "Grants allocated to the region's cluster organisations by the platform's funding calls "
        "whose latest allocation ran in the year shown, divided by the employees of the member "
        "firms (SMEs and large firms) of all the region's registered cluster organisations at "
        "the end of that year. Only regions with an organisation that applied to one of those "
        "calls have a figure.",
        decimals=0,
        compute=funding_per_employee,
    ),
    IndicatorDefinition(
        "organisations_per_stage",
        "financing",
        "Cluster organisations at an advanced stage",
        "% of evaluated cluster organisations",
        1,
        "min-max",
        ("platform:stages",),
        "Share of the region's evaluated cluster organisations whose latest, still valid stage "
        "evaluation on some development ladder is in the upper half of that ladder (accredited "
        "or pole cluster; gold label). Regions without an evaluated cluster organisation have "
        "no data.",
        decimals=0,
        compute=organisations_per_stage,
    ),
    IndicatorDefinition(
        "strong_cluster_share",
        "smart_specialisation",
        "Employment in strong clusters",
        "% of business-economy employment",
        1,
        "min-max",
        ("sbs_r_nuts06_r2",),
        "Persons employed in the traded clusters that pass the U.S. Cluster Mapping "
        "strong-cluster test (location quotient in the top quarter and at least 1, size above "
        "the lowest quarter) as a share of the business economy.",
        decimals=1,
        compute=strong_cluster_share,
    ),
    IndicatorDefinition(
        "starred_clusters",
        "smart_specialisation",
        "Clusters with at least one star",
        "clusters",
        1,
        "z-score",
        ("sbs_r_nuts06_r2",),
        "Number of the region's clusters with at least one European Cluster Observatory star "
        "(size, specialisation, focus, productivity).",
        decimals=0,
        compute=starred_clusters,
    ),
    IndicatorDefinition(
        "krugman",
        "smart_specialisation",
        "Krugman specialisation index",
        "index 0-2",
        1,
        "z-score",
        ("sbs_r_nuts06_r2",),
        "How far the region's mix of employment by NACE division differs from that of the "
        "other regions (0 = identical). Higher is counted as more specialised.",
        decimals=2,
        compute=krugman,
    ),
    IndicatorDefinition(
        "specialisation_relatedness",
        "smart_specialisation",
        "Relatedness density of the specialisations",
        "index 0-100",
        1,
        "min-max",
        ("sbs_r_nuts06_r2",),
        "Mean relatedness density of the industries in which the region has a revealed "
        "comparative advantage: how closely its specialisations are related to one another "
        "(co-location proximity across regions).",
        decimals=1,
        compute=specialisation_relatedness,
    ),
    IndicatorDefinition(
        "employment_growth",
        "skills_jobs",
        "Employment growth",
        "% per year",
        1,
        "z-score",
        ("lfst_r_lfe2en2",),
        "Average annual growth of total employment (LFS, persons aged 15 and over) over the "
        "four years up to the scoreboard year.",
        decimals=2,
        compute=employment_growth,
    ),
    IndicatorDefinition(
        "wage_growth",
        "skills_jobs",
        "Growth of wages per person employed",
        "% per year",
        1,
        "z-score",
        ("sbs_r_nuts06_r2",),
        "Average annual growth of wages and salaries per person employed in the business "
        "economy (sections with wages and employment known in both years).",
        decimals=2,
        compute=wage_growth,
    ),
    IndicatorDefinition(
        "regional_shift",
        "skills_jobs",
        "Regional shift of employment",
        "% of start employment",
        1,
        "z-score",
        ("sbs_r_nuts06_r2",),
        "The regional (competitive) component of classic shift-share over the growth period: "
        "employment change not explained by overall growth or the industry mix, as a share of "
        "employment at the start.",
        decimals=2,
        compute=regional_shift,
    ),
    IndicatorDefinition(
        "strong_cluster_growth_gap",
        "skills_jobs",
        "Employment growth in strong clusters minus the rest",
        "percentage points per year",
        1,
        "z-score",
        ("sbs_r_nuts06_r2",),
        "Average annual employment growth in the clusters that were strong at the start of the "
        "growth period minus that of the rest of the region's business economy.",
        decimals=2,
        compute=strong_cluster_growth_gap,
    ),
)

for _definition in DEFAULT_INDICATORS:
    register_indicator(_definition)


def _check(values: pd.Series) -> pd.Series:
    if not values.index.is_unique:
        raise InputError("an indicator returned a region twice", field="values")
    return values


def compute_indicator(definition: IndicatorDefinition, ctx: Context) -> IndicatorData:
    """One indicator for the context's regions; no data (with the reason) when it cannot be."""
    if definition.compute is None:
        return empty(ctx, str(ctx.year), definition.no_data)
    try:
        data = definition.compute(ctx)
    except NotFound as exc:
        return empty(ctx, str(ctx.year), str(exc))
    return IndicatorData(
        _check(in_scope(ctx, data.values)), data.year, data.notes, data.summary, data.reason
    )
