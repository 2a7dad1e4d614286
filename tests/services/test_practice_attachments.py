"""Uploads: allowed types checked by magic bytes, size limit, double extensions, path names."""

from __future__ import annotations

import hashlib
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.services._practice_helpers import make_principal, practice_input

from polisee.errors import InputError, PermissionDenied
from polisee.records.practices import PracticeAttachment
from polisee.services import practices as pr
from polisee.services.sessions import Principal

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
LIMIT = 1024


def _upload(
    db: Session, practice_id: int, principal: Principal, name: str, content: bytes, folder: Path
) -> PracticeAttachment:
    return pr.add_attachment(
        db,
        practice_id,
        filename=name,
        stream=BytesIO(content),
        upload_dir=folder,
        max_bytes=LIMIT,
        principal=principal,
    )


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    """The upload folder (tmp_path itself also holds the SQLite database)."""
    return tmp_path / "uploads"


@pytest.fixture
def draft(db: Session) -> tuple[int, Principal]:
    author = make_principal(db, "manager", "cluster_manager")
    return pr.create_practice(db, practice_input(), author).id, author


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("report.pdf", PDF, "application/pdf"),
        ("map.PNG", PNG, "image/png"),
        ("photo.jpeg", JPEG, "image/jpeg"),
    ],
    ids=["pdf", "png-upper-case", "jpeg"],
)
def test_allowed_files_are_stored_under_a_random_name(
    db: Session,
    draft: tuple[int, Principal],
    uploads: Path,
    name: str,
    content: bytes,
    content_type: str,
) -> None:
    practice_id, author = draft
    attachment = _upload(db, practice_id, author, name, content, uploads)
    assert attachment.original_name == name
    assert attachment.content_type == content_type
    assert attachment.size_bytes == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.stored_name != name
    assert len(attachment.stored_name) == 32
    assert [p.name for p in uploads.iterdir()] == [attachment.stored_name]
    assert (uploads / attachment.stored_name).read_bytes() == content
    found = pr.attachment_file(db, practice_id, attachment.id, upload_dir=uploads, principal=author)
    assert (found.filename, found.content_type) == (name, content_type)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"MZ\x90\x00 this is an executable", "not a PDF"),
        ("picture.png", PDF, "not a PNG"),
        ("report.pdf.exe", PDF, "ending in one of"),
        ("shell.php.pdf", PDF, "two extensions"),
        ("scan.jpg.pdf", PDF, "two extensions"),
        ("notes.txt", b"hello", "ending in one of"),
        ("page.html", b"<script>alert(1)</script>", "ending in one of"),
        ("noextension", PDF, "ending in one of"),
        (".pdf", PDF, "ending in one of"),
        ("big.pdf", PDF + b"x" * LIMIT, "larger than the limit"),
        ("empty.pdf", b"", "empty"),
    ],
    ids=[
        "executable-named-pdf",
        "pdf-named-png",
        "double-extension-exe",
        "double-extension-php",
        "double-extension-jpg",
        "text",
        "html",
        "no-extension",
        "only-extension",
        "oversized",
        "empty",
    ],
)
def test_refused_files_leave_nothing_behind(
    db: Session,
    draft: tuple[int, Principal],
    uploads: Path,
    name: str,
    content: bytes,
    message: str,
) -> None:
    practice_id, author = draft
    with pytest.raises(InputError, match=message) as caught:
        _upload(db, practice_id, author, name, content, uploads)
    assert caught.value.field == "file"
    assert not uploads.exists() or list(uploads.iterdir()) == []
    assert db.scalar(select(func.count()).select_from(PracticeAttachment)) == 0


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\evil.pdf", "evil.pdf"),
        ("/abs/path/report\x00.pdf", "report.pdf"),
        ("..pdf.pdf", "pdf.pdf"),
    ],
    ids=["posix-traversal", "windows-traversal", "control-character", "leading-dots"],
)
def test_path_parts_of_the_name_are_dropped(
    db: Session, draft: tuple[int, Principal], tmp_path: Path, name: str, kept: str
) -> None:
    practice_id, author = draft
    root = tmp_path / "root"
    folder = root / "var" / "uploads"
    attachment = _upload(db, practice_id, author, name, PDF, folder)
    assert attachment.original_name == kept
    # The only file written is inside the upload folder, under the random name.
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == [
        f"var/uploads/{attachment.stored_name}"
    ]


def test_only_the_author_of_an_editable_practice_uploads(
    db: Session, draft: tuple[int, Principal], uploads: Path
) -> None:
    practice_id, author = draft
    other = make_principal(db, "policy", "policy_maker")
    with pytest.raises(PermissionDenied):
        _upload(db, practice_id, other, "report.pdf", PDF, uploads)
    pr.submit_practice(db, practice_id, author)
    with pytest.raises(PermissionDenied):
        _upload(db, practice_id, author, "report.pdf", PDF, uploads)
    assert not uploads.exists()


def test_at_most_ten_files(db: Session, draft: tuple[int, Principal], uploads: Path) -> None:
    practice_id, author = draft
    for number in range(pr.MAX_ATTACHMENTS):
        _upload(db, practice_id, author, f"page{number}.pdf", PDF, uploads)
    with pytest.raises(InputError, match="at most 10"):
        _upload(db, practice_id, author, "one-more.pdf", PDF, uploads)
