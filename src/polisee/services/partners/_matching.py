"""Matching one profile against every other the viewer may see, with the explanation."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from polisee.records.partners import PartnerProfile
from polisee.services import evidence as ev
from polisee.services.partners._access import visible_profile
from polisee.services.partners._evidence import industry_evidence
from polisee.services.partners._index import load_index
from polisee.services.partners._model import PartnerViewer, Weights, region_prefixes
from polisee.services.partners._scoring import industry_pairs, rank_partners
from polisee.services.semantic import Encoder
from polisee.statsdb import StatsStore

__all__ = ["Match", "MatchResult", "match_profile"]


@dataclass(frozen=True)
class Match:
    """A ranked partner with its score, each part (None: no value for this pair) and the
    details the explanation shows: the closest industry pairs, shared languages and
    cooperation types, whether each side lies in the other's target regions (None: that
    side named no target) and the partner region's percentile on our industries."""

    profile: PartnerProfile
    score: float
    parts: dict[str, float | None]
    contributions: dict[str, float]
    industry_pairs: list[tuple[str, str, float]]
    shared_languages: list[str]
    shared_cooperation: list[str]
    in_our_targets: bool | None
    we_in_their_targets: bool | None
    region_percentile: float | None


@dataclass(frozen=True)
class MatchResult:
    """The ranked partners of one profile and how they were scored."""

    profile: PartnerProfile
    matches: list[Match]
    weights: Weights
    effective_weights: dict[str, float]
    model: str
    relatedness: str
    query_percentile: float | None
    considered: int
    seconds: float


def _inside(region: str, targets: list[str]) -> bool | None:
    if not targets:
        return None
    return any(prefix in targets for prefix in region_prefixes(region))


def match_profile(
    session: Session,
    viewer: PartnerViewer,
    profile_id: int,
    *,
    weights: Weights | None = None,
    store: StatsStore | None = None,
    cache: ev.EvidenceCache | None = None,
    encoder: Encoder | None = None,
    limit: int = 20,
    country: str = "",
    cooperation_type: str = "",
) -> MatchResult:
    """The best partners for a profile the viewer may see, among the profiles the viewer
    may see (optionally of one country or cooperation type only).

    Relatedness comes from the statistics store when one is given (else industries match
    only themselves); texts are compared by ``encoder``'s embeddings when given, else by
    TF-IDF.
    """
    started = time.perf_counter()
    profile = visible_profile(session, viewer, profile_id)
    chosen = weights or Weights()
    loaded = load_index(session, encoder=encoder, evidence=industry_evidence(store, cache))
    index = loaded.index
    mask = np.ones(len(index), dtype=bool)
    if not (viewer.signed_in or viewer.admin):
        mask &= loaded.public
    if country:
        mask &= loaded.countries == country.strip().upper()[:2]
    if cooperation_type:
        mask &= loaded.cooperation_mask(cooperation_type)
    ranking = rank_partners(
        index, profile.id, chosen, candidates=mask, limit=max(1, min(limit, 200))
    )
    ids = [p.profile_id for p in ranking.partners]
    found = {
        p.id: p for p in session.scalars(select(PartnerProfile).where(PartnerProfile.id.in_(ids)))
    }
    q = index.row(profile.id)
    matches = []
    for scored in ranking.partners:
        other = found.get(scored.profile_id)
        if other is None:
            continue
        matches.append(
            Match(
                profile=other,
                score=scored.score,
                parts=scored.parts,
                contributions=scored.contributions,
                industry_pairs=industry_pairs(index, q, scored.row),
                shared_languages=sorted(set(profile.languages or []) & set(other.languages or [])),
                shared_cooperation=[
                    c
                    for c in (profile.cooperation_types or [])
                    if c in (other.cooperation_types or [])
                ],
                in_our_targets=_inside(other.region_code, list(profile.target_regions or [])),
                we_in_their_targets=_inside(profile.region_code, list(other.target_regions or [])),
                region_percentile=scored.region_percentile,
            )
        )
    return MatchResult(
        profile=profile,
        matches=matches,
        weights=chosen,
        effective_weights=ranking.weights,
        model=index.model,
        relatedness=index.relatedness,
        query_percentile=ranking.query_percentile,
        considered=ranking.considered,
        seconds=time.perf_counter() - started,
    )
