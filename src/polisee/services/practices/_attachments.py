"""Attachments of a practice: PDF, PNG and JPEG files checked by name and content (see
:mod:`polisee.services.uploads`), stored under random names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from polisee.errors import InputError, NotFound, PermissionDenied
from polisee.records.practices import PracticeAttachment
from polisee.services.audit import record_change
from polisee.services.practices._model import can_edit
from polisee.services.practices._workflow import get_practice
from polisee.services.sessions import Principal
from polisee.services.uploads import IMAGE_AND_PDF_TYPES, clean_filename, detect_type, store_upload

__all__ = [
    "ALLOWED_TYPES",
    "MAX_ATTACHMENTS",
    "AttachmentFile",
    "add_attachment",
    "attachment_file",
    "clean_filename",
    "detect_type",
]

# extension -> (content type, magic bytes at the start of the file)
ALLOWED_TYPES: dict[str, tuple[str, bytes]] = {
    extension: (kind.content_type, kind.magic) for extension, kind in IMAGE_AND_PDF_TYPES.items()
}
MAX_ATTACHMENTS = 10


def add_attachment(
    session: Session,
    practice_id: int,
    *,
    filename: str,
    stream: BinaryIO,
    upload_dir: Path,
    max_bytes: int,
    principal: Principal,
) -> PracticeAttachment:
    """Check and store one file for a practice its author may still edit."""
    practice = get_practice(session, practice_id, principal)
    if not can_edit(practice, principal):
        raise PermissionDenied(
            f"files can be added to practice {practice_id} only by its author while it is a "
            "draft or rejected"
        )
    count = session.scalar(
        select(func.count())
        .select_from(PracticeAttachment)
        .where(PracticeAttachment.practice_id == practice.id)
    )
    if (count or 0) >= MAX_ATTACHMENTS:
        raise InputError(f"expected at most {MAX_ATTACHMENTS} files per practice", field="file")
    upload = store_upload(
        filename=filename,
        stream=stream,
        upload_dir=upload_dir,
        max_bytes=max_bytes,
        types=IMAGE_AND_PDF_TYPES,
    )
    attachment = PracticeAttachment(
        practice_id=practice.id,
        original_name=upload.original_name,
        stored_name=upload.stored_name,
        content_type=upload.content_type,
        size_bytes=upload.size_bytes,
        sha256=upload.sha256,
        uploaded_by_id=principal.user_id,
    )
    session.add(attachment)
    session.flush()
    record_change(
        session,
        principal.actor,
        "practice.attach",
        "practice_attachment",
        attachment.id,
        after={
            "practice": practice.id,
            "name": upload.original_name,
            "content_type": upload.content_type,
            "size_bytes": upload.size_bytes,
            "sha256": attachment.sha256,
        },
    )
    return attachment


@dataclass(frozen=True)
class AttachmentFile:
    """Where an attachment's bytes are and how to send them."""

    path: Path
    filename: str
    content_type: str


def attachment_file(
    session: Session,
    practice_id: int,
    attachment_id: int,
    *,
    upload_dir: Path,
    principal: Principal,
) -> AttachmentFile:
    """The stored file of an attachment of a practice the principal may see."""
    practice = get_practice(session, practice_id, principal)
    attachment = session.get(PracticeAttachment, attachment_id)
    if attachment is None or attachment.practice_id != practice.id:
        raise NotFound(f"practice {practice_id} has no attachment {attachment_id}")
    path = upload_dir / attachment.stored_name
    if not path.is_file():
        raise NotFound(f"the file of attachment {attachment_id} is missing from the store")
    return AttachmentFile(path, attachment.original_name, attachment.content_type)
