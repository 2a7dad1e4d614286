"""Profile texts as vectors: sentence embeddings from the ``semantic`` extra, or TF-IDF.

The TF-IDF fallback keeps, per profile version, the term counts of its ``needs`` and
``offers`` (what is slow: reading the text); the weights come from the whole corpus when the
matching index is built, so the vocabulary is always fitted on every profile. With the
extra, the dense embeddings of the two texts are stored under the model's name.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from polisee.services.semantic import Encoder

__all__ = [
    "FIELDS",
    "TERMS_MODEL",
    "dense_rows",
    "encode_texts",
    "term_counts",
    "tfidf_matrices",
    "tokenize",
]

FIELDS: tuple[str, str] = ("needs", "offers")
# The stored term counts; the suffix changes when the tokenizer does.
TERMS_MODEL = "tfidf-terms/1"

_WORD = re.compile(r"[^\W\d_]{2,}")
_STOP_WORDS = """
    a about above after again all also an and any are as at be been being both but by can
    could did do does doing for from further had has have having he her here hers him his how
    i if in into is it its itself just me more most my no nor not now of off on once only or
    other our ours out over own same she should so some such than that the their theirs them
    then there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your yours us per via etc within
    looking look seek seeking want wants need needs offer offers provide provides partner
    partners new
"""
_STOP = frozenset(_STOP_WORDS.split())


def _fold(text: str) -> str:
    # Accents are dropped so that "Dunántúl" and "Dunantul" are one word.
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _stem(word: str) -> str:
    # A light plural folding; enough to let "suppliers" meet "supplier".
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Lower-cased, accent-free words of two letters or more, without stop words, plurals
    folded.

    >>> tokenize("We offer injection-moulding for Suppliers; partners in Dunántúl.")
    ['injection', 'moulding', 'supplier', 'dunantul']
    """
    out = []
    for word in _WORD.findall(_fold(text)):
        if word in _STOP:
            continue
        stemmed = _stem(word)
        if stemmed not in _STOP:
            out.append(stemmed)
    return out


def term_counts(text: str) -> dict[str, int]:
    """How often each token occurs in ``text``.

    >>> term_counts("robots and robot arms")
    {'robot': 2, 'arm': 1}
    """
    return dict(Counter(tokenize(text)))


def tfidf_matrices(
    documents: Sequence[Sequence[dict[str, int]]],
) -> tuple[list[sp.csr_matrix], list[str]]:
    r"""TF-IDF rows of unit length for several aligned document lists, one vocabulary.

    Parameters
    ----------
    documents : sequence of sequences of term counts
        ``documents[f][i]`` is the term count dict of field ``f`` of profile ``i``; every
        document of every field counts towards the document frequencies.

    Returns
    -------
    (list of scipy.sparse.csr_matrix, list of str)
        One ``(n, V)`` matrix per field (an empty document is a zero row) and the
        vocabulary (column order).

    Notes
    -----
    :math:`w_{dt} = (1 + \ln tf_{dt}) \cdot (\ln\frac{1 + N}{1 + df_t} + 1)`, rows scaled
    to unit length (sublinear term frequency and smoothed inverse document frequency, as
    scikit-learn's ``TfidfVectorizer(sublinear_tf=True)``), so a dot product is a cosine.

    Examples
    --------
    Two documents share "robot" (idf = ln(3/3) + 1 = 1); "arm" is in one only
    (idf = ln(3/2) + 1 = 1.405), so it weighs more: (1.405, 1) / 1.7245:

    >>> [m], vocab = tfidf_matrices([[{"robot": 1, "arm": 1}, {"robot": 1}]])
    >>> vocab
    ['arm', 'robot']
    >>> np.round(m.toarray(), 3)
    array([[0.815, 0.58 ],
           [0.   , 1.   ]])
    """
    vocabulary = sorted({term for field in documents for doc in field for term in doc})
    column = {term: j for j, term in enumerate(vocabulary)}
    size = len(vocabulary)
    built: list[sp.csr_matrix] = []
    for field in documents:
        indptr = [0]
        indices: list[int] = []
        values: list[float] = []
        for doc in field:
            for term, count in doc.items():
                if count > 0:
                    indices.append(column[term])
                    values.append(1.0 + math.log(count))
            indptr.append(len(indices))
        built.append(
            sp.csr_matrix(
                (np.asarray(values, dtype=np.float64), np.asarray(indices, dtype=np.int64), indptr),
                shape=(len(field), size),
            )
        )
    n_docs = sum(m.shape[0] for m in built)
    df = np.zeros(size, dtype=np.float64)
    for matrix in built:
        df += np.bincount(matrix.indices, minlength=size)
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    out = []
    for matrix in built:
        weighted = sp.csr_matrix(matrix @ sp.diags(idf))
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        out.append(sp.csr_matrix(sp.diags(scale) @ weighted))
    return out, vocabulary


def dense_rows(
    vectors: Sequence[np.ndarray[Any, Any] | None], dimensions: int
) -> np.ndarray[Any, np.dtype[np.float32]]:
    """Stack vectors into unit rows of a float32 matrix; None (an empty text) is a zero row.

    >>> dense_rows([np.array([3.0, 4.0]), None], 2)
    array([[0.6, 0.8],
           [0. , 0. ]], dtype=float32)
    """
    matrix = np.zeros((len(vectors), dimensions), dtype=np.float32)
    for i, vector in enumerate(vectors):
        if vector is not None:
            matrix[i] = np.asarray(vector, dtype=np.float32).reshape(-1)[:dimensions]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    np.divide(matrix, norms, out=matrix, where=norms > 0)
    return matrix


def encode_texts(encoder: Encoder, texts: Sequence[str]) -> list[np.ndarray[Any, Any] | None]:
    """The encoder's vectors for the non-empty texts (None for an empty one)."""
    wanted = [i for i, t in enumerate(texts) if t.strip()]
    out: list[np.ndarray[Any, Any] | None] = [None] * len(texts)
    if wanted:
        vectors = encoder.encode([texts[i] for i in wanted])
        for i, vector in zip(wanted, vectors, strict=True):
            out[i] = np.asarray(vector, dtype=np.float32)
    return out
