"""What the working-group tests share: people in organisations of several countries, office
files built in memory, and a group with a lead and members."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from polisee.records.accounts import Organisation
from polisee.services import accounts
from polisee.services import groups as gr
from polisee.services.audit import CLI_ACTOR
from polisee.services.permissions import Role, permissions_for
from polisee.services.sessions import Principal

__all__ = ["GroupPeople", "docx_bytes", "make_group", "odt_bytes", "person", "xlsx_bytes"]

PASSWORD = "correct horse battery"


def person(
    db: Session, name: str, role: str, country: str = "HU", region: str = "HU21"
) -> Principal:
    """A new user holding ``role`` in an organisation of ``region``, as the web sees them."""
    org_name = f"Agency {region}"
    org = db.scalar(select(Organisation).where(Organisation.name == org_name))
    if org is None:
        org = accounts.create_organisation(
            db, name=org_name, kind="agency", actor=CLI_ACTOR, country=country, region_code=region
        )
    user = accounts.create_user(
        db,
        email=f"{name}@example.eu",
        display_name=name.title(),
        password=PASSWORD,
        actor=CLI_ACTOR,
    )
    accounts.grant_role(db, user_id=user.id, organisation_id=org.id, role=role, actor=CLI_ACTOR)
    return Principal(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        permissions=permissions_for([Role(role)]),
    )


@dataclass(frozen=True)
class GroupPeople:
    """A custom group with its lead, two members, and an outsider."""

    group_id: int
    lead: Principal
    member: Principal
    other: Principal
    outsider: Principal


def make_group(db: Session, name: str = "Cluster finance") -> GroupPeople:
    """A custom group founded by a Hungarian policy maker, with members from SI and HR."""
    lead = person(db, f"lead-{name[:5].lower().replace(' ', '')}", "policy_maker")
    member = person(
        db, f"member-{name[:5].lower().replace(' ', '')}", "cluster_manager", "SI", "SI03"
    )
    other = person(db, f"other-{name[:5].lower().replace(' ', '')}", "member", "HR", "HR02")
    outsider = person(
        db, f"outsider-{name[:5].lower().replace(' ', '')}", "cluster_manager", "AT", "AT22"
    )
    group = gr.create_group(db, gr.GroupInput(name=name, themes=("financing",)), lead)
    for who in (member, other):
        row = gr.request_to_join(db, group.id, who)
        gr.decide_request(db, group.id, row.id, True, lead)
    return GroupPeople(group.id, lead, member, other, outsider)


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def docx_bytes() -> bytes:
    """The parts a word-processing document holds (enough for the container check)."""
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def xlsx_bytes() -> bytes:
    """The parts a spreadsheet holds (enough for the container check)."""
    return _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


def odt_bytes() -> bytes:
    """An OpenDocument text: the mimetype member first, then the content."""
    return _zip(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"}
    )
