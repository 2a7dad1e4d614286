"""The demo working groups: the six theme groups, a few threads, one meeting note and one
published recommendations report, every piece marked as demo.

The original programme (ClusterPoliSEE, South East Europe 2012-2014) learned through one
working group per theme. Public sources name the Hungarian economic development centre
(MAG) as the partner coordinating the cluster financing work; the other themes' leads are
not stated here, so those groups are led by the platform's invented demo organisations,
and their descriptions say so. The texts are written for this project and hold no figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from polisee.errors import NotFound
from polisee.records.accounts import Organisation, User
from polisee.records.groups import GroupKind, GroupMember, GroupRole, MemberStatus, WorkingGroup
from polisee.records.practices import Practice, PracticeState
from polisee.services import accounts
from polisee.services.audit import CLI_ACTOR
from polisee.services.groups._files import MeetingInput, add_meeting
from polisee.services.groups._groups import GroupInput, create_group
from polisee.services.groups._reports import ReportInput, create_report, transition_report
from polisee.services.groups._threads import open_thread, reply_to_thread
from polisee.services.permissions import permissions_for
from polisee.services.practices import THEMES
from polisee.services.sessions import Principal

__all__ = ["DEMO_GROUP_LEADS", "GroupDemoSummary", "load_demo_groups"]

_PROGRAMME = {
    "title": "ClusterPoliSEE — project page of a partner (West Pannon)",
    "url": "https://www.westpannon.hu/en/projects/clusterpolisee",
}
# theme -> (organisation, kind, country, region, what the description says about the lead)
DEMO_GROUP_LEADS: dict[str, tuple[str, str, str, str, str]] = {
    "financing": (
        "[demo] MAG – Hungarian Economic Development Centre",
        "agency",
        "HU",
        "HU11",
        "In the original programme the Hungarian economic development centre (MAG, with its "
        "cluster office) coordinated this work; the organisation here stands for it in the "
        "demo.",
    ),
    "innovation": (
        "[demo] Bratislava Medical Technology Cluster",
        "cluster_organisation",
        "SK",
        "SK01",
        "",
    ),
    "sustainability": (
        "[demo] Styrian Green Technology Network",
        "cluster_organisation",
        "AT",
        "AT22",
        "",
    ),
    "internationalisation": (
        "[demo] Transylvanian Software Alliance",
        "cluster_organisation",
        "RO",
        "RO11",
        "",
    ),
    "smart_specialisation": (
        "[demo] Slavonian Wine and Food Cluster",
        "cluster_organisation",
        "HR",
        "HR02",
        "",
    ),
    "skills_jobs": (
        "[demo] Plovdiv Textile and Apparel Cluster",
        "cluster_organisation",
        "BG",
        "BG42",
        "",
    ),
}
_INVENTED_LEAD = (
    "The lead organisation is an invented demo organisation: the original programme's lead "
    "for this theme is not stated here."
)
_PURPOSE = {
    "innovation": "how cluster organisations start and run joint research and innovation projects with their members",
    "sustainability": "how clusters help their members adopt cleaner processes and enter green markets",
    "internationalisation": "how clusters find partners abroad and open foreign markets for their members",
    "financing": "how public money reaches cluster organisations: grants, calls, accreditation and the mix of public and member funding",
    "smart_specialisation": "how cluster policy fits a region's smart specialisation strategy and its choice of priorities",
    "skills_jobs": "how clusters train people and fill the jobs their members cannot fill",
}
# (email, display name, organisation, country, region)
_MEMBERS = (
    ("demo.group.hu@polisee.example", "Demo member, Hungary (demo)", "financing"),
    (
        "demo.group.si@polisee.example",
        "Demo member, Slovenia (demo)",
        "[demo] Savinja Wood and Furniture Partnership|SI|SI03",
    ),
    ("demo.group.hr@polisee.example", "Demo member, Croatia (demo)", "smart_specialisation"),
)


@dataclass(frozen=True)
class GroupDemoSummary:
    """What :func:`load_demo_groups` added."""

    groups: int
    threads: int
    meetings: int
    reports: int
    already_loaded: bool = False


def _organisation(
    session: Session, name: str, kind: str, country: str, region: str
) -> Organisation:
    found = session.scalar(select(Organisation).where(Organisation.name == name))
    if found is not None:
        return found
    return accounts.create_organisation(
        session, name=name, kind=kind, actor=CLI_ACTOR, country=country, region_code=region
    )


def _principal(session: Session, user: User) -> Principal:
    return Principal(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        permissions=permissions_for(accounts.roles_of(session, user.id)),
    )


def _member_user(session: Session, email: str, name: str, organisation: Organisation) -> User:
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        user = accounts.create_user(
            session,
            email=email,
            display_name=name,
            password=accounts.generate_password(),
            actor=CLI_ACTOR,
        )
        accounts.grant_role(
            session,
            user_id=user.id,
            organisation_id=organisation.id,
            role="cluster_manager",
            actor=CLI_ACTOR,
        )
    return user


def _join(session: Session, group: WorkingGroup, user: User, organisation: Organisation) -> None:
    session.add(
        GroupMember(
            group_id=group.id,
            user_id=user.id,
            organisation_id=organisation.id,
            role=GroupRole.MEMBER,
            status=MemberStatus.ACTIVE,
            message="demo content",
        )
    )
    session.flush()


def _practice_ids(session: Session, *titles: str) -> list[int]:
    found = []
    for title in titles:
        practice_id = session.scalar(
            select(Practice.id).where(
                Practice.title == title, Practice.state == PracticeState.PUBLISHED
            )
        )
        if practice_id is not None:
            found.append(practice_id)
    return found


def load_demo_groups(session: Session, *, lead_email: str) -> GroupDemoSummary:
    """The demo groups, once (nothing happens when demo groups exist); ``lead_email`` (the
    demo administrator) founds and leads them. NotFound if that account does not exist."""
    if session.scalar(select(WorkingGroup.id).where(WorkingGroup.demo.is_(True)).limit(1)):
        return GroupDemoSummary(0, 0, 0, 0, already_loaded=True)
    lead_user = session.scalar(select(User).where(User.email == lead_email))
    if lead_user is None:
        raise NotFound(f"no user {lead_email!r}: create the demo administrator first")
    lead = _principal(session, lead_user)
    organisations = {
        theme: _organisation(session, name, kind, country, region)
        for theme, (name, kind, country, region, _) in DEMO_GROUP_LEADS.items()
    }
    groups: dict[str, WorkingGroup] = {}
    for theme, label in THEMES.items():
        note = DEMO_GROUP_LEADS[theme][4] or _INVENTED_LEAD
        description = (
            f"[demo] The transnational working group on {label.lower()}: members from several "
            f"regions compare {_PURPOSE[theme]}, and write down what they recommend. {note}"
        )
        groups[theme] = create_group(
            session,
            GroupInput(
                name=f"[demo] {label}",
                description=description,
                themes=(theme,),
                lead_organisation_id=organisations[theme].id,
            ),
            lead,
            kind=GroupKind.THEME,
            theme_key=theme,
            demo=True,
            links=[_PROGRAMME],
        )
    people: list[Principal] = []
    for email, name, where in _MEMBERS:
        if "|" in where:
            org_name, country, region = where.split("|")
            organisation = _organisation(session, org_name, "cluster_organisation", country, region)
        else:
            organisation = organisations[where]
        user = _member_user(session, email, name, organisation)
        for theme in ("financing", "smart_specialisation"):
            _join(session, groups[theme], user, organisation)
        people.append(_principal(session, user))
    hungary, slovenia, croatia = people
    financing = groups["financing"].id
    first = open_thread(
        session,
        financing,
        "[demo] Which instruments fit a cluster at which stage?",
        "[demo] Our ministries fund young cluster organisations and accredited ones in "
        "different ways.\nCould each of us describe what a cluster organisation can apply "
        "for in its first years, and what changes once it is established?",
        slovenia,
    )
    reply_to_thread(
        session,
        financing,
        first.id,
        "[demo] In Hungary the accreditation decides which calls a cluster may enter; the "
        "good practice on the accreditation system in the repository explains the idea.",
        hungary,
    )
    reply_to_thread(
        session,
        financing,
        first.id,
        "[demo] In Croatia the competitiveness clusters were supported through a national "
        "strategic project; I will add the public description to our shared documents.",
        croatia,
    )
    open_thread(
        session,
        groups["smart_specialisation"].id,
        "[demo] Linking cluster support to the S3 priorities",
        "[demo] How do your regions check that a supported cluster belongs to a smart "
        "specialisation priority? Please share the rule you use, if there is one.",
        croatia,
    )
    add_meeting(
        session,
        financing,
        MeetingInput(
            held_on=date(2026, 10, 15),
            online=True,
            participants="[demo] The demo members of Hungary, Slovenia and Croatia; the lead.",
            agenda="[demo] 1. Financing instruments by cluster stage\n2. Outline of the report",
            notes="[demo] The members compared how their countries fund cluster organisations "
            "and agreed that the report should cite practices from the repository rather than "
            "restate programme figures.",
            decisions="[demo] Hungary drafts the report; Slovenia reviews it.",
        ),
        lead,
        demo=True,
    )
    cited = _practice_ids(
        session,
        "Hungarian Accredited Innovation Cluster grants for joint technological innovation",
        "Hungarian cluster accreditation system as a tool to monitor cluster policy",
        "Croatian competitiveness clusters",
    )
    report = create_report(
        session,
        financing,
        ReportInput(
            title="[demo] Recommendations on financing cluster organisations",
            context="[demo] Cluster organisations in South East Europe depend on public money "
            "in their first years and on their members later. The group compared how its "
            "countries fund them and what each approach asks of the clusters.",
            findings="[demo] Funding tied to a quality label gives clusters a clear goal and "
            "the ministry a way to follow them. One-off start-up grants without such a "
            "goal were remembered as building organisations that faded when the grant ended.",
            citations=tuple(
                (i, "[demo] Cited as an example of funding linked to a label.") for i in cited
            ),
            recommendations=(
                (
                    "[demo] Link the support for cluster organisations to a published stage "
                    "ladder, so that each stage opens the next kind of funding.",
                    "National ministries responsible for cluster policy",
                    "financing",
                ),
                (
                    "[demo] Ask supported clusters for a rising share of member contributions "
                    "over the funding period.",
                    "Managing authorities of operational programmes",
                    "financing",
                ),
                (
                    "[demo] Reserve part of the cluster calls for projects with partners in "
                    "other SEE regions.",
                    "Regional development agencies",
                    "internationalisation",
                ),
            ),
        ),
        hungary,
        demo=True,
    )
    transition_report(session, financing, report.id, "submit", hungary)
    transition_report(session, financing, report.id, "approve", slovenia, note="demo content")
    transition_report(session, financing, report.id, "publish", lead, note="demo content")
    return GroupDemoSummary(groups=len(groups), threads=2, meetings=1, reports=1)
