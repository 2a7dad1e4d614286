"""Demo assessments: Central Transdanubia (HU21) in two rounds and Western Transdanubia (HU22)
as a published peer, answered by demo accounts.

Every score here is a made-up self-assessment opinion for the demonstration, never a
statistic: the assessments carry the ``demo`` flag, the pages label them "demo answers",
and every evidence field says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from polisee.errors import NotFound
from polisee.records.accounts import User
from polisee.records.assessments import Assessment, StakeholderGroup
from polisee.records.permissions import Role
from polisee.services import accounts
from polisee.services.assessment._answers import AnswerInput, save_answers
from polisee.services.assessment._assessments import (
    create_assessment,
    invite_respondent,
    invite_reviewer,
    publish,
    set_peers,
)
from polisee.services.assessment._frameworks import (
    DEFAULT_FRAMEWORK,
    definition_of,
    ensure_framework,
)
from polisee.services.assessment._reviews import add_comment, add_reply
from polisee.services.audit import CLI_ACTOR
from polisee.services.sessions import Principal, principal_of

__all__ = ["DEMO_ORGANISATION", "load_demo_assessments"]

DEMO_ORGANISATION = "polisee demo: Central Transdanubia assessment team (demo)"
PEER_ORGANISATION = "polisee demo: Western Transdanubia assessment team (demo)"
EVIDENCE = (
    "[demo] A demo answer written for the polisee demonstration, not a stakeholder's opinion."
)

# Demo opinions per theme (before the offsets below); they are not measurements.
_BASE = {
    "innovation": 3,
    "sustainability": 2,
    "internationalisation": 3,
    "financing": 3,
    "smart_specialisation": 4,
    "skills_jobs": 3,
}
# Each group leans its own way; public authority and cluster organisations disagree on financing.
_LEAN = {
    StakeholderGroup.PUBLIC_AUTHORITY: {"financing": 1, "smart_specialisation": 1},
    StakeholderGroup.CLUSTER_ORGANISATION: {"financing": -1, "internationalisation": 1},
    StakeholderGroup.RESEARCH: {"innovation": 1, "skills_jobs": -1},
    StakeholderGroup.BUSINESS: {"financing": -1, "sustainability": -1},
    StakeholderGroup.CIVIL_SOCIETY: {"sustainability": 1},
}
_CRITERION_SHIFT = (0, 1, -1, 0, 1)


@dataclass(frozen=True)
class _Person:
    email: str
    name: str
    group: StakeholderGroup


_RESPONDENTS = (
    _Person(
        "demo.public@polisee.example",
        "Demo respondent, public authority",
        StakeholderGroup.PUBLIC_AUTHORITY,
    ),
    _Person(
        "demo.cluster@polisee.example",
        "Demo respondent, cluster organisation",
        StakeholderGroup.CLUSTER_ORGANISATION,
    ),
    _Person(
        "demo.research@polisee.example", "Demo respondent, research", StakeholderGroup.RESEARCH
    ),
    _Person(
        "demo.business@polisee.example", "Demo respondent, business", StakeholderGroup.BUSINESS
    ),
    _Person(
        "demo.civil@polisee.example",
        "Demo respondent, civil society",
        StakeholderGroup.CIVIL_SOCIETY,
    ),
)


def _user(session: Session, email: str, name: str) -> User:
    found = session.scalar(select(User).where(User.email == email))
    if found is not None:
        return found
    # Nobody signs in as a demo respondent: the password is random and never shown.
    return accounts.create_user(
        session,
        email=email,
        display_name=f"{name} (demo)",
        password=accounts.generate_password(),
        actor=CLI_ACTOR,
    )


def _owner(session: Session, email: str, name: str, organisation: str) -> Principal:
    user = _user(session, email, name)
    try:
        org = accounts.find_organisation(session, organisation)
    except NotFound:
        org = accounts.create_organisation(
            session, name=organisation, kind="agency", actor=CLI_ACTOR, country="HU"
        )
    if Role.POLICY_MAKER not in accounts.roles_of(session, user.id):
        accounts.grant_role(
            session,
            user_id=user.id,
            organisation_id=org.id,
            role=Role.POLICY_MAKER,
            actor=CLI_ACTOR,
        )
    return principal_of(session, user)


def _score(theme: str, index: int, group: StakeholderGroup, round_shift: int) -> int:
    value = _BASE[theme] + _LEAN[group].get(theme, 0) + _CRITERION_SHIFT[index % 5] + round_shift
    return max(1, min(5, value))


def _answer_all(
    session: Session,
    assessment: Assessment,
    people: tuple[_Person, ...],
    *,
    round_shift: int,
    drafts_only: frozenset[str] = frozenset(),
) -> None:
    framework = ensure_framework(session, DEFAULT_FRAMEWORK, actor=CLI_ACTOR)
    definition = definition_of(framework)
    for person in people:
        principal = principal_of(session, _user(session, person.email, person.name))
        answers = {}
        for theme in definition.themes:
            for i, criterion in enumerate(theme.criteria):
                # Civil society has no information on financing details (level 0).
                unknown = (
                    person.group == StakeholderGroup.CIVIL_SOCIETY and theme.key == "financing"
                )
                answers[criterion.key] = AnswerInput(
                    score=0 if unknown else _score(theme.key, i, person.group, round_shift),
                    evidence=EVIDENCE,
                )
        save_answers(
            session,
            assessment.id,
            principal=principal,
            answers=answers,
            submit=person.email not in drafts_only,
        )


def _run(
    session: Session,
    owner: Principal,
    region: str,
    year: int,
    title: str,
    people: tuple[_Person, ...],
    *,
    round_shift: int,
    drafts_only: frozenset[str] = frozenset(),
) -> Assessment:
    assessment = create_assessment(
        session, principal=owner, region_code=region, round_year=year, title=title, demo=True
    )
    for person in people:
        _user(session, person.email, person.name)
        invite_respondent(
            session,
            assessment.id,
            principal=owner,
            email=person.email,
            stakeholder_group=person.group,
        )
    _answer_all(session, assessment, people, round_shift=round_shift, drafts_only=drafts_only)
    publish(session, assessment.id, principal=owner, published=True)
    return assessment


def load_demo_assessments(session: Session) -> list[Assessment]:
    """Create the demo assessments unless demo assessments exist already (then nothing).

    Central Transdanubia (HU21) in 2024 and 2025 with five demo respondents (one of them
    with drafts only in 2025), Western Transdanubia (HU22) in 2025 as a published peer, and
    a peer-review exchange on the 2025 round. Returns the assessments created.
    """
    if session.scalar(select(Assessment.id).where(Assessment.demo.is_(True)).limit(1)) is not None:
        return []
    owner = _owner(
        session,
        "demo.owner.hu21@polisee.example",
        "Demo policy maker, Central Transdanubia",
        DEMO_ORGANISATION,
    )
    previous = _run(
        session,
        owner,
        "HU21",
        2024,
        "Central Transdanubia self-assessment 2024 (demo)",
        _RESPONDENTS[:4],
        round_shift=-1,
    )
    current = _run(
        session,
        owner,
        "HU21",
        2025,
        "Central Transdanubia self-assessment 2025 (demo)",
        _RESPONDENTS,
        round_shift=0,
        drafts_only=frozenset({_RESPONDENTS[4].email}),
    )
    peer_owner = _owner(
        session,
        "demo.owner.hu22@polisee.example",
        "Demo policy maker, Western Transdanubia",
        PEER_ORGANISATION,
    )
    peer = _run(
        session,
        peer_owner,
        "HU22",
        2025,
        "Western Transdanubia self-assessment 2025 (demo)",
        _RESPONDENTS[:3],
        round_shift=1,
    )
    set_peers(session, current.id, principal=owner, regions=["HU22", "CZ08"])
    reviewer = principal_of(
        session,
        _user(
            session,
            "demo.reviewer.hu22@polisee.example",
            "Demo peer reviewer, Western Transdanubia",
        ),
    )
    invite_reviewer(session, current.id, principal=owner, email=reviewer.email, region_code="HU22")
    comment = add_comment(
        session,
        current.id,
        principal=reviewer,
        theme_key="financing",
        body="[demo] The public authority and the cluster organisations see financing very "
        "differently. Which multi-annual funding do the cluster organisations count on?",
    )
    add_reply(
        session,
        current.id,
        principal=owner,
        comment_id=comment.id,
        body="[demo] We will add the funding programme documents to the evidence and discuss "
        "the gap with the cluster organisations before the next round.",
    )
    return [previous, current, peer]
