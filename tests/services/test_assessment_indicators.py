"""Indicators from the statistics that inform the self-scores, on the real demo data."""

from __future__ import annotations

import statistics
from collections.abc import Iterator

import pytest
from tests.services.test_evidence import demo_stats_path

from polisee.errors import InputError
from polisee.services import assessment as sa
from polisee.services import evidence as ev
from polisee.statsdb import StatsStore

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StatsStore]:
    opened = StatsStore(demo_stats_path(tmp_path_factory), read_only=True)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def cache() -> ev.EvidenceCache:
    return ev.EvidenceCache(128)


def test_suggested_peers_are_the_profile_peers(store: StatsStore, cache: ev.EvidenceCache) -> None:
    assert sa.suggested_peers(store, "HU21", cache=cache) == [
        "HU22",
        "CZ08",
        "CZ03",
        "CZ02",
        "HU31",
    ]
    assert sa.suggested_peers(store, "XX99", cache=cache) == []


def test_indicators_of_central_transdanubia(store: StatsStore, cache: ev.EvidenceCache) -> None:
    found = sa.region_indicators(
        store, "HU21", list(sa.INDICATORS), peers=["HU22", "CZ08"], cache=cache
    )
    assert list(found) == list(sa.INDICATORS)
    # 1,626 R&D full-time equivalents over 430.7 thousand employed (LFS, 15+) in 2009, the
    # only year with both figures; 3,653 FTE in 2018.
    rd = found["rd_personnel_share"]
    assert rd.value == pytest.approx(1626 / 430_700 * 100)
    assert rd.year == "2009"
    assert "0.38 % of persons employed in 2009" in rd.readings[0].english()
    assert "In 2018 the region counted 3,653 full-time equivalents" in rd.readings[1].english()
    assert {s.dataset for s in rd.sources} == {"rd_p_persreg", "lfst_r_lfe2en2"}
    # Strong clusters in 2014: automotive 23,607 + upstream metal 9,180 + plastics 10,533 +
    # IT and instruments 8,411 + lighting 6,376 + paper 2,855 + production technology 13,815
    # + recreational goods 2,898 = 77,675 of 277,562 employed in the business economy.
    strong = found["strong_cluster_employment_share"]
    assert strong.value == pytest.approx(77_675 / 277_562 * 100)
    assert "in the region's 8 strong clusters (2014)" in strong.readings[0].english()
    assert found["starred_clusters"].value == 12
    assert found["gdp_per_inhabitant_eu"].value == 61
    assert found["economic_complexity"].value == pytest.approx(1.238, abs=1e-3)
    assert 0 < found["traded_employment_share"].value < 100  # type: ignore[operator]
    growth = found["cluster_employment_growth"]
    assert growth.year == "2010-2014"
    # Recomputed from the two profiles: starred clusters of 2014, known in both years.
    end = ev.region_profile(store, "HU21", 2014, cache=cache).block("clusters").table
    start = ev.region_profile(store, "HU21", 2010, cache=cache).block("clusters").table
    starred = end[end["stars"] > 0].set_index("cluster")["employment"]
    before = start.set_index("cluster")["employment"].reindex(starred.index)
    known = starred.notna() & before.notna()
    assert growth.value == pytest.approx((starred[known].sum() / before[known].sum() - 1) * 100)
    # Peers: each value computed for the peer itself; the reading names their median.
    for value in found.values():
        peers = dict(value.peer_values)
        assert set(peers) == {"HU22", "CZ08"}
        alone = sa.region_indicators(store, "HU22", [value.spec.key], cache=cache)[value.spec.key]
        assert peers["HU22"] == alone.value
        known_peers = [v for v in peers.values() if v is not None]
        assert value.peer_median == statistics.median(known_peers)
        assert value.readings[-1].english().startswith("Median of 2 peer regions")


def test_a_region_without_figures_has_no_values(store: StatsStore, cache: ev.EvidenceCache) -> None:
    found = sa.region_indicators(
        store, "XX99", ["rd_personnel_share", "starred_clusters"], cache=cache
    )
    assert [v.value for v in found.values()] == [None, None]
    assert all(not v.readings for v in found.values())
    with pytest.raises(InputError, match="unknown indicators"):
        sa.region_indicators(store, "HU21", ["happiness"], cache=cache)
