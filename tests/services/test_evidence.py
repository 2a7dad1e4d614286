"""Evidence use cases on the real demo data (SBS, GDP, LFS, R&D personnel) and the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from polisee.config import default_data_dir
from polisee.errors import InputError, NotFound
from polisee.services import evidence as ev
from polisee.services.demo import DEMO_DATASETS, load_demo
from polisee.statsdb import StatsStore

pytestmark = pytest.mark.slow


def demo_stats_path(factory: pytest.TempPathFactory) -> Path:
    """``var/stats.duckdb`` with the demo data, loaded once per test session (per worker)."""
    data_dir = default_data_dir()
    if not all((data_dir / item.path).is_file() for item in DEMO_DATASETS):
        pytest.skip(f"the demo files are not in {data_dir}")
    var = factory.getbasetemp() / "evidence-var"
    path = var / "stats.duckdb"
    done = var / "loaded"
    if not done.exists():
        var.mkdir(parents=True, exist_ok=True)
        with StatsStore(path) as store:
            load_demo(store, data_dir)
        done.write_text("ok")
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> StatsStore:
    opened = StatsStore(demo_stats_path(tmp_path_factory), read_only=True)
    yield opened  # type: ignore[misc]
    opened.close()


@pytest.fixture(scope="module")
def cache() -> ev.EvidenceCache:
    return ev.EvidenceCache(64)


def test_default_year_is_the_last_complete_sbs_year(
    store: StatsStore, cache: ev.EvidenceCache
) -> None:
    # 2015 is published for too few regions; 2014 is the last year with (almost) all of them.
    assert ev.default_year(store, cache) == 2014
    assert ev.available_years(store, cache) == list(range(2008, 2016))


def test_profile_of_central_transdanubia(store: StatsStore, cache: ev.EvidenceCache) -> None:
    profile = ev.region_profile(store, "HU21", cache=cache)
    assert (profile.name, profile.country, profile.year) == ("Közép-Dunántúl", "HU", 2014)
    spec = profile.block("specialisations").table.set_index("industry")
    assert spec.loc["C29", "lq"] == pytest.approx(5.0626, abs=1e-3)
    assert spec.loc["C29", "employment"] == 23607
    reading = profile.block("specialisations").readings[0].english()
    # C19 has a higher LQ but under 1 % of the jobs: the reading names motor vehicles.
    assert "motor vehicles" in reading
    assert "(C29): 5.1 times" in reading
    clusters = profile.block("clusters").table.set_index("cluster_name")
    assert clusters.loc["Automotive", "stars"] == 3
    assert bool(clusters.loc["Automotive", "strong"])
    figures = {f.key: f for f in profile.key_figures}
    # Sum of the SBS sections B-N without K (known cells) for 2014.
    assert figures["employment"].value == 277562
    assert figures["employment"].source.dataset == "sbs_r_nuts06_r2"
    assert figures["gdp"].value == 10160
    assert figures["gdp_pps_hab"].value == 16800
    assert (figures["rd_fte"].value, figures["rd_fte"].year) == (3653, 2018)
    assert dict(figures["employment"].trend)[2008] == 305174
    assert profile.block("peers").table["region"].iloc[0] == "HU22"
    assert profile.eci == pytest.approx(1.238, abs=1e-3)
    opportunities = profile.block("opportunities").table
    assert opportunities["rank"].tolist()[:3] == [1, 2, 3]
    assert set(opportunities["quadrant"]) <= {
        "low-hanging fruit",
        "long jump",
        "nearby, less complex",
        "low priority",
    }
    shift = profile.block("shift_share")
    totals = shift.table[["change", "national", "industry_mix", "competitive"]].sum()
    # The three components add up to the change (the identity of shift-share).
    assert totals["national"] + totals["industry_mix"] + totals["competitive"] == pytest.approx(
        totals["change"]
    )
    assert shift.sources[0].year == "2010-2014"
    indices = profile.block("indices").table.set_index("index")
    assert indices.loc["hoover", "value"] == pytest.approx(indices.loc["krugman", "value"] / 2)


def test_profile_is_cached_per_data_version(store: StatsStore, cache: ev.EvidenceCache) -> None:
    first = ev.region_profile(store, "HU21", 2014, cache=cache)
    misses = cache.misses
    again = ev.region_profile(store, "hu21", 2014, cache=cache)
    assert again is first
    assert cache.misses == misses  # nothing was computed again


def test_map_values_cover_every_region(store: StatsStore, cache: ev.EvidenceCache) -> None:
    lq = ev.map_values(store, "lq", 2, 2014, industry="C29", cache=cache)
    assert lq["HU21"] == pytest.approx(5.0626, abs=1e-3)
    assert len(lq) == 289
    stars = ev.map_values(store, "stars", 2, 2014, cluster="4", cache=cache)
    assert stars["HU21"] == 3
    assert stars["DE11"] == 4
    gdp = ev.map_values(store, "gdp_pps_hab", 2, 2014, cache=cache)
    assert gdp["HU21"] == 16800
    # R&D personnel exists for 2009 and 2018 only: the nearest year (2018) is shown.
    assert ev.map_values(store, "rd_fte", 2, 2014, cache=cache)["HU21"] == 3653
    country = ev.map_values(store, "employment", 0, 2014, cache=cache)
    assert country["HU"] > 2_000_000


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"indicator": "nope"}, "indicator"),
        ({"indicator": "stars"}, "cluster"),
        ({"indicator": "lq"}, "industry"),
        ({"indicator": "lq", "industry": "C29", "cluster": "4"}, "cluster"),
        ({"indicator": "lq", "industry": "C29'; DROP TABLE facts; --"}, "industry"),
        ({"indicator": "employment", "level": 3}, "level"),
    ],
    ids=["unknown", "stars-without-cluster", "lq-without-industry", "both", "injection", "level"],
)
def test_map_values_reject_bad_parameters(
    store: StatsStore, cache: ev.EvidenceCache, kwargs: dict[str, object], field: str
) -> None:
    args: dict[str, object] = {"level": 2, "year": 2014, **kwargs}
    with pytest.raises(InputError) as caught:
        ev.map_values(store, cache=cache, **args)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_cluster_and_industry_overviews(store: StatsStore, cache: ev.EvidenceCache) -> None:
    automotive = ev.cluster_overview(store, "4", 2014, cache=cache)
    assert automotive["name"] == "Automotive"
    assert automotive["ranking"]["region"].iloc[0] == "DE11"
    assert automotive["values"]["HU21"] == 3
    assert automotive["trend"]["year"].max() == 2014
    vehicles = ev.industry_overview(store, "C29", 2014, cache=cache)
    ranking = vehicles["ranking"].set_index("region")
    assert ranking.loc["HU21", "lq"] == pytest.approx(5.0626, abs=1e-3)
    assert "Vest (RO42)" in vehicles["readings"][0].english()
    with pytest.raises(NotFound):
        ev.cluster_overview(store, "999", 2014, cache=cache)


def test_compare_regions(store: StatsStore, cache: ev.EvidenceCache) -> None:
    compared = ev.compare_regions(store, ["HU21", "SK02", "hu21"], 2014, cache=cache)
    assert compared["figures"]["region"].tolist() == ["HU21", "SK02"]
    assert compared["figures"].set_index("region").loc["SK02", "employment"] > 400_000
    with pytest.raises(InputError):
        ev.compare_regions(store, ["HU21"], 2014, cache=cache)


def test_regions_list_filters(store: StatsStore, cache: ev.EvidenceCache) -> None:
    hungary = ev.regions_list(store, country="hu", cache=cache)
    assert hungary["code"].tolist() == [f"HU{c}" for c in (11, 12, 21, 22, 23, 31, 32, 33)]
    assert hungary["has_data"].all()
    assert ev.regions_list(store, query="dunántúl", cache=cache)["code"].tolist() == [
        "HU21",
        "HU22",
        "HU23",
    ]
    assert ev.regions_list(store, country="HU' OR '1'='1", cache=cache).empty


def test_unknown_region_is_not_found(store: StatsStore, cache: ev.EvidenceCache) -> None:
    with pytest.raises(NotFound):
        ev.region_profile(store, "XX99", cache=cache)


class _Versioned:
    """Stands in for a store: only the data version matters to the cache."""

    def __init__(self) -> None:
        self.version = "a"

    def data_version(self) -> str:
        return self.version


def test_cache_is_bounded_and_keyed_by_data_version() -> None:
    cache = ev.EvidenceCache(2, version_ttl=0.0)
    store = _Versioned()
    calls: list[int] = []

    def compute(n: int) -> int:
        calls.append(n)
        return n * 10

    fetch = cache.fetch
    assert fetch(store, "x", (1,), lambda: compute(1)) == 10  # type: ignore[arg-type]
    assert fetch(store, "x", (1,), lambda: compute(1)) == 10  # type: ignore[arg-type]
    assert calls == [1]
    fetch(store, "x", (2,), lambda: compute(2))  # type: ignore[arg-type]
    fetch(store, "x", (3,), lambda: compute(3))  # type: ignore[arg-type]
    assert len(cache) == 2
    fetch(store, "x", (1,), lambda: compute(1))  # type: ignore[arg-type]
    assert calls == [1, 2, 3, 1]  # the oldest entry was dropped
    store.version = "b"  # data reloaded: everything is computed again
    fetch(store, "x", (1,), lambda: compute(1))  # type: ignore[arg-type]
    assert calls == [1, 2, 3, 1, 1]


def test_open_store_without_data_is_none(tmp_path: Path) -> None:
    assert ev.open_store(tmp_path / "missing.duckdb") is None
