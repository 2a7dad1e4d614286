"""KPI arithmetic (share of the way travelled, direction, expected share, status), computed
KPIs on a small store whose data is reloaded, and on the real demo data for HU21."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.services.test_evidence import demo_stats_path

from polisee.config import default_data_dir
from polisee.errors import InputError
from polisee.services import plans as pl
from polisee.services.data import load_statistics
from polisee.services.evidence import EvidenceCache
from polisee.statsdb import StatsStore

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "eurostat"
DATA = default_data_dir()


@pytest.mark.parametrize(
    ("baseline", "latest", "target", "share", "way"),
    [
        (100.0, 130.0, 200.0, 0.3, "increase"),  # 30 of the 100 to travel
        (10.0, 7.0, 4.0, 0.5, "decrease"),  # 3 of the 6 to travel
        (10.0, 12.0, 4.0, -2 / 6, "decrease"),  # 2 the wrong way
        (5.0, 9.0, 8.0, 4 / 3, "increase"),  # beyond the target
        (3.0, 3.5, 3.0, 1.0, "maintain"),  # keep the level: at least 3
        (3.0, 2.5, 3.0, 0.0, "maintain"),
    ],
    ids=["increase", "decrease", "wrong-way", "beyond", "keep-met", "keep-missed"],
)
def test_share_of_the_way_and_direction(
    baseline: float, latest: float, target: float, share: float, way: str
) -> None:
    assert pl.progress_share(baseline, latest, target) == pytest.approx(share)
    assert pl.direction(baseline, target) == way


@pytest.mark.parametrize(
    ("latest", "at", "status", "expected"),
    [
        (130.0, 2024.0, "behind", 0.4),  # 0.3 travelled, 4 of 10 years passed
        (150.0, 2024.0, "on_track", 0.4),  # 0.5 travelled
        (200.0, 2022.0, "achieved", 0.2),  # the target, early
        (90.0, 2021.0, "behind", 0.1),  # the wrong way
        (None, None, "no_data", None),
    ],
    ids=["behind", "on-track", "achieved", "wrong-way", "no-value"],
)
def test_status_against_a_straight_path(
    latest: float | None, at: float | None, status: str, expected: float | None
) -> None:
    found = pl.progress(100.0, latest, 200.0, start=2020, end=2030, at=at)
    assert found.status == status
    assert found.expected == (None if expected is None else pytest.approx(expected))
    assert 0.0 <= found.bar_share <= 1.0


@given(
    baseline=st.floats(-1e6, 1e6, allow_nan=False),
    gap=st.floats(0.001, 1e6, allow_nan=False),
    sign=st.sampled_from([1.0, -1.0]),
)
def test_baseline_is_zero_and_target_is_one_whichever_the_direction(
    baseline: float, gap: float, sign: float
) -> None:
    target = baseline + sign * gap
    assert pl.progress_share(baseline, baseline, target) == 0.0
    assert pl.progress_share(baseline, target, target) == pytest.approx(1.0)


def _gdp_file(tmp_path: Path, value_2014: str) -> Path:
    path = tmp_path / "gdp.tsv"
    path.write_text((FIXTURES / "gdp_small.tsv").read_text().replace("10000.5 ", f"{value_2014} "))
    return path


@pytest.mark.skipif(not (DATA / "nuts").is_dir(), reason="shared classifications not present")
def test_computed_values_follow_new_data(tmp_path: Path) -> None:
    store = StatsStore(None)
    with store.transaction():
        load_statistics(store, _gdp_file(tmp_path, "10000.5"), data_dir=DATA, dataset="gdp")
    cache = EvidenceCache(8)
    source = pl.KpiSource(indicator_key="figure", measure="MIO_EUR", region="HU21")
    assert pl.computed_series(store, source, cache=cache) == [(2013, 9800.1), (2014, 10000.5)]
    assert cache.misses == 1
    assert pl.computed_series(store, source, cache=cache)[-1] == (2014, 10000.5)
    assert cache.hits == 1
    # A new load changes the store's data version: the KPI is computed again.
    with store.transaction():
        load_statistics(store, _gdp_file(tmp_path, "11000"), data_dir=DATA, dataset="gdp")
    cache.version_ttl = 0
    assert pl.computed_series(store, source, cache=cache)[-1] == (2014, 11000.0)
    assert cache.misses == 2
    with pytest.raises(InputError) as raised:
        pl.computed_series(
            store, pl.KpiSource("figure", "MIO_EUR", "HU21", column="nope"), cache=cache
        )
    assert raised.value.field == "value_column"
    assert pl.computed_series(store, pl.KpiSource("figure", "MIO_EUR", "AT31"), cache=cache) == []
    store.close()


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StatsStore]:
    opened = StatsStore(demo_stats_path(tmp_path_factory), read_only=True)
    yield opened
    opened.close()


@pytest.mark.slow
def test_computed_kpis_of_central_transdanubia(demo_store: StatsStore) -> None:
    cache = EvidenceCache(16)
    # Persons employed in the Automotive cluster (US CMP code 4 = NACE C29 by division), SBS.
    cars = dict(
        pl.computed_series(
            demo_store,
            pl.KpiSource("stars", "V16110", "HU21", cluster="4", column="employment"),
            cache=cache,
        )
    )
    assert (cars[2014], cars[2015]) == (23607.0, 25188.0)
    # The location quotient of C29, the same 5.06 the region profile shows for 2014.
    lq = dict(
        pl.computed_series(
            demo_store, pl.KpiSource("lq", "V16110", "HU21", industry="C29"), cache=cache
        )
    )
    assert lq[2014] == pytest.approx(5.0626, abs=1e-3)
    # R&D personnel (FTE), only published for 2009 and 2018.
    rd = pl.computed_series(demo_store, pl.KpiSource("figure", "FTE", "HU21"), cache=cache)
    assert rd == [(2009, 1626.0), (2018, 3653.0)]
    # 1,626 -> 3,653 of the way to 4,000 by 2028: (3653 - 1626) / (4000 - 1626) = 0.854;
    # 9 of the 19 years from 2009 to 2028 passed by 2018: expected 0.474, so on track.
    found = pl.progress(1626.0, 3653.0, 4000.0, start=2009, end=2028, at=2018)
    assert found.share == pytest.approx(2027 / 2374)
    assert found.expected == pytest.approx(9 / 19)
    assert found.status == "on_track"
