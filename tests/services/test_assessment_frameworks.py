"""Frameworks as data: the strict YAML loader, the shipped six themes, versions."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.services._assessment import all_answers, scenario

from polisee.errors import Conflict, InputError, NotFound
from polisee.records.assessments import Answer, Framework
from polisee.records.audit import AuditEntry
from polisee.services import assessment as sa
from polisee.services.audit import CLI_ACTOR

SHIPPED = sa.shipped_frameworks()[sa.DEFAULT_FRAMEWORK]

GOOD = """\
key: tiny
title: {en: A tiny framework, hu: Egy apró keretrendszer}
scale:
  - {level: 0, label: No information}
  - {level: 1, label: Poor}
  - {level: 2, label: Good}
themes:
  - key: skills
    title: Skills
    criteria:
      - key: training
        title: Firms train people
        guiding: ["Do firms train people?"]
        evidence: [Training plans]
        indicators: [cluster_employment_growth]
  - key: money
    title: Money
    criteria:
      - key: funding
        title: Funding is stable
        guiding: ["Is it?"]
        evidence: [Budgets]
"""


def test_the_good_example_loads_and_survives_json() -> None:
    definition = sa.load_definition(GOOD, source="tiny.yaml")
    assert definition.key == "tiny"
    assert definition.title("hu") == "Egy apró keretrendszer"
    assert definition.title("de") == "A tiny framework"  # English stands in
    assert [t.key for t in definition.themes] == ["skills", "money"]
    assert definition.criterion("training").indicators == ("cluster_employment_growth",)
    assert definition.criterion("funding").theme_key == "money"
    assert definition.max_score == 2
    assert sa.FrameworkDefinition.from_json(definition.to_json()) == definition


def _replace(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


BAD = [
    pytest.param(
        _replace("title: Skills\n", "title: [Skills\n"),
        10,
        None,
        "not valid YAML: expected ',' or ']'",
        id="syntax-error",
    ),
    pytest.param(
        _replace(
            "        evidence: [Training plans]\n",
            "        evidence: [Training plans]\n        colour: red\n",
        ),
        15,
        "themes[0].criteria[0].colour",
        "unknown key 'colour'",
        id="unknown-key",
    ),
    pytest.param(
        _replace("  - key: money\n    title: Money\n", "  - key: money\n"),
        16,
        "themes[1]",
        "missing 'title'",
        id="missing-title",
    ),
    pytest.param(
        _replace("      - key: funding\n", "      - key: training\n"),
        19,
        "themes[1].criteria[0].key",
        "is used already in themes[0].criteria[0]",
        id="criterion-key-twice",
    ),
    pytest.param(
        _replace("{level: 0, label: No information}", "{level: 1, label: No information}"),
        4,
        "scale[0].level",
        "expected levels 0, 1, 2",
        id="scale-not-from-zero",
    ),
    pytest.param(
        _replace("indicators: [cluster_employment_growth]", "indicators: [happiness]"),
        15,
        "themes[0].criteria[0].indicators[0]",
        "unknown indicator 'happiness'",
        id="unknown-indicator",
    ),
    pytest.param(
        _replace(
            "title: {en: A tiny framework, hu: Egy apró keretrendszer}", "title: {hu: Egy apró}"
        ),
        2,
        "title",
        "expected an English text",
        id="no-english",
    ),
    pytest.param(
        _replace("scale:\n", "title: again\nscale:\n"),
        3,
        "title",
        "appears twice",
        id="duplicate-key",
    ),
    pytest.param(
        _replace("{level: 2, label: Good}", "{level: 2, label: 5}"),
        6,
        "scale[2].label",
        "expected text, got a number",
        id="label-not-text",
    ),
    pytest.param(
        _replace('guiding: ["Do firms train people?"]', "guiding: []"),
        13,
        "themes[0].criteria[0].guiding",
        "expected 1 to 10 items, got 0",
        id="no-guiding-question",
    ),
    pytest.param(
        _replace("key: tiny", "key: Tiny Framework"),
        1,
        "key",
        "expected a key",
        id="bad-framework-key",
    ),
    pytest.param("- a list\n- not a mapping\n", 1, None, "expected a mapping", id="not-a-mapping"),
    pytest.param(
        GOOD + "---\nkey: second\n", None, None, "expected one YAML document", id="two-documents"
    ),
]


@pytest.mark.parametrize(("text", "line", "field", "message"), BAD)
def test_bad_yaml_names_file_line_and_field(
    text: str, line: int | None, field: str | None, message: str
) -> None:
    with pytest.raises(InputError) as caught:
        sa.load_definition(text, source="tiny.yaml")
    error = caught.value
    assert error.path == "tiny.yaml"
    assert error.line == line, str(error)
    assert error.field == field, str(error)
    assert message in error.message, str(error)


def test_the_shipped_framework_covers_six_themes_in_two_languages() -> None:
    definition = sa.load_definition(SHIPPED.read_text(encoding="utf-8"), source=SHIPPED.name)
    assert [t.key for t in definition.themes] == [
        "innovation",
        "sustainability",
        "internationalisation",
        "financing",
        "smart_specialisation",
        "skills_jobs",
    ]
    assert all(3 <= len(t.criteria) <= 5 for t in definition.themes)
    assert [(lv.level, lv.label.en) for lv in definition.scale] == [
        (0, "No information"),
        (1, "Poor"),
        (2, "To be improved"),
        (3, "Fair"),
        (4, "Strong"),
        (5, "Excellent"),
    ]
    texts = [definition.title, *(lv.label for lv in definition.scale)]
    for theme in definition.themes:
        texts += [theme.title]
        for c in theme.criteria:
            texts += [c.title, *c.guiding, *c.evidence]
    assert all({"en", "hu"} <= dict(t.texts).keys() for t in texts)
    indicators = {t.key: {k for c in t.criteria for k in c.indicators} for t in definition.themes}
    # The three indicators the issue names, in the themes it names them for.
    assert "rd_personnel_share" in indicators["innovation"]
    assert "strong_cluster_employment_share" in indicators["smart_specialisation"]
    assert "cluster_employment_growth" in indicators["skills_jobs"]
    assert set().union(*indicators.values()) <= set(sa.INDICATORS)


def test_import_stores_versions_and_refuses_an_identical_one(db: Session) -> None:
    first = sa.import_framework(db, GOOD, actor=CLI_ACTOR, source="tiny.yaml")
    assert (first.key, first.version, first.title) == ("tiny", 1, "A tiny framework")
    with pytest.raises(Conflict, match="identical to its version 1"):
        sa.import_framework(db, GOOD, actor=CLI_ACTOR)
    second = sa.import_framework(
        db, GOOD.replace("Funding is stable", "Funding is stable and fair"), actor=CLI_ACTOR
    )
    assert second.version == 2
    assert sa.latest_framework(db, "tiny") is second
    listed = [(v.key, v.version, v.latest, v.criteria) for v in sa.list_frameworks(db)]
    assert listed == [("tiny", 2, True, 2), ("tiny", 1, False, 2)]
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.entity == "framework")).all()
    assert actions == ["framework.import", "framework.import"]


def test_ensure_imports_the_shipped_framework_once(db: Session) -> None:
    first = sa.ensure_framework(db, sa.DEFAULT_FRAMEWORK, actor=CLI_ACTOR)
    again = sa.ensure_framework(db, sa.DEFAULT_FRAMEWORK, actor=CLI_ACTOR)
    assert first.id == again.id
    assert first.version == 1
    assert len(sa.definition_of(first).criteria) == 24
    with pytest.raises(NotFound):
        sa.ensure_framework(db, "no-such-framework", actor=CLI_ACTOR)


def test_an_edit_never_changes_submitted_answers_of_an_earlier_version(db: Session) -> None:
    case = scenario(db)
    answers = all_answers(db, case.assessment_id, 4)
    sa.save_answers(
        db, case.assessment_id, principal=case.public_a, answers=answers, submit=True, complete=True
    )
    db.commit()
    stored = db.execute(
        select(Answer.criterion_key, Answer.score, Answer.status, Answer.submitted_at)
    ).all()
    before = sa.results(db, case.assessment_id)
    # The administrator drops a criterion and renames another in a new version.
    text = SHIPPED.read_text(encoding="utf-8")
    start = text.index("      - key: talent_attraction")
    edited = text[:start].replace(
        "Cluster development is anchored in the regional innovation strategy",
        "The regional innovation strategy names its clusters",
    )
    v2 = sa.import_framework(db, edited, actor=CLI_ACTOR)
    db.commit()
    assert v2.version == 2
    assert (
        db.execute(
            select(Answer.criterion_key, Answer.score, Answer.status, Answer.submitted_at)
        ).all()
        == stored
    )
    after = sa.results(db, case.assessment_id)
    assert after.framework.version == 1
    assert after.criterion("talent_attraction").stats.median == 4
    assert after.criterion("rd_strategy").criterion.title.en == (
        "Cluster development is anchored in the regional innovation strategy"
    )
    assert [t.stats for t in after.themes] == [t.stats for t in before.themes]
    # A new assessment takes the new version.
    fresh = sa.create_assessment(db, principal=case.owner, region_code="HU22", round_year=2025)
    assert fresh.framework_id == v2.id
    assert db.scalar(select(Framework.version).where(Framework.id == fresh.framework_id)) == 2
