"""Download Eurostat bulk datasets and GISCO boundaries: resumable, with a checksum manifest.

``fetch(["sbs_r_nuts06_r2", "NUTS_RG_60M_2021_4326_LEVL_2.geojson"], dest_dir=...)``
saves ``sbs_r_nuts06_r2.tsv.gz`` (Eurostat dissemination API, bulk TSV, gzip) and the
GeoJSON file in ``dest_dir``. Each download goes to ``<file>.part`` first and continues
from where it stopped (HTTP ``Range``) after an interruption; a finished file is
recorded in ``MANIFEST.sha256`` with its SHA-256, size, URL and date. Files that match
their manifest entry are not downloaded again; files that do not are.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import httpx

from polisee.errors import NotFound, PoliseeError
from polisee.sources._http import build_client

__all__ = [
    "DEFAULT_BASE_URLS",
    "MANIFEST_NAME",
    "FetchError",
    "FetchReport",
    "FetchedFile",
    "Progress",
    "fetch",
    "file_sha256",
    "read_manifest",
    "source_of",
]

DEFAULT_BASE_URLS: dict[str, str] = {
    "eurostat": "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data",
    "gisco": "https://gisco-services.ec.europa.eu/distribution/v2/nuts/geojson",
}
"""Where each kind of name is downloaded from; override per key (tests use a local server)."""

MANIFEST_NAME = "MANIFEST.sha256"

Progress = Callable[[int, int | None, str], None]
"""``progress(done_bytes, total_bytes, name)``; ``total_bytes`` is None when unknown."""


class FetchError(PoliseeError):
    """A download failed (network error, unexpected answer, size mismatch)."""


@dataclass(frozen=True)
class FetchedFile:
    """One requested name and what happened to it."""

    name: str
    path: Path
    url: str
    sha256: str
    size: int
    status: Literal["downloaded", "resumed", "skipped", "replaced"]


@dataclass
class FetchReport:
    """What :func:`fetch` did, one entry per requested name in request order."""

    files: list[FetchedFile] = field(default_factory=list)
    manifest: Path | None = None

    @property
    def downloaded(self) -> list[str]:
        """Names fetched over the network (fresh, resumed or replacing a corrupt file)."""
        return [f.name for f in self.files if f.status != "skipped"]

    @property
    def skipped(self) -> list[str]:
        """Names whose file was already there and matched the manifest."""
        return [f.name for f in self.files if f.status == "skipped"]


def source_of(name: str, base_urls: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The URL of ``name`` and the file name it is saved under.

    A name ending in ``.geojson`` is a GISCO NUTS boundary file; any other name is a
    Eurostat dataset code, fetched as gzip-compressed bulk TSV.

    Examples
    --------
    >>> source_of("sbs_r_nuts06_r2")[1]
    'sbs_r_nuts06_r2.tsv.gz'
    >>> source_of("lfst_r_lfe2en2", {"eurostat": "http://127.0.0.1:8000/data"})[0]
    'http://127.0.0.1:8000/data/lfst_r_lfe2en2?format=TSV&compressed=true'
    """
    bases = {**DEFAULT_BASE_URLS, **(base_urls or {})}
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise FetchError(f"expected a dataset code or a GISCO file name, got {name!r}")
    if name.endswith(".geojson"):
        return f"{bases['gisco'].rstrip('/')}/{name}", name
    return f"{bases['eurostat'].rstrip('/')}/{name}?format=TSV&compressed=true", f"{name}.tsv.gz"


def read_manifest(dest_dir: str | Path) -> dict[str, dict[str, str]]:
    """Manifest entries by file name: ``sha256``, ``size``, ``url``, ``date``.

    Lines are ``sha256  size  date  url  file`` separated by two spaces (the first
    and last fields are what ``sha256sum -c`` needs after dropping the middle ones);
    lines starting with ``#`` are comments. A missing manifest is empty.
    """
    path = Path(dest_dir) / MANIFEST_NAME
    entries: dict[str, dict[str, str]] = {}
    if not path.is_file():
        return entries
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("  ")
        if len(parts) != 5:
            continue  # a damaged line only costs a re-download of that file
        sha, size, date, url, name = parts
        entries[name] = {"sha256": sha, "size": size, "date": date, "url": url}
    return entries


def _write_manifest(dest_dir: Path, entries: Mapping[str, Mapping[str, str]]) -> Path:
    path = dest_dir / MANIFEST_NAME
    lines = ["# sha256  size  date  url  file"]
    for name in sorted(entries):
        e = entries[name]
        lines.append(f"{e['sha256']}  {e['size']}  {e['date']}  {e['url']}  {name}")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(
    names: Iterable[str],
    *,
    dest_dir: str | Path,
    base_urls: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    retries: int = 3,
    client: httpx.Client | None = None,
) -> FetchReport:
    """Download ``names`` into ``dest_dir``, resuming partial downloads, keeping a manifest.

    Parameters
    ----------
    names
        Eurostat dataset codes (``sbs_r_nuts06_r2``) and GISCO NUTS file names
        (``NUTS_RG_60M_2021_4326_LEVL_2.geojson``); see :func:`source_of`.
    dest_dir
        Created if missing; holds the files, their ``.part`` downloads and ``MANIFEST.sha256``.
    base_urls
        Overrides of :data:`DEFAULT_BASE_URLS` by key (``eurostat``, ``gisco``).
    progress
        Called as ``progress(done_bytes, total_bytes, name)`` as bytes arrive.
    retries
        How many times a broken connection is resumed before giving up.
    client
        An HTTP client to use (default one from :func:`polisee.sources._http.build_client`).

    Returns
    -------
    FetchReport
        One :class:`FetchedFile` per name; the manifest path.

    Raises
    ------
    NotFound
        The server has no such dataset or file (HTTP 404); nothing is written for it.
    FetchError
        Network failure after ``retries`` resumptions, another HTTP error, or a size
        mismatch. A ``.part`` file is left so that the next call continues from it.
    """
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(dest)
    report = FetchReport()
    own_client = client is None
    http = client if client is not None else build_client()
    try:
        for name in names:
            url, filename = source_of(name, base_urls)
            target = dest / filename
            entry = manifest.get(filename)
            status: Literal["downloaded", "resumed", "skipped", "replaced"] = "downloaded"
            if target.is_file():
                size = target.stat().st_size
                if entry is not None and entry["size"] == str(size):
                    sha = file_sha256(target)
                    if sha == entry["sha256"]:
                        report.files.append(FetchedFile(name, target, url, sha, size, "skipped"))
                        continue
                status = "replaced"
            resumed = _download(http, url, target, name, progress=progress, retries=retries)
            if resumed and status == "downloaded":
                status = "resumed"
            sha, size = file_sha256(target), target.stat().st_size
            manifest[filename] = {
                "sha256": sha,
                "size": str(size),
                "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "url": url,
            }
            report.manifest = _write_manifest(dest, manifest)
            report.files.append(FetchedFile(name, target, url, sha, size, status))
    finally:
        if own_client:
            http.close()
    if report.manifest is None and (dest / MANIFEST_NAME).is_file():
        report.manifest = dest / MANIFEST_NAME
    return report


def _download(
    http: httpx.Client,
    url: str,
    target: Path,
    name: str,
    *,
    progress: Progress | None,
    retries: int,
) -> bool:
    """Fetch ``url`` into ``target`` through ``target.part``; True if a Range resume happened."""
    part = target.with_name(target.name + ".part")
    resumed = False
    attempt = 0
    while True:
        start = part.stat().st_size if part.is_file() else 0
        try:
            done = _transfer(http, url, part, start, name, progress)
        except (httpx.TransportError, _Incomplete) as exc:
            attempt += 1
            if attempt > retries:
                have = part.stat().st_size if part.is_file() else 0
                raise FetchError(
                    f"download of {name} from {url} failed after {retries} resumptions "
                    f"({type(exc).__name__}: {exc}); {have:,} bytes kept in {part.name}, "
                    "run fetch again to continue"
                ) from exc
            continue
        resumed = resumed or (start > 0 and done)
        break
    os.replace(part, target)
    return resumed


class _Incomplete(Exception):
    """The server closed the body before Content-Length bytes arrived."""


def _transfer(
    http: httpx.Client,
    url: str,
    part: Path,
    start: int,
    name: str,
    progress: Progress | None,
) -> bool:
    """Stream the body into ``part``; True when the server honoured a Range request."""
    headers = {"Range": f"bytes={start}-"} if start else {}
    with http.stream("GET", url, headers=headers) as response:
        if response.status_code == 416 and start:
            # The part file is as long as (or longer than) the resource: start again.
            part.unlink()
            raise _Incomplete("the server refused the resume range; restarting")
        if response.status_code == 404:
            raise NotFound(
                f"{url} answered 404 Not Found: check the name {name!r} "
                "(Eurostat dataset codes are lower case, e.g. sbs_r_nuts06_r2)"
            )
        if response.status_code not in (200, 206):
            raise FetchError(
                f"{url} answered {response.status_code} {response.reason_phrase}; expected 200"
            )
        ranged = response.status_code == 206
        if ranged:
            first, total = _content_range(response.headers.get("Content-Range", ""))
            if first != start:
                raise FetchError(
                    f"{url} resumed at byte {first} instead of {start} (Content-Range "
                    f"{response.headers.get('Content-Range')!r})"
                )
        else:
            start = 0
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
        done = start
        with part.open("ab" if ranged else "wb") as fh:
            if progress is not None:
                progress(done, total, name)
            # iter_raw: the file is stored exactly as sent (a .tsv.gz stays compressed).
            for chunk in response.iter_raw():
                fh.write(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total, name)
        if total is not None and done != total:
            if done < total:
                raise _Incomplete(f"got {done:,} of {total:,} bytes")
            raise FetchError(f"{url} sent {done:,} bytes, more than the announced {total:,}")
        return ranged


def _content_range(value: str) -> tuple[int, int | None]:
    """``bytes 100-199/1000`` -> (100, 1000); total None for ``*``."""
    try:
        unit, rest = value.split(" ", 1)
        span, total = rest.split("/", 1)
        first = int(span.split("-", 1)[0])
        if unit != "bytes":
            raise ValueError(unit)
    except ValueError as exc:
        raise FetchError(f"expected a Content-Range like 'bytes 0-99/1000', got {value!r}") from exc
    return first, (int(total) if total.isdigit() else None)
