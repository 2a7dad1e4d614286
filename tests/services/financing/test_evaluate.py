"""Ladder evaluation on hand-checked organisations: metrics, rules, rubric, stage, what is
missing, renewal, and the membership-change rule."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polisee.services.financing import (
    Award,
    Evaluation,
    MemberFacts,
    OrganisationFacts,
    ReportFacts,
    builtin_ladder_text,
    evaluate,
    membership_check,
    parse_ladder,
    render_phrase,
)

AS_OF = date(2026, 6, 1)
HU = parse_ladder(builtin_ladder_text("hu_cluster_ladder"))
EXCELLENCE = parse_ladder(builtin_ladder_text("management_excellence"))


def member(
    kind: str,
    n: int,
    *,
    country: str = "HU",
    joined: date = date(2018, 1, 1),
    left: date | None = None,
) -> MemberFacts:
    return MemberFacts(f"{kind} {n}", kind, country, 50, joined, left)


def report(year: int, **values: object) -> ReportFacts:
    base: dict[str, object] = {
        "members_turnover": Decimal(10_000_000),
        "export_share": Decimal("0.18"),
        "rd_spending": Decimal(150_000),
        "joint_projects": 4,
        "patents": 1,
        "events": 6,
        "services": 3,
        "staff_fte": Decimal(2),
    }
    base.update(values)
    return ReportFacts(year=year, **base)  # type: ignore[arg-type]


# Ten members on 2026-06-01: 6 SMEs, 2 large firms (one Austrian), 1 research, 1 education;
# an eleventh SME left in 2025 and does not count.
HAND = OrganisationFacts(
    name="Hand-checked cluster",
    country="HU",
    founded_year=2015,
    management_fte=Decimal(2),
    website="https://hand.example",
    members=(
        *(member("sme", i) for i in range(6)),
        member("large", 1),
        member("large", 2, country="AT"),
        member("research", 1),
        member("education", 1),
        member("sme", 99, left=date(2025, 3, 1)),
    ),
    reports=(
        report(2024, export_share=Decimal("0.15"), rd_spending=Decimal(100_000), events=5),
        report(2025),
        # A report of the evaluation's own year is not read: the year has not ended.
        report(2026, export_share=Decimal("0.90")),
    ),
)


def test_metrics_are_read_on_the_date() -> None:
    result = evaluate(HU, HAND, AS_OF)
    m = result.metrics
    assert m["members_count"] == 10
    assert m["sme_share"] == 0.6
    assert m["research_members"] == 2  # research + education
    assert m["foreign_share"] == 0.1
    assert m["years_active"] == 11  # 2026 - 2015
    assert m["export_share"] == 0.18  # 2025 report, not 2026
    assert m["rd_intensity"] == 0.015  # 150 000 / 10 000 000
    assert m["joint_projects"] == 4


def test_hungarian_ladder_by_hand() -> None:
    result = evaluate(HU, HAND, AS_OF)
    assert result.stage == "developing"
    assert result.next_stage == "accredited"
    accredited = result.stage_result("accredited")
    failed = {(r.metric, r.actual, r.required) for r in accredited.rules if not r.passed}
    assert failed == {("members_count", 10, 15), ("export_share", 0.18, 0.25)}
    # cooperation 4/10*10 + 6/12*5 + (10-10)/40*5 = 6.5
    # management 2/4*10 + 3/10*10 + (0.6-0.3)/0.5*5 + 2/5*5 = 13
    # international 0.18/0.5*14 + 0.1/0.2*10 = 10.04
    # innovation 0.015/0.03*14 + 1/6*12 = 9
    sections = {s.key: s.score for s in result.sections}
    assert sections == pytest.approx(
        {"cooperation": 6.5, "management": 13, "international": 10.04, "innovation": 9}
    )
    assert result.score == pytest.approx(38.54)
    assert accredited.rubric_passed is False
    assert [render_phrase(g) for g in result.gaps] == [
        "5 more members",
        "export share 18% of 25%",
        "rubric score 38.5 of the 60.0 pass mark",
    ]
    # The developing stage carries no title, so no validity period.
    assert result.valid_until is None


def test_the_missing_sentence_of_the_issue() -> None:
    ladder = parse_ladder(
        textwrap.dedent(
            """\
            key: example
            name: Example
            stages:
              - key: base
                name: Base
                rules: []
              - key: next
                name: Next
                rules:
                  - {metric: sme_share, op: ">=", value: 0.6, basis: default}
                  - {metric: export_share, op: ">=", value: 0.25, basis: default}
                  - {metric: management_fte, op: ">=", value: 1, basis: default}
            """
        )
    )
    # 12 members, 6 SMEs: (6 + k) / (12 + k) >= 0.6 first holds at k = 3.
    org = OrganisationFacts(
        name="Twelve",
        country="HU",
        founded_year=2020,
        management_fte=Decimal(2),
        members=(
            *(member("sme", i) for i in range(6)),
            *(member("large", i) for i in range(3)),
            *(member("research", i) for i in range(2)),
            member("public", 1),
        ),
        reports=(report(2025),),
    )
    result = evaluate(ladder, org, AS_OF)
    assert result.stage == "base"
    assert "; ".join(render_phrase(g) for g in result.gaps) == (
        "3 more SME members; export share 18% of 25%"
    )


def test_translated_phrases_use_the_catalogue() -> None:
    result = evaluate(HU, HAND, AS_OF)
    catalogue = {
        "{count} more member": "még {count} tag",
        "{count} more members": "még {count} tag",
        "{metric} {actual} of {required}": "{metric}: {actual} a szükséges {required} helyett",
        "export share": "exportarány",
    }
    text = render_phrase(
        result.gaps[1],
        gettext=lambda s: catalogue.get(s, s),
        ngettext=lambda s, p, n: catalogue.get(s if n == 1 else p, p),
    )
    assert text == "exportarány: 18% a szükséges 25% helyett"
    assert (
        render_phrase(result.gaps[0], ngettext=lambda s, p, n: catalogue[s if n == 1 else p])
        == "még 5 tag"
    )


def test_missing_data_fails_the_rule_and_says_so() -> None:
    org = OrganisationFacts(
        name="No reports",
        country="HU",
        founded_year=2010,
        management_fte=Decimal(3),
        website="https://x.example",
        members=tuple(member("sme", i) for i in range(20)),
    )
    result = evaluate(HU, org, AS_OF)
    rule = next(r for r in result.stage_result("accredited").rules if r.metric == "export_share")
    assert rule.actual is None
    assert rule.passed is False
    assert "no data on export share" in [render_phrase(g) for g in result.gaps]


def test_a_strong_organisation_reaches_the_top_with_a_validity_period() -> None:
    org = OrganisationFacts(
        name="Strong",
        country="AT",
        founded_year=2000,
        management_fte=Decimal(6),
        website="https://strong.example",
        members=(
            *(member("sme", i, country="AT") for i in range(30)),
            *(member("large", i, country="DE") for i in range(6)),
            *(member("research", i, country="AT") for i in range(4)),
            *(member("education", i, country="AT") for i in range(2)),
        ),
        reports=(
            report(
                2024,
                export_share=Decimal("0.6"),
                rd_spending=Decimal(300_000),
                patents=5,
                joint_projects=11,
                events=18,
                services=11,
            ),
            report(
                2025,
                export_share=Decimal("0.7"),
                rd_spending=Decimal(400_000),
                patents=6,
                joint_projects=12,
                events=20,
                services=12,
            ),
        ),
    )
    hu = evaluate(HU, org, AS_OF)
    assert hu.stage == "pole"
    assert hu.next_stage is None
    assert hu.gaps == ()
    assert hu.valid_until == date(2028, 6, 1)
    excellence = evaluate(EXCELLENCE, org, AS_OF)
    assert excellence.stage == "gold"
    assert excellence.metrics["improved_indicators"] == 6


def test_renewal_extends_from_the_previous_validity() -> None:
    org = OrganisationFacts(
        name="Bronze",
        country="SI",
        founded_year=2015,
        management_fte=Decimal(1),
        website="https://b.example",
        members=tuple(member("sme", i, country="SI") for i in range(12)),
    )
    award = Award("bronze", date(2024, 1, 1), date(2026, 1, 1))
    # Bronze: renewed within one year after expiry, extended by three years.
    renewed = evaluate(EXCELLENCE, org, AS_OF, previous_award=award)
    assert renewed.stage == "bronze"
    assert renewed.renewal is True
    assert renewed.valid_until == date(2029, 1, 1)
    assert renewed.award == "renewal"
    too_late = evaluate(EXCELLENCE, org, date(2027, 2, 1), previous_award=award)
    assert too_late.award == "new"
    assert too_late.valid_until == date(2029, 2, 1)
    # Within the validity the title continues; its end does not move.
    again = evaluate(EXCELLENCE, org, date(2025, 6, 1), previous_award=award)
    assert (again.award, again.valid_until) == ("continuation", date(2026, 1, 1))


@pytest.mark.parametrize(
    ("changes", "lapsed"),
    [(5, False), (6, True)],
    ids=["half-keeps-the-title", "more-than-half-ends-it"],
)
def test_membership_change_above_half_ends_the_title(changes: int, lapsed: bool) -> None:
    # Ten members on the award date; then joinings and leavings alternate, one a month.
    base = [member("sme", i, joined=date(2019, 1, 1)) for i in range(10)]
    later = []
    for n in range(changes):
        day = date(2025, 2 + n, 1)
        if n % 2 == 0:
            later.append(member("sme", 100 + n, joined=day))
        else:
            base[n] = member("sme", n, joined=date(2019, 1, 1), left=day)
    org = OrganisationFacts("Changing", "HU", 2015, Decimal(1), members=tuple(base + later))
    check = membership_check(
        org, Award("accredited", date(2025, 1, 1), date(2027, 1, 1)), AS_OF, 0.5
    )
    assert check.members_at_award == 10
    assert check.joined + check.left == changes
    assert check.share == changes / 10
    assert check.lapsed is lapsed
    # The title ends on the date of the change that took the share above half.
    assert check.lapsed_on == (date(2025, 7, 1) if lapsed else None)


def test_a_lapsed_title_is_awarded_anew_not_renewed() -> None:
    members = [member("sme", i, joined=date(2019, 1, 1)) for i in range(16)]
    members += [member("sme", 100 + i, joined=date(2025, 3, 1)) for i in range(9)]
    org = OrganisationFacts(
        "Renewing",
        "HU",
        2015,
        Decimal(3),
        "https://r.example",
        tuple(members),
        (report(2025, export_share=Decimal("0.3")),),
    )
    award = Award("developing", date(2025, 1, 1), date(2027, 1, 1))
    result = evaluate(HU, org, AS_OF, previous_award=award)
    assert result.membership is not None
    assert result.membership.lapsed  # 9 of 16
    assert result.renewal is False


def test_the_stored_form_round_trips_exactly() -> None:
    result = evaluate(
        HU, HAND, AS_OF, previous_award=Award("accredited", date(2025, 1, 1), date(2027, 1, 1))
    )
    stored = json.loads(json.dumps(result.to_json()))
    assert Evaluation.from_json(stored).to_json() == result.to_json()
    facts = OrganisationFacts.from_json(json.loads(json.dumps(HAND.to_json())))
    assert evaluate(HU, facts, AS_OF).to_json() == evaluate(HU, HAND, AS_OF).to_json()


@settings(max_examples=30, deadline=None)
@given(st.permutations(list(range(len(HAND.members)))))
def test_the_order_of_members_does_not_matter(order: list[int]) -> None:
    shuffled = OrganisationFacts(
        HAND.name,
        HAND.country,
        HAND.founded_year,
        HAND.management_fte,
        HAND.website,
        tuple(HAND.members[i] for i in order),
        HAND.reports,
    )
    assert (
        evaluate(EXCELLENCE, shuffled, AS_OF).to_json()
        == evaluate(EXCELLENCE, HAND, AS_OF).to_json()
    )
