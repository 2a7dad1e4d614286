"""Evaluating an organisation against a ladder on a date: pure, deterministic, no database.

The stage an organisation qualifies for is the highest stage such that it and every stage
below it pass (every rule holds and, where the stage has a pass mark, the rubric score
reaches it). "What is missing" lists the failed rules of the next stage as translatable
phrases with the actual and the required value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from polisee.services.financing._facts import Award, OrganisationFacts, add_years
from polisee.services.financing._ladder import Ladder, Rule, Stage
from polisee.services.financing._metrics import METRICS, MetricContext, shortfall
from polisee.services.financing._text import Phrase, Quantity

__all__ = [
    "Evaluation",
    "ItemScore",
    "MembershipCheck",
    "RuleResult",
    "SectionScore",
    "StageResult",
    "evaluate",
    "gap_phrase",
    "membership_check",
]


def _r(value: float | None) -> float | None:
    # Rounded so that stored results compare equal after a JSON round trip on any platform.
    return None if value is None else round(value, 6)


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class RuleResult:
    """A rule with the organisation's actual value and whether it holds."""

    metric: str
    op: str
    required: float
    actual: float | None
    passed: bool
    basis: str
    reference: str = ""


@dataclass(frozen=True)
class StageResult:
    """How the organisation fares on one stage."""

    key: str
    name: str
    rules: tuple[RuleResult, ...]
    pass_mark: float | None
    rubric_passed: bool | None
    passed: bool


@dataclass(frozen=True)
class ItemScore:
    """Points earned on one rubric item."""

    metric: str
    actual: float | None
    points: float
    max_points: float


@dataclass(frozen=True)
class SectionScore:
    """Points earned in one rubric section (out of its weight)."""

    key: str
    name: str
    weight: float
    score: float
    items: tuple[ItemScore, ...]


@dataclass(frozen=True)
class MembershipCheck:
    """Members who joined or left since an award, against the share that ends the title."""

    stage: str
    since: date
    members_at_award: int
    joined: int
    left: int
    share: float | None
    max_share: float
    lapsed: bool
    lapsed_on: date | None


@dataclass(frozen=True)
class Evaluation:
    """The full outcome of one evaluation; ``to_json`` is what gets stored."""

    ladder_key: str
    ladder_name: str
    as_of: date
    stage: str | None
    stage_name: str | None
    next_stage: str | None
    next_stage_name: str | None
    stages: tuple[StageResult, ...]
    sections: tuple[SectionScore, ...]
    score: float | None
    rubric_total: float | None
    gaps: tuple[Phrase, ...]
    valid_until: date | None
    award: str | None
    membership: MembershipCheck | None
    metrics: dict[str, float | None]

    @property
    def renewal(self) -> bool:
        """Whether this evaluation renews the title of an earlier award."""
        return self.award == "renewal"

    def stage_result(self, key: str) -> StageResult:
        """The result on one stage (KeyError if the ladder has none such)."""
        for result in self.stages:
            if result.key == key:
                return result
        raise KeyError(key)

    def to_json(self) -> dict[str, Any]:
        membership = None
        if self.membership is not None:
            m = self.membership
            membership = {
                "stage": m.stage,
                "since": _d(m.since),
                "members_at_award": m.members_at_award,
                "joined": m.joined,
                "left": m.left,
                "share": m.share,
                "max_share": m.max_share,
                "lapsed": m.lapsed,
                "lapsed_on": _d(m.lapsed_on),
            }
        return {
            "ladder_key": self.ladder_key,
            "ladder_name": self.ladder_name,
            "as_of": self.as_of.isoformat(),
            "stage": self.stage,
            "stage_name": self.stage_name,
            "next_stage": self.next_stage,
            "next_stage_name": self.next_stage_name,
            "stages": [
                {
                    "key": s.key,
                    "name": s.name,
                    "pass_mark": s.pass_mark,
                    "rubric_passed": s.rubric_passed,
                    "passed": s.passed,
                    "rules": [
                        {
                            "metric": r.metric,
                            "op": r.op,
                            "required": r.required,
                            "actual": r.actual,
                            "passed": r.passed,
                            "basis": r.basis,
                            "reference": r.reference,
                        }
                        for r in s.rules
                    ],
                }
                for s in self.stages
            ],
            "sections": [
                {
                    "key": s.key,
                    "name": s.name,
                    "weight": s.weight,
                    "score": s.score,
                    "items": [
                        {
                            "metric": i.metric,
                            "actual": i.actual,
                            "points": i.points,
                            "max_points": i.max_points,
                        }
                        for i in s.items
                    ],
                }
                for s in self.sections
            ],
            "score": self.score,
            "rubric_total": self.rubric_total,
            "gaps": [g.to_json() for g in self.gaps],
            "valid_until": _d(self.valid_until),
            "award": self.award,
            "membership": membership,
            "metrics": dict(sorted(self.metrics.items())),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Evaluation:
        m = data.get("membership")
        membership = None
        if m is not None:
            since = _day(m["since"])
            assert since is not None
            membership = MembershipCheck(
                m["stage"],
                since,
                m["members_at_award"],
                m["joined"],
                m["left"],
                m["share"],
                m["max_share"],
                m["lapsed"],
                _day(m["lapsed_on"]),
            )
        as_of = _day(data["as_of"])
        assert as_of is not None
        return cls(
            ladder_key=data["ladder_key"],
            ladder_name=data["ladder_name"],
            as_of=as_of,
            stage=data["stage"],
            stage_name=data["stage_name"],
            next_stage=data["next_stage"],
            next_stage_name=data["next_stage_name"],
            stages=tuple(
                StageResult(
                    s["key"],
                    s["name"],
                    tuple(
                        RuleResult(
                            r["metric"],
                            r["op"],
                            r["required"],
                            r["actual"],
                            r["passed"],
                            r["basis"],
                            r.get("reference", ""),
                        )
                        for r in s["rules"]
                    ),
                    s["pass_mark"],
                    s["rubric_passed"],
                    s["passed"],
                )
                for s in data["stages"]
            ),
            sections=tuple(
                SectionScore(
                    s["key"],
                    s["name"],
                    s["weight"],
                    s["score"],
                    tuple(
                        ItemScore(i["metric"], i["actual"], i["points"], i["max_points"])
                        for i in s["items"]
                    ),
                )
                for s in data["sections"]
            ),
            score=data["score"],
            rubric_total=data["rubric_total"],
            gaps=tuple(Phrase.from_json(g) for g in data["gaps"]),
            valid_until=_day(data["valid_until"]),
            award=data["award"],
            membership=membership,
            metrics=dict(data["metrics"]),
        )


def gap_phrase(
    rule: Rule, actual: float | None, org: OrganisationFacts, ctx: MetricContext
) -> Phrase:
    """What is missing to satisfy ``rule``, as a translatable phrase.

    Counts say how many more are needed ("3 more SME members", also for a share of member
    types); other quantities give the actual and the required value ("export share 18% of
    25%"); a missing value says there is no data.
    """
    metric = METRICS[rule.metric]
    if actual is None:
        return Phrase("no data on {metric}", {"metric": metric.label})
    if metric.unit == "flag":
        return Phrase("missing: {metric}", {"metric": metric.label})
    if rule.op in (">=", ">") and metric.more is not None:
        required = rule.value
        if rule.op == ">" and metric.unit != "share":
            required = math.floor(rule.value) + 1
        n = shortfall(metric, org, ctx, actual, required)
        if n is not None:
            return Phrase(metric.more[0], {"count": Quantity(n, "count")}, metric.more[1], n)
    actual_q = Quantity(_r(actual), metric.unit)
    required_q = Quantity(rule.value, metric.unit)
    values: dict[str, Quantity | str] = {
        "metric": metric.label,
        "actual": actual_q,
        "required": required_q,
    }
    if rule.op in ("<=", "<"):
        return Phrase("{metric} {actual}, at most {required} allowed", values)
    if rule.op == "==":
        return Phrase("{metric} {actual}, {required} required", values)
    return Phrase("{metric} {actual} of {required}", values)


def membership_check(
    org: OrganisationFacts, award: Award, as_of: date, max_share: float
) -> MembershipCheck:
    """Members who joined or left after ``award`` up to ``as_of``, as a share of the members on
    the award date; the title lapses on the date the share first exceeds ``max_share``
    (joinings and leavings both count)."""
    base = len(org.active_members(award.awarded_on))
    events: list[tuple[date, str]] = []
    for member in org.members:
        if award.awarded_on < member.joined_on <= as_of:
            events.append((member.joined_on, "join"))
        if member.left_on is not None and award.awarded_on < member.left_on <= as_of:
            events.append((member.left_on, "leave"))
    events.sort()
    lapsed_on = None
    for count, (day, _) in enumerate(events, start=1):
        if base and count / base > max_share + 1e-12:
            lapsed_on = day
            break
    joined = sum(1 for _, kind in events if kind == "join")
    return MembershipCheck(
        stage=award.stage,
        since=award.awarded_on,
        members_at_award=base,
        joined=joined,
        left=len(events) - joined,
        share=_r(len(events) / base) if base else None,
        max_share=max_share,
        lapsed=lapsed_on is not None,
        lapsed_on=lapsed_on,
    )


def _stage_result(
    stage: Stage, values: dict[str, float | None], score: float | None
) -> StageResult:
    rules = tuple(
        RuleResult(
            r.metric,
            r.op,
            r.value,
            values[r.metric],
            r.holds(values[r.metric]),
            r.basis,
            r.reference,
        )
        for r in stage.rules
    )
    rubric_passed = None
    if stage.pass_mark is not None:
        rubric_passed = score is not None and score >= stage.pass_mark - 1e-9
    passed = all(r.passed for r in rules) and rubric_passed is not False
    return StageResult(stage.key, stage.name, rules, stage.pass_mark, rubric_passed, passed)


def _validity(
    stage: Stage | None,
    previous: Award | None,
    membership: MembershipCheck | None,
    as_of: date,
) -> tuple[date | None, str | None]:
    """Until when the stage reached is held, and whether that is a ``new`` award, a
    ``renewal`` or a ``continuation`` of an earlier award of the same stage.

    Within the validity of an earlier award of the same stage the title simply continues
    (same end date); at or after its end, within the grace period, it is renewed (from the
    old end when the renewal is seamless, else from this date); otherwise, and always after
    a membership-change lapse, it is awarded anew.
    """
    if stage is None or stage.validity_years is None:
        return None, None
    if (
        previous is not None
        and previous.stage == stage.key
        and previous.valid_until is not None
        and previous.awarded_on <= as_of
        and not (membership is not None and membership.lapsed)
    ):
        if as_of < previous.valid_until:
            return previous.valid_until, "continuation"
        renewal = stage.renewal
        if renewal is not None and as_of <= add_years(previous.valid_until, renewal.grace_years):
            start = previous.valid_until if renewal.seamless else as_of
            return add_years(start, renewal.validity_years), "renewal"
    return add_years(as_of, stage.validity_years), "new"


def evaluate(
    ladder: Ladder,
    org: OrganisationFacts,
    as_of: date,
    *,
    previous_award: Award | None = None,
) -> Evaluation:
    """Evaluate ``org`` on ``as_of`` against ``ladder``.

    ``previous_award`` is the stage an earlier evaluation awarded (renewal and the
    membership-change check read it).
    """
    window = ladder.membership.window_years if ladder.membership else 2
    ctx = MetricContext(as_of=as_of, window_years=window)
    used = {r.metric for s in ladder.stages for r in s.rules}
    if ladder.rubric is not None:
        used |= {i.metric for sec in ladder.rubric.sections for i in sec.items}
    values = {key: _r(METRICS[key].compute(org, ctx)) for key in sorted(used)}

    sections: list[SectionScore] = []
    score: float | None = None
    if ladder.rubric is not None:
        for section in ladder.rubric.sections:
            items = tuple(
                ItemScore(
                    i.metric, values[i.metric], _r(i.score(values[i.metric])) or 0.0, i.points
                )
                for i in section.items
            )
            earned = _r(sum(i.points for i in items)) or 0.0
            sections.append(SectionScore(section.key, section.name, section.weight, earned, items))
        score = _r(sum(s.score for s in sections))

    results = tuple(_stage_result(stage, values, score) for stage in ladder.stages)
    reached = -1
    for index, outcome in enumerate(results):
        if not outcome.passed:
            break
        reached = index
    stage = ladder.stages[reached] if reached >= 0 else None
    upcoming = ladder.stages[reached + 1] if reached + 1 < len(ladder.stages) else None

    gaps: list[Phrase] = []
    if upcoming is not None:
        upcoming_result = results[reached + 1]
        for rule, checked in zip(upcoming.rules, upcoming_result.rules, strict=True):
            if not checked.passed:
                gaps.append(gap_phrase(rule, checked.actual, org, ctx))
        if upcoming_result.rubric_passed is False:
            gaps.append(
                Phrase(
                    "rubric score {actual} of the {required} pass mark",
                    {
                        "actual": Quantity(score, "points"),
                        "required": Quantity(upcoming.pass_mark, "points"),
                    },
                )
            )

    membership = None
    if (
        ladder.membership is not None
        and previous_award is not None
        and previous_award.awarded_on <= as_of
        and (previous_award.valid_until is None or as_of <= previous_award.valid_until)
    ):
        membership = membership_check(
            org, previous_award, as_of, ladder.membership.max_change_share
        )

    valid_until, award = _validity(stage, previous_award, membership, as_of)

    return Evaluation(
        ladder_key=ladder.key,
        ladder_name=ladder.name,
        as_of=as_of,
        stage=stage.key if stage else None,
        stage_name=stage.name if stage else None,
        next_stage=upcoming.key if upcoming else None,
        next_stage_name=upcoming.name if upcoming else None,
        stages=results,
        sections=tuple(sections),
        score=score,
        rubric_total=ladder.rubric.total if ladder.rubric else None,
        gaps=tuple(gaps),
        valid_until=valid_until,
        award=award,
        membership=membership,
        metrics=values,
    )
