"""What the results lead to: the weak criteria (gaps) for the practice recommender, and the
results as table rows for downloads."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from polisee.records.assessments import StakeholderGroup
from polisee.services.assessment._definition import Theme
from polisee.services.assessment._results import Results, Stats, results
from polisee.services.practices import Gap
from polisee.services.sessions import Principal

__all__ = ["GAP_BELOW_PEERS", "WEAK_MEDIAN", "Gap", "gaps_of", "results_rows", "weak_criteria"]

WEAK_MEDIAN = 2.0
GAP_BELOW_PEERS = 1.5


def gaps_of(found: Results, language: str = "en") -> list[Gap]:
    """The weak criteria of computed results: median at most 2, or at least 1.5 below the
    peers' median; weakest first, then furthest below the peers."""
    gaps = []
    for theme in found.themes:
        for c in theme.criteria:
            median = c.stats.median
            if median is None:
                continue
            below_peers = c.peer_median is not None and c.peer_median - median >= GAP_BELOW_PEERS
            if median <= WEAK_MEDIAN or below_peers:
                gaps.append(
                    Gap(
                        theme_key=theme.theme.key,
                        criterion_key=c.criterion.key,
                        criterion_title=c.criterion.title(language),
                        guiding_text=" ".join(g(language) for g in c.criterion.guiding),
                        median=median,
                        peer_median=c.peer_median,
                        region_code=found.assessment.region_code,
                    )
                )
    return sorted(gaps, key=_weakest_first)


def _weakest_first(gap: Gap) -> tuple[float, float]:
    median = gap.median if gap.median is not None else 0.0
    return (median, median - (gap.peer_median if gap.peer_median is not None else median))


def weak_criteria(
    session: Session,
    assessment_id: int,
    *,
    peers: Sequence[str] | None = None,
    viewer: Principal | None = None,
    language: str = "en",
) -> list[Gap]:
    """The gaps of an assessment (see :func:`gaps_of`) for the practice recommender. Peers
    default to the ones the owner chose; with ``viewer`` access to the results is checked."""
    return gaps_of(results(session, assessment_id, viewer=viewer, peers=peers), language)


def results_rows(found: Results, language: str = "en") -> list[dict[str, object]]:
    """The results as table rows (one per theme, then its criteria) for CSV downloads."""
    rows: list[dict[str, object]] = []

    def row(
        level: str,
        theme: Theme,
        key: str,
        title: str,
        stats: Stats,
        previous: float | None,
        change: float | None,
        peer: float | None,
    ) -> dict[str, object]:
        return {
            "level": level,
            "theme": theme.key,
            "key": key,
            "title": title,
            "respondents_invited": stats.invited,
            "scores": stats.n,
            "no_information": stats.no_information,
            "response_share": stats.share,
            "median": stats.median,
            "mean": stats.mean,
            "std": stats.std,
            "min": stats.minimum,
            "max": stats.maximum,
            **{f"median_{g.value}": stats.group_medians.get(g) for g in StakeholderGroup},
            "consensus_gap": stats.consensus_gap,
            "groups_disagree": stats.disagreement,
            "previous_median": previous,
            "change": change,
            "peer_median": peer,
        }

    for theme in found.themes:
        rows.append(
            row(
                "theme",
                theme.theme,
                theme.theme.key,
                theme.theme.title(language),
                theme.stats,
                theme.previous_median,
                theme.change,
                theme.peer_median,
            )
        )
        for c in theme.criteria:
            rows.append(
                row(
                    "criterion",
                    theme.theme,
                    c.criterion.key,
                    c.criterion.title(language),
                    c.stats,
                    c.previous_median,
                    c.change,
                    c.peer_median,
                )
            )
    return rows
