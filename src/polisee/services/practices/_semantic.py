"""Semantic similarity of good practices, when the ``semantic`` extra is installed.

The encoder comes from :mod:`polisee.services.semantic` (shared with partner matching);
without the extra, callers use full-text search. Embeddings of practices are stored with the
model name and a hash of the text they were made from, and recomputed when either changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from polisee.records.practices import Practice, PracticeEmbedding
from polisee.services.semantic import (
    MODEL_NAME,
    Encoder,
    MiniLMEncoder,
    cosine_similarities,
    default_encoder,
    semantic_available,
)

__all__ = [
    "MODEL_NAME",
    "Encoder",
    "MiniLMEncoder",
    "cosine_similarities",
    "default_encoder",
    "ensure_embeddings",
    "practice_text",
    "semantic_available",
    "semantic_scores",
]

_TEXT_LIMIT = 4000


def practice_text(practice: Practice) -> str:
    """What a practice's embedding is made from: title, summary, results, success factors,
    transferability (cut to the first 4000 characters; the model reads 256 tokens anyway)."""
    parts = (
        practice.title,
        practice.summary,
        practice.results,
        practice.success_factors,
        practice.transferability,
    )
    return "\n".join(p for p in parts if p)[:_TEXT_LIMIT]


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def ensure_embeddings(
    session: Session, encoder: Encoder, practices: Sequence[Practice]
) -> dict[int, np.ndarray[Any, np.dtype[np.float32]]]:
    """Practice id -> embedding, computing (and storing) those missing or out of date."""
    ids = [p.id for p in practices]
    stored = {
        e.practice_id: e
        for e in session.scalars(
            select(PracticeEmbedding).where(PracticeEmbedding.practice_id.in_(ids))
        )
    }
    out: dict[int, np.ndarray[Any, np.dtype[np.float32]]] = {}
    stale: list[tuple[Practice, str]] = []
    for practice in practices:
        content = practice_text(practice)
        row = stored.get(practice.id)
        if row is not None and row.model == encoder.name and row.text_sha256 == _sha(content):
            out[practice.id] = np.frombuffer(row.vector, dtype="<f4").astype(np.float32)
        else:
            stale.append((practice, content))
    if stale:
        vectors = encoder.encode([content for _, content in stale])
        for (practice, content), vector in zip(stale, vectors, strict=True):
            blob = np.asarray(vector, dtype="<f4").tobytes()
            row = stored.get(practice.id)
            if row is None:
                row = PracticeEmbedding(practice_id=practice.id)
                session.add(row)
            row.model, row.dimensions, row.vector = encoder.name, int(vector.shape[0]), blob
            row.text_sha256 = _sha(content)
            out[practice.id] = np.asarray(vector, dtype=np.float32)
        session.flush()
    return out


def semantic_scores(
    session: Session, encoder: Encoder, query: str, practice_ids: Sequence[int]
) -> dict[int, float]:
    """Practice id -> cosine similarity between ``query`` and the practice's embedding."""
    if not practice_ids:
        return {}
    practices = list(session.scalars(select(Practice).where(Practice.id.in_(practice_ids))))
    embedded = ensure_embeddings(session, encoder, practices)
    order = sorted(embedded)
    matrix = np.vstack([embedded[i] for i in order])
    similarities = cosine_similarities(encoder.encode([query])[0], matrix)
    return {pid: float(s) for pid, s in zip(order, similarities, strict=True)}
