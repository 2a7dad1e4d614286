"""fetch() against a real HTTP server on 127.0.0.1 serving recorded copies (no internet)."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from polisee import __version__
from polisee.errors import NotFound
from polisee.sources._http import USER_AGENT, build_client
from polisee.sources.fetch import (
    MANIFEST_NAME,
    FetchError,
    fetch,
    read_manifest,
    source_of,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "eurostat"
GEOJSON = "NUTS_RG_60M_2021_4326_LEVL_2.geojson"


def _tsv_gz() -> bytes:
    """A recorded-style bulk file, big enough to be sent in several chunks."""
    lines = ["nace_r2,indic_sb,geo\\time\t2015 \t2014 "]
    lines += [f"C{i % 90 + 10},V16110,HU{i % 9}{i % 7}\t{i} \t: c" for i in range(40_000)]
    return gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0)


@dataclass
class _State:
    files: dict[str, bytes] = field(default_factory=dict)
    cut_after: dict[str, int] = field(default_factory=dict)  # path -> bytes sent before a cut, once
    requests: list[tuple[str, str | None, str | None]] = field(default_factory=list)


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves ``state.files`` with Range support; can drop the connection mid-body once."""

    state: _State
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        self.state.requests.append(
            (self.path, self.headers.get("Range"), self.headers.get("User-Agent"))
        )
        body = self.state.files.get(path)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        start, status = 0, 200
        match = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range") or "")
        if match:
            start = int(match.group(1))
            if start >= len(body):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status = 206
        chunk = body[start:]
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(chunk)))
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        self.end_headers()
        cut = self.state.cut_after.pop(path, None)
        if cut is not None:
            self.wfile.write(chunk[:cut])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(chunk)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture
def server() -> Iterator[tuple[str, _State]]:
    state = _State()
    state.files["/data/sbs_r_nuts06_r2"] = _tsv_gz()
    state.files["/data/nama_10r_2gdp"] = (FIXTURES / "small.tsv.gz").read_bytes()
    state.files[f"/geo/{GEOJSON}"] = b'{"type": "FeatureCollection", "features": []}\n'
    handler = type("Handler", (_Handler,), {"state": state})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _bases(url: str) -> dict[str, str]:
    return {"eurostat": f"{url}/data", "gisco": f"{url}/geo"}


def test_source_urls_follow_the_eurostat_and_gisco_schemes() -> None:
    assert source_of("sbs_r_nuts06_r2") == (
        "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/sbs_r_nuts06_r2"
        "?format=TSV&compressed=true",
        "sbs_r_nuts06_r2.tsv.gz",
    )
    assert source_of(GEOJSON)[0] == (
        "https://gisco-services.ec.europa.eu/distribution/v2/nuts/geojson/" + GEOJSON
    )


@pytest.mark.parametrize(
    "name", ["../etc/passwd", "", ".hidden"], ids=["traversal", "empty", "dot"]
)
def test_unsafe_names_are_refused(name: str) -> None:
    with pytest.raises(FetchError, match="expected a dataset code"):
        source_of(name)


def test_client_sends_the_polisee_user_agent() -> None:
    with build_client() as client:
        assert client.headers["User-Agent"] == f"polisee/{__version__}" == USER_AGENT
        assert client.timeout.connect is not None


def test_download_with_progress_and_manifest(server: tuple[str, _State], tmp_path: Path) -> None:
    url, state = server
    calls: list[tuple[int, int | None, str]] = []
    report = fetch(
        ["sbs_r_nuts06_r2", GEOJSON],
        dest_dir=tmp_path,
        base_urls=_bases(url),
        progress=lambda done, total, name: calls.append((done, total, name)),
    )
    body = state.files["/data/sbs_r_nuts06_r2"]
    saved = tmp_path / "sbs_r_nuts06_r2.tsv.gz"
    assert saved.read_bytes() == body  # stored as sent: still gzip
    assert (tmp_path / GEOJSON).read_bytes() == state.files[f"/geo/{GEOJSON}"]
    assert report.downloaded == ["sbs_r_nuts06_r2", GEOJSON]
    assert not list(tmp_path.glob("*.part"))
    # Progress: monotone per file, ends at the announced total.
    sbs = [(d, t) for d, t, n in calls if n == "sbs_r_nuts06_r2"]
    assert len(sbs) > 2
    assert [d for d, _ in sbs] == sorted(d for d, _ in sbs)
    assert sbs[-1] == (len(body), len(body))
    # The manifest records sha256, size, url and date of each file.
    manifest = read_manifest(tmp_path)
    entry = manifest["sbs_r_nuts06_r2.tsv.gz"]
    assert entry["sha256"] == hashlib.sha256(body).hexdigest()
    assert entry["size"] == str(len(body))
    assert entry["url"] == f"{url}/data/sbs_r_nuts06_r2?format=TSV&compressed=true"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry["date"])
    assert report.manifest == tmp_path / MANIFEST_NAME
    assert state.requests[0][0] == "/data/sbs_r_nuts06_r2?format=TSV&compressed=true"
    assert {ua for _, _, ua in state.requests} == {USER_AGENT}


def test_second_run_skips_files_matching_the_manifest(
    server: tuple[str, _State], tmp_path: Path
) -> None:
    url, state = server
    fetch(["nama_10r_2gdp"], dest_dir=tmp_path, base_urls=_bases(url))
    before = len(state.requests)
    report = fetch(["nama_10r_2gdp"], dest_dir=tmp_path, base_urls=_bases(url))
    assert report.skipped == ["nama_10r_2gdp"]
    assert report.downloaded == []
    assert len(state.requests) == before  # nothing asked of the server


def test_resume_after_the_server_cut_the_connection(
    server: tuple[str, _State], tmp_path: Path
) -> None:
    url, state = server
    body = state.files["/data/sbs_r_nuts06_r2"]
    state.cut_after["/data/sbs_r_nuts06_r2"] = len(body) // 3
    report = fetch(["sbs_r_nuts06_r2"], dest_dir=tmp_path, base_urls=_bases(url))
    assert (tmp_path / "sbs_r_nuts06_r2.tsv.gz").read_bytes() == body
    assert report.files[0].status == "resumed"
    ranges = [r for _, r, _ in state.requests]
    assert ranges == [None, f"bytes={len(body) // 3}-"]  # second request continues the .part


def test_interrupted_run_leaves_part_and_the_next_run_continues(
    server: tuple[str, _State], tmp_path: Path
) -> None:
    url, state = server
    body = state.files["/data/sbs_r_nuts06_r2"]
    state.cut_after["/data/sbs_r_nuts06_r2"] = 5000
    with pytest.raises(FetchError, match="run fetch again to continue"):
        fetch(["sbs_r_nuts06_r2"], dest_dir=tmp_path, base_urls=_bases(url), retries=0)
    part = tmp_path / "sbs_r_nuts06_r2.tsv.gz.part"
    assert part.stat().st_size == 5000
    assert not (tmp_path / "sbs_r_nuts06_r2.tsv.gz").exists()
    assert "sbs_r_nuts06_r2.tsv.gz" not in read_manifest(tmp_path)
    report = fetch(["sbs_r_nuts06_r2"], dest_dir=tmp_path, base_urls=_bases(url), retries=0)
    assert report.files[0].status == "resumed"
    assert (tmp_path / "sbs_r_nuts06_r2.tsv.gz").read_bytes() == body
    assert state.requests[-1][1] == "bytes=5000-"


def test_corrupted_file_is_detected_and_downloaded_again(
    server: tuple[str, _State], tmp_path: Path
) -> None:
    url, state = server
    fetch(["nama_10r_2gdp"], dest_dir=tmp_path, base_urls=_bases(url))
    saved = tmp_path / "nama_10r_2gdp.tsv.gz"
    data = bytearray(saved.read_bytes())
    data[20] ^= 0xFF  # same size, different content: only the checksum can tell
    saved.write_bytes(bytes(data))
    report = fetch(["nama_10r_2gdp"], dest_dir=tmp_path, base_urls=_bases(url))
    assert report.files[0].status == "replaced"
    assert saved.read_bytes() == state.files["/data/nama_10r_2gdp"]
    assert state.requests[-1][1] is None  # a fresh download, not a resume of the bad file


def test_stale_part_longer_than_the_file_restarts(
    server: tuple[str, _State], tmp_path: Path
) -> None:
    url, state = server
    body = state.files["/data/nama_10r_2gdp"]
    (tmp_path / "nama_10r_2gdp.tsv.gz.part").write_bytes(b"x" * (len(body) + 10))
    fetch(["nama_10r_2gdp"], dest_dir=tmp_path, base_urls=_bases(url))
    assert (tmp_path / "nama_10r_2gdp.tsv.gz").read_bytes() == body


def test_404_names_the_dataset(server: tuple[str, _State], tmp_path: Path) -> None:
    url, _ = server
    with pytest.raises(NotFound, match=r"404 Not Found: check the name 'no_such_dataset'"):
        fetch(["no_such_dataset"], dest_dir=tmp_path, base_urls=_bases(url))
    assert not (tmp_path / "no_such_dataset.tsv.gz").exists()


def test_unreachable_server_gives_a_fetch_error(tmp_path: Path) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with (
        build_client(transport=httpx.MockTransport(refuse)) as client,
        pytest.raises(FetchError, match="failed after 1 resumptions"),
    ):
        fetch(["x"], dest_dir=tmp_path, client=client, retries=1)
