"""JRC NUTS-converter matrices: shares of each source region going to each target region."""

from __future__ import annotations

from collections import deque
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd

from polisee.errors import InputError
from polisee.sources.classifications._files import require_columns

from ._nuts import NUTS_VERSIONS, is_extra_regio, load_nuts

__all__ = [
    "ALL_VERSIONS",
    "HARMONISATION_WEIGHTS",
    "countries",
    "identities",
    "shares",
    "valid_codes",
]

HARMONISATION_WEIGHTS = ("pop11", "pop21", "areaKm", "artif_surf12", "artif_surf18", "bu_vol")
"""Weight columns of the JRC NUTS-converter matrices."""

ALL_VERSIONS = (2010, *NUTS_VERSIONS)


def _jrc_path(root: Path, level: int, v_from: int, v_to: int) -> Path:
    return root / "nuts" / "jrc_nuts_converter" / f"n{level}_cm_v{v_from}_v{v_to}.csv"


@lru_cache(maxsize=64)
def _jrc_matrix(root: Path, level: int, v_from: int, v_to: int) -> pd.DataFrame | None:
    path = _jrc_path(root, level, v_from, v_to)
    if not path.is_file():
        return None
    frame = pd.read_csv(path, dtype={f"code_v{v_from}": str, f"code_v{v_to}": str})
    needed = [f"code_v{v_from}", f"code_v{v_to}", *HARMONISATION_WEIGHTS]
    require_columns(frame, needed, path)
    frame = frame.rename(columns={f"code_v{v_from}": "from_code", f"code_v{v_to}": "to_code"})
    frame = frame.assign(
        from_code=_repaired_codes(root, frame["from_code"], v_from),
        to_code=_repaired_codes(root, frame["to_code"], v_to),
    )
    summed = frame.groupby(["from_code", "to_code"], sort=False)[list(HARMONISATION_WEIGHTS)].sum()
    return summed.reset_index()


def _repaired_codes(root: Path, codes: pd.Series, version: int) -> pd.Series:
    """JRC codes not in the version's list mapped to the one listed code they stand for.

    The JRC builds its NUTS-2 codes by cutting NUTS-3 codes, which turns Northern
    Ireland's UKN10..UKN16 (inside UKN0) into a phantom ``UKN1`` region.
    """
    valid = _nuts_codes(root, version) if version in NUTS_VERSIONS else None
    if valid is None:
        return codes
    mapping: dict[str, str] = {}
    for code in set(codes) - valid:
        siblings = [
            c
            for c in valid
            if len(c) == len(code) and c.startswith(code[:-1]) and not is_extra_regio(c)
        ]
        if len(siblings) == 1:
            mapping[code] = siblings[0]
    return codes.replace(mapping) if mapping else codes


def _direct_shares(
    root: Path, level: int, v_from: int, v_to: int, weight: str, min_share: float
) -> pd.DataFrame | None:
    matrix = _jrc_matrix(root, level, v_from, v_to)
    if matrix is None:
        return None
    total = matrix.groupby("from_code")[weight].transform("sum")
    area = matrix.groupby("from_code")["areaKm"].transform("sum")
    # A source with no weight at all (uninhabited) falls back to area shares.
    share = np.where(
        total > 0, matrix[weight] / total.where(total > 0, 1.0), matrix["areaKm"] / area
    )
    table = pd.DataFrame(
        {"from_code": matrix["from_code"], "to_code": matrix["to_code"], "share": share}
    )
    return _renormalised(table, min_share)


def _renormalised(table: pd.DataFrame, min_share: float) -> pd.DataFrame:
    table = table[table["share"] >= max(min_share, 1e-12)]
    table = table.assign(
        share=table["share"] / table.groupby("from_code")["share"].transform("sum")
    )
    # Shares within rounding of one are one, so that 1:1 links stay exact recodes.
    table = table.assign(share=table["share"].where((table["share"] - 1.0).abs() > 1e-12, 1.0))
    return table.reset_index(drop=True)


@lru_cache(maxsize=128)
def shares(
    root: Path, level: int, v_from: int, v_to: int, weight: str, min_share: float
) -> pd.DataFrame | None:
    """Shares from ``v_from`` to ``v_to`` with a ``kind`` per source, chaining matrices."""
    if v_from == v_to:
        return None
    path = _version_path(root, level, v_from, v_to)
    if path is None:
        return None
    table: pd.DataFrame | None = None
    for a, b in pairwise(path):
        step = _direct_shares(root, level, a, b, weight, min_share)
        if step is None:
            return None
        if table is None:
            table = step
        else:
            joined = table.merge(step, left_on="to_code", right_on="from_code", suffixes=("", "_2"))
            joined = joined.assign(share=joined["share"] * joined["share_2"])
            summed = joined.groupby(["from_code", "to_code_2"])["share"].sum().reset_index()
            table = summed.rename(columns={"to_code_2": "to_code"})
            table = _renormalised(table, min_share)
    assert table is not None
    n_targets = table.groupby("from_code")["to_code"].transform("size")
    n_sources = table.groupby("to_code")["from_code"].transform("size")
    kind = np.where(n_targets > 1, "split", np.where(n_sources > 1, "merge", "recode"))
    identity = (kind == "recode") & (table["from_code"] == table["to_code"]).to_numpy()
    kind = np.where(identity, "same", kind)
    return table.assign(kind=kind).reset_index(drop=True)


def identities(table: pd.DataFrame) -> set[str]:
    return set(table.loc[table["kind"] == "same", "from_code"])


def _version_path(root: Path, level: int, v_from: int, v_to: int) -> list[int] | None:
    # Fewest steps first: a direct matrix beats a chain.
    queue: deque[list[int]] = deque([[v_from]])
    while queue:
        path = queue.popleft()
        if path[-1] == v_to:
            return path
        for nxt in ALL_VERSIONS:
            if (
                nxt > path[-1]
                and nxt not in path
                and _jrc_path(root, level, path[-1], nxt).is_file()
            ):
                queue.append([*path, nxt])
    return None


@lru_cache(maxsize=16)
def countries(root: Path, level: int) -> frozenset[str]:
    """Countries the JRC matrices of ``level`` cover (EU, EFTA and the UK)."""
    codes: set[str] = set()
    for a in ALL_VERSIONS:
        for b in ALL_VERSIONS:
            matrix = _jrc_matrix(root, level, a, b) if a < b else None
            if matrix is not None:
                codes |= set(matrix["from_code"].str[:2]) | set(matrix["to_code"].str[:2])
    return frozenset(codes)


@lru_cache(maxsize=16)
def valid_codes(root: Path, version: int) -> frozenset[str]:
    if version in NUTS_VERSIONS:
        nuts = _nuts_codes(root, version)
        if nuts is not None:
            return nuts
    codes: set[str] = set()
    for level in (1, 2, 3):
        for other in ALL_VERSIONS:
            forward = _jrc_matrix(root, level, version, other)
            if forward is not None:
                codes |= set(forward["from_code"])
            backward = _jrc_matrix(root, level, other, version)
            if backward is not None:
                codes |= set(backward["to_code"])
    return frozenset(codes)


def _nuts_codes(root: Path, version: int) -> frozenset[str] | None:
    try:
        return frozenset(load_nuts(root, version)["code"])
    except InputError:
        return None
