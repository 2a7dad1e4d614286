"""Convert a canonical long frame from older NUTS versions to one target version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from polisee.errors import InputError
from polisee.sources._canonical import release_memory

from ._jrc import ALL_VERSIONS, HARMONISATION_WEIGHTS, countries, identities, shares, valid_codes
from ._nuts import NUTS_VERSIONS, is_aggregate, is_extra_regio
from ._recodes import NUTS_2006_RECODE_NOTE, NUTS_2006_RECODES

__all__ = ["HARMONISATION_WEIGHTS", "HarmonisationReport", "harmonise_regions"]

# Codes valid in no version from 2010 on are taken to be NUTS 2006 (DE41, ITD1 in SBS).
_PRE_2010 = 2006
_KEYS = ["dataset", "measure", "region", "industry", "year"]
_COLUMNS = [*_KEYS, "value", "flag"]
_CELL = ["dataset", "measure", "industry", "year"]


@dataclass(frozen=True)
class HarmonisationReport:
    """What :func:`harmonise_regions` did.

    Attributes
    ----------
    target_version : int
        The NUTS version of the output.
    weight : str
        The JRC weight column used to split values (``pop11`` by default).
    source_versions : dict[str, int]
        Per country, the NUTS version its codes were read in (given or inferred).
    conversions : pandas.DataFrame
        One row per link applied: ``from_code``, ``from_version``, ``to_code``, ``kind``
        (``recode`` 1:1, ``merge`` many:1, ``split`` 1:many incl. boundary shifts),
        ``share`` (part of the source going to the target), ``rows`` (input rows of
        ``from_code`` that went through the conversion) and ``note`` (why a link not
        taken from the JRC tables holds, ``""`` otherwise).
    dropped : pandas.DataFrame
        Input rows not carried to the output, counted by ``region``, ``measure`` and
        ``reason``, in column ``rows``.
    rows_in, rows_out : int
        Row counts of the input and output frames.
    """

    target_version: int
    weight: str
    source_versions: dict[str, int]
    conversions: pd.DataFrame = field(repr=False)
    dropped: pd.DataFrame = field(repr=False)
    rows_in: int = 0
    rows_out: int = 0


def harmonise_regions(
    frame: pd.DataFrame,
    *,
    data_dir: Path,
    target_version: int = 2021,
    additive: pd.Series | bool = True,
    source_version: int | Mapping[str, int] | None = None,
    weight: str = "pop11",
    min_share: float = 1e-4,
    validated: bool = False,
) -> tuple[pd.DataFrame, HarmonisationReport]:
    """Carry the regions of a canonical long frame to NUTS ``target_version``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``dataset, measure, region, industry, year, value, flag``; ``value`` is a
        float (NaN = missing), ``flag`` a string of Eurostat flag letters. Codes of any
        NUTS level and of several versions may be mixed.
    data_dir : Path
        The shared data folder (``nuts/`` lists and ``nuts/jrc_nuts_converter/``).
    target_version : int, default 2021
        2013, 2016, 2021 or 2024.
    additive : bool or pandas.Series, default True
        Whether measures are additive (counts, money) and may be split and summed. A
        Series maps each measure name to a bool; every measure of ``frame`` must be in it.
    source_version : int or Mapping[str, int], optional
        The NUTS version the data were published in, for all countries (int) or per
        country. Inferred per country when omitted (see Notes).
    weight : str, default "pop11"
        JRC weight column (one of :data:`HARMONISATION_WEIGHTS`): population 2011 by
        default, the census year closest to the 2008-2015 statistics this platform uses.
    min_share : float, default 1e-4
        Links carrying less than this share of a source region are treated as
        digitising noise of the JRC overlay (for instance 2 people moving RO12 -> RO11)
        and ignored; the remaining shares are rescaled to sum to one.
    validated : bool, default False
        True when the caller guarantees that the key ``(dataset, measure, region,
        industry, year)`` is unique (the readers of :mod:`polisee.sources` check it), so
        that the check over the whole frame is not repeated.

    Returns
    -------
    frame : pandas.DataFrame
        Same columns, regions in ``target_version``; row order is not significant.
    report : HarmonisationReport
        Every conversion applied and every input row dropped, with the reason.

    Raises
    ------
    InputError
        When a column is missing, a key ``(dataset, measure, region, industry, year)``
        occurs twice, ``additive`` lacks a measure, or a JRC file is unreadable.

    Notes
    -----
    Which version a code is read in:

    * aggregates (``EU28``), countries (level 0) and Extra-Regio codes never change and
      are kept; so are codes of countries the JRC matrices do not cover at that level
      (candidate countries AL, ME, MK, RS, TR: their codes are identical across versions);
    * each country gets a source version: ``source_version`` when given, otherwise the
      version in which most of its codes in ``frame`` are valid (ties: the target, then
      the newest version before it);
    * a code valid in the target is kept as it is, unless it is also valid in the
      country's (different) source version and the JRC matrix shows that its boundary
      changed between the two, in which case it is converted from the source version;
    * a code not valid in the target is converted from the country's source version if
      it is valid there, else from the newest version in which it is valid (Greek and
      some German codes of the SBS files are NUTS 2010 among NUTS 2013 codes);
    * a NUTS 2006 code valid in no later version is recoded when an official source
      names its 2010 successor (Italy's ITD/ITE -> ITH/ITI, Regulation (EU) No 31/2011,
      flagged ``e`` for the Alta Valmarecchia transfer), otherwise carried to the only
      child of its unchanged parent (DE41, DE42 -> DE40), otherwise dropped.

    How values move, with JRC shares ``s(A, B) = w(A, B) / sum_B' w(A, B')``:

    * ``recode`` (A alone becomes B): values of any measure are relabelled, flags kept;
    * ``merge`` and ``split``: additive values become ``sum_A s(A, B) * value(A)``;
      the result is missing when any source region of B in that version is missing or
      absent; its flag is the union of the inputs' flags plus ``e`` when a share below
      one was applied. Non-additive measures cannot be merged or split: they are
      dropped and reported;
    * when several rows land on the same cell (an old code converted onto a code that
      is also in ``frame``), a non-missing value wins over a missing one, then the
      code as published wins over a converted one, then the newer source version.

    Conversions between versions without a direct JRC matrix (2010 -> 2024) chain
    matrices through intermediate versions, multiplying the shares.

    Examples
    --------
    >>> from polisee.config import default_data_dir
    >>> frame = pd.DataFrame({"dataset": "d", "measure": "emp", "region": ["DE41", "DE42"],
    ...                       "industry": "C", "year": 2010, "value": [3.0, 1.0], "flag": ""})
    >>> out, report = harmonise_regions(frame, data_dir=default_data_dir())
    >>> out[["region", "value"]].to_dict("records")
    [{'region': 'DE40', 'value': 4.0}]
    """
    if target_version not in NUTS_VERSIONS:
        raise InputError(
            f"expected a target version in {list(NUTS_VERSIONS)}, got {target_version!r}",
            field="target_version",
        )
    if weight not in HARMONISATION_WEIGHTS:
        raise InputError(
            f"expected a weight in {list(HARMONISATION_WEIGHTS)}, got {weight!r}", field="weight"
        )
    data = _validated(frame, check_keys=not validated)
    root = Path(data_dir).resolve()
    region_ids, regions = pd.factorize(data["region"])
    plan = _Plan(root, target_version, weight, min_share)
    versions = plan.infer_versions([str(r) for r in regions], source_version)
    actions = {str(r): plan.action(str(r), versions) for r in regions}
    links = plan.links({r: a[1] for r, a in actions.items() if a[0] == "convert"})
    targets = set(links["to_code"])

    # Most rows keep their code and no converted row lands on it: they go to the output
    # untouched, and only the few rows of the other regions (codes to convert or drop,
    # kept codes that converted rows may collide with) go through the machinery below.
    # One decision per distinct code, spread to the rows by position (no per-row hashing).
    untouched_region = np.array(
        [actions[str(r)][0] == "keep" and str(r) not in targets for r in regions], dtype=bool
    )
    untouched = untouched_region[region_ids]
    del region_ids, untouched_region
    n_rest = len(untouched) - int(untouched.sum())
    # Passed without a name here so that _convert can free its input as it goes.
    out_rest, dropped_parts, conversions = _convert(
        data.take(np.flatnonzero(~untouched)),
        actions,
        links,
        plan,
        target_version,
        additive,
        data["measure"],
    )
    # The conversion's intermediates are freed; return them before the output is built.
    release_memory()
    if n_rest:
        # Column by column, so that at most one column's intermediate copy is alive next
        # to the output.
        rows = np.flatnonzero(untouched)
        out = pd.DataFrame(
            {c: _stacked(data[c], rows, out_rest[c]) for c in _COLUMNS},
            copy=False,  # the stacked columns are new already
        )
        del rows
    else:
        out = data.reset_index(drop=True)
    del out_rest, untouched
    dropped = (
        pd.concat(dropped_parts, ignore_index=True)
        if dropped_parts
        else pd.DataFrame({"region": [], "measure": [], "reason": [], "rows": []})
    )
    report = HarmonisationReport(
        target_version=target_version,
        weight=weight,
        source_versions=versions,
        conversions=conversions,
        dropped=dropped.astype({"rows": "int64"}),
        rows_in=len(data),
        rows_out=len(out),
    )
    return out, report


def _stacked(column: pd.Series, rows: np.ndarray, tail: pd.Series) -> pd.Series:
    """``column`` at ``rows`` followed by ``tail``, with a fresh 0..n-1 index."""
    if column.dtype.kind in "if" and tail.dtype == column.dtype:
        # Numbers are taken straight into the result: no intermediate copy of the rows.
        values = column.to_numpy()
        out = np.empty(len(rows) + len(tail), dtype=values.dtype)
        np.take(values, rows, out=out[: len(rows)])
        out[len(rows) :] = tail.to_numpy()
        return pd.Series(out, name=column.name, copy=False)
    # Arrow-backed strings concatenate by chunks: the take is the only copy.
    return pd.concat([column.take(rows), tail], ignore_index=True)


def _validated(frame: pd.DataFrame, *, check_keys: bool = True) -> pd.DataFrame:
    missing = [c for c in _COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"expected columns {_COLUMNS}, missing {missing}", field=missing[0])
    data = frame[_COLUMNS].reset_index(drop=True)
    # Columns already of the right type (the readers' output) are not converted: each
    # conversion would copy a column of the whole frame.
    if data["value"].dtype != np.float64:
        try:
            values = pd.to_numeric(data["value"], errors="raise").astype("float64")
        except (TypeError, ValueError) as exc:
            raise InputError(f"expected numbers in 'value': {exc}", field="value") from exc
        data = data.assign(value=values)
    if not _is_text(data["region"]):
        data = data.assign(region=data["region"].astype(str))
    if not _is_text(data["flag"]) or bool(data["flag"].isna().any()):
        data = data.assign(flag=data["flag"].fillna("").astype(str))
    if not check_keys:
        return data
    duplicated = pd.Series(_key_codes(data)).duplicated().to_numpy()
    if bool(duplicated.any()):
        row = data.iloc[int(np.flatnonzero(duplicated)[0])]
        raise InputError(
            "duplicate key: dataset {}, measure {}, region {}, industry {}, year {}".format(
                *(row[k] for k in _KEYS)
            ),
            field="region",
        )
    return data


def _key_codes(data: pd.DataFrame) -> np.ndarray:
    """One int64 per row, equal for rows with the same key (dataset ... year)."""
    codes = [pd.factorize(data[c])[0].astype("int64") for c in _KEYS]
    sizes = [int(c.max()) + 1 if len(c) else 1 for c in codes]
    if float(np.prod([float(s) for s in sizes])) >= 2**62:
        # Too many distinct labels for one int64 key: let pandas number the groups.
        return data.groupby(_KEYS, sort=False, observed=True).ngroup().to_numpy(np.int64)
    combined = np.zeros(len(data), dtype=np.int64)
    for code, size in zip(codes, sizes, strict=True):
        combined = combined * size + code
    return combined


def _convert(
    data: pd.DataFrame,
    actions: Mapping[str, tuple[str, int, str]],
    links: pd.DataFrame,
    plan: _Plan,
    target_version: int,
    additive: pd.Series | bool,
    all_measures: pd.Series,
) -> tuple[pd.DataFrame, list[pd.DataFrame], pd.DataFrame]:
    """Rows of the regions to convert or drop, and the kept rows sharing a target code.

    Returns the converted rows (collisions resolved), counts of the dropped rows and the
    conversion report.
    """
    codes = {"keep": 0, "convert": 1, "drop": 2}
    region_ids, regions = pd.factorize(data["region"])
    act = np.array([codes[actions[str(r)][0]] for r in regions], dtype=np.int8)[region_ids]
    dropped_parts: list[pd.DataFrame] = []

    unknown = data[act == 2]
    if len(unknown):
        reasons = unknown["region"].map({r: a[2] for r, a in actions.items()})
        dropped_parts.append(_count_dropped(unknown, reasons))

    kept = data[act == 0].assign(_priority=0)
    convert = data[act == 1]
    del data, unknown, act, region_ids
    conversions = _conversion_report(convert, links)

    kinds = links.drop_duplicates("from_code").set_index("from_code")["kind"]
    from_version = links.drop_duplicates("from_code").set_index("from_code")["from_version"]
    row_kind = convert["region"].map(kinds)
    priority = convert["region"].map(target_version + 1 - from_version)

    recode_rows = convert[row_kind == "recode"]
    recode_to = links[links["kind"] == "recode"].set_index("from_code")["to_code"]
    relabelled = recode_rows.assign(
        region=recode_rows["region"].map(recode_to),
        flag=_with_estimate_flag(recode_rows, set(plan.estimated)),
        _priority=priority[row_kind == "recode"],
    )

    others = convert[row_kind != "recode"]
    del convert, recode_rows
    is_additive = _additive_mask(others["measure"], additive, all_measures)
    non_additive = others[~is_additive]
    if len(non_additive):
        reasons = "non-additive measure cannot go through a " + non_additive["region"].map(kinds)
        dropped_parts.append(_count_dropped(non_additive, reasons))
    combined = _combine(others[is_additive], links, plan, target_version)
    del others, non_additive

    out = pd.concat([kept, relabelled, combined], ignore_index=True)
    del kept, relabelled, combined
    out, superseded = _resolve_collisions(out, set(links["to_code"]))
    if len(superseded):
        dropped_parts.append(
            _count_dropped(superseded, pd.Series("superseded", index=superseded.index))
        )
    return out[_COLUMNS].reset_index(drop=True), dropped_parts, conversions


def _with_estimate_flag(rows: pd.DataFrame, approximate: set[str]) -> pd.Series:
    # An approximate recode (a small boundary change) makes the value an estimate.
    flags = rows["flag"]
    marked = rows["region"].isin(approximate).to_numpy()
    if not marked.any():
        return flags
    with_e = {f: "".join(sorted(set(str(f)) | {"e"})) for f in pd.unique(flags[marked])}
    added = flags[marked].map(with_e)
    return flags.where(~marked, added)


def _is_text(column: pd.Series) -> bool:
    return isinstance(column.dtype, pd.StringDtype)


def _additive_mask(
    measures: pd.Series, additive: pd.Series | bool, all_measures: pd.Series
) -> pd.Series:
    if isinstance(additive, bool | np.bool_):
        return pd.Series(bool(additive), index=measures.index)
    absent = sorted(set(pd.unique(all_measures)) - set(additive.index))
    if absent:
        raise InputError(
            f"expected every measure in 'additive', missing {absent}", field="additive"
        )
    return measures.map(additive.astype(bool)).astype(bool)


def _count_dropped(rows: pd.DataFrame, reasons: pd.Series) -> pd.DataFrame:
    counted = (
        pd.DataFrame(
            {
                "region": rows["region"].to_numpy(),
                "measure": rows["measure"].to_numpy(),
                "reason": reasons.to_numpy(),
            }
        )
        .groupby(["region", "measure", "reason"], sort=True)
        .size()
    )
    return counted.rename("rows").reset_index()


def _conversion_report(convert: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    rows = convert["region"].value_counts()
    report = links.assign(rows=links["from_code"].map(rows).fillna(0).astype("int64"))
    cols = ["from_code", "from_version", "to_code", "kind", "share", "rows", "note"]
    return report[cols].sort_values(["from_code", "to_code"]).reset_index(drop=True)


def _combine(
    rows: pd.DataFrame, links: pd.DataFrame, plan: _Plan, target_version: int
) -> pd.DataFrame:
    if rows.empty:
        return rows.assign(_priority=pd.Series(dtype="int64"))
    merged = rows.merge(
        links[["from_code", "to_code", "share", "from_version"]],
        left_on="region",
        right_on="from_code",
        how="inner",
    )
    group_keys = [*_CELL, "to_code", "from_version"]
    gid = merged.groupby(group_keys, sort=False, observed=True).ngroup().to_numpy()
    n_groups = int(gid.max()) + 1
    value = merged["value"].to_numpy()
    share = merged["share"].to_numpy()
    nan = np.isnan(value)
    total = np.bincount(gid, weights=np.where(nan, 0.0, value * share), minlength=n_groups)
    n_nan = np.bincount(gid, weights=nan.astype(float), minlength=n_groups)
    n_rows = np.bincount(gid, minlength=n_groups)
    weighted = np.bincount(gid, weights=(share < 1.0).astype(float), minlength=n_groups) > 0

    flag_codes, flag_values = pd.factorize(merged["flag"])
    alphabet = sorted(set("".join(str(f) for f in flag_values)) | {"e"})
    bit = {ch: 1 << i for i, ch in enumerate(alphabet)}
    value_masks = np.array(
        [sum(bit[ch] for ch in set(str(f))) for f in flag_values] or [0], dtype=np.int64
    )
    masks = value_masks[flag_codes] if len(flag_codes) else np.zeros(0, dtype=np.int64)
    order = np.argsort(gid, kind="stable")
    starts = np.searchsorted(gid[order], np.arange(n_groups))
    group_mask = np.bitwise_or.reduceat(masks[order], starts)
    group_mask = np.where(weighted, group_mask | bit["e"], group_mask)
    unique_masks = pd.unique(group_mask)
    text = {int(m): "".join(ch for ch in alphabet if int(m) & bit[ch]) for m in unique_masks}

    out = merged.iloc[order[starts]][group_keys].reset_index(drop=True)
    need = out[["to_code", "from_version"]].merge(
        plan.expected_sources(links), on=["to_code", "from_version"], how="left"
    )["expected"]
    complete = (n_nan == 0) & (n_rows == need.fillna(0).to_numpy(dtype=np.int64))
    out["value"] = np.where(complete, total, np.nan)
    out["flag"] = [text[int(m)] for m in group_mask]
    out["region"] = out.pop("to_code")
    out["_priority"] = target_version + 1 - out.pop("from_version").to_numpy()
    return out


def _resolve_collisions(
    frame: pd.DataFrame, targets: set[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    touched = frame["region"].isin(targets).to_numpy()
    if not touched.any():
        return frame, frame.iloc[0:0]
    part = frame[touched]
    # Ordered on integer codes rather than sorting the string columns: per key, a present
    # value first, then the lowest priority (published before converted, newer first).
    key = _key_codes(part)
    order = np.lexsort((part["_priority"].to_numpy(), part["value"].isna().to_numpy(), key))
    first = np.ones(len(order), dtype=bool)
    first[1:] = key[order[1:]] != key[order[:-1]]
    winners = part.take(order[first])
    losers = part.take(order[~first])
    return pd.concat([frame[~touched], winners], ignore_index=True), losers


class _Plan:
    """Decides, per region code, whether to keep, convert (from which version) or drop."""

    def __init__(self, root: Path, target: int, weight: str, min_share: float) -> None:
        self.root = root
        self.target = target
        self.weight = weight
        self.min_share = min_share
        self.valid = {v: valid_codes(root, v) for v in ALL_VERSIONS}
        self.inferred: dict[str, str] = {}
        # Inferred links that are approximate (a small boundary change): values get 'e'.
        self.estimated: dict[str, str] = {}

    def shares(self, level: int, v_from: int) -> pd.DataFrame | None:
        return shares(self.root, level, v_from, self.target, self.weight, self.min_share)

    def infer_versions(
        self, regions: list[str], given: int | Mapping[str, int] | None
    ) -> dict[str, int]:
        countries = sorted(
            {r[:2] for r in regions if not is_aggregate(r) and not is_extra_regio(r)}
        )
        if isinstance(given, int):
            return dict.fromkeys(countries, given)
        chosen = dict(given) if given is not None else {}
        for country in countries:
            if country in chosen:
                continue
            codes = [
                r
                for r in regions
                if r[:2] == country and len(r) > 2 and not is_aggregate(r) and not is_extra_regio(r)
            ]
            if not codes:
                continue
            counts = {v: sum(c in self.valid[v] for c in codes) for v in ALL_VERSIONS}
            chosen[country] = max(
                ALL_VERSIONS,
                key=lambda v: (counts[v], v == self.target, v <= self.target, v),
            )
        return chosen

    def action(self, code: str, versions: Mapping[str, int]) -> tuple[str, int, str]:
        if is_aggregate(code) or is_extra_regio(code) or len(code) == 2:
            return ("keep", self.target, "")
        level = len(code) - 2
        country = code[:2]
        if country not in countries(self.root, level):
            return ("keep", self.target, "")
        source = versions.get(country, self.target)
        if code in self.valid[self.target]:
            if source == self.target or code not in self.valid[source]:
                return ("keep", self.target, "")
            table = self.shares(level, source)
            if table is None or code in identities(table):
                return ("keep", self.target, "")
            return ("convert", source, "")
        candidates = [source] if code in self.valid[source] else []
        candidates += sorted(
            (v for v in ALL_VERSIONS if code in self.valid[v] and v != source),
            key=lambda v: (v < self.target, v),
            reverse=True,
        )
        for version in candidates:
            table = self.shares(level, version)
            if table is not None and code in set(table["from_code"]):
                return ("convert", version, "")
        if candidates:
            return ("drop", 0, f"no JRC conversion to NUTS {self.target}")
        recoded = NUTS_2006_RECODES.get(code)
        if recoded is not None and recoded in self.valid[self.target]:
            self.inferred[code] = recoded
            self.estimated[code] = NUTS_2006_RECODE_NOTE
            return ("convert", _PRE_2010, "")
        sole = self._sole_child_of_parent(code)
        if sole is not None:
            self.inferred[code] = sole
            return ("convert", _PRE_2010, "")
        return ("drop", 0, "not a NUTS 2010-2024 code (older or unknown), no converter")

    def _sole_child_of_parent(self, code: str) -> str | None:
        # A pre-2010 code (DE41, DE42) lies inside its parent (DE4); when the parent kept
        # its territory from 2010 to the target and has one child there (DE40), the old
        # code can only have become part of that child.
        parent = code[:-1]
        if (
            len(parent) < 3
            or parent not in self.valid[2010]
            or parent not in self.valid[self.target]
        ):
            return None
        table = self.shares(len(parent) - 2, 2010)
        if table is None or parent not in identities(table):
            return None
        children = [
            c
            for c in self.valid[self.target]
            if len(c) == len(code) and c.startswith(parent) and not is_extra_regio(c)
        ]
        return children[0] if len(children) == 1 else None

    def links(self, sources: Mapping[str, int]) -> pd.DataFrame:
        parts = []
        for (level, version), codes in _group_by_level_version(sources).items():
            table = (
                self._inferred_links(codes) if version == _PRE_2010 else self.shares(level, version)
            )
            if table is None:
                continue
            part = table[table["from_code"].isin(codes)].assign(from_version=version)
            parts.append(part)
        if not parts:
            return pd.DataFrame(
                {
                    "from_code": pd.Series(dtype=str),
                    "to_code": pd.Series(dtype=str),
                    "share": pd.Series(dtype=float),
                    "kind": pd.Series(dtype=str),
                    "from_version": pd.Series(dtype="int64"),
                    "note": pd.Series(dtype=str),
                }
            )
        links = pd.concat(parts, ignore_index=True)
        if "note" not in links.columns:
            return links.assign(note="")
        return links.assign(note=links["note"].fillna(""))

    def _inferred_links(self, codes: set[str]) -> pd.DataFrame:
        pairs = sorted((c, self.inferred[c]) for c in codes)
        table = pd.DataFrame(pairs, columns=["from_code", "to_code"]).assign(share=1.0)
        n_sources = table.groupby("to_code")["from_code"].transform("size")
        return table.assign(
            kind=np.where(n_sources > 1, "merge", "recode"),
            note=[self.estimated.get(c, "") for c in table["from_code"]],
        )

    def expected_sources(self, links: pd.DataFrame) -> pd.DataFrame:
        """Per target code and source version, how many source regions feed it."""
        parts = []
        inferred = links[links["from_version"] == _PRE_2010]
        if len(inferred):
            # Without a pre-2010 list, the siblings present in the frame are all there is.
            counts = inferred.groupby("to_code").size().rename("expected").reset_index()
            parts.append(counts.assign(from_version=_PRE_2010))
        for version in pd.unique(links["from_version"]):
            if version == _PRE_2010:
                continue
            for level in sorted({len(c) - 2 for c in links["to_code"]}):
                table = self.shares(level, int(version))
                if table is not None:
                    counts = table.groupby("to_code").size().rename("expected").reset_index()
                    parts.append(counts.assign(from_version=int(version)))
        if not parts:
            return pd.DataFrame({"to_code": [], "from_version": [], "expected": []})
        return pd.concat(parts, ignore_index=True)


def _group_by_level_version(sources: Mapping[str, int]) -> dict[tuple[int, int], set[str]]:
    grouped: dict[tuple[int, int], set[str]] = {}
    for code, version in sources.items():
        grouped.setdefault((len(code) - 2, version), set()).add(code)
    return grouped
