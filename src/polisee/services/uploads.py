"""Safe file uploads shared by every area: checked by name and content, stored under random
names.

A file is refused (InputError naming the field ``file``) when its extension is not on the
area's allow-list, its name carries a second extension (``report.php.pdf``,
``scan.pdf.exe``), its content is not that of the type its extension claims (first bytes,
and for office files the parts inside the ZIP container), it is empty, or it is larger
than the limit. The original name is kept only for display and download, with any folder
part and control characters removed; the file on disk has a random name. A refused file
leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from polisee.errors import InputError

__all__ = [
    "DOCUMENT_TYPES",
    "IMAGE_AND_PDF_TYPES",
    "FileType",
    "StoredUpload",
    "clean_filename",
    "detect_type",
    "store_upload",
]


@dataclass(frozen=True)
class FileType:
    """What a file with a given extension must be: its content type, the bytes it starts
    with, a label for messages and, for ZIP-based office files, a member it must contain
    (and for OpenDocument the ``mimetype`` member's exact text)."""

    content_type: str
    magic: bytes
    label: str
    zip_member: str = ""
    zip_mimetype: str = ""


_PDF = FileType("application/pdf", b"%PDF-", "PDF")
_PNG = FileType("image/png", b"\x89PNG\r\n\x1a\n", "PNG")
_JPEG = FileType("image/jpeg", b"\xff\xd8\xff", "JPEG")
_ZIP = b"PK\x03\x04"

IMAGE_AND_PDF_TYPES: dict[str, FileType] = {"pdf": _PDF, "png": _PNG, "jpg": _JPEG, "jpeg": _JPEG}
"""PDF, PNG and JPEG: what a good practice may attach."""

DOCUMENT_TYPES: dict[str, FileType] = {
    **IMAGE_AND_PDF_TYPES,
    "docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ZIP,
        "DOCX",
        zip_member="word/document.xml",
    ),
    "xlsx": FileType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ZIP,
        "XLSX",
        zip_member="xl/workbook.xml",
    ),
    "odt": FileType(
        "application/vnd.oasis.opendocument.text",
        _ZIP,
        "ODT",
        zip_member="content.xml",
        zip_mimetype="application/vnd.oasis.opendocument.text",
    ),
}
"""Office documents besides PDF and images: what a working group may share."""

_CHUNK = 64 * 1024
# A name segment that is a known file extension makes a double extension.
_EXTENSIONS = frozenset(
    {
        *DOCUMENT_TYPES,
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
            "docm",
            "xls",
            "xlsm",
            "ppt",
            "pptx",
            "pptm",
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
            "ods",
            "odp",
            "apk",
            "iso",
            "img",
            "lnk",
        ],
    }
)


def _labels(types: Mapping[str, FileType]) -> str:
    labels = list(dict.fromkeys(t.label for t in types.values()))
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} or {labels[-1]}"


def clean_filename(name: str, types: Mapping[str, FileType] = IMAGE_AND_PDF_TYPES) -> str:
    """The name without folders, control characters or leading dots; InputError if nothing
    usable is left, its extension is not one of ``types`` or it has a double extension.

    >>> clean_filename("../../etc/Report 2020.PDF")
    'Report 2020.PDF'
    >>> clean_filename("C:\\\\Users\\\\x\\\\scan.jpg")
    'scan.jpg'
    """
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", name))[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    base = base.strip().lstrip(".").strip()[-200:]
    stem, dot, extension = base.rpartition(".")
    if not dot or not stem or extension.lower() not in types:
        allowed = ", ".join(sorted(types))
        raise InputError(f"expected a file ending in one of {allowed}, got {name!r}", field="file")
    inner = [s.lower() for s in stem.split(".")[1:]]
    if any(s.strip() in _EXTENSIONS for s in inner):
        raise InputError(
            f"refused {name!r}: a file name with two extensions may hide another type of file",
            field="file",
        )
    return base


def detect_type(
    head: bytes, extension: str, types: Mapping[str, FileType] = IMAGE_AND_PDF_TYPES
) -> str:
    """The content type when the file's first bytes match its extension, else InputError.

    >>> detect_type(b"%PDF-1.7 ...", "pdf")
    'application/pdf'
    """
    kind = types[extension.lower()]
    if not head.startswith(kind.magic):
        raise InputError(
            f"the file's content is not a {extension.upper()} file (its first bytes do not "
            f"match); upload a real {_labels(types)} file",
            field="file",
        )
    return kind.content_type


def _check_container(path: Path, extension: str, kind: FileType) -> None:
    """ZIP-based office files: the container must open and hold the type's own parts."""
    refused = InputError(
        f"the file's content is not a {kind.label} document (the parts a {kind.label} file "
        f"holds are missing); save it again as {extension.upper()} and upload that",
        field="file",
    )
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if kind.zip_member not in names:
                raise refused
            if kind.zip_mimetype:
                if "mimetype" not in names:
                    raise refused
                if archive.read("mimetype").decode("ascii", "replace").strip() != (
                    kind.zip_mimetype
                ):
                    raise refused
    except (zipfile.BadZipFile, OSError, ValueError):
        raise refused from None


@dataclass(frozen=True)
class StoredUpload:
    """A file that passed the checks, as stored: what to record about it."""

    original_name: str
    stored_name: str
    content_type: str
    size_bytes: int
    sha256: str


def store_upload(
    *,
    filename: str,
    stream: BinaryIO,
    upload_dir: Path,
    max_bytes: int,
    types: Mapping[str, FileType] = IMAGE_AND_PDF_TYPES,
) -> StoredUpload:
    """Check the file named ``filename`` read from ``stream`` and store it under a random
    name in ``upload_dir``; InputError (field ``file``) with nothing left on disk if refused."""
    original = clean_filename(filename, types)
    extension = original.rpartition(".")[2].lower()
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
        content_type = detect_type(head, extension, types)
        kind = types[extension]
        if kind.zip_member:
            _check_container(target, extension, kind)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return StoredUpload(original, stored, content_type, size, digest.hexdigest())
