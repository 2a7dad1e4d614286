"""NUTS lists (2013, 2016, 2021, 2024) and code helpers."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from polisee.errors import NotFound
from polisee.sources.classifications._files import integer_column, read_csv

__all__ = [
    "NUTS_VERSIONS",
    "is_aggregate",
    "is_extra_regio",
    "load_nuts",
    "nuts_level",
]

NUTS_VERSIONS = (2013, 2016, 2021, 2024)
"""Versions with a published code list; 2010 exists only inside the JRC converter tables."""

# Membership decides ``kind``: a region of a member state is NUTS, any other one is a
# statistical region (SR). The UK is still listed as NUTS in the 2021 classification.
_EU28 = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "EL",
        "ES",
        "FI",
        "FR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "UK",
    ]
)
# Every country prefix Eurostat uses for NUTS or statistical regions (members, EFTA,
# candidates, potential candidates); anything else in a ``geo`` column is an aggregate.
_KNOWN_COUNTRIES = _EU28 | frozenset(
    ["AL", "BA", "CH", "IS", "LI", "ME", "MK", "NO", "RS", "TR", "UA", "XK"]
)
_CODE_RE = re.compile(r"^([A-Z]{2})([0-9A-Z]{0,3})$")
_EXTRA_REGIO_RE = re.compile(r"^Z{1,3}$")
_NON_LATIN_RE = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff\u0400-\u04ff]")
_COLUMNS = [
    "code",
    "level",
    "parent",
    "name",
    "name_latin",
    "country",
    "kind",
    "is_extra_regio",
]


def _split(code: str) -> tuple[str, str] | None:
    match = _CODE_RE.match(code)
    if match is None or match.group(1) not in _KNOWN_COUNTRIES:
        return None
    return match.group(1), match.group(2)


def is_aggregate(code: str) -> bool:
    """Whether ``code`` is not a NUTS code of a known country (``EU28``, ``EA19``, ``CN_X_HK``).

    Parameters
    ----------
    code : str
        A ``geo`` code as found in Eurostat files.

    Returns
    -------
    bool
        True for anything that does not read as a known country prefix followed by up to
        three letters or digits.

    Notes
    -----
    The test is syntactic: ``DE`` followed by an unknown suffix is still a NUTS code
    pattern; whether it exists in a given version is answered by :func:`load_nuts`.

    Examples
    --------
    >>> is_aggregate("EU27_2020"), is_aggregate("EA19"), is_aggregate("HU21")
    (True, True, False)
    """
    return _split(code) is None


def is_extra_regio(code: str) -> bool:
    """Whether ``code`` is an Extra-Regio code (``CZZ``, ``ELZZ``, ``ALZZZ``).

    Parameters
    ----------
    code : str
        A region code.

    Returns
    -------
    bool
        True when the part after the country prefix consists of one to three ``Z``.

    Notes
    -----
    Extra-Regio units hold activity without a territory (continental shelf, embassies);
    exclude them from maps and regional shares. ``CZ`` itself (Czechia) is not one.

    Examples
    --------
    >>> is_extra_regio("CZZ"), is_extra_regio("CZ"), is_extra_regio("ELZZ")
    (True, False, True)
    """
    parts = _split(code)
    return parts is not None and bool(_EXTRA_REGIO_RE.match(parts[1]))


def nuts_level(code: str) -> int:
    """NUTS level of ``code``: 0 for a country, 1 to 3 below it.

    Parameters
    ----------
    code : str
        A NUTS or statistical-region code.

    Returns
    -------
    int
        ``len(code) - 2``.

    Raises
    ------
    NotFound
        When ``code`` is an aggregate or not a NUTS code pattern (see :func:`is_aggregate`).

    Notes
    -----
    Read from the code alone, so it also answers for NUTS 2010 codes that have no list
    here; whether the code exists in a version is answered by :func:`load_nuts`.

    Examples
    --------
    >>> nuts_level("HU"), nuts_level("HU2"), nuts_level("HU21"), nuts_level("DEA2C")
    (0, 1, 2, 3)
    """
    parts = _split(code)
    if parts is None:
        raise NotFound(
            f"expected a NUTS code (known country prefix + up to 3 characters), got {code!r}"
        )
    return len(parts[1])


def load_nuts(data_dir: Path, version: int) -> pd.DataFrame:
    """The NUTS classification of ``version``, statistical regions included.

    Parameters
    ----------
    data_dir : Path
        The shared data folder (holding ``nuts/``).
    version : int
        2013, 2016, 2021 or 2024.

    Returns
    -------
    pandas.DataFrame
        One row per code with columns ``code``, ``level`` (0-3), ``parent`` (code one
        level up, ``""`` for countries), ``name`` (official label, national language and
        script), ``name_latin`` (display name in Latin script), ``country``, ``kind``
        (``NUTS`` for member states, ``SR`` for statistical regions of other countries)
        and ``is_extra_regio``. Extra-Regio codes are included and marked. The frame is a
        copy: callers may change it.

    Raises
    ------
    NotFound
        When ``version`` has no code list (2010 codes exist only in the JRC converter
        tables used by :func:`harmonise_regions`).
    InputError
        When a file is missing or lacks an expected column.

    Notes
    -----
    * 2013 is derived from ``nuts_code_changes.csv`` (rows ``from_version == 2013``, the
      EU28 list of the Eurostat 2013-2016 workbook); when a 2013 code appears twice (``FR7``
      continued as ``FRK`` and discontinued), the discontinued row's label, which is the
      2013 one, is used. Its labels are those of the workbook: the 2016 wording where a
      region continued. The workbook covers EU28 only, so the 2013 statistical regions of
      non-member countries are taken from the 2016 list (their codes did not change
      2013-2016).
    * Northern Ireland's NUTS-3 codes ``UKN10``-``UKN16`` sit under ``UKN0`` although
      their prefix reads ``UKN1``; a parent that is not in the list is replaced by the
      only region one level up within the grandparent's prefix.
    * ``name_latin`` comes from the file where it exists (2021, 2024); otherwise a name in
      Greek or Cyrillic script is replaced by the Latin name of the same code in the 2021,
      then 2024 list; when no Latin name is known, the code itself is shown.
    """
    if version not in NUTS_VERSIONS:
        raise NotFound(
            f"expected a NUTS version in {list(NUTS_VERSIONS)}, got {version!r} "
            "(NUTS 2010 is available only through the JRC converter tables)"
        )
    return _load_nuts_cached(Path(data_dir).resolve(), version).copy()


@lru_cache(maxsize=16)
def _load_nuts_cached(data_dir: Path, version: int) -> pd.DataFrame:
    nuts = data_dir / "nuts"
    if version == 2013:
        frame = _load_2013(nuts)
    else:
        frame = read_csv(
            nuts / f"nuts_{version}.csv", ["code", "country", "level", "parent", "name"]
        )
    frame["level"] = integer_column(frame, "level", nuts / f"nuts_{version}.csv")
    frame["parent"] = _repaired_parents(frame)
    if "kind" not in frame.columns:
        frame["kind"] = frame["country"].map(lambda c: "NUTS" if c in _EU28 else "SR")
    if "name_latin" not in frame.columns:
        frame["name_latin"] = ""
    frame["name_latin"] = _latin_names(nuts, frame)
    frame["is_extra_regio"] = [is_extra_regio(c) for c in frame["code"]]
    out = frame[_COLUMNS].reset_index(drop=True)
    out.attrs["version"] = version
    return out


def _repaired_parents(frame: pd.DataFrame) -> list[str]:
    codes = [str(c) for c in frame["code"]]
    known = set(codes)
    levels = dict(zip(codes, (int(v) for v in frame["level"]), strict=True))
    parents = []
    for code, parent in zip(codes, (str(p) for p in frame["parent"]), strict=True):
        if levels[code] > 0 and parent not in known:
            prefix = code[:-2]
            above = [
                c
                for c in codes
                if levels[c] == levels[code] - 1 and c.startswith(prefix) and not is_extra_regio(c)
            ]
            parent = above[0] if len(above) == 1 else parent
        parents.append(parent)
    return parents


def _load_2013(nuts: Path) -> pd.DataFrame:
    path = nuts / "nuts_code_changes.csv"
    changes = read_csv(path, ["from_version", "code_from", "code_to", "level", "label"])
    rows = changes[(changes["from_version"] == "2013") & (changes["code_from"] != "")]
    # A discontinued row carries the 2013 label; prefer it over a continuation row.
    rows = rows.assign(_continued=rows["code_to"] != "").sort_values(
        ["code_from", "_continued"], kind="stable"
    )
    rows = rows.drop_duplicates("code_from", keep="first")
    eu = pd.DataFrame(
        {
            "code": rows["code_from"].to_numpy(),
            "level": rows["level"].to_numpy(),
            "name": rows["label"].to_numpy(),
        }
    )
    eu["country"] = eu["code"].str[:2]
    eu["parent"] = [c[:-1] if len(c) > 2 else "" for c in eu["code"]]
    non_eu = read_csv(nuts / "nuts_2016.csv", ["code", "country", "level", "parent", "name"])
    non_eu = non_eu[~non_eu["country"].isin(_EU28)]
    return pd.concat([eu, non_eu[eu.columns]], ignore_index=True)


def _latin_names(nuts: Path, frame: pd.DataFrame) -> pd.Series:
    names = frame["name"].astype(str)
    latin = frame["name_latin"].astype(str)
    needs = (latin == "") & (names.str.contains(_NON_LATIN_RE) | (names == ""))
    latin = latin.where(latin != "", names)
    if bool(needs.any()):
        lookup: dict[str, str] = {}
        for version in (2024, 2021):
            path = nuts / f"nuts_{version}.csv"
            if path.is_file():
                other = pd.read_csv(path, dtype=str, keep_default_na=False)
                if "name_latin" in other.columns:
                    known = other[other["name_latin"] != ""]
                    lookup.update(zip(known["code"], known["name_latin"], strict=True))
        codes = frame["code"].astype(str)
        fallback = codes.map(lookup).fillna(codes)
        latin = latin.where(~needs, fallback)
    return latin
