"""What the assessment report is made of, gathered once under the results page's access
rule: the results with the previous round and the peers, respondents by stakeholder group,
the indicators and scoreboard beside the self-scores, the weak criteria with recommended
and pinned practices."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from polisee.errors import NotFound
from polisee.records.assessments import Answer, AnswerStatus, Respondent, StakeholderGroup
from polisee.records.practices import Practice
from polisee.services import assessment as sa
from polisee.services import evidence as ev
from polisee.services import practices as pr
from polisee.services.permissions import Permission, check_permission
from polisee.services.reports._context import ReportContext
from polisee.services.scoreboard import theme_scores
from polisee.services.sessions import Principal
from polisee.statsdb import StatsStore

__all__ = ["GROUP_LABELS", "AssessmentFacts", "gather_facts", "practice_link"]

# English labels are msgids of the assessment catalogue (the pages use the same).
GROUP_LABELS: dict[StakeholderGroup, str] = {
    StakeholderGroup.PUBLIC_AUTHORITY: "Public authority",
    StakeholderGroup.CLUSTER_ORGANISATION: "Cluster organisation",
    StakeholderGroup.RESEARCH: "Research",
    StakeholderGroup.BUSINESS: "Business",
    StakeholderGroup.CIVIL_SOCIETY: "Civil society",
}


def practice_link(base_url: str, practice_id: int) -> str:
    """The address of a practice's page: ``{base_url}/practices/{id}`` (a path without a
    base URL).

    >>> practice_link("https://polisee.example.eu/", 7)
    'https://polisee.example.eu/practices/7'
    >>> practice_link("", 7)
    '/practices/7'
    """
    return f"{base_url.rstrip('/')}/practices/{practice_id}"


@dataclass
class AssessmentFacts:
    """What the sections are made of, gathered once."""

    ctx: ReportContext
    found: sa.Results
    peers: list[str]
    peers_chosen: bool
    by_group: list[tuple[StakeholderGroup, int, int]]
    indicators: dict[str, list[sa.IndicatorValue]]
    data_scores: list[sa.ThemeComparison]
    stats_loaded: bool
    gaps: list[pr.Gap]
    recommendations: list[pr.GapRecommendations]
    pins: list[sa.PinView]
    practice_regions: dict[int, tuple[str, ...]]
    base_url: str

    @property
    def language(self) -> str:
        return self.ctx.language

    def num(self, value: float | None, decimals: int = 1) -> str:
        return "–" if value is None else self.ctx.fmt.num(value, decimals=decimals)


# --- gathering -------------------------------------------------------------------------------


def _respondents_by_group(
    session: Session, found: sa.Results
) -> list[tuple[StakeholderGroup, int, int]]:
    """Per stakeholder group: respondents invited and those who submitted every answer."""
    rows = session.execute(
        select(Respondent.id, Respondent.stakeholder_group).where(
            Respondent.assessment_id == found.assessment.id
        )
    ).all()
    submitted = dict(
        session.execute(
            select(Answer.respondent_id, func.count())
            .join(Respondent, Respondent.id == Answer.respondent_id)
            .where(
                Respondent.assessment_id == found.assessment.id,
                Answer.status == AnswerStatus.SUBMITTED,
            )
            .group_by(Answer.respondent_id)
        ).all()
    )
    needed = len(found.definition.criteria)
    invited = Counter(group for _, group in rows)
    done = Counter(group for rid, group in rows if submitted.get(rid, 0) >= needed)
    return [(g, invited[g], done[g]) for g in StakeholderGroup if invited[g]]


def _indicators(
    store: StatsStore | None,
    cache: ev.EvidenceCache | None,
    found: sa.Results,
    peers: list[str],
) -> dict[str, list[sa.IndicatorValue]]:
    """Per theme the indicators its criteria name, for the region and its peers (the page's)."""
    keys = list(dict.fromkeys(k for c in found.definition.criteria for k in c.indicators))
    if store is None or not keys:
        return {}
    values = sa.region_indicators(
        store, found.assessment.region_code, keys, peers=peers, cache=cache
    )
    by_theme: dict[str, list[sa.IndicatorValue]] = {}
    for theme in found.definition.themes:
        wanted = dict.fromkeys(k for c in theme.criteria for k in c.indicators)
        by_theme[theme.key] = [values[k] for k in wanted if values[k].value is not None]
    return by_theme


def _data_scores(
    store: StatsStore | None, cache: ev.EvidenceCache | None, found: sa.Results
) -> list[sa.ThemeComparison]:
    if store is None:
        return []
    try:
        scores = theme_scores(store, found.assessment.region_code, cache=cache)
    except NotFound:
        return []
    medians = {t.theme.key: t.stats.median for t in found.themes}
    return sa.compare_with_data(medians, found.definition.max_score, scores)


def _practice_regions(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    practices = session.scalars(
        select(Practice).where(Practice.id.in_(ids)).options(selectinload(Practice.regions))
    )
    return {p.id: tuple(sorted(r.region_code for r in p.regions)) for p in practices}


def gather_facts(
    session: Session,
    assessment_id: int,
    principal: Principal,
    *,
    language: str,
    store: StatsStore | None,
    cache: ev.EvidenceCache | None,
    encoder: pr.Encoder | None,
    base_url: str,
) -> AssessmentFacts:
    """Everything the report prints, for a principal to whom the results are open (else
    PermissionDenied, as on the results page); peers are the owner's, else the suggested."""
    check_permission(principal.permissions, Permission.ASSESSMENT_READ)
    access = sa.access(session, assessment_id, principal)
    sa.require_results(access)
    chosen = list(access.assessment.peer_regions)
    suggested = (
        sa.suggested_peers(store, access.assessment.region_code, cache=cache)
        if store is not None and not chosen
        else []
    )
    peers = chosen or suggested
    found = sa.results(session, assessment_id, viewer=principal, peers=peers)
    gaps = sa.gaps_of(found, language)
    pins = sa.pinned_practices(session, assessment_id, principal=principal)
    recommendations = (
        pr.recommend_practices(
            session,
            gaps,
            region_code=found.assessment.region_code,
            peer_regions=peers,
            limit_per_gap=3,
            encoder=encoder,
        )
        if gaps
        else []
    )
    return AssessmentFacts(
        ctx=ReportContext(language),
        found=found,
        peers=peers,
        peers_chosen=bool(chosen),
        by_group=_respondents_by_group(session, found),
        indicators=_indicators(store, cache, found, peers),
        data_scores=_data_scores(store, cache, found),
        stats_loaded=store is not None,
        gaps=gaps,
        recommendations=recommendations,
        pins=pins,
        practice_regions=_practice_regions(session, [p.practice_id for p in pins]),
        base_url=base_url,
    )
