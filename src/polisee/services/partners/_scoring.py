r"""Partner scores, vectorised over every candidate profile at once (numpy, scipy.sparse).

A :class:`PartnerIndex` holds one row per profile: unit vectors of its needs and offers,
its industries (NACE divisions), region, target regions, languages. :func:`rank_partners`
scores one profile against all candidates in a few matrix products. Each part is in
[0, 1] or missing for a candidate; the score is the weighted mean of the parts present:

.. math:: s_c = \frac{\sum_k w_k v_{kc} a_{kc}}{\sum_k w_k a_{kc}}

- **industry** (:math:`\phi` the industry x industry proximity with 1 on the diagonal):
  the mean of (a) the candidate's industries' best proximity to one of ours and (b) our
  industries' best proximity to one of the candidate's. Missing when either has none.
- **complementarity**: the mean of cos(our needs, their offers) and cos(their needs, our
  offers), over the directions where both texts exist; negative cosines count as 0.
- **region**: only when the profile asks for strong-weak pairing: the gap between the two
  regions' percentile ranks of the mean location quotient on *our* industries. Missing
  without figures for either region.
- **country**: the mean of two directions, each 1 when the other's region lies inside one
  of the targeted regions (a country is a NUTS-0 region), 0 when it does not, 0.5 when no
  target was given.
- **language**: 1 when the two share a working language, 0 when not; missing when either
  named none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np
import scipy.sparse as sp
from scipy.stats import rankdata

from polisee.errors import InputError, NotFound
from polisee.services.partners._model import LANGUAGES, PARTS, Weights, region_prefixes

__all__ = [
    "PartnerIndex",
    "ProfileFeatures",
    "Ranking",
    "ScoredPartner",
    "build_index",
    "industry_pairs",
    "rank_partners",
    "region_percentiles",
]

_LANGUAGE_BIT = {code: 1 << i for i, code in enumerate(sorted(LANGUAGES))}
# A scipy.sparse.csr_matrix or a numpy.ndarray (scipy has no type hints).
Matrix: TypeAlias = Any


@dataclass(frozen=True)
class ProfileFeatures:
    """What scoring reads of one profile besides its text vectors."""

    profile_id: int
    region_code: str
    nace_codes: Sequence[str] = ()
    target_regions: Sequence[str] = ()
    languages: Sequence[str] = ()
    region_pairing: bool = False


@dataclass
class PartnerIndex:
    """Aligned arrays, one row per profile (see :func:`build_index`); ``industries`` holds
    each row's industries as columns of ``proximity``, padded with -1."""

    profile_ids: np.ndarray[Any, np.dtype[np.int64]]
    needs: Matrix
    offers: Matrix
    has_needs: np.ndarray[Any, np.dtype[np.bool_]]
    has_offers: np.ndarray[Any, np.dtype[np.bool_]]
    industries: np.ndarray[Any, np.dtype[np.int64]]
    industry_codes: list[str]
    proximity: np.ndarray[Any, np.dtype[np.float64]]
    region_codes: list[str]
    region_rows: np.ndarray[Any, np.dtype[np.int64]]
    strength: np.ndarray[Any, np.dtype[np.float64]]
    targets: sp.csr_matrix
    places: sp.csr_matrix
    has_targets: np.ndarray[Any, np.dtype[np.bool_]]
    languages: np.ndarray[Any, np.dtype[np.int64]]
    pairing: np.ndarray[Any, np.dtype[np.bool_]]
    model: str = "tfidf"
    relatedness: str = "exact"
    position: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.position:
            self.position = {int(p): i for i, p in enumerate(self.profile_ids)}

    def __len__(self) -> int:
        return int(self.profile_ids.shape[0])

    def row(self, profile_id: int) -> int:
        """The row of a profile; NotFound when it is not in the index."""
        try:
            return self.position[profile_id]
        except KeyError:
            raise NotFound(f"profile {profile_id} is not in the matching index") from None


def build_index(
    features: Sequence[ProfileFeatures],
    needs: Matrix,
    offers: Matrix,
    *,
    industry_codes: Sequence[str] = (),
    proximity: np.ndarray[Any, Any] | None = None,
    region_codes: Sequence[str] = (),
    strength: np.ndarray[Any, Any] | None = None,
    model: str = "tfidf",
    relatedness: str = "exact",
) -> PartnerIndex:
    """Arrays for :func:`rank_partners` from profiles and their text vectors.

    Parameters
    ----------
    features : sequence of ProfileFeatures
        One per row of ``needs`` and ``offers``.
    needs, offers : scipy.sparse.csr_matrix or numpy.ndarray
        One row per profile (zero rows for empty texts), same columns; rows are scaled
        to unit length here, so that dot products are cosines.
    industry_codes, proximity : optional
        The industries (NACE divisions) of a proximity matrix (square, any diagonal; 1 is
        put there). Industries of profiles that it lacks relate only to themselves.
    region_codes, strength : optional
        Location quotients, regions x ``industry_codes`` (NaN where unknown).
    """
    n = len(features)
    for name, matrix in (("needs", needs), ("offers", offers)):
        if matrix.shape[0] != n:
            raise InputError(f"expected {n} rows of {name}, got {matrix.shape[0]}", field=name)
    needs, offers = _unit_rows(needs), _unit_rows(offers)
    known = list(industry_codes)
    extra = sorted({c for f in features for c in f.nace_codes} - set(known))
    codes = known + extra
    column = {code: j for j, code in enumerate(codes)}
    phi = np.eye(len(codes), dtype=np.float64)
    if proximity is not None and known:
        given = np.asarray(proximity, dtype=np.float64)
        if given.shape != (len(known), len(known)):
            raise InputError(
                f"expected a {len(known)} x {len(known)} proximity matrix, got {given.shape}",
                field="proximity",
            )
        phi[: len(known), : len(known)] = np.nan_to_num(given, nan=0.0)
        np.fill_diagonal(phi, 1.0)
    # Each row's industries as column numbers, padded with -1 (profiles name a few).
    width = max([len(set(f.nace_codes)) for f in features] + [1])
    industries = np.full((n, width), -1, dtype=np.int64)
    for i, f in enumerate(features):
        for j, code in enumerate(sorted(set(f.nace_codes), key=column.__getitem__)):
            industries[i, j] = column[code]
    regions = list(region_codes)
    lq = np.full((len(regions), len(codes)), np.nan)
    if strength is not None and regions:
        given_lq = np.asarray(strength, dtype=np.float64)
        if given_lq.shape != (len(regions), len(known)):
            raise InputError(
                f"expected {len(regions)} x {len(known)} strengths, got {given_lq.shape}",
                field="strength",
            )
        lq[:, : len(known)] = given_lq
    region_row = {code: r for r, code in enumerate(regions)}
    vocabulary = sorted({t for f in features for t in f.target_regions})
    target_column = {code: j for j, code in enumerate(vocabulary)}
    t_rows, t_cols, p_rows, p_cols = [], [], [], []
    for i, f in enumerate(features):
        for code in f.target_regions:
            t_rows.append(i)
            t_cols.append(target_column[code])
        for prefix in region_prefixes(f.region_code):
            if prefix in target_column:
                p_rows.append(i)
                p_cols.append(target_column[prefix])
    shape = (n, len(vocabulary))
    targets = sp.csr_matrix((np.ones(len(t_rows)), (t_rows, t_cols)), shape=shape)
    places = sp.csr_matrix((np.ones(len(p_rows)), (p_rows, p_cols)), shape=shape)
    return PartnerIndex(
        profile_ids=np.asarray([f.profile_id for f in features], dtype=np.int64),
        needs=needs,
        offers=offers,
        has_needs=_nonzero_rows(needs),
        has_offers=_nonzero_rows(offers),
        industries=industries,
        industry_codes=codes,
        proximity=phi,
        region_codes=regions,
        region_rows=np.asarray(
            [region_row.get(f.region_code, -1) for f in features], dtype=np.int64
        ),
        strength=lq,
        targets=targets,
        places=places,
        has_targets=np.asarray([bool(f.target_regions) for f in features], dtype=bool),
        languages=np.asarray(
            [sum(_LANGUAGE_BIT.get(code, 0) for code in set(f.languages)) for f in features],
            dtype=np.int64,
        ),
        pairing=np.asarray([f.region_pairing for f in features], dtype=bool),
        model=model,
        relatedness=relatedness,
    )


def _unit_rows(matrix: Matrix) -> Matrix:
    if sp.issparse(matrix):
        csr = sp.csr_matrix(matrix, dtype=np.float64)
        norms = np.sqrt(np.asarray(csr.multiply(csr).sum(axis=1)).ravel())
        scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        return sp.csr_matrix(sp.diags(scale) @ csr)
    dense = np.asarray(matrix)
    dense = dense.astype(np.float32 if dense.dtype == np.float32 else np.float64, copy=True)
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    np.divide(dense, norms, out=dense, where=norms > 0)
    return dense


def _nonzero_rows(matrix: Matrix) -> np.ndarray[Any, np.dtype[np.bool_]]:
    if sp.issparse(matrix):
        counts = np.diff(sp.csr_matrix(matrix).indptr)
    else:
        counts = np.abs(np.asarray(matrix)).sum(axis=1)
    out: np.ndarray[Any, np.dtype[np.bool_]] = np.asarray(counts > 0, dtype=bool)
    return out


def _dot(matrix: Matrix, row: int, other: Matrix) -> np.ndarray[Any, np.dtype[np.float64]]:
    """``matrix @ other[row]``: each row of ``matrix`` against one row of ``other``."""
    if sp.issparse(other):
        # A dense copy of the one row makes this a sparse matrix-vector product (fast).
        vector = np.asarray(other[row].toarray(), dtype=np.float64).ravel()
        return np.asarray(matrix @ vector, dtype=np.float64).ravel()
    dense = np.asarray(other)[row]
    return np.asarray(np.asarray(matrix) @ dense, dtype=np.float64).ravel()


def region_percentiles(
    strength: np.ndarray[Any, Any], columns: np.ndarray[Any, Any]
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Each region's percentile rank (0 lowest, 1 highest) of its mean location quotient
    over ``columns``; NaN for regions without any figure there.

    >>> lq = np.array([[2.0, 4.0], [1.0, np.nan], [0.5, 0.5], [np.nan, np.nan]])
    >>> region_percentiles(lq, np.array([0, 1]))
    array([1. , 0.5, 0. , nan])
    """
    block = np.asarray(strength, dtype=np.float64)[:, columns]
    present = ~np.isnan(block)
    counts = present.sum(axis=1)
    sums = np.where(present, block, 0.0).sum(axis=1)
    means = np.divide(sums, counts, out=np.full(block.shape[0], np.nan), where=counts > 0)
    out = np.full(block.shape[0], np.nan)
    known = ~np.isnan(means)
    k = int(known.sum())
    if k == 1:
        out[known] = 0.5
    elif k > 1:
        out[known] = (rankdata(means[known], method="average") - 1.0) / (k - 1.0)
    return out


@dataclass(frozen=True)
class ScoredPartner:
    """One ranked candidate: its score and each part's value (None when missing) and share
    of the score (weight times value over the weights of the parts present)."""

    profile_id: int
    row: int
    score: float
    parts: dict[str, float | None]
    contributions: dict[str, float]
    region_percentile: float | None


@dataclass(frozen=True)
class Ranking:
    """The best candidates for one profile, best first."""

    profile_id: int
    weights: dict[str, float]
    considered: int
    query_percentile: float | None
    partners: list[ScoredPartner]


def rank_partners(
    index: PartnerIndex,
    profile_id: int,
    weights: Weights,
    *,
    candidates: np.ndarray[Any, np.dtype[np.bool_]] | None = None,
    limit: int | None = 20,
) -> Ranking:
    """Score every candidate for ``profile_id`` and return the best ``limit`` (all: None).

    ``candidates`` is a boolean mask over the index rows (default: every profile); the
    profile itself is never a candidate. Ties are broken by profile id.
    """
    q = index.row(profile_id)
    n = len(index)
    mask = np.ones(n, dtype=bool) if candidates is None else np.asarray(candidates, dtype=bool)
    if mask.shape != (n,):
        raise InputError(f"expected a mask of {n} candidates, got {mask.shape}", field="candidates")
    mask = mask.copy()
    mask[q] = False
    rows = np.flatnonzero(mask)
    w = weights.as_dict()
    if not index.pairing[q]:
        w["region"] = 0.0
    values: dict[str, np.ndarray[Any, np.dtype[np.float64]]] = {}
    present: dict[str, np.ndarray[Any, np.dtype[np.bool_]]] = {}

    # Industry relatedness, both directions, on the padded industry columns of the rows.
    ours = index.industries[q][index.industries[q] >= 0]
    theirs = index.industries[rows]
    valid = theirs >= 0
    counts = valid.sum(axis=1)
    if ours.size and rows.size:
        phi = index.proximity[ours]
        gathered = np.where(valid[None, :, :], phi[:, np.maximum(theirs, 0)], 0.0)
        # (a) each of their industries' best proximity to one of ours, averaged;
        # (b) each of our industries' best proximity to one of theirs, averaged.
        towards_ours = gathered.max(axis=0).sum(axis=1) / np.maximum(counts, 1)
        towards_theirs = gathered.max(axis=2).mean(axis=0)
        values["industry"] = (towards_ours + towards_theirs) / 2.0
        present["industry"] = counts > 0
    else:
        values["industry"] = np.zeros(rows.size)
        present["industry"] = np.zeros(rows.size, dtype=bool)

    # Complementarity: our needs against their offers and the other way round.
    met = np.clip(_dot(index.offers, q, index.needs)[rows], 0.0, 1.0)
    meets = np.clip(_dot(index.needs, q, index.offers)[rows], 0.0, 1.0)
    one = index.has_needs[q] & index.has_offers[rows]
    two = index.has_offers[q] & index.has_needs[rows]
    directions = one.astype(np.float64) + two
    values["complementarity"] = np.divide(
        met * one + meets * two, directions, out=np.zeros(rows.size), where=directions > 0
    )
    present["complementarity"] = directions > 0

    # Region complementarity: percentile gap on our industries.
    percentiles = np.full(n, np.nan)
    query_percentile: float | None = None
    if ours.size and index.strength.shape[0]:
        by_region = region_percentiles(index.strength, ours)
        known_rows = index.region_rows >= 0
        percentiles[known_rows] = by_region[index.region_rows[known_rows]]
        if not np.isnan(percentiles[q]):
            query_percentile = float(percentiles[q])
    candidate_percentiles = percentiles[rows]
    gap = np.abs(candidate_percentiles - percentiles[q])
    values["region"] = np.nan_to_num(gap, nan=0.0)
    present["region"] = ~np.isnan(gap) & bool(index.pairing[q])

    # Target regions, both directions (0.5 when a side names no target).
    if index.targets.shape[1]:
        theirs_in_ours = _dot(index.places, q, index.targets)[rows] > 0
        ours_in_theirs = _dot(index.targets, q, index.places)[rows] > 0
    else:
        theirs_in_ours = np.zeros(rows.size, dtype=bool)
        ours_in_theirs = np.zeros(rows.size, dtype=bool)
    first = np.where(index.has_targets[q], theirs_in_ours, 0.5)
    second = np.where(index.has_targets[rows], ours_in_theirs, 0.5)
    values["country"] = (first + second) / 2.0
    present["country"] = np.ones(rows.size, dtype=bool)

    # A shared working language.
    their_languages = index.languages[rows]
    values["language"] = ((their_languages & index.languages[q]) != 0).astype(np.float64)
    present["language"] = (their_languages != 0) & (index.languages[q] != 0)

    numerator = np.zeros(rows.size)
    denominator = np.zeros(rows.size)
    for name in PARTS:
        weight = w[name]
        if weight > 0:
            numerator += weight * values[name] * present[name]
            denominator += weight * present[name]
    scores = np.divide(numerator, denominator, out=np.zeros(rows.size), where=denominator > 0)

    order = np.lexsort((index.profile_ids[rows], -scores))
    if limit is not None:
        order = order[: max(limit, 0)]
    partners = []
    for i in order:
        parts = {name: (float(values[name][i]) if present[name][i] else None) for name in PARTS}
        total = denominator[i]
        contributions = {
            name: (w[name] * float(values[name][i]) / total if present[name][i] and total else 0.0)
            for name in PARTS
        }
        pct = candidate_percentiles[i]
        partners.append(
            ScoredPartner(
                profile_id=int(index.profile_ids[rows[i]]),
                row=int(rows[i]),
                score=float(scores[i]),
                parts=parts,
                contributions=contributions,
                region_percentile=None if np.isnan(pct) else float(pct),
            )
        )
    return Ranking(profile_id, w, int(rows.size), query_percentile, partners)


def industry_pairs(index: PartnerIndex, row: int, other: int) -> list[tuple[str, str, float]]:
    """For each industry of ``row``, the most related industry of ``other`` and their
    proximity (1 for the same industry), best first."""
    ours = index.industries[row][index.industries[row] >= 0]
    theirs = index.industries[other][index.industries[other] >= 0]
    if not ours.size or not theirs.size:
        return []
    block = index.proximity[np.ix_(ours, theirs)]
    best = block.argmax(axis=1)
    pairs = [
        (
            index.industry_codes[ours[k]],
            index.industry_codes[theirs[best[k]]],
            float(block[k, best[k]]),
        )
        for k in range(ours.size)
    ]
    return sorted(pairs, key=lambda p: (-p[2], p[0]))
