"""Recommendations for weak criteria: the score arithmetic and the ranking on hand-made practices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from sqlalchemy.orm import Session
from tests.services._practice_helpers import make_principal, published_practice

from polisee.services import practices as pr


@pytest.mark.parametrize(
    ("regions", "peers", "expected"),
    [
        (["HU21"], [], 1.0),
        (["HU211"], [], 1.0),
        (["AT31"], ["AT31"], 0.75),
        (["HU22"], [], 0.6),
        (["HU3"], [], 0.4),
        (["HU"], [], 0.4),
        (["SI", "HU22"], [], 0.6),
        (["EU"], [], 0.0),
    ],
    ids=["same", "inside", "peer", "same-nuts1", "other-nuts1", "country", "best-of-two", "none"],
)
def test_region_similarity(regions: list[str], peers: list[str], expected: float) -> None:
    assert pr.region_similarity(regions, "HU21", peers) == expected


def test_combine_renormalises_without_the_semantic_part() -> None:
    parts = pr.ScoreParts(theme=1.0, criterion=0.5, semantic=None, region=0.4)
    # (0.35 * 1 + 0.25 * 0.5 + 0.15 * 0.4) / 0.75 = 0.535 / 0.75
    assert pr.combine(parts) == pytest.approx(0.535 / 0.75)
    with_meaning = pr.ScoreParts(theme=1.0, criterion=0.5, semantic=0.6, region=0.4)
    # 0.35 + 0.125 + 0.25 * 0.6 + 0.06
    assert pr.combine(with_meaning) == pytest.approx(0.685)
    assert sum(pr.WEIGHTS.values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("median", "peer", "weak"),
    [(1.5, None, True), (2.0, 2.5, True), (3.0, 4.0, True), (3.5, 4.0, False), (None, 4.0, False)],
    ids=["low", "two", "below-peers", "near-peers", "no-score"],
)
def test_is_weak(median: float | None, peer: float | None, weak: bool) -> None:
    assert pr.is_weak(median, peer) is weak


@pytest.fixture
def practices(db: Session) -> dict[str, int]:
    author = make_principal(db, "manager", "cluster_manager")
    validator = make_principal(db, "analyst", "analyst")
    return {
        "local": published_practice(
            db,
            author,
            validator,
            title="Cluster management training",
            summary="Courses for cluster managers on strategy and services.",
            instrument="training",
            themes=("skills_jobs", "smart_specialisation"),
            regions=("HU21",),
        ),
        "far": published_practice(
            db,
            author,
            validator,
            title="Cluster management excellence training",
            summary="Benchmarking and training of cluster management teams.",
            instrument="training",
            themes=("skills_jobs",),
            regions=("SI",),
        ),
        "unrelated": published_practice(
            db,
            author,
            validator,
            title="Broadband for rural schools",
            summary="Fibre connections for village schools.",
            instrument="infrastructure",
            themes=("sustainability",),
            regions=("HU21",),
        ),
    }


def test_recommendations_rank_by_theme_words_and_region(
    db: Session, practices: dict[str, int]
) -> None:
    gap = pr.Gap(
        theme_key="skills_jobs",
        criterion_key="skills.cluster_managers",
        criterion_title="Training of cluster managers",
        guiding_text="Is there a programme that trains cluster management teams?",
        median=1.5,
        region_code="HU21",
    )
    [found] = pr.recommend_practices(db, [gap], region_code="HU21")
    assert found.mode == "fulltext"
    ranked = [r.practice_id for r in found.items]
    # Same theme and words for both trainings; the one in the assessed region comes first;
    # the broadband practice matches neither theme nor words, whatever its region.
    assert ranked == [practices["local"], practices["far"]]
    local, far = found.items
    assert (local.parts.theme, local.parts.region, local.parts.semantic) == (1.0, 1.0, None)
    assert (far.parts.theme, far.parts.region) == (1.0, 0.0)
    assert 0 < far.parts.criterion <= 1
    assert 0 < local.parts.criterion <= 1
    assert max(local.parts.criterion, far.parts.criterion) == 1.0
    assert local.score == pytest.approx(pr.combine(local.parts))
    # A peer region lifts the distant practice's region part.
    [with_peer] = pr.recommend_practices(db, [gap], region_code="HU21", peer_regions=["SI"])
    assert (
        next(r for r in with_peer.items if r.practice_id == practices["far"]).parts.region == 0.75
    )


def test_limit_and_several_gaps(db: Session, practices: dict[str, int]) -> None:
    gaps = [
        pr.Gap("skills_jobs", "a", "Training of cluster managers"),
        pr.Gap("sustainability", "b", "Digital infrastructure for schools"),
    ]
    first, second = pr.recommend_practices(db, gaps, region_code="HU21", limit_per_gap=1)
    assert [r.practice_id for r in first.items] == [practices["local"]]
    assert [r.practice_id for r in second.items] == [practices["unrelated"]]


class AxisEncoder:
    """Hand-made vectors: one axis per keyword."""

    name = "hand-made-axes"
    axes = ("training", "fibre", "school")

    def encode(self, texts: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        return np.asarray(
            [[float(t.lower().count(a)) for a in self.axes] for t in texts], dtype=np.float32
        )


def test_semantic_part_when_an_encoder_is_given(db: Session, practices: dict[str, int]) -> None:
    gap = pr.Gap("financing", "c", "Connecting schools with fibre")
    [found] = pr.recommend_practices(db, [gap], region_code="HU21", encoder=AxisEncoder())
    assert found.mode == "semantic"
    top = found.items[0]
    assert top.practice_id == practices["unrelated"]
    assert top.parts.semantic is not None
    assert top.parts.semantic > 0.9
    assert top.score == pytest.approx(pr.combine(top.parts))
