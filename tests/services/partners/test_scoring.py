"""Partner scores on tiny hand-made inputs (each part worked out in a comment), the TF-IDF
fallback, and the embedding path with hand-made vectors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from polisee.errors import InputError, NotFound
from polisee.services import partners as pt
from polisee.services.partners import ProfileFeatures, Weights

ONLY = dict.fromkeys(pt.PARTS, 0.0)


def _only(part: str) -> Weights:
    return Weights(**{**ONLY, part: 1.0})


def _index(
    features: Sequence[ProfileFeatures],
    needs: Sequence[Sequence[float]],
    offers: Sequence[Sequence[float]],
    **kwargs: Any,
) -> pt.PartnerIndex:
    return pt.build_index(
        features,
        np.asarray(needs, dtype=np.float64),
        np.asarray(offers, dtype=np.float64),
        **kwargs,
    )


def test_industry_part_uses_relatedness_both_ways() -> None:
    # Industries x, y, z; proximity x-y 0.5, x-z 0.2, y-z 0.8 (diagonal becomes 1).
    phi = np.array([[0.0, 0.5, 0.2], [0.5, 0.0, 0.8], [0.2, 0.8, 0.0]])
    features = [
        ProfileFeatures(1, "HU21", nace_codes=("x",)),
        ProfileFeatures(2, "AT22", nace_codes=("y", "z")),
        ProfileFeatures(3, "SI03", nace_codes=("x",)),
        ProfileFeatures(4, "SK01"),
    ]
    zero = [[0.0]] * 4
    index = _index(features, zero, zero, industry_codes=["x", "y", "z"], proximity=phi)
    ranking = pt.rank_partners(index, 1, _only("industry"), limit=None)
    parts = {p.profile_id: p.parts["industry"] for p in ranking.partners}
    # Profile 2: its industries' best proximity to x: y 0.5, z 0.2 -> mean 0.35; x's best
    # among (y, z): 0.5 -> (0.35 + 0.5) / 2 = 0.425. Profile 3: the same industry -> 1.
    # Profile 4 names no industry: the part is missing, and so is its score.
    assert parts == {3: pytest.approx(1.0), 2: pytest.approx(0.425), 4: None}
    assert [p.profile_id for p in ranking.partners] == [3, 2, 4]
    assert ranking.partners[-1].score == 0.0
    assert pt.industry_pairs(index, 0, 1) == [("x", "y", 0.5)]


def test_an_industry_without_relatedness_matches_only_itself() -> None:
    features = [
        ProfileFeatures(1, "HU21", nace_codes=("A01",)),
        ProfileFeatures(2, "HU22", nace_codes=("A01",)),
        ProfileFeatures(3, "HU23", nace_codes=("C10",)),
    ]
    zero = [[0.0]] * 3
    index = _index(features, zero, zero, industry_codes=["C10"], proximity=np.zeros((1, 1)))
    parts = {
        p.profile_id: p.parts["industry"]
        for p in pt.rank_partners(index, 1, _only("industry")).partners
    }
    assert parts == {2: 1.0, 3: 0.0}


def test_complementarity_is_needs_against_offers_both_ways() -> None:
    # Two-dimensional texts. Ours: needs (1, 0), offers (0, 1).
    # Profile 2 offers (1, 0) (meets our need: 1) and needs (0, 1) (we meet it: 1) -> 1.
    # Profile 3 offers (1, 1)/sqrt2 (0.707) and needs nothing -> one direction: 0.707.
    # Profile 4 offers (-1, 0): a negative cosine counts as 0; it needs (0, 1): 1 -> 0.5.
    # Profile 5 has no text at all: missing.
    features = [ProfileFeatures(i, "HU21") for i in range(1, 6)]
    needs = [[1, 0], [0, 1], [0, 0], [0, 1], [0, 0]]
    offers = [[0, 1], [1, 0], [1, 1], [-1, 0], [0, 0]]
    index = _index(features, needs, offers)
    ranking = pt.rank_partners(index, 1, _only("complementarity"), limit=None)
    parts = {p.profile_id: p.parts["complementarity"] for p in ranking.partners}
    assert parts == {
        2: pytest.approx(1.0),
        3: pytest.approx(2**-0.5),
        4: pytest.approx(0.5),
        5: None,
    }


def test_target_regions_both_ways_and_open_when_none_given() -> None:
    features = [
        ProfileFeatures(1, "HU21", target_regions=("AT", "SI03")),
        ProfileFeatures(2, "AT22", target_regions=("HU2",)),  # both in each other's: 1
        ProfileFeatures(3, "SI03"),  # in ours (1); names none (0.5) -> 0.75
        ProfileFeatures(4, "SI04", target_regions=("HR",)),  # 0 and 0 -> 0
    ]
    zero = [[0.0]] * 4
    index = _index(features, zero, zero)
    parts = {
        p.profile_id: p.parts["country"]
        for p in pt.rank_partners(index, 1, _only("country"), limit=None).partners
    }
    assert parts == {2: 1.0, 3: 0.75, 4: 0.0}


def test_language_overlap_and_missing_languages() -> None:
    features = [
        ProfileFeatures(1, "HU21", languages=("hu", "de")),
        ProfileFeatures(2, "AT22", languages=("de", "en")),
        ProfileFeatures(3, "RO11", languages=("ro",)),
        ProfileFeatures(4, "RO12"),
    ]
    zero = [[0.0]] * 4
    parts = {
        p.profile_id: p.parts["language"]
        for p in pt.rank_partners(
            _index(features, zero, zero), 1, _only("language"), limit=None
        ).partners
    }
    assert parts == {2: 1.0, 3: 0.0, 4: None}


def test_region_pairing_only_when_asked_for() -> None:
    # Location quotients on industry x in regions A (4), B (1), C (2), D (unknown).
    # Percentile ranks among the three known: A 1, C 0.5, B 0.
    lq = np.array([[4.0], [1.0], [2.0], [np.nan]])
    features = [
        ProfileFeatures(1, "A", nace_codes=("x",), region_pairing=True),
        ProfileFeatures(2, "B", nace_codes=("x",)),
        ProfileFeatures(3, "C", nace_codes=("x",)),
        ProfileFeatures(4, "D", nace_codes=("x",)),
        ProfileFeatures(5, "B", nace_codes=("x",), region_pairing=False),
    ]
    zero = [[0.0]] * 5
    index = _index(
        features,
        zero,
        zero,
        industry_codes=["x"],
        proximity=np.zeros((1, 1)),
        region_codes=["A", "B", "C", "D"],
        strength=lq,
    )
    ranking = pt.rank_partners(index, 1, _only("region"), limit=None)
    assert ranking.query_percentile == 1.0
    parts = {p.profile_id: p.parts["region"] for p in ranking.partners}
    # The weakest region pairs best with the strongest: gaps 1, 0.5; D has no figures.
    assert parts == {2: 1.0, 5: 1.0, 3: 0.5, 4: None}
    # A profile that does not ask for pairing gets no region part, whatever its weight.
    other = pt.rank_partners(index, 5, Weights(), limit=None)
    assert other.weights["region"] == 0.0
    assert all(p.parts["region"] is None for p in other.partners)


def test_score_is_the_weighted_mean_of_the_parts_present() -> None:
    # Candidate 2: industry 1, complementarity 1, country 0.5 (no targets either side),
    # no languages (missing), no region (not asked). Weights 0.25, 0.45, 0.10:
    # (0.25 * 1 + 0.45 * 1 + 0.10 * 0.5) / (0.25 + 0.45 + 0.10) = 0.75 / 0.8 = 0.9375.
    features = [
        ProfileFeatures(1, "HU21", nace_codes=("x",)),
        ProfileFeatures(2, "AT22", nace_codes=("x",)),
    ]
    index = _index(features, [[1, 0], [0, 1]], [[0, 1], [1, 0]])
    [scored] = pt.rank_partners(index, 1, Weights()).partners
    assert scored.score == pytest.approx(0.9375)
    assert sum(scored.contributions.values()) == pytest.approx(scored.score)
    assert scored.contributions["country"] == pytest.approx(0.05 / 0.8)


def test_candidates_mask_ties_and_unknown_profile() -> None:
    features = [ProfileFeatures(i, "HU21") for i in (10, 30, 20)]
    zero = [[0.0]] * 3
    index = _index(features, zero, zero)
    ranking = pt.rank_partners(index, 10, Weights(), limit=None)
    # Every candidate scores 0.5 (country only): ties go by profile id.
    assert [p.profile_id for p in ranking.partners] == [20, 30]
    masked = pt.rank_partners(index, 10, Weights(), candidates=np.array([True, True, False]))
    assert [p.profile_id for p in masked.partners] == [30]
    with pytest.raises(NotFound):
        pt.rank_partners(index, 99, Weights())
    with pytest.raises(InputError):
        pt.rank_partners(index, 10, Weights(), candidates=np.array([True]))


@pytest.mark.parametrize(
    "weights",
    [{"industry": -1.0}, dict.fromkeys(pt.PARTS, 0.0)],
    ids=["negative", "all-zero"],
)
def test_weights_are_validated(weights: dict[str, float]) -> None:
    with pytest.raises(InputError):
        Weights(**weights)


def test_weights_from_query_parameters() -> None:
    weights = Weights.from_mapping({"w_industry": "2", "w_language": "", "other": "x"})
    assert weights.industry == 2.0
    assert weights.language == Weights().language
    with pytest.raises(InputError):
        Weights.from_mapping({"w_region": "much"})


def test_tfidf_fallback_finds_the_text_that_meets_a_need() -> None:
    texts = {
        1: ("aluminium die casting for battery housings", "machining of engine parts"),
        2: ("car makers buying machined engine parts", "aluminium die casting and housings"),
        3: ("tourists for island hotels", "wine tasting tours"),
    }
    needs_counts = [pt.term_counts(needs) for needs, _ in texts.values()]
    offers_counts = [pt.term_counts(offers) for _, offers in texts.values()]
    (needs, offers), vocabulary = pt.tfidf_matrices([needs_counts, offers_counts])
    assert "casting" in vocabulary
    assert "for" not in vocabulary
    index = pt.build_index([ProfileFeatures(i, "HU21") for i in texts], needs, offers)
    ranking = pt.rank_partners(index, 1, _only("complementarity"), limit=None)
    assert [p.profile_id for p in ranking.partners] == [2, 3]
    assert ranking.partners[0].parts["complementarity"] > 0.4
    assert ranking.partners[1].parts["complementarity"] == 0.0


def test_region_percentiles_ignore_missing_figures() -> None:
    lq = np.array([[1.0, np.nan], [3.0, 1.0], [np.nan, np.nan]])
    # Means over both columns: 1.0, 2.0, missing -> ranks 0 and 1.
    assert pt.region_percentiles(lq, np.array([0, 1])).tolist()[:2] == [0.0, 1.0]
    assert np.isnan(pt.region_percentiles(lq, np.array([0, 1]))[2])
