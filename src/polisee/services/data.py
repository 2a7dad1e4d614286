"""Loading statistics into the store: read, harmonise regions, write dimensions and facts.

The caller owns the transaction (``with store.transaction():``): everything this
module writes is committed together or not at all. Reading and validating the file
happen before anything is written, so bad input never touches the store.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

import pandas as pd

from polisee.errors import InputError
from polisee.sources import classifications as cls
from polisee.sources._canonical import Vocabulary, release_memory
from polisee.sources.environment import read_egss, read_jrc_co2
from polisee.sources.eurostat import read_eurostat_tsv, read_sdmx_csv
from polisee.sources.fetch import file_sha256
from polisee.sources.measures import describe_measure
from polisee.sources.tabular import read_table
from polisee.statsdb import StatsStore

__all__ = [
    "CLUSTER_DEFINITIONS",
    "FileFormat",
    "LoadSummary",
    "detect_format",
    "load_classifications",
    "load_statistics",
]

FileFormat = Literal["eurostat-tsv", "sdmx-csv", "jrc-co2", "egss", "csv", "xlsx"]
Progress = Callable[[str, float, float], None]

CLUSTER_DEFINITIONS = {
    "us-cmp-class": "class",
    "us-cmp-division": "division",
}
"""Named cluster definitions loaded into the store, with the NACE level they map."""


@dataclass
class LoadSummary:
    """What a load did, for the user to check."""

    dataset: str
    source: str
    file_format: str
    sha256: str
    rows: int
    values_present: int
    missing: int
    flags: dict[str, int]
    measures: list[str]
    regions_by_level: dict[int, int]
    industries: int
    years: list[int]
    nuts_version: int
    conversions: list[dict[str, Any]] = field(default_factory=list)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    excluded: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["regions_by_level"] = {str(k): v for k, v in self.regions_by_level.items()}
        return out


def detect_format(path: Path) -> FileFormat:
    """The file's format from its name and, for CSV, its header."""
    name = path.name.lower()
    if name.endswith((".tsv", ".tsv.gz")):
        return "eurostat-tsv"
    if name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if name.endswith((".csv", ".csv.gz")):
        import gzip

        opener = gzip.open if name.endswith(".gz") else open
        try:
            with opener(path, "rt", encoding="utf-8", errors="replace") as fh:
                header = fh.readline()
        except (OSError, EOFError) as exc:
            raise InputError(f"cannot read the file: {exc}", path=path, line=1) from exc
        columns = {c.strip().strip('"').upper() for c in header.split(",")}
        if {"OBS_VALUE", "TIME_PERIOD"} <= columns:
            return "sdmx-csv"
        if {"INDUSTRY_CODE", "CO2_KT"} <= columns:
            return "jrc-co2"
        if {"INDIC_PI", "CEPAREMA", "OBS_VALUE"} <= columns:
            return "egss"
        return "csv"
    raise InputError(
        "expected a .tsv/.tsv.gz (Eurostat bulk), .csv/.csv.gz (SDMX-CSV or a plain table "
        "with --map) or .xlsx file",
        path=path,
    )


def load_classifications(
    store: StatsStore, data_dir: Path, *, nuts_version: int = 2021
) -> dict[str, int]:
    """Write the region, industry and cluster dimensions; returns rows per table."""
    nuts = cls.load_nuts(data_dir, nuts_version)
    regions = pd.DataFrame(
        {
            "code": nuts["code"],
            "level": nuts["level"].astype(int),
            "parent": nuts["parent"].fillna(""),
            "country": nuts["country"],
            "name": nuts["name"].fillna(""),
            "name_latin": nuts["name_latin"].fillna(""),
            "nuts_version": nuts_version,
            "extra_regio": nuts["code"].map(cls.is_extra_regio).astype(bool),
        }
    )
    nace = cls.load_nace(data_dir)
    industries = pd.DataFrame(
        {
            "code": nace["code"],
            "level": nace["level"].astype(int),
            "parent": nace["parent"].fillna(""),
            "section": nace["section"].fillna(""),
            "title": nace["title"].fillna(""),
            "classification": "NACE Rev. 2",
        }
    )
    counts = {
        "regions": store.replace_regions(regions),
        "industries": store.replace_industries(industries),
    }
    for name, level in CLUSTER_DEFINITIONS.items():
        definition = cls.cluster_definitions(data_dir, level=level)  # type: ignore[arg-type]
        counts[f"clusters:{name}"] = store.replace_cluster_definition(name, definition)
    return counts


def _read(
    path: Path,
    fmt: FileFormat,
    *,
    dataset: str | None,
    mapping: Mapping[str, str] | None,
    max_bytes: int,
    vocabulary: Vocabulary,
) -> Any:
    if fmt == "eurostat-tsv":
        return read_eurostat_tsv(path, dataset=dataset, max_bytes=max_bytes, vocabulary=vocabulary)
    if fmt == "sdmx-csv":
        return read_sdmx_csv(path, dataset=dataset, max_bytes=max_bytes, vocabulary=vocabulary)
    if fmt == "jrc-co2":
        return read_jrc_co2(
            path, dataset=dataset or "jrc_wiod_co2", max_bytes=max_bytes, vocabulary=vocabulary
        )
    if fmt == "egss":
        return read_egss(
            path, dataset=dataset or "egss", max_bytes=max_bytes, vocabulary=vocabulary
        )
    if not mapping:
        raise InputError(
            "a plain table needs a column mapping, e.g. --map region=geo --map year=time "
            "--map value=obs --map measure=V16110",
            path=path,
        )
    name = dataset or path.name.split(".")[0]
    return read_table(
        path, mapping=dict(mapping), dataset=name, max_bytes=max_bytes, vocabulary=vocabulary
    )


def load_statistics(
    store: StatsStore,
    path: Path,
    *,
    data_dir: Path,
    dataset: str | None = None,
    nuts_version: int = 2021,
    mapping: Mapping[str, str] | None = None,
    max_bytes: int = 1 << 30,
    progress: Progress | None = None,
) -> LoadSummary:
    """Read ``path``, harmonise its regions to ``nuts_version`` and replace its dataset.

    Call it inside ``with store.transaction():``. Loading the same file twice replaces
    the dataset instead of duplicating it.

    Raises
    ------
    InputError
        Bad input, naming file, line and field; nothing has been written then.
    """
    started = time.perf_counter()
    step = progress or (lambda _label, _done, _total: None)
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", path=path)
    fmt = detect_format(path)
    step("reading", 0, 4)
    result = _read(
        path,
        fmt,
        dataset=dataset,
        mapping=mapping,
        max_bytes=max_bytes,
        vocabulary=cls.code_vocabulary(data_dir),
    )
    frame: pd.DataFrame = result.frame
    # The frame is held here only, so that it can be freed as soon as it is harmonised
    # (a large file's frame is a good part of the peak memory). Not ``frame.iloc[0:0]``:
    # an empty slice of Arrow-backed columns still holds their buffers.
    result.frame = pd.DataFrame({c: pd.Series(dtype=frame[c].dtype) for c in frame.columns})
    if dataset:
        name = dataset
    elif len(frame):
        name = str(frame["dataset"].iloc[0])
    else:
        name = path.name.split(".")[0]
    if len(frame) and not bool((frame["dataset"] == name).all()):
        frame = frame.assign(dataset=name)
    step("harmonising regions", 1, 4)
    measures = sorted(frame["measure"].unique())
    additive = pd.Series({m: describe_measure(m).additive for m in measures}, dtype=bool)
    # Every reader refuses a key (measure, region, industry, year) that occurs twice and
    # the dataset is one name here, so neither harmonisation nor the store checks again.
    harmonised, report = cls.harmonise_regions(
        frame, data_dir=data_dir, target_version=nuts_version, additive=additive, validated=True
    )
    release_memory()
    historical = _unconverted_rows(frame, report)
    del frame
    release_memory()
    step("writing", 2, 4)
    if store.regions().empty or store.industries().empty:
        load_classifications(store, data_dir, nuts_version=nuts_version)
    _add_unknown_regions(store, harmonised["region"].unique(), nuts_version)
    store.replace_facts(name, harmonised, validated=True)
    store.replace_unharmonised(name, historical)
    summary = _summarise(name, path, fmt, harmonised, report, result, nuts_version)
    summary.excluded["kept_unharmonised_rows"] = len(historical)
    summary.seconds = round(time.perf_counter() - started, 3)
    step("recording", 3, 4)
    store.upsert_dataset(
        name,
        source=str(path),
        sha256=summary.sha256,
        summary=summary.to_dict(),
        nuts_version=nuts_version,
    )
    step("done", 4, 4)
    return summary


def _unconverted_rows(frame: pd.DataFrame, report: cls.HarmonisationReport) -> pd.DataFrame:
    """Input rows that could not be carried to the target version, under their own codes.

    They are stored too, apart from the harmonised facts (every value of the file is
    kept), with the reason. Rows superseded by a published figure for the same cell are
    redundant and not kept.
    """
    dropped = report.dropped
    pairs = dropped.loc[dropped["reason"] != "superseded", ["region", "measure", "reason"]]
    pairs = pairs.drop_duplicates(["region", "measure"])
    if pairs.empty:
        # A fresh empty frame: an empty slice would keep the input's Arrow buffers alive.
        empty = {c: pd.Series(dtype=frame[c].dtype) for c in frame.columns}
        return pd.DataFrame({**empty, "reason": pd.Series(dtype=str)})
    # Only the rows of the few dropped regions go through the merge, not the whole frame.
    rows = frame[frame["region"].isin(pairs["region"].unique()).to_numpy()]
    return rows.merge(pairs, on=["region", "measure"], how="inner")


def _add_unknown_regions(store: StatsStore, codes: Any, nuts_version: int) -> None:
    """Aggregates and codes outside the classification still get a dimension row."""
    known = set(store.regions()["code"])
    extra = sorted(set(map(str, codes)) - known)
    if not extra:
        return
    rows = pd.DataFrame(
        {
            "code": extra,
            "level": [-1 if cls.is_aggregate(c) else max(0, min(3, len(c) - 2)) for c in extra],
            "parent": "",
            "country": [c if cls.is_aggregate(c) else c[:2] for c in extra],
            "name": extra,
            "name_latin": extra,
            "nuts_version": nuts_version,
            "extra_regio": [cls.is_extra_regio(c) for c in extra],
        }
    )
    store.replace_regions(rows)


def _summarise(
    name: str,
    path: Path,
    fmt: str,
    frame: pd.DataFrame,
    report: cls.HarmonisationReport,
    result: Any,
    nuts_version: int,
) -> LoadSummary:
    # Counted per distinct flag combination (a dozen), not by scanning the rows per letter.
    flags: dict[str, int] = {}
    for combination, n in frame["flag"].astype(str).value_counts(sort=False).items():
        for letter in set(str(combination)):
            flags[letter] = flags.get(letter, 0) + int(n)
    flags = dict(sorted(flags.items()))
    levels = (
        pd.Series(frame["region"].unique())
        .map(lambda c: -1 if cls.is_aggregate(c) else cls.nuts_level(c))
        .value_counts()
    )
    present = int(frame["value"].notna().sum())
    conversions = cast(list[dict[str, Any]], report.conversions.to_dict("records"))
    dropped = cast(list[dict[str, Any]], report.dropped.to_dict("records"))
    excluded = {
        k: int(v)
        for k, v in getattr(result.report, "excluded", {}).items()
        if isinstance(v, int | float)
    }
    return LoadSummary(
        dataset=name,
        source=str(path),
        file_format=fmt,
        sha256=file_sha256(path),
        rows=len(frame),
        values_present=present,
        missing=len(frame) - present,
        flags=flags,
        measures=sorted(map(str, frame["measure"].unique())),
        regions_by_level={int(cast(int, k)): int(v) for k, v in levels.sort_index().items()},
        industries=int(frame["industry"].nunique()),
        years=sorted(int(y) for y in frame["year"].unique()),
        nuts_version=nuts_version,
        conversions=[{k: _plain(v) for k, v in row.items()} for row in conversions],
        dropped=[{k: _plain(v) for k, v in row.items()} for row in dropped],
        excluded=excluded,
    )


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    return value


FETCH_DEFAULTS = (
    "sbs_r_nuts06_r2",
    "nama_10r_2gdp",
    "lfst_r_lfe2en2",
    "NUTS_RG_60M_2021_4326_LEVL_2.geojson",
)
"""What ``polisee data fetch`` downloads when no name is given."""


def fetch_files(
    names: list[str],
    *,
    data_dir: Path,
    base_urls: Mapping[str, str] | None = None,
    progress: Callable[[int, int | None, str], None] | None = None,
) -> list[Any]:
    """Download Eurostat datasets into ``data_dir/eurostat_regional`` and GISCO boundaries
    (names ending in ``.geojson``) into ``data_dir/nuts_geo``; returns the fetched files.

    Resumable, with a checksum manifest per folder (see :func:`polisee.sources.fetch.fetch`).
    """
    from polisee.sources.fetch import fetch

    groups = {
        "nuts_geo": [n for n in names if n.endswith(".geojson")],
        "eurostat_regional": [n for n in names if not n.endswith(".geojson")],
    }
    files: list[Any] = []
    for folder, group in groups.items():
        if group:
            report = fetch(
                group, dest_dir=data_dir / folder, base_urls=base_urls, progress=progress
            )
            files.extend(report.files)
    return files
