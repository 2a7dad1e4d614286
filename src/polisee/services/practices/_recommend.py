"""Recommended practices for the weak criteria of an assessment.

Each published practice gets, for each gap, four parts between 0 and 1:

- ``theme``: 1 when the practice addresses the gap's theme, else 0;
- ``criterion``: the full-text relevance of the practice to the words of the criterion's
  title and guiding text (any word may match), divided by the best relevance for that gap;
- ``semantic``: the cosine similarity of the sentence embeddings of the criterion text and
  the practice (negative values count as 0), or None without the ``semantic`` extra;
- ``region``: 1.0 when the practice ran in the assessed NUTS-2 region (or a region inside
  it), 0.75 in one of the peer regions, 0.6 in the same NUTS-1 region, 0.4 in the same
  country, else 0 (the best over the practice's regions).

The score is the weighted mean of the parts that are available, with :data:`WEIGHTS`
(theme 0.35, criterion 0.25, semantic 0.25, region 0.15): without the semantic part the
other weights are divided by their sum 0.75, so scores stay between 0 and 1. Practices
that match neither theme nor criterion words (nor, with the extra, reach a semantic
similarity of 0.3) are not recommended, whatever their region.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from polisee.records.practices import Practice, PracticeState
from polisee.services.practices._model import words
from polisee.services.practices._search import ParsedQuery, Term, fulltext_ranks
from polisee.services.practices._semantic import Encoder, cosine_similarities, ensure_embeddings

__all__ = [
    "PEER_GAP",
    "SEMANTIC_FLOOR",
    "WEAK_SCORE",
    "WEIGHTS",
    "Gap",
    "GapRecommendations",
    "Recommendation",
    "ScoreParts",
    "combine",
    "is_weak",
    "recommend_practices",
    "region_similarity",
]

WEIGHTS: dict[str, float] = {"theme": 0.35, "criterion": 0.25, "semantic": 0.25, "region": 0.15}
WEAK_SCORE = 2.0
PEER_GAP = 1.0
SEMANTIC_FLOOR = 0.3
_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "from",
        "that",
        "this",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "its",
        "into",
        "onto",
        "over",
        "under",
        "how",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "all",
        "any",
        "each",
        "other",
        "such",
        "than",
        "then",
        "there",
        "their",
        "them",
        "they",
        "not",
        "but",
        "can",
        "may",
        "should",
        "would",
        "could",
        "will",
        "been",
        "being",
        "does",
        "did",
        "our",
        "your",
        "between",
        "within",
        "about",
        "more",
        "most",
        "less",
        "very",
        "also",
        "only",
    ]
)


@dataclass(frozen=True)
class Gap:
    """A weak criterion of an assessment, as the self-assessment reports it."""

    theme_key: str
    criterion_key: str
    criterion_title: str
    guiding_text: str = ""
    median: float | None = None
    peer_median: float | None = None
    region_code: str = ""

    @property
    def text(self) -> str:
        """The criterion's title and guiding text, what the practice texts are matched to."""
        return f"{self.criterion_title}\n{self.guiding_text}".strip()


def is_weak(median: float | None, peer_median: float | None) -> bool:
    """A criterion is weak with a median score of 2 or less, or 1 point or more below the
    median of the peer regions.

    >>> is_weak(2.0, None), is_weak(3.0, 4.0), is_weak(3.5, 4.0), is_weak(None, 3.0)
    (True, True, False, False)
    """
    if median is None:
        return False
    return median <= WEAK_SCORE or (peer_median is not None and peer_median - median >= PEER_GAP)


@dataclass(frozen=True)
class ScoreParts:
    """The four parts of a recommendation's score, each between 0 and 1."""

    theme: float
    criterion: float
    semantic: float | None
    region: float


@dataclass(frozen=True)
class Recommendation:
    """A practice recommended for a gap, with its score and the parts that explain it."""

    practice_id: int
    title: str
    summary: str
    regions: tuple[str, ...]
    themes: tuple[str, ...]
    instrument: str
    score: float
    parts: ScoreParts


@dataclass(frozen=True)
class GapRecommendations:
    """The best practices for one gap; ``mode`` is ``"semantic"`` or ``"fulltext"``."""

    gap: Gap
    items: list[Recommendation]
    mode: str


def combine(parts: ScoreParts, weights: dict[str, float] = WEIGHTS) -> float:
    """The weighted mean of the available parts.

    >>> round(combine(ScoreParts(theme=1.0, criterion=0.5, semantic=None, region=0.4)), 4)
    0.7133
    >>> round(combine(ScoreParts(theme=1.0, criterion=0.5, semantic=0.6, region=0.4)), 4)
    0.685
    """
    values = {
        "theme": parts.theme,
        "criterion": parts.criterion,
        "semantic": parts.semantic,
        "region": parts.region,
    }
    used = {k: v for k, v in values.items() if v is not None}
    total = sum(weights[k] for k in used)
    return sum(weights[k] * v for k, v in used.items()) / total if total else 0.0


def region_similarity(
    practice_regions: Iterable[str], region_code: str, peers: Iterable[str] = ()
) -> float:
    """How close the practice's regions are to the assessed region (best over its regions).

    >>> region_similarity(["HU21"], "HU21"), region_similarity(["AT31"], "HU21", ["AT31"])
    (1.0, 0.75)
    >>> region_similarity(["HU22"], "HU21"), region_similarity(["HU"], "HU21")
    (0.6, 0.4)
    >>> region_similarity(["SI"], "HU21")
    0.0
    """
    target = region_code.strip().upper()
    if not target:
        return 0.0
    peer_set = {p.strip().upper() for p in peers}
    best = 0.0
    for code in practice_regions:
        code = code.upper()
        if len(code) >= 4 and len(target) >= 4 and code[:4] == target[:4]:
            score = 1.0
        elif code in peer_set or (len(code) >= 4 and code[:4] in peer_set):
            score = 0.75
        elif len(code) >= 3 and len(target) >= 3 and code[:3] == target[:3]:
            score = 0.6
        elif code[:2] == target[:2]:
            score = 0.4
        else:
            score = 0.0
        best = max(best, score)
    return best


def _keywords(gap: Gap) -> ParsedQuery:
    found = sorted({w for w in words(gap.text) if len(w) >= 3 and w not in _STOP})
    if not found:
        return ParsedQuery()
    return ParsedQuery(groups=(tuple(Term((w,), prefix=True) for w in found),))


def recommend_practices(
    session: Session,
    gaps: Sequence[Gap],
    *,
    region_code: str,
    peer_regions: Sequence[str] = (),
    limit_per_gap: int = 3,
    encoder: Encoder | None = None,
) -> list[GapRecommendations]:
    """For each gap, the ``limit_per_gap`` best published practices by :func:`combine`."""
    practices = list(
        session.scalars(
            select(Practice)
            .where(Practice.state == PracticeState.PUBLISHED)
            .options(selectinload(Practice.themes), selectinload(Practice.regions))
            .order_by(Practice.id)
        )
    )
    embedded = ensure_embeddings(session, encoder, practices) if encoder and practices else {}
    gap_vectors = encoder.encode([g.text for g in gaps]) if encoder and gaps else None
    mode = "semantic" if encoder is not None else "fulltext"
    out = []
    for index, gap in enumerate(gaps):
        ranks = fulltext_ranks(session, _keywords(gap))
        best_rank = max(ranks.values(), default=0.0)
        semantic: dict[int, float] = {}
        if gap_vectors is not None and embedded:
            order = sorted(embedded)
            sims = cosine_similarities(gap_vectors[index], np.vstack([embedded[i] for i in order]))
            semantic = {pid: max(0.0, float(s)) for pid, s in zip(order, sims, strict=True)}
        items = []
        for practice in practices:
            themes = tuple(t.theme for t in practice.themes)
            regions = tuple(r.region_code for r in practice.regions)
            parts = ScoreParts(
                theme=1.0 if gap.theme_key in themes else 0.0,
                criterion=ranks.get(practice.id, 0.0) / best_rank if best_rank > 0 else 0.0,
                semantic=semantic.get(practice.id, 0.0) if encoder is not None else None,
                region=region_similarity(regions, region_code or gap.region_code, peer_regions),
            )
            if parts.theme == 0 and parts.criterion == 0 and (parts.semantic or 0) < SEMANTIC_FLOOR:
                continue
            items.append(
                Recommendation(
                    practice_id=practice.id,
                    title=practice.title,
                    summary=practice.summary,
                    regions=regions,
                    themes=themes,
                    instrument=practice.instrument.value,
                    score=combine(parts),
                    parts=parts,
                )
            )
        items.sort(key=lambda r: (-r.score, r.practice_id))
        out.append(GapRecommendations(gap, items[: max(limit_per_gap, 0)], mode))
    return out
