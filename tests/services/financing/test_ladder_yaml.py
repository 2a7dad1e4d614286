"""Ladder YAML: the shipped ladders parse, and every mistake names its file, line and field."""

from __future__ import annotations

import textwrap

import pytest

from polisee.errors import InputError
from polisee.services.financing import BUILTIN_LADDERS, builtin_ladder_text, parse_ladder

GOOD = textwrap.dedent(
    """\
    key: tiny
    name: Tiny ladder
    rubric:
      total: 10
      basis: default
      sections:
        - key: size
          name: Size
          weight: 10
          items:
            - {metric: members_count, points: 10, zero_at: 0, full_at: 20, basis: default}
    stages:
      - key: first
        name: First
        rules:
          - {metric: members_count, op: ">=", value: 5, basis: default}
      - key: second
        name: Second
        pass_mark: 5
        pass_mark_basis: default
        rules:
          - metric: sme_share
            op: ">="
            value: 0.5
            basis: public
            reference: A published rule
    """
)


def test_the_shipped_ladders_parse_with_their_public_anchors() -> None:
    hu = parse_ladder(builtin_ladder_text("hu_cluster_ladder"))
    assert hu.stage_keys() == ["startup", "developing", "accredited", "pole"]
    assert hu.rubric is not None
    # The 2016 accreditation weights, public.
    assert [(s.key, s.weight) for s in hu.rubric.sections] == [
        ("cooperation", 20),
        ("management", 30),
        ("international", 24),
        ("innovation", 26),
    ]
    assert hu.rubric.basis == "public"
    assert hu.rubric.total == 100
    assert hu.membership is not None
    assert (hu.membership.max_change_share, hu.membership.report_within_days) == (0.5, 10)
    accredited = hu.stage("accredited")
    assert accredited.validity_years == 2
    assert accredited.pass_mark is not None
    assert accredited.pass_mark_basis == "default"
    assert any("GINOP-1.3.2" in i.name for i in accredited.instruments)
    excellence = parse_ladder(builtin_ladder_text("management_excellence"))
    assert excellence.stage_keys() == ["bronze", "silver", "gold"]
    # Gold: every indicator of the rubric has a threshold.
    gold_metrics = {r.metric for r in excellence.stage("gold").rules}
    assert excellence.rubric is not None
    rubric_metrics = {i.metric for s in excellence.rubric.sections for i in s.items}
    assert rubric_metrics - {"has_website"} <= gold_metrics
    assert set(BUILTIN_LADDERS) == {"hu_cluster_ladder", "management_excellence"}


def test_every_public_threshold_has_a_reference() -> None:
    for stem in BUILTIN_LADDERS:
        ladder = parse_ladder(builtin_ladder_text(stem))
        for stage in ladder.stages:
            for rule in stage.rules:
                assert rule.basis in ("public", "default")
                assert rule.basis == "default" or rule.reference


def test_a_minimal_ladder_parses() -> None:
    ladder = parse_ladder(GOOD, path="tiny.yaml")
    assert ladder.key == "tiny"
    assert ladder.stage("second").pass_mark == 5
    assert ladder.stage("second").rules[0].reference == "A published rule"


BAD = [
    ("key: tiny\nname: T\nstages: []\ncolour: red\n", 4, "colour", "unknown field"),
    ("key: tiny\nname: T\n", 1, "stages", "is required"),
    (GOOD.replace('op: ">="\n', 'op: "=>"\n'), 23, "stages[1].rules[0].op", "expected one of"),
    (
        GOOD.replace("metric: sme_share", "metric: sme_ratio"),
        22,
        "stages[1].rules[0].metric",
        "unknown metric",
    ),
    (GOOD.replace("weight: 10", "weight: 12"), 9, "rubric.sections[0].weight", "add up to 10"),
    (GOOD.replace("total: 10", "total: 11"), 4, "rubric.total", "add up to 10"),
    (
        GOOD.replace("        reference: A published rule\n", ""),
        22,
        "stages[1].rules[0].reference",
        "needs a reference",
    ),
    (GOOD.replace("key: second", "key: first"), 17, "stages[1].key", "given twice"),
    (
        GOOD.replace("value: 5,", "value: five,"),
        16,
        "stages[0].rules[0].value",
        "expected a number",
    ),
    (
        GOOD.replace("    pass_mark_basis: default\n", ""),
        17,
        "stages[1].pass_mark_basis",
        "is required",
    ),
    (GOOD.replace("pass_mark: 5", "pass_mark: 50"), 19, "stages[1].pass_mark", "from 0 to 10"),
    (GOOD.replace("key: tiny", "key: Tiny Ladder"), 1, "key", "lower-case"),
    ("key: tiny\nname: [unclosed\n", 3, None, "not valid YAML"),
    ("", None, None, "empty"),
    ("- just\n- a list\n", 1, "", "expected a mapping"),
    (
        "key: x\nname: X\nsources:\n  - {title: T, url: 'javascript:alert(1)'}\nstages: []\n",
        4,
        "sources[0].url",
        "expected an http(s) address",
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    BAD,
    ids=[
        "unknown-field",
        "missing-stages",
        "bad-operator",
        "unknown-metric",
        "items-do-not-add-up",
        "weights-do-not-add-up",
        "public-without-reference",
        "duplicate-stage",
        "text-for-number",
        "pass-mark-without-basis",
        "pass-mark-above-total",
        "bad-key",
        "yaml-syntax",
        "empty",
        "not-a-mapping",
        "script-url",
    ],
)
def test_mistakes_name_file_line_and_field(
    text: str, line: int | None, field: str | None, message: str
) -> None:
    with pytest.raises(InputError) as caught:
        parse_ladder(text, path="ladder.yaml")
    error = caught.value
    assert error.path == "ladder.yaml"
    assert message in error.message
    assert error.line == line
    if field is not None:
        assert error.field == field
    assert str(error).startswith("ladder.yaml")
