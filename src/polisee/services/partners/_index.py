"""The matching index of every profile: stored text vectors, kept up to date, and the arrays
of :mod:`._scoring`, built once per state of the profiles and kept in memory.

The state is the count, version sum, newest id and newest change of the profiles, so any
edit (visibility included) builds a new index on the next match; until then every match
reuses the arrays, which is what keeps one match over 10,000 profiles fast.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from polisee.records.partners import PartnerProfile, PartnerVector, PartnerVisibility
from polisee.services.partners._evidence import IndustryEvidence
from polisee.services.partners._model import COOPERATION_TYPES
from polisee.services.partners._scoring import PartnerIndex, ProfileFeatures, build_index
from polisee.services.partners._text import (
    FIELDS,
    TERMS_MODEL,
    dense_rows,
    encode_texts,
    term_counts,
    tfidf_matrices,
)
from polisee.services.semantic import Encoder

__all__ = ["LoadedIndex", "clear_index_cache", "features_of", "load_index", "store_vectors"]

_COOPERATION_BIT = {name: 1 << i for i, name in enumerate(COOPERATION_TYPES)}


@dataclass(frozen=True)
class LoadedIndex:
    """The scoring arrays and, aligned with them, what candidate filters read."""

    index: PartnerIndex
    public: np.ndarray[Any, np.dtype[np.bool_]]
    countries: np.ndarray[Any, np.dtype[np.str_]]
    cooperation: np.ndarray[Any, np.dtype[np.int64]]
    evidence: IndustryEvidence | None

    def cooperation_mask(self, name: str) -> np.ndarray[Any, np.dtype[np.bool_]]:
        """Rows whose profile looks for cooperation type ``name``."""
        out: np.ndarray[Any, np.dtype[np.bool_]] = (
            self.cooperation & _COOPERATION_BIT.get(name, 0)
        ) != 0
        return out


def features_of(profile: PartnerProfile) -> ProfileFeatures:
    """What scoring reads of a profile besides its texts."""
    return ProfileFeatures(
        profile_id=profile.id,
        region_code=profile.region_code,
        nace_codes=tuple(profile.nace_codes or ()),
        target_regions=tuple(profile.target_regions or ()),
        languages=tuple(profile.languages or ()),
        region_pairing=bool(profile.region_pairing),
    )


class _Texts(Protocol):
    """What vectors are made from: a profile record, or a light row of the same columns."""

    @property
    def id(self) -> int: ...

    @property
    def version(self) -> int: ...

    @property
    def needs(self) -> str: ...

    @property
    def offers(self) -> str: ...


@dataclass(frozen=True)
class _Stored:
    """A stored vector row as read for the index (no ORM object: 20,000 of them load fast)."""

    profile_version: int
    terms: dict[str, int] | None
    vector: bytes | None


Fresh = tuple[_Texts, str, str, dict[str, int] | None, np.ndarray[Any, Any] | None]


def _texts(profile: _Texts) -> dict[str, str]:
    return {"needs": profile.needs or "", "offers": profile.offers or ""}


def _records(
    session: Session, profile_ids: Sequence[int], models: Sequence[str]
) -> dict[tuple[int, str, str], PartnerVector]:
    found: dict[tuple[int, str, str], PartnerVector] = {}
    if not profile_ids:
        return found
    query = select(PartnerVector).where(
        PartnerVector.model.in_(list(models)), PartnerVector.profile_id.in_(list(profile_ids))
    )
    for row in session.scalars(query):
        found[(row.profile_id, row.field, row.model)] = row
    return found


def _rows(session: Session, models: Sequence[str]) -> dict[tuple[int, str, str], _Stored]:
    query = select(
        PartnerVector.profile_id,
        PartnerVector.field,
        PartnerVector.model,
        PartnerVector.profile_version,
        PartnerVector.terms,
        PartnerVector.vector,
    ).where(PartnerVector.model.in_(list(models)))
    return {
        (pid, field_name, model): _Stored(version, terms, vector)
        for pid, field_name, model, version, terms, vector in session.execute(query)
    }


def _compute(
    profiles: Sequence[_Texts],
    stored: Mapping[tuple[int, str, str], _Stored | PartnerVector],
    encoder: Encoder | None,
) -> list[Fresh]:
    """The (profile, field, model, terms, vector) that are missing or out of date."""
    out: list[Fresh] = []
    to_encode: list[tuple[_Texts, str]] = []
    for profile in profiles:
        texts = _texts(profile)
        for field_name in FIELDS:
            row = stored.get((profile.id, field_name, TERMS_MODEL))
            if row is None or row.profile_version != profile.version:
                out.append((profile, field_name, TERMS_MODEL, term_counts(texts[field_name]), None))
            if encoder is not None:
                row = stored.get((profile.id, field_name, encoder.name))
                if row is None or row.profile_version != profile.version:
                    to_encode.append((profile, field_name))
    if encoder is not None and to_encode:
        vectors = encode_texts(encoder, [_texts(p)[f] for p, f in to_encode])
        for (profile, field_name), vector in zip(to_encode, vectors, strict=True):
            out.append((profile, field_name, encoder.name, None, vector))
    return out


def _write(
    session: Session, stored: dict[tuple[int, str, str], PartnerVector], fresh: Sequence[Fresh]
) -> None:
    for profile, field_name, model, terms, vector in fresh:
        row = stored.get((profile.id, field_name, model))
        if row is None:
            row = PartnerVector(profile_id=profile.id, field=field_name, model=model)
            session.add(row)
            stored[(profile.id, field_name, model)] = row
        row.profile_version = profile.version
        row.terms = terms
        row.vector = None if vector is None else np.asarray(vector, dtype="<f4").tobytes()
        row.dimensions = 0 if vector is None else int(np.asarray(vector).shape[-1])


def store_vectors(
    session: Session, profiles: Sequence[PartnerProfile], encoder: Encoder | None = None
) -> int:
    """Compute and store the term counts (and with ``encoder`` the embeddings) of the
    profiles' texts that are missing or older than the profile; returns how many."""
    models = [TERMS_MODEL] + ([encoder.name] if encoder is not None else [])
    stored = _records(session, [p.id for p in profiles], models)
    fresh = _compute(profiles, stored, encoder)
    _write(session, stored, fresh)
    session.flush()
    return len(fresh)


_CACHE: OrderedDict[Hashable, tuple[LoadedIndex, object]] = OrderedDict()
_LOCK = threading.Lock()
_CACHE_SIZE = 4


def clear_index_cache() -> None:
    """Forget every built index (tests, benchmarks)."""
    with _LOCK:
        _CACHE.clear()


def _fingerprint(session: Session) -> tuple[Any, ...]:
    row = session.execute(
        select(
            func.count(PartnerProfile.id),
            func.coalesce(func.sum(PartnerProfile.version), 0),
            func.coalesce(func.max(PartnerProfile.id), 0),
            func.max(PartnerProfile.updated_at),
        )
    ).one()
    return tuple(str(value) for value in row)


def _bind_key(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=True)


def load_index(
    session: Session,
    *,
    encoder: Encoder | None = None,
    evidence: IndustryEvidence | None = None,
) -> LoadedIndex:
    """The index of every profile (built, or reused while no profile changed).

    With ``encoder`` the texts are compared by their embeddings, else by TF-IDF fitted on
    every profile. Vectors missing from the records are computed and stored.
    """
    model = encoder.name if encoder is not None else "tfidf"
    key = (_bind_key(session), _fingerprint(session), model, id(evidence))
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit[0]
    loaded = _build(session, encoder, evidence)
    with _LOCK:
        # The evidence object is kept alive with the index, so its id stays unique.
        _CACHE[key] = (loaded, evidence)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return loaded


@dataclass(frozen=True)
class _Profile:
    """The columns of a profile the index reads."""

    id: int
    version: int
    needs: str
    offers: str
    region_code: str
    country: str
    nace_codes: list[str]
    target_regions: list[str]
    languages: list[str]
    cooperation_types: list[str]
    region_pairing: bool
    public: bool


def _profiles(session: Session) -> list[_Profile]:
    query = select(
        PartnerProfile.id,
        PartnerProfile.version,
        PartnerProfile.needs,
        PartnerProfile.offers,
        PartnerProfile.region_code,
        PartnerProfile.country,
        PartnerProfile.nace_codes,
        PartnerProfile.target_regions,
        PartnerProfile.languages,
        PartnerProfile.cooperation_types,
        PartnerProfile.region_pairing,
        PartnerProfile.visibility,
    ).order_by(PartnerProfile.id)
    return [
        _Profile(
            id=pid,
            version=version,
            needs=needs,
            offers=offers,
            region_code=region,
            country=country,
            nace_codes=nace,
            target_regions=targets,
            languages=languages,
            cooperation_types=cooperation,
            region_pairing=pairing,
            public=visibility == PartnerVisibility.PUBLIC,
        )
        for (
            pid,
            version,
            needs,
            offers,
            region,
            country,
            nace,
            targets,
            languages,
            cooperation,
            pairing,
            visibility,
        ) in session.execute(query)
    ]


def _build(
    session: Session, encoder: Encoder | None, evidence: IndustryEvidence | None
) -> LoadedIndex:
    profiles = _profiles(session)
    models = [TERMS_MODEL] + ([encoder.name] if encoder is not None else [])
    stored = _rows(session, models)
    # Vectors are stored when a profile is saved; anything missing (a model installed
    # later) is computed here in memory only, so that reading never writes.
    fresh = {(p.id, f, m): (t, v) for p, f, m, t, v in _compute(profiles, stored, encoder)}

    def terms(profile: _Profile, field_name: str) -> dict[str, int]:
        found = fresh.get((profile.id, field_name, TERMS_MODEL))
        if found is not None:
            return found[0] or {}
        return dict(stored[(profile.id, field_name, TERMS_MODEL)].terms or {})

    def embedding(profile: _Profile, field_name: str, name: str) -> np.ndarray[Any, Any] | None:
        found = fresh.get((profile.id, field_name, name))
        if found is not None:
            return found[1]
        blob = stored[(profile.id, field_name, name)].vector
        return None if blob is None else np.frombuffer(blob, dtype="<f4")

    if encoder is not None:
        vectors = {f: [embedding(p, f, encoder.name) for p in profiles] for f in FIELDS}
        width = max([int(v.shape[-1]) for f in FIELDS for v in vectors[f] if v is not None] + [1])
        needs: Any = dense_rows(vectors["needs"], width)
        offers: Any = dense_rows(vectors["offers"], width)
        model = encoder.name
    else:
        (needs, offers), _ = tfidf_matrices(
            [[terms(p, "needs") for p in profiles], [terms(p, "offers") for p in profiles]]
        )
        model = "tfidf"
    features = [
        ProfileFeatures(
            profile_id=p.id,
            region_code=p.region_code,
            nace_codes=tuple(p.nace_codes or ()),
            target_regions=tuple(p.target_regions or ()),
            languages=tuple(p.languages or ()),
            region_pairing=bool(p.region_pairing),
        )
        for p in profiles
    ]
    index = build_index(
        features,
        needs,
        offers,
        industry_codes=evidence.industries if evidence else (),
        proximity=evidence.proximity if evidence else None,
        region_codes=evidence.regions if evidence else (),
        strength=evidence.lq if evidence else None,
        model=model,
        relatedness=evidence.source if evidence else "exact",
    )
    return LoadedIndex(
        index=index,
        public=np.asarray([p.public for p in profiles], dtype=bool),
        countries=np.asarray([p.country for p in profiles], dtype=str),
        cooperation=np.asarray(
            [
                sum(_COOPERATION_BIT.get(c, 0) for c in set(p.cooperation_types or []))
                for p in profiles
            ],
            dtype=np.int64,
        ),
        evidence=evidence,
    )
