"""NACE Rev. 2 hierarchy, titles and Eurostat aggregate codes (``B-E``, ``M_N``, ``_X_``)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from polisee.errors import InputError, NotFound
from polisee.sources.classifications._files import integer_column, read_csv

__all__ = ["expand_nace", "load_nace", "nace_children", "nace_level", "to_eurostat_nace"]

_EUROSTAT_RE = re.compile(r"^([A-U])(\d{2,4})?$")
_DOTTED_RE = re.compile(r"^(\d{2})(?:\.(\d{1,2}))?$")
_EXCEPT = "_X_"


def nace_level(code: str) -> int:
    """Level of a NACE Rev. 2 code read from its notation: 1 section ... 4 class.

    Parameters
    ----------
    code : str
        Eurostat notation (``C``, ``C10``, ``C101``, ``C1011``) or dotted notation
        (``10``, ``10.1``, ``10.11``).

    Returns
    -------
    int
        1 (section), 2 (division), 3 (group) or 4 (class).

    Raises
    ------
    NotFound
        When ``code`` is neither notation (aggregates such as ``B-E`` have no level).

    Notes
    -----
    The answer is syntactic; whether the code exists is checked by :func:`load_nace`.

    Examples
    --------
    >>> [nace_level(c) for c in ("C", "C10", "C101", "C1011", "10.11")]
    [1, 2, 3, 4, 4]
    """
    match = _EUROSTAT_RE.match(code)
    if match:
        digits = match.group(2) or ""
        return 1 if not digits else len(digits)
    dotted = _DOTTED_RE.match(code)
    if dotted:
        return 2 + len(dotted.group(2) or "")
    raise NotFound(
        f"expected a NACE Rev. 2 code such as C, C10, C101, C1011 or 10.11, got {code!r}"
    )


def load_nace(data_dir: Path) -> pd.DataFrame:
    """The NACE Rev. 2 hierarchy with titles in 26 languages.

    Parameters
    ----------
    data_dir : Path
        The shared data folder (holding ``nace/``).

    Returns
    -------
    pandas.DataFrame
        996 rows in classification order with columns ``code`` (Eurostat notation:
        ``C``, ``C10``, ``C101``, ``C1011``), ``level`` (1 section ... 4 class),
        ``parent`` (Eurostat notation, ``""`` for sections), ``section``, ``dotted``
        (``10.11``; the letter for sections), ``title`` (English) and ``title_<lang>``
        for each language of ``nace_rev2_titles_26lang.csv.gz``. A copy: callers may
        change it.

    Raises
    ------
    InputError
        When a file is missing or lacks an expected column.

    Notes
    -----
    The hierarchy and English titles come from ``nace_rev2.csv``; the other languages
    from ``nace_rev2_titles_26lang.csv.gz`` (a missing title is ``""``). Section titles
    are upper-case as in the source.
    """
    return _load_nace_cached(Path(data_dir).resolve()).copy()


@lru_cache(maxsize=4)
def _load_nace_cached(data_dir: Path) -> pd.DataFrame:
    path = data_dir / "nace" / "nace_rev2.csv"
    hierarchy = read_csv(path, ["code", "level", "parent", "section", "eurostat_code", "title_en"])
    to_eurostat = dict(zip(hierarchy["code"], hierarchy["eurostat_code"], strict=True))
    frame = pd.DataFrame(
        {
            "code": hierarchy["eurostat_code"],
            "level": integer_column(hierarchy, "level", path),
            "parent": hierarchy["parent"].map(lambda p: to_eurostat.get(p, "")),
            "section": hierarchy["section"],
            "dotted": hierarchy["code"],
            "title": hierarchy["title_en"],
        }
    )
    titles_path = data_dir / "nace" / "nace_rev2_titles_26lang.csv.gz"
    titles = read_csv(titles_path, ["code"])
    languages = [c for c in titles.columns if c.startswith("title_")]
    frame = frame.merge(
        titles[["code", *languages]].rename(columns={"code": "dotted"}), on="dotted", how="left"
    )
    frame[languages] = frame[languages].fillna("")
    return frame.reset_index(drop=True)


def to_eurostat_nace(code: str, nace: pd.DataFrame) -> str:
    """Eurostat notation of a NACE Rev. 2 code given in either notation.

    Parameters
    ----------
    code : str
        ``C1011`` or ``10.11`` (also ``10``, ``10.1``, a section letter).
    nace : pandas.DataFrame
        The frame returned by :func:`load_nace`.

    Returns
    -------
    str
        The code in Eurostat notation (``C1011``).

    Raises
    ------
    NotFound
        When the code is not in NACE Rev. 2.

    Notes
    -----
    Eurostat datasets (``nace_r2`` dimension) use the section letter and no dots; user
    files and RAMON use dots. Aggregates are expanded by :func:`expand_nace` instead.
    """
    code = code.strip()
    index = _index(nace)
    if code in index.codes:
        return code
    if code in index.from_dotted:
        return index.from_dotted[code]
    raise NotFound(f"expected a NACE Rev. 2 code, got {code!r}")


def nace_children(code: str, nace: pd.DataFrame) -> list[str]:
    """Direct children of a NACE Rev. 2 code, in classification order.

    Parameters
    ----------
    code : str
        A code in Eurostat or dotted notation.
    nace : pandas.DataFrame
        The frame returned by :func:`load_nace`.

    Returns
    -------
    list of str
        Eurostat codes one level down (empty for a class).

    Raises
    ------
    NotFound
        When ``code`` is not in NACE Rev. 2.

    Notes
    -----
    Children are read from the ``parent`` column, not from the code's digits, so the
    answer always agrees with the loaded hierarchy.
    """
    return list(_index(nace).children.get(to_eurostat_nace(code, nace), []))


def expand_nace(code: str, nace: pd.DataFrame) -> list[str]:
    """Members of a Eurostat ``nace_r2`` code or aggregate, in classification order.

    Parameters
    ----------
    code : str
        A single code (``C10`` is returned as ``["C10"]``) or an aggregate:
        ``B-E`` (range: every code of the endpoints' level from B to E), ``M_N``
        (join), ``C10-C12`` (range of divisions), ``B-S_X_O_S94`` (B to S except O and
        S94: an excluded code inside an included one replaces the latter by its other
        children), ``TOTAL`` (all sections) and ``NRP`` (no response).
    nace : pandas.DataFrame
        The frame returned by :func:`load_nace`.

    Returns
    -------
    list of str
        Eurostat codes; ``NRP`` gives an empty list because "no response" covers no
        activity.

    Raises
    ------
    NotFound
        When a part is not a NACE Rev. 2 code, a range mixes levels or runs backwards,
        or an excluded code is not inside the included ones.
    InputError
        When ``nace`` lacks the columns of :func:`load_nace`.

    Notes
    -----
    Grammar: ``include[_X_exclude]`` where each side is ``part(_part)*`` and a part is
    a code or ``first-last``. Ranges follow the classification order at the endpoints'
    level. Results are not expanded below the level they are written at: ``B-E`` gives
    sections, ``C10-C12`` divisions.

    Examples
    --------
    >>> from polisee.config import default_data_dir
    >>> nace = load_nace(default_data_dir())
    >>> expand_nace("B-S_X_O_S94", nace)[-4:]
    ['Q', 'R', 'S95', 'S96']
    """
    code = code.strip()
    if code == "NRP":
        return []
    index = _index(nace)
    if code == "TOTAL":
        return list(index.by_level[1])
    include_text, _, exclude_text = code.partition(_EXCEPT)
    members = _parts(include_text, index, code)
    excluded = _parts(exclude_text, index, code) if exclude_text else []
    for item in excluded:
        members = _remove(members, item, index, code)
    position = index.position
    return sorted(dict.fromkeys(members), key=lambda c: position[c])


class _Index:
    def __init__(self, nace: pd.DataFrame) -> None:
        codes = [str(c) for c in nace["code"]]
        self.codes = frozenset(codes)
        self.position = {c: i for i, c in enumerate(codes)}
        self.parent = dict(zip(codes, (str(p) for p in nace["parent"]), strict=True))
        self.level = dict(zip(codes, (int(v) for v in nace["level"]), strict=True))
        self.from_dotted = dict(zip((str(d) for d in nace["dotted"]), codes, strict=True))
        self.children: dict[str, list[str]] = {}
        for child in codes:
            if self.parent[child]:
                self.children.setdefault(self.parent[child], []).append(child)
        self.by_level: dict[int, list[str]] = {}
        for c in codes:
            self.by_level.setdefault(self.level[c], []).append(c)


_INDEX_CACHE: dict[int, tuple[pd.DataFrame, _Index]] = {}


def _index(nace: pd.DataFrame) -> _Index:
    # Keyed on the frame object; the frame is kept alive with its index so the id is stable.
    cached = _INDEX_CACHE.get(id(nace))
    if cached is not None and cached[0] is nace:
        return cached[1]
    for column in ("code", "parent", "level", "dotted"):
        if column not in nace.columns:
            raise InputError(
                f"expected a NACE frame from load_nace with column {column!r}", field=column
            )
    index = _Index(nace)
    if len(_INDEX_CACHE) > 8:
        _INDEX_CACHE.clear()
    _INDEX_CACHE[id(nace)] = (nace, index)
    return index


def _parts(text: str, index: _Index, whole: str) -> list[str]:
    members: list[str] = []
    for part in text.split("_"):
        start, dash, end = part.partition("-")
        if not dash:
            members.append(_known(start, index, whole))
            continue
        first, last = _known(start, index, whole), _known(end, index, whole)
        if index.level[first] != index.level[last]:
            raise NotFound(f"range {part!r} in {whole!r} mixes NACE levels")
        lo, hi = index.position[first], index.position[last]
        if lo > hi:
            raise NotFound(f"range {part!r} in {whole!r} runs backwards")
        members.extend(
            c for c in index.by_level[index.level[first]] if lo <= index.position[c] <= hi
        )
    return members


def _known(code: str, index: _Index, whole: str) -> str:
    if code not in index.codes:
        raise NotFound(f"{code!r} in {whole!r} is not a NACE Rev. 2 code")
    return code


def _remove(members: list[str], item: str, index: _Index, whole: str) -> list[str]:
    if item in members:
        return [m for m in members if m != item]
    ancestors = []
    current = index.parent.get(item, "")
    while current:
        ancestors.append(current)
        current = index.parent.get(current, "")
    holder = next((a for a in ancestors if a in members), None)
    if holder is None:
        raise NotFound(f"excluded code {item!r} is not inside the included codes of {whole!r}")
    # Replace the holder by its children, down to the excluded item's level, then drop it.
    out = [m for m in members if m != holder]
    frontier = [holder]
    while frontier:
        node = frontier.pop()
        for child in index.children.get(node, []):
            if child == item:
                continue
            if child in ancestors:
                frontier.append(child)
            else:
                out.append(child)
    return out
