"""Cluster categories as sets of NACE Rev. 2 industries: US CMP definitions and user files."""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml

from polisee.errors import InputError, NotFound
from polisee.sources.classifications._files import read_csv

from ._nace import _index, expand_nace, load_nace, to_eurostat_nace

__all__ = ["cluster_definitions", "load_cluster_categories_file"]

_COLUMNS = ["cluster_code", "cluster", "traded", "industry", "weight", "links"]


def cluster_definitions(
    data_dir: Path,
    *,
    level: Literal["class", "division"] = "class",
    exclusive: bool = True,
) -> pd.DataFrame:
    """US Cluster Mapping Project categories carried to NACE Rev. 2 industries.

    Parameters
    ----------
    data_dir : Path
        The shared data folder (``clusters/`` and ``nace/``).
    level : {"class", "division"}, default "class"
        Industries as NACE classes (``C3030``) or divisions (``C29``), the level at which
        Eurostat regional statistics are published.
    exclusive : bool, default True
        One cluster per industry (weight 1) or every cluster an industry is linked to,
        weighted by its share of the links (weights of an industry sum to 1).

    Returns
    -------
    pandas.DataFrame
        Columns ``cluster_code`` (CMP code: 1-51 traded, 101-116 local), ``cluster``,
        ``traded`` (bool), ``industry`` (Eurostat NACE code), ``weight`` and ``links``
        (number of NAICS -> ISIC links behind the pair), sorted by cluster code and
        industry.

    Raises
    ------
    InputError
        When a file is missing or lacks an expected column.

    Notes
    -----
    The chain is NAICS 2012 (CMP definitions) -> ISIC Rev. 4 (US Census concordance)
    -> NACE Rev. 2 classes (``Reference_to_ISIC_Rev._4`` of the RAMON file: each class
    refines one ISIC class). A *link* is one NAICS code of a cluster whose concordance
    row reaches the ISIC class of a NACE class; CMP codes flagged as non-standard and the
    groups without a CMP code (government, ``NA``) are left out.

    **Industries in several categories.** A NACE class is linked to every cluster
    whose NAICS codes reach its ISIC class. With ``exclusive=True`` it is assigned to
    the cluster with the most links; ties go to a traded cluster before a local one,
    then to the lowest cluster code. With ``exclusive=False`` every pair is returned
    with ``weight = links(industry, cluster) / links(industry, all clusters)``.

    **Divisions.** A division's links are the sum of its classes' links, so a division
    belongs (``exclusive=True``) to the cluster holding the largest number of its
    classes' links, with the same tie rule, or (``exclusive=False``) to every linked
    cluster with its share of the links.

    Examples
    --------
    >>> from polisee.config import default_data_dir
    >>> defs = cluster_definitions(default_data_dir(), level="division")
    >>> defs.set_index("industry").loc["C29", "cluster"]
    'Automotive'
    """
    if level not in ("class", "division"):
        raise InputError(f"expected level 'class' or 'division', got {level!r}", field="level")
    links = _links(Path(data_dir).resolve())
    if level == "division":
        links = links.assign(industry=links["industry"].str[:3])
    counted = (
        links.groupby(["industry", "cluster_code", "cluster", "traded"], as_index=False)
        .size()
        .rename(columns={"size": "links"})
    )
    counted["weight"] = counted["links"] / counted.groupby("industry")["links"].transform("sum")
    if exclusive:
        ranked = counted.sort_values(
            ["industry", "links", "traded", "cluster_code"],
            ascending=[True, False, False, True],
            kind="stable",
        )
        counted = ranked.drop_duplicates("industry", keep="first").assign(weight=1.0)
    out = counted[_COLUMNS].sort_values(["cluster_code", "industry"], kind="stable")
    return out.reset_index(drop=True)


@lru_cache(maxsize=4)
def _links(data_dir: Path) -> pd.DataFrame:
    clusters = data_dir / "clusters"
    definitions = read_csv(
        clusters / "us_cmp_cluster_definitions_naics2012.csv",
        ["naics", "traded_local", "cluster_code", "cluster", "nonstandard_naics"],
    )
    definitions = definitions[
        (definitions["cluster_code"] != "") & (definitions["nonstandard_naics"] != "1")
    ]
    concordance = read_csv(clusters / "census_naics2012_to_isic4.csv", ["naics2012", "isic4"])
    concordance = concordance[["naics2012", "isic4"]].drop_duplicates()
    ramon = read_csv(
        data_dir / "nace" / "NACE_REV2_ramon_en.csv.gz",
        ["Level", "Code", "Reference_to_ISIC_Rev._4"],
        sep=";",
    )
    classes = ramon[ramon["Level"] == "4"]
    nace = load_nace(data_dir)
    to_eurostat = dict(zip(nace["dotted"], nace["code"], strict=True))
    classes = pd.DataFrame(
        {
            "industry": classes["Code"].map(to_eurostat),
            "isic4": classes["Reference_to_ISIC_Rev._4"].str.strip(),
        }
    ).dropna()
    links = definitions.merge(concordance, left_on="naics", right_on="naics2012").merge(
        classes, on="isic4"
    )
    return pd.DataFrame(
        {
            "industry": links["industry"].astype(str),
            "cluster_code": links["cluster_code"].astype("int64"),
            "cluster": links["cluster"].astype(str),
            "traded": (links["traded_local"] == "Traded").astype(bool),
        }
    )


def load_cluster_categories_file(path: Path, nace: pd.DataFrame) -> pd.DataFrame:
    """User-defined cluster categories from a CSV or YAML file.

    Parameters
    ----------
    path : Path
        ``.csv`` with a header and columns ``cluster,industry`` (one industry per row),
        or ``.yaml`` / ``.yml`` holding ``{cluster name: [industry codes]}``.
    nace : pandas.DataFrame
        The frame returned by :func:`load_nace`, to validate the codes.

    Returns
    -------
    pandas.DataFrame
        Columns ``cluster_code`` (1, 2, ... in order of first appearance), ``cluster``,
        ``industry`` (Eurostat notation) and ``weight`` (1.0), one row per cluster and
        industry.

    Raises
    ------
    InputError
        When the file cannot be read, a column or a cluster name is missing, or a code
        is not NACE Rev. 2; the error names the file, the line and the field.

    Notes
    -----
    Codes may be given at any level, in Eurostat (``C1011``) or dotted (``10.11``)
    notation, or as Eurostat aggregates (``C10-C12``, ``M_N``, ``B-S_X_O_S94``), which
    are expanded with :func:`expand_nace`. An industry listed twice for one cluster is
    kept once; an industry may belong to several user clusters (user categories are
    allowed to overlap).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("expected a file, none found", path=path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        entries = _csv_entries(path)
    elif suffix in (".yaml", ".yml"):
        entries = _yaml_entries(path)
    else:
        raise InputError(
            f"expected a .csv, .yaml or .yml file, got {suffix or 'no suffix'!r}", path=path
        )
    _index(nace)
    rows: list[tuple[str, str]] = []
    for cluster, code, line, field in entries:
        if not cluster:
            raise InputError(
                "expected a cluster name, got an empty one", path=path, line=line, field="cluster"
            )
        try:
            if "-" in code or "_" in code or code in ("TOTAL", "NRP"):
                members = expand_nace(code, nace)
            else:
                members = [to_eurostat_nace(code, nace)]
        except NotFound as exc:
            raise InputError(str(exc), path=path, line=line, field=field) from exc
        rows.extend((cluster, member) for member in members)
    frame = pd.DataFrame(rows, columns=["cluster", "industry"]).drop_duplicates()
    order = {name: i + 1 for i, name in enumerate(dict.fromkeys(frame["cluster"]))}
    frame.insert(0, "cluster_code", frame["cluster"].map(order).astype("int64"))
    frame["weight"] = 1.0
    return frame.reset_index(drop=True)


def _csv_entries(path: Path) -> list[tuple[str, str, int, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file: {exc}", path=path) from exc
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    for column in ("cluster", "industry"):
        if column not in header:
            raise InputError(
                f"expected a column {column!r}, got {header}", path=path, line=1, field=column
            )
    i_cluster, i_industry = header.index("cluster"), header.index("industry")
    entries = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(i_cluster, i_industry):
            raise InputError(
                f"expected {len(header)} fields, got {len(row)}",
                path=path,
                line=line,
                field="industry",
            )
        entries.append((row[i_cluster].strip(), row[i_industry].strip(), line, "industry"))
    return entries


def _yaml_entries(path: Path) -> list[tuple[str, str, int, str]]:
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read the file as YAML: {exc}", path=path) from exc
    if not isinstance(root, yaml.MappingNode):
        raise InputError("expected a mapping {cluster name: [NACE codes]}", path=path, line=1)
    entries = []
    for key, value in root.value:
        cluster = str(key.value).strip()
        line = key.start_mark.line + 1
        items = value.value if isinstance(value, yaml.SequenceNode) else [value]
        if not items or not all(isinstance(item, yaml.ScalarNode) for item in items):
            raise InputError(
                f"expected a list of NACE codes for cluster {cluster!r}",
                path=path,
                line=line,
                field=cluster,
            )
        for item in items:
            entries.append((cluster, str(item.value).strip(), item.start_mark.line + 1, cluster))
    return entries
