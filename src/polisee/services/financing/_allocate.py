"""Ranking and budget allocation of a call, and what-if scenarios: pure decimal arithmetic.

Score. Each evaluator scores each criterion from 0 to its maximum; an application's
criterion score is the mean over evaluators (their latest sheet), and its total is
``100 * sum(w_c * s_c / max_c) / sum(w_c)``, rounded half-up to 0.001.

Rank. Eligible, fully scored applications at or above the call's minimum score are ranked
by total score (highest first); ties go to the earlier submission, then to the lower
application number, so the order never depends on the database.

Grant. In rank order each application asks ``min(max_grant, rate * eligible_budget)``
(rounded down to the cent). It is funded in full while the remaining budget covers it.
The first one that does not fit gets the remaining budget when the call allows partial
funding, otherwise nothing; it and every application after it stay on the reserve list
(funding never skips down the ranking).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from polisee.errors import InputError

__all__ = [
    "AllocationResult",
    "AllocationRow",
    "CallTerms",
    "Candidate",
    "CriterionTerms",
    "Scenario",
    "allocate",
    "requested_grant",
    "simulate",
    "weighted_score",
]

CENT = Decimal("0.01")
MILLI = Decimal("0.001")

#: Statuses of a row of the allocation table.
FUNDED, PARTIAL, RESERVE, BELOW, INELIGIBLE, UNSCORED = (
    "funded",
    "partial",
    "reserve",
    "below_threshold",
    "ineligible",
    "not_scored",
)


@dataclass(frozen=True)
class CriterionTerms:
    """A selection criterion: scored 0..``max_score``, weighted by ``weight``."""

    key: str
    name: str
    weight: Decimal
    max_score: int


@dataclass(frozen=True)
class CallTerms:
    """What the allocation reads from a call."""

    budget: Decimal
    max_grant: Decimal
    cofinancing_rate: Decimal
    allow_partial: bool
    min_score: Decimal
    criteria: tuple[CriterionTerms, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "budget": str(self.budget),
            "max_grant": str(self.max_grant),
            "cofinancing_rate": str(self.cofinancing_rate),
            "allow_partial": self.allow_partial,
            "min_score": str(self.min_score),
            "criteria": [
                {"key": c.key, "name": c.name, "weight": str(c.weight), "max_score": c.max_score}
                for c in self.criteria
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CallTerms:
        return cls(
            budget=Decimal(data["budget"]),
            max_grant=Decimal(data["max_grant"]),
            cofinancing_rate=Decimal(data["cofinancing_rate"]),
            allow_partial=bool(data["allow_partial"]),
            min_score=Decimal(data["min_score"]),
            criteria=tuple(
                CriterionTerms(c["key"], c["name"], Decimal(c["weight"]), int(c["max_score"]))
                for c in data["criteria"]
            ),
        )


@dataclass(frozen=True)
class Candidate:
    """An application as the allocation sees it; ``scores`` are evaluators' sheets
    (criterion key -> score), one mapping per evaluator."""

    application_id: int
    label: str
    eligible: bool
    eligible_budget: Decimal
    submitted_at: datetime
    sheets: tuple[Mapping[str, Decimal], ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "application_id": self.application_id,
            "label": self.label,
            "eligible": self.eligible,
            "eligible_budget": str(self.eligible_budget),
            "submitted_at": self.submitted_at.isoformat(),
            "sheets": [{k: str(v) for k, v in sorted(s.items())} for s in self.sheets],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Candidate:
        return cls(
            application_id=int(data["application_id"]),
            label=str(data["label"]),
            eligible=bool(data["eligible"]),
            eligible_budget=Decimal(data["eligible_budget"]),
            submitted_at=datetime.fromisoformat(data["submitted_at"]),
            sheets=tuple({k: Decimal(v) for k, v in s.items()} for s in data["sheets"]),
        )


@dataclass(frozen=True)
class AllocationRow:
    """One line of the results table."""

    application_id: int
    label: str
    status: str
    rank: int | None
    score: Decimal | None
    criterion_scores: dict[str, Decimal]
    requested: Decimal
    grant: Decimal

    def to_json(self) -> dict[str, Any]:
        return {
            "application_id": self.application_id,
            "label": self.label,
            "status": self.status,
            "rank": self.rank,
            "score": None if self.score is None else str(self.score),
            "criterion_scores": {k: str(v) for k, v in sorted(self.criterion_scores.items())},
            "requested": str(self.requested),
            "grant": str(self.grant),
        }


@dataclass(frozen=True)
class AllocationResult:
    """The ranked table, the total granted and what is left of the budget."""

    rows: tuple[AllocationRow, ...]
    total_granted: Decimal
    remaining: Decimal

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": [r.to_json() for r in self.rows],
            "total_granted": str(self.total_granted),
            "remaining": str(self.remaining),
        }

    def funded(self) -> list[AllocationRow]:
        """Rows that receive money, in rank order."""
        return [r for r in self.rows if r.grant > 0]


@dataclass(frozen=True)
class Scenario:
    """A what-if: another budget and/or other criterion weights."""

    label: str
    budget: Decimal
    weights: Mapping[str, Decimal]


def _mean_scores(terms: CallTerms, candidate: Candidate) -> dict[str, Decimal] | None:
    if not candidate.sheets:
        return None
    means: dict[str, Decimal] = {}
    for criterion in terms.criteria:
        values = [s[criterion.key] for s in candidate.sheets if criterion.key in s]
        if len(values) != len(candidate.sheets):
            return None
        means[criterion.key] = (sum(values, Decimal(0)) / len(values)).quantize(
            MILLI, ROUND_HALF_UP
        )
    return means


def weighted_score(terms: CallTerms, means: Mapping[str, Decimal]) -> Decimal:
    """The 0-100 total of criterion means.

    >>> terms = CallTerms(Decimal(1), Decimal(1), Decimal("0.5"), False, Decimal(0),
    ...     (CriterionTerms("a", "A", Decimal(3), 10), CriterionTerms("b", "B", Decimal(1), 5)))
    >>> weighted_score(terms, {"a": Decimal(8), "b": Decimal(5)})  # (3*0.8 + 1*1) / 4 * 100
    Decimal('85.000')
    """
    total_weight = sum((c.weight for c in terms.criteria), Decimal(0))
    if total_weight <= 0:
        raise InputError("expected criteria with positive weights", field="criteria")
    earned = sum(
        (c.weight * means[c.key] / Decimal(c.max_score) for c in terms.criteria), Decimal(0)
    )
    return (earned / total_weight * 100).quantize(MILLI, ROUND_HALF_UP)


def requested_grant(terms: CallTerms, eligible_budget: Decimal) -> Decimal:
    """What an application asks: ``min(max_grant, rate * eligible_budget)``, down to the cent.

    >>> terms = CallTerms(Decimal(1), Decimal(40000), Decimal("0.5"), False, Decimal(0), ())
    >>> requested_grant(terms, Decimal("33333.33")), requested_grant(terms, Decimal(100000))
    (Decimal('16666.66'), Decimal('40000.00'))
    """
    share = (terms.cofinancing_rate * eligible_budget).quantize(CENT, ROUND_DOWN)
    return min(terms.max_grant, share).quantize(CENT)


def _requested(terms: CallTerms, candidate: Candidate) -> Decimal:
    return requested_grant(terms, candidate.eligible_budget)


def allocate(terms: CallTerms, candidates: Sequence[Candidate]) -> AllocationResult:
    """Rank the candidates and share out the budget (see the module notes for the rules)."""
    ranked: list[tuple[Decimal, Candidate, dict[str, Decimal]]] = []
    others: list[AllocationRow] = []
    for candidate in candidates:
        requested = _requested(terms, candidate)
        means = _mean_scores(terms, candidate)
        if not candidate.eligible:
            status = INELIGIBLE
        elif means is None:
            status = UNSCORED
        else:
            score = weighted_score(terms, means)
            if score < terms.min_score:
                status = BELOW
            else:
                ranked.append((score, candidate, means))
                continue
        score_or_none = weighted_score(terms, means) if means is not None else None
        others.append(
            AllocationRow(
                candidate.application_id,
                candidate.label,
                status,
                None,
                score_or_none,
                means or {},
                requested,
                Decimal("0.00"),
            )
        )
    ranked.sort(key=lambda item: (-item[0], item[1].submitted_at, item[1].application_id))
    remaining = terms.budget.quantize(CENT)
    rows: list[AllocationRow] = []
    stopped = False
    for rank, (score, candidate, means) in enumerate(ranked, start=1):
        requested = _requested(terms, candidate)
        grant = Decimal("0.00")
        if stopped:
            status = RESERVE
        elif requested <= remaining:
            status, grant = FUNDED, requested
        else:
            stopped = True
            if terms.allow_partial and remaining > 0:
                status, grant = PARTIAL, remaining
            else:
                status = RESERVE
        remaining -= grant
        rows.append(
            AllocationRow(
                candidate.application_id,
                candidate.label,
                status,
                rank,
                score,
                means,
                requested,
                grant,
            )
        )
    others.sort(key=lambda r: r.application_id)
    total = sum((r.grant for r in rows), Decimal("0.00"))
    return AllocationResult(tuple(rows + others), total, remaining)


def simulate(
    terms: CallTerms, candidates: Sequence[Candidate], scenarios: Sequence[Scenario]
) -> list[tuple[Scenario, AllocationResult]]:
    """The allocation under each scenario's budget and weights (nothing is stored)."""
    out = []
    for scenario in scenarios:
        criteria = []
        for criterion in terms.criteria:
            weight = scenario.weights.get(criterion.key, criterion.weight)
            if weight <= 0:
                raise InputError(
                    f"expected a positive weight, got {weight}", field=f"weight_{criterion.key}"
                )
            criteria.append(replace(criterion, weight=weight))
        if scenario.budget <= 0:
            raise InputError(f"expected a positive budget, got {scenario.budget}", field="budget")
        changed = replace(terms, budget=scenario.budget, criteria=tuple(criteria))
        out.append((scenario, allocate(changed, candidates)))
    return out
