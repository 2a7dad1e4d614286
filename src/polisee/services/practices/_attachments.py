"""Attachments: PDF, PNG and JPEG files checked by name and content, stored under random names.

A file is refused (InputError naming the field ``file``) when its extension is not on the
allow-list, its name carries a second extension (``report.php.pdf``, ``scan.pdf.exe``),
its first bytes are not those of the type its extension claims, it is empty, or it is
larger than the limit. The original name is kept only for display and download, with any
folder part and control characters removed; the file on disk has a random name.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
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
    "pdf": ("application/pdf", b"%PDF-"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
}
MAX_ATTACHMENTS = 10
_CHUNK = 64 * 1024
# A name segment that is a known file extension makes a double extension.
_EXTENSIONS = frozenset(
    {
        *ALLOWED_TYPES,
        *[
            "exe",
            "com",
            "bat",
            "cmd",
            "scr",
            "msi",
            "dll",
            "jar",
            "sh",
            "bash",
            "ps1",
            "vbs",
            "js",
            "mjs",
            "py",
            "pl",
            "rb",
            "cgi",
            "php",
            "php3",
            "php4",
            "php5",
            "phtml",
            "phar",
            "asp",
            "aspx",
            "jsp",
            "html",
            "htm",
            "xhtml",
            "shtml",
            "svg",
            "xml",
            "hta",
            "swf",
            "doc",
            "docx",
            "docm",
            "xls",
            "xlsx",
            "xlsm",
            "ppt",
            "pptx",
            "zip",
            "rar",
            "7z",
            "gz",
            "tgz",
            "tar",
            "bz2",
            "gif",
            "webp",
            "tif",
            "tiff",
            "bmp",
            "txt",
            "csv",
            "rtf",
            "odt",
            "apk",
            "iso",
            "img",
            "lnk",
        ],
    }
)


def clean_filename(name: str) -> str:
    """The name without folders, control characters or leading dots; InputError if nothing
    usable is left or it has a double extension.

    >>> clean_filename("../../etc/Report 2020.PDF")
    'Report 2020.PDF'
    >>> clean_filename("C:\\\\Users\\\\x\\\\scan.jpg")
    'scan.jpg'
    """
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", name))[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    base = base.strip().lstrip(".").strip()[-200:]
    stem, dot, extension = base.rpartition(".")
    if not dot or not stem or extension.lower() not in ALLOWED_TYPES:
        allowed = ", ".join(sorted(ALLOWED_TYPES))
        raise InputError(f"expected a file ending in one of {allowed}, got {name!r}", field="file")
    inner = [s.lower() for s in stem.split(".")[1:]]
    if any(s.strip() in _EXTENSIONS for s in inner):
        raise InputError(
            f"refused {name!r}: a file name with two extensions may hide another type of file",
            field="file",
        )
    return base


def detect_type(head: bytes, extension: str) -> str:
    """The content type when the file's first bytes match its extension, else InputError.

    >>> detect_type(b"%PDF-1.7 ...", "pdf")
    'application/pdf'
    """
    content_type, magic = ALLOWED_TYPES[extension.lower()]
    if not head.startswith(magic):
        raise InputError(
            f"the file's content is not a {extension.upper()} file (its first bytes do not "
            "match); upload a real PDF, PNG or JPEG file",
            field="file",
        )
    return content_type


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
    original = clean_filename(filename)
    upload_dir.mkdir(parents=True, exist_ok=True)
    stored = secrets.token_hex(16)
    target = upload_dir / stored
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with target.open("xb") as out:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise InputError(
                        f"the file is larger than the limit of {max_bytes / 1_048_576:.1f} MB",
                        field="file",
                    )
                if len(head) < 16:
                    head = (head + chunk)[:16]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise InputError("the file is empty", field="file")
        content_type = detect_type(head, original.rpartition(".")[2])
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    attachment = PracticeAttachment(
        practice_id=practice.id,
        original_name=original,
        stored_name=stored,
        content_type=content_type,
        size_bytes=size,
        sha256=digest.hexdigest(),
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
            "name": original,
            "content_type": content_type,
            "size_bytes": size,
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
