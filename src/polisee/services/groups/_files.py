"""Shared documents (every upload a new version; old versions stay downloadable) and
meeting notes; both for a group's members only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from polisee.errors import InputError, NotFound
from polisee.records.groups import GroupDocument, GroupDocumentVersion, GroupMeeting
from polisee.services.audit import record_change
from polisee.services.groups._access import clean_text, load_group, require_member, who
from polisee.services.permissions import Permission, check_permission
from polisee.services.sessions import Principal
from polisee.services.uploads import DOCUMENT_TYPES, StoredUpload, store_upload

__all__ = [
    "MAX_DOCUMENTS",
    "DocumentFile",
    "MeetingInput",
    "add_document",
    "add_document_version",
    "add_meeting",
    "document_file",
    "list_documents",
    "list_meetings",
]

MAX_DOCUMENTS = 500


def _store_version(
    session: Session,
    document: GroupDocument,
    *,
    number: int,
    upload: StoredUpload,
    note: str,
    principal: Principal,
) -> GroupDocumentVersion:
    version = GroupDocumentVersion(
        document_id=document.id,
        number=number,
        original_name=upload.original_name,
        stored_name=upload.stored_name,
        content_type=upload.content_type,
        size_bytes=upload.size_bytes,
        sha256=upload.sha256,
        note=note,
        uploaded_by_id=principal.user_id,
        uploaded_by_label=who(principal),
    )
    session.add(version)
    session.flush()
    record_change(
        session,
        principal.actor,
        "group.document_version",
        "group_document_version",
        version.id,
        after={
            "document": document.id,
            "number": number,
            "name": upload.original_name,
            "content_type": upload.content_type,
            "size_bytes": upload.size_bytes,
            "sha256": upload.sha256,
        },
    )
    return version


def add_document(
    session: Session,
    group_id: int,
    *,
    title: str,
    filename: str,
    stream: BinaryIO,
    upload_dir: Path,
    max_bytes: int,
    principal: Principal,
    note: str = "",
) -> GroupDocument:
    """A new shared document with its first version; members only. The file is checked
    (type, double extension, content, size) before anything is recorded."""
    check_permission(principal.permissions, Permission.GROUP_PARTICIPATE)
    group = load_group(session, group_id)
    require_member(session, group, principal)
    count = session.scalar(
        select(func.count()).select_from(GroupDocument).where(GroupDocument.group_id == group.id)
    )
    if (count or 0) >= MAX_DOCUMENTS:
        raise InputError(f"expected at most {MAX_DOCUMENTS} documents per group", field="file")
    heading = clean_text(title, "title", limit=200, single_line=True)
    remark = clean_text(note, "note", limit=2000)
    upload = store_upload(
        filename=filename,
        stream=stream,
        upload_dir=upload_dir,
        max_bytes=max_bytes,
        types=DOCUMENT_TYPES,
    )
    document = GroupDocument(
        group_id=group.id, title=heading or upload.original_name, created_by_id=principal.user_id
    )
    session.add(document)
    session.flush()
    _store_version(session, document, number=1, upload=upload, note=remark, principal=principal)
    record_change(
        session,
        principal.actor,
        "group.document",
        "group_document",
        document.id,
        after={"group": group.id, "title": document.title},
    )
    return document


def add_document_version(
    session: Session,
    group_id: int,
    document_id: int,
    *,
    filename: str,
    stream: BinaryIO,
    upload_dir: Path,
    max_bytes: int,
    principal: Principal,
    note: str = "",
) -> GroupDocumentVersion:
    """A new version of a shared document; the earlier versions are kept."""
    check_permission(principal.permissions, Permission.GROUP_PARTICIPATE)
    group = load_group(session, group_id)
    require_member(session, group, principal)
    document = session.get(GroupDocument, document_id)
    if document is None or document.group_id != group.id:
        raise NotFound(f"working group {group_id} has no document {document_id}")
    latest = session.scalar(
        select(func.max(GroupDocumentVersion.number)).where(
            GroupDocumentVersion.document_id == document.id
        )
    )
    remark = clean_text(note, "note", limit=2000)
    upload = store_upload(
        filename=filename,
        stream=stream,
        upload_dir=upload_dir,
        max_bytes=max_bytes,
        types=DOCUMENT_TYPES,
    )
    return _store_version(
        session,
        document,
        number=(latest or 0) + 1,
        upload=upload,
        note=remark,
        principal=principal,
    )


def list_documents(session: Session, group_id: int, principal: Principal) -> list[GroupDocument]:
    """The group's documents with every version (newest document first); members only."""
    check_permission(principal.permissions, Permission.GROUP_PARTICIPATE)
    group = load_group(session, group_id)
    require_member(session, group, principal)
    return list(
        session.scalars(
            select(GroupDocument)
            .where(GroupDocument.group_id == group.id)
            .options(selectinload(GroupDocument.versions))
            .order_by(GroupDocument.id.desc())
        )
    )


@dataclass(frozen=True)
class DocumentFile:
    """Where a version's bytes are and how to send them."""

    path: Path
    filename: str
    content_type: str


def document_file(
    session: Session,
    group_id: int,
    document_id: int,
    version_id: int,
    *,
    upload_dir: Path,
    principal: Principal,
) -> DocumentFile:
    """The stored file of one version; members only."""
    check_permission(principal.permissions, Permission.GROUP_PARTICIPATE)
    group = load_group(session, group_id)
    require_member(session, group, principal)
    version = session.get(GroupDocumentVersion, version_id)
    document = session.get(GroupDocument, document_id)
    if (
        version is None
        or document is None
        or version.document_id != document.id
        or document.group_id != group.id
    ):
        raise NotFound(f"working group {group_id} has no such document version")
    path = upload_dir / version.stored_name
    if not path.is_file():
        raise NotFound(f"the file of document version {version_id} is missing from the store")
    return DocumentFile(path, version.original_name, version.content_type)


@dataclass(frozen=True)
class MeetingInput:
    """The notes of a meeting as written; :meth:`checked` validates them."""

    held_on: str | date
    place: str = ""
    online: bool = False
    participants: str = ""
    agenda: str = ""
    notes: str = ""
    decisions: str = ""

    def checked(self) -> dict[str, object]:
        """The column values, validated."""
        if isinstance(self.held_on, date):
            held_on = self.held_on
        else:
            try:
                held_on = date.fromisoformat(self.held_on.strip())
            except ValueError:
                raise InputError(
                    f"expected a date like 2026-03-14, got {self.held_on!r}", field="held_on"
                ) from None
        place = clean_text(self.place, "place", limit=200, single_line=True)
        if not place and not self.online:
            raise InputError("expected a place, or the meeting marked as online", field="place")
        values: dict[str, object] = {
            "held_on": held_on,
            "place": place,
            "online": bool(self.online),
            "participants": clean_text(self.participants, "participants", limit=5000),
            "agenda": clean_text(self.agenda, "agenda", limit=10_000),
            "notes": clean_text(self.notes, "notes", limit=50_000),
            "decisions": clean_text(self.decisions, "decisions", limit=20_000),
        }
        if not values["agenda"] and not values["notes"] and not values["decisions"]:
            raise InputError("expected an agenda, notes or decisions", field="notes")
        return values


def add_meeting(
    session: Session, group_id: int, data: MeetingInput, principal: Principal, *, demo: bool = False
) -> GroupMeeting:
    """The notes of a meeting, written by a member."""
    check_permission(principal.permissions, Permission.GROUP_PARTICIPATE)
    group = load_group(session, group_id)
    require_member(session, group, principal)
    values = data.checked()
    meeting = GroupMeeting(
        group_id=group.id,
        author_id=principal.user_id,
        author_label=who(principal),
        demo=demo,
        **values,
    )
    session.add(meeting)
    session.flush()
    record_change(
        session,
        principal.actor,
        "group.meeting",
        "group_meeting",
        meeting.id,
        after={"group": group.id, **{k: str(v) for k, v in values.items()}},
    )
    return meeting


def list_meetings(session: Session, group_id: int, principal: Principal) -> list[GroupMeeting]:
    """The group's meeting notes, newest meeting first; members only."""
    check_permission(principal.permissions, Permission.GROUP_PARTICIPATE)
    group = load_group(session, group_id)
    require_member(session, group, principal)
    return list(
        session.scalars(
            select(GroupMeeting)
            .where(GroupMeeting.group_id == group.id)
            .order_by(GroupMeeting.held_on.desc(), GroupMeeting.id.desc())
        )
    )
