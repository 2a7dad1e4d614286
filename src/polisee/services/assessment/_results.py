"""Results: per criterion and theme the median, mean, spread, response share and consensus
flags; the change since the previous round; the benchmark against peer regions.

Only submitted answers count. Level 0 ("no information") is counted apart and left out of
every statistic. The spread is the population standard deviation of the scores. A theme's
statistics are taken over respondents' theme scores, each the mean of that respondent's
scored criteria in the theme. Stakeholder groups disagree (the consensus flag) when their
medians differ by two points or more.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from polisee.errors import PermissionDenied
from polisee.records.assessments import (
    Answer,
    AnswerStatus,
    Assessment,
    Framework,
    Respondent,
    StakeholderGroup,
)
from polisee.services.assessment._access import Access, access, get_assessment
from polisee.services.assessment._definition import Criterion, FrameworkDefinition, Theme
from polisee.services.assessment._frameworks import definition_of
from polisee.services.sessions import Principal

__all__ = [
    "CONSENSUS_GAP",
    "Benchmark",
    "CriterionResult",
    "PeerResult",
    "Results",
    "Stats",
    "ThemeResult",
    "benchmark",
    "previous_round",
    "require_results",
    "results",
    "summarise",
]

CONSENSUS_GAP = 2.0


@dataclass(frozen=True)
class Stats:
    """Scores of one criterion or theme: ``n`` informed scores among ``invited`` respondents."""

    n: int
    invited: int
    no_information: int
    median: float | None
    mean: float | None
    std: float | None
    minimum: float | None
    maximum: float | None
    group_medians: dict[StakeholderGroup, float]

    @property
    def share(self) -> float | None:
        """Share of invited respondents who gave an informed score (0 to 1)."""
        return self.n / self.invited if self.invited else None

    @property
    def consensus_gap(self) -> float | None:
        """Highest minus lowest stakeholder-group median (None with fewer than two groups)."""
        if len(self.group_medians) < 2:
            return None
        return max(self.group_medians.values()) - min(self.group_medians.values())

    @property
    def disagreement(self) -> bool:
        gap = self.consensus_gap
        return gap is not None and gap >= CONSENSUS_GAP


def summarise(
    scores: Mapping[int, float],
    groups: Mapping[int, StakeholderGroup],
    *,
    invited: int,
    no_information: int = 0,
) -> Stats:
    """Statistics of ``scores`` by respondent id; ``groups`` gives each respondent's group.

    Three respondents, two of the public authority (4 and 5) and one business (2):
    median 4, mean 11/3, population standard deviation sqrt(14/9), group medians 4.5 and 2,
    so the groups disagree by 2.5 points.

    >>> pa, biz = StakeholderGroup.PUBLIC_AUTHORITY, StakeholderGroup.BUSINESS
    >>> s = summarise({1: 4, 2: 5, 3: 2}, {1: pa, 2: pa, 3: biz}, invited=4)
    >>> s.median, round(s.mean, 3), round(s.std, 3), s.share, s.consensus_gap, s.disagreement
    (4.0, 3.667, 1.247, 0.75, 2.5, True)
    """
    values = list(scores.values())
    by_group: dict[StakeholderGroup, list[float]] = defaultdict(list)
    for respondent, value in scores.items():
        by_group[groups[respondent]].append(value)
    return Stats(
        n=len(values),
        invited=invited,
        no_information=no_information,
        median=float(statistics.median(values)) if values else None,
        mean=float(statistics.fmean(values)) if values else None,
        std=float(statistics.pstdev(values)) if values else None,
        minimum=float(min(values)) if values else None,
        maximum=float(max(values)) if values else None,
        group_medians={
            g: float(statistics.median(v))
            for g, v in sorted(
                by_group.items(), key=lambda item: list(StakeholderGroup).index(item[0])
            )
        },
    )


@dataclass(frozen=True)
class CriterionResult:
    """A criterion's statistics, with the previous round's and the peers' medians."""

    criterion: Criterion
    stats: Stats
    previous_median: float | None = None
    peer_median: float | None = None

    @property
    def change(self) -> float | None:
        if self.stats.median is None or self.previous_median is None:
            return None
        return self.stats.median - self.previous_median


@dataclass(frozen=True)
class ThemeResult:
    """A theme's statistics over respondents' theme scores, and its criteria."""

    theme: Theme
    stats: Stats
    criteria: tuple[CriterionResult, ...]
    previous_median: float | None = None
    peer_median: float | None = None

    @property
    def change(self) -> float | None:
        if self.stats.median is None or self.previous_median is None:
            return None
        return self.stats.median - self.previous_median

    @property
    def disagreements(self) -> int:
        return sum(1 for c in self.criteria if c.stats.disagreement)


@dataclass(frozen=True)
class PeerResult:
    """A peer region's latest published results on the same framework."""

    region_code: str
    assessment_id: int
    round_year: int
    title: str
    theme_medians: dict[str, float | None]
    criterion_medians: dict[str, float | None]


@dataclass(frozen=True)
class Benchmark:
    """Peer regions asked for, those with published results, and their medians."""

    regions: tuple[str, ...]
    peers: tuple[PeerResult, ...]
    theme_medians: dict[str, float | None]
    criterion_medians: dict[str, float | None]

    @property
    def missing(self) -> tuple[str, ...]:
        found = {p.region_code for p in self.peers}
        return tuple(r for r in self.regions if r not in found)


@dataclass(frozen=True)
class Results:
    """Everything the results page shows that comes from the records."""

    assessment: Assessment
    framework: Framework
    definition: FrameworkDefinition
    respondents: int
    respondents_done: int
    themes: tuple[ThemeResult, ...]
    previous: Assessment | None = None
    benchmark: Benchmark | None = None
    groups: tuple[StakeholderGroup, ...] = field(default_factory=tuple)

    def criterion(self, key: str) -> CriterionResult:
        for theme in self.themes:
            for result in theme.criteria:
                if result.criterion.key == key:
                    return result
        raise KeyError(key)


def _median(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(statistics.median(known)) if known else None


def _compute(
    session: Session, assessment: Assessment, definition: FrameworkDefinition
) -> tuple[tuple[ThemeResult, ...], int, int, tuple[StakeholderGroup, ...]]:
    respondents = session.execute(
        select(Respondent.id, Respondent.stakeholder_group).where(
            Respondent.assessment_id == assessment.id
        )
    ).all()
    groups: dict[int, StakeholderGroup] = {rid: group for rid, group in respondents}  # noqa: C416
    invited = len(groups)
    answers = session.execute(
        select(Answer.respondent_id, Answer.criterion_key, Answer.score)
        .join(Respondent, Respondent.id == Answer.respondent_id)
        .where(Respondent.assessment_id == assessment.id, Answer.status == AnswerStatus.SUBMITTED)
    ).all()
    scores: dict[str, dict[int, float]] = defaultdict(dict)
    unknown: dict[str, int] = defaultdict(int)
    submitted: dict[int, int] = defaultdict(int)
    for rid, key, score in answers:
        submitted[rid] += 1
        if score is None or score == 0:
            unknown[key] += 1
        else:
            scores[key][rid] = float(score)
    themes = []
    for theme in definition.themes:
        criteria = tuple(
            CriterionResult(
                c, summarise(scores[c.key], groups, invited=invited, no_information=unknown[c.key])
            )
            for c in theme.criteria
        )
        per_respondent: dict[int, list[float]] = defaultdict(list)
        for c in theme.criteria:
            for rid, value in scores[c.key].items():
                per_respondent[rid].append(value)
        theme_scores = {rid: statistics.fmean(v) for rid, v in per_respondent.items()}
        themes.append(
            ThemeResult(theme, summarise(theme_scores, groups, invited=invited), criteria)
        )
    done = sum(1 for n in submitted.values() if n >= len(definition.criteria))
    present = tuple(g for g in StakeholderGroup if g in set(groups.values()))
    return tuple(themes), invited, done, present


def previous_round(session: Session, assessment: Assessment) -> Assessment | None:
    """The latest earlier round of the same region that this assessment's organisation ran
    or that was published."""
    same_team = (
        Assessment.organisation_id == assessment.organisation_id
        if assessment.organisation_id is not None
        else Assessment.owner_id == assessment.owner_id
    )
    visible = or_(Assessment.published.is_(True), same_team)
    return session.scalar(
        select(Assessment)
        .where(
            Assessment.region_code == assessment.region_code,
            Assessment.round_year < assessment.round_year,
            visible,
        )
        .order_by(Assessment.round_year.desc(), Assessment.id.desc())
        .limit(1)
    )


def _medians(
    session: Session, assessment: Assessment
) -> tuple[dict[str, float | None], dict[str, float | None]]:
    framework = session.get(Framework, assessment.framework_id)
    assert framework is not None
    themes, *_ = _compute(session, assessment, definition_of(framework))
    return (
        {t.theme.key: t.stats.median for t in themes},
        {c.criterion.key: c.stats.median for t in themes for c in t.criteria},
    )


def benchmark(session: Session, assessment: Assessment, regions: Sequence[str]) -> Benchmark:
    """The latest published results of each peer region on the same framework (any version;
    criteria and themes are matched by key) and the peers' median per theme and criterion."""
    framework = session.get(Framework, assessment.framework_id)
    assert framework is not None
    peers = []
    for region in dict.fromkeys(r.upper() for r in regions):
        if region == assessment.region_code:
            continue
        found = session.scalar(
            select(Assessment)
            .join(Framework, Framework.id == Assessment.framework_id)
            .where(
                Assessment.region_code == region,
                Assessment.published.is_(True),
                Framework.key == framework.key,
            )
            .order_by(Assessment.round_year.desc(), Assessment.id.desc())
            .limit(1)
        )
        if found is None:
            continue
        theme_medians, criterion_medians = _medians(session, found)
        peers.append(
            PeerResult(
                region, found.id, found.round_year, found.title, theme_medians, criterion_medians
            )
        )
    definition = definition_of(framework)
    return Benchmark(
        regions=tuple(
            dict.fromkeys(r.upper() for r in regions if r.upper() != assessment.region_code)
        ),
        peers=tuple(peers),
        theme_medians={
            t.key: _median([p.theme_medians.get(t.key) for p in peers]) for t in definition.themes
        },
        criterion_medians={
            c.key: _median([p.criterion_medians.get(c.key) for p in peers])
            for c in definition.criteria
        },
    )


def require_results(found: Access) -> None:
    """Raise PermissionDenied unless the results are open to this access."""
    if not found.can_view_results:
        if found.respondent is not None:
            raise PermissionDenied(
                "the results open to respondents once they have submitted every answer"
            )
        raise PermissionDenied("these results are not shared with you")


def _viewer_access(session: Session, assessment_id: int, viewer: Principal) -> Access:
    found = access(session, assessment_id, viewer)
    require_results(found)
    return found


def results(
    session: Session,
    assessment_id: int,
    *,
    viewer: Principal | None = None,
    peers: Sequence[str] | None = None,
) -> Results:
    """The results of an assessment, with the previous round and, for ``peers`` (default:
    the peer regions the owner chose), the benchmark. With ``viewer`` the object-level
    rule is checked (PermissionDenied when the results are not open to them)."""
    if viewer is not None:
        found = _viewer_access(session, assessment_id, viewer)
        assessment, framework, definition = found.assessment, found.framework, found.definition
    else:
        assessment = get_assessment(session, assessment_id)
        framework_row = session.get(Framework, assessment.framework_id)
        assert framework_row is not None
        framework, definition = framework_row, definition_of(framework_row)
    themes, invited, done, groups = _compute(session, assessment, definition)
    previous = previous_round(session, assessment)
    previous_themes: dict[str, float | None] = {}
    previous_criteria: dict[str, float | None] = {}
    if previous is not None:
        previous_themes, previous_criteria = _medians(session, previous)
    chosen = list(assessment.peer_regions) if peers is None else list(peers)
    bench = benchmark(session, assessment, chosen) if chosen else None
    themes = tuple(
        ThemeResult(
            theme=t.theme,
            stats=t.stats,
            criteria=tuple(
                CriterionResult(
                    c.criterion,
                    c.stats,
                    previous_criteria.get(c.criterion.key),
                    bench.criterion_medians.get(c.criterion.key) if bench else None,
                )
                for c in t.criteria
            ),
            previous_median=previous_themes.get(t.theme.key),
            peer_median=bench.theme_medians.get(t.theme.key) if bench else None,
        )
        for t in themes
    )
    return Results(
        assessment, framework, definition, invited, done, themes, previous, bench, groups
    )
