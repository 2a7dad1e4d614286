"""Ranking and allocation arithmetic, checked by hand, and scenarios."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from polisee.errors import InputError
from polisee.services.financing import (
    CallTerms,
    Candidate,
    CriterionTerms,
    Scenario,
    allocate,
    simulate,
)

D = Decimal
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)

TERMS = CallTerms(
    budget=D(100_000),
    max_grant=D(40_000),
    cofinancing_rate=D("0.5"),
    allow_partial=True,
    min_score=D(50),
    criteria=(
        CriterionTerms("quality", "Quality", D(60), 10),
        CriterionTerms("impact", "Impact", D(40), 5),
    ),
)


def cand(
    app: int, budget: int, *sheets: tuple[int, int], eligible: bool = True, minutes: int = 0
) -> Candidate:
    return Candidate(
        application_id=app,
        label=f"Cluster {app}",
        eligible=eligible,
        eligible_budget=D(budget),
        submitted_at=T0 + timedelta(minutes=minutes),
        sheets=tuple({"quality": D(q), "impact": D(i)} for q, i in sheets),
    )


CANDIDATES = [
    # A: means 9 and 4.5 -> (60*0.9 + 40*0.9) / 100 * 100 = 90; asks min(40k, 0.5*60k) = 30k
    cand(1, 60_000, (8, 4), (10, 5), minutes=5),
    # B: (60*0.7 + 40*0.8) = 74; asks min(40k, 50k) = 40k; submitted after C
    cand(2, 100_000, (7, 4), minutes=3),
    # C: 74 as well, submitted first, so ranked before B; asks min(40k, 45k) = 40k
    cand(3, 90_000, (7, 4), minutes=1),
    # D: (60*0.3 + 40*1.0) = 58; asks 25k
    cand(4, 50_000, (3, 5), minutes=2),
    # E: (60*0.4 + 40*0.4) = 40 < 50: below the minimum score
    cand(5, 50_000, (4, 2)),
    # F: ineligible
    cand(6, 50_000, (10, 5), eligible=False),
    # G: eligible but not scored yet
    cand(7, 50_000),
]


def _table(result: object) -> list[tuple[int, str, int | None, str, str]]:
    return [
        (r.application_id, r.status, r.rank, str(r.score), str(r.grant))
        for r in result.rows  # type: ignore[attr-defined]
    ]


def test_rank_order_grants_and_partial_funding_of_the_last_one() -> None:
    result = allocate(TERMS, CANDIDATES)
    assert _table(result) == [
        (1, "funded", 1, "90.000", "30000.00"),  # remaining 70 000
        (3, "funded", 2, "74.000", "40000.00"),  # remaining 30 000
        (2, "partial", 3, "74.000", "30000.00"),  # asks 40 000, gets what is left
        (4, "reserve", 4, "58.000", "0.00"),
        (5, "below_threshold", None, "40.000", "0.00"),
        (6, "ineligible", None, "100.000", "0.00"),
        (7, "not_scored", None, "None", "0.00"),
    ]
    assert result.total_granted == D(100_000)
    assert result.remaining == D(0)


def test_without_partial_funding_the_rest_stays_unallocated() -> None:
    result = allocate(replace(TERMS, allow_partial=False), CANDIDATES)
    statuses = {r.application_id: (r.status, r.grant) for r in result.rows}
    assert statuses[2] == ("reserve", D(0))
    # No skipping down the ranking: D would fit in the remaining 30 000 but stays in reserve.
    assert statuses[4] == ("reserve", D(0))
    assert result.total_granted == D(70_000)
    assert result.remaining == D(30_000)


def test_cofinancing_is_rounded_down_to_the_cent() -> None:
    terms = replace(TERMS, max_grant=D(1_000_000))
    sheet = {"quality": D(10), "impact": D(5)}
    result = allocate(terms, [Candidate(1, "X", True, D("33333.33"), T0, (sheet,))])
    # 0.5 * 33 333.33 = 16 666.665 -> 16 666.66
    assert result.rows[0].requested == D("16666.66")
    assert result.rows[0].grant == D("16666.66")


def test_max_grant_caps_the_request() -> None:
    result = allocate(TERMS, [cand(1, 1_000_000, (10, 5))])
    assert result.rows[0].requested == D(40_000)
    assert result.rows[0].grant == D(40_000)


def test_ties_are_broken_by_submission_then_number() -> None:
    same_time = [cand(9, 10_000, (5, 5)), cand(8, 10_000, (5, 5))]
    assert [r.application_id for r in allocate(TERMS, same_time).rows] == [8, 9]
    earlier_nine = [cand(9, 10_000, (5, 5)), cand(8, 10_000, (5, 5), minutes=1)]
    assert [r.application_id for r in allocate(TERMS, earlier_nine).rows] == [9, 8]


def test_an_incomplete_sheet_is_not_scored() -> None:
    partial = Candidate(1, "X", True, D(1000), T0, ({"quality": D(5)},))
    assert allocate(TERMS, [partial]).rows[0].status == "not_scored"


def test_recomputing_from_the_stored_inputs_gives_the_stored_result() -> None:
    stored_inputs = json.loads(
        json.dumps({"terms": TERMS.to_json(), "candidates": [c.to_json() for c in CANDIDATES]})
    )
    stored_result = json.loads(json.dumps(allocate(TERMS, CANDIDATES).to_json()))
    again = allocate(
        CallTerms.from_json(stored_inputs["terms"]),
        [Candidate.from_json(c) for c in stored_inputs["candidates"]],
    )
    assert again.to_json() == stored_result


def test_scenarios_change_budget_and_weights_without_touching_the_call() -> None:
    outcomes = simulate(
        TERMS,
        CANDIDATES,
        [
            Scenario("as published", D(100_000), {}),
            Scenario("more money", D(200_000), {}),
            # Impact-heavy: D = (10*0.3 + 90*1.0) = 93 comes first.
            Scenario("impact first", D(100_000), {"quality": D(10), "impact": D(90)}),
        ],
    )
    funded = {
        s.label: [(r.application_id, str(r.grant)) for r in res.funded()] for s, res in outcomes
    }
    assert funded["as published"] == [(1, "30000.00"), (3, "40000.00"), (2, "30000.00")]
    assert funded["more money"] == [
        (1, "30000.00"),
        (3, "40000.00"),
        (2, "40000.00"),
        (4, "25000.00"),
    ]
    assert funded["impact first"] == [
        (4, "25000.00"),
        (1, "30000.00"),
        (3, "40000.00"),
        (2, "5000.00"),
    ]
    assert TERMS.budget == D(100_000)


@pytest.mark.parametrize(
    "scenario",
    [Scenario("zero", D(0), {}), Scenario("negative weight", D(1), {"quality": D(-1)})],
    ids=["zero-budget", "negative-weight"],
)
def test_scenarios_are_validated(scenario: Scenario) -> None:
    with pytest.raises(InputError):
        simulate(TERMS, CANDIDATES, [scenario])
