from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from polisee.errors import Conflict, InputError, NotFound
from polisee.statsdb import StatsStore


def _facts(
    values: dict[tuple[str, str, int], float | None], measure: str = "V16110"
) -> pd.DataFrame:
    rows = [
        {
            "dataset": "sbs",
            "measure": measure,
            "region": r,
            "industry": i,
            "year": y,
            "value": math.nan if v is None else v,
            "flag": "c" if v is None else "",
        }
        for (r, i, y), v in values.items()
    ]
    return pd.DataFrame(rows)


REGIONS = pd.DataFrame(
    {
        "code": ["HU", "HU2", "HU21", "HU22", "HUZZ"],
        "level": [0, 1, 2, 2, 2],
        "parent": ["", "HU", "HU2", "HU2", "HUZ"],
        "country": ["HU"] * 5,
        "name": ["Magyarország", "Dunántúl", "Közép-Dunántúl", "Nyugat-Dunántúl", "Extra-Regio"],
        "name_latin": [
            "Magyarország",
            "Dunántúl",
            "Közép-Dunántúl",
            "Nyugat-Dunántúl",
            "Extra-Regio",
        ],
        "nuts_version": [2021] * 5,
        "extra_regio": [False, False, False, False, True],
    }
)
INDUSTRIES = pd.DataFrame(
    {
        "code": ["C", "C10", "C29"],
        "level": [1, 2, 2],
        "parent": ["", "C", "C"],
        "section": ["C", "C", "C"],
        "title": ["Manufacturing", "Food", "Motor vehicles"],
    }
)
VALUES: dict[tuple[str, str, int], float | None] = {
    ("HU21", "C", 2014): 100.0,
    ("HU21", "C10", 2014): 10.0,
    ("HU21", "C29", 2014): 30.0,
    ("HU22", "C10", 2014): 20.0,
    ("HU22", "C29", 2014): None,  # confidential
    ("HUZZ", "C10", 2014): 1.0,
    ("HU", "C10", 2014): 31.0,
}


@pytest.fixture
def store() -> StatsStore:
    s = StatsStore(None)
    with s.transaction():
        s.replace_regions(REGIONS)
        s.replace_industries(INDUSTRIES)
        s.replace_facts("sbs", _facts(VALUES))
        s.upsert_dataset("sbs", source="fixture", sha256="0", summary={"rows": len(VALUES)})
    return s


def test_panel_filters_level_industry_level_and_extra_regio(store: StatsStore) -> None:
    panel = store.panel("V16110", level=2, industry_level="division", years=(2014, 2014))
    m = panel.to_matrix(2014)
    assert list(m.index) == ["HU21", "HU22"]  # HU (level 0) and extra-regio HUZZ left out
    assert list(m.columns) == ["C10", "C29"]  # section C left out
    assert m.loc["HU21", "C29"] == 30.0
    assert math.isnan(m.loc["HU22", "C29"])  # confidential stays missing
    assert panel.data.loc[("HU22", "C29", 2014), "flag"] == "c"
    assert panel.meta["dataset"] == "sbs"


def test_writes_outside_a_transaction_are_refused(store: StatsStore) -> None:
    with pytest.raises(Conflict):
        store.replace_facts("sbs", _facts(VALUES))


def test_failed_load_leaves_store_unchanged(store: StatsStore) -> None:
    before = store.checksum()
    bad = pd.concat([_facts(VALUES), _facts({("HU21", "C10", 2014): 11.0})])
    with (
        pytest.raises(
            InputError, match="duplicate fact measure V16110, region HU21, industry C10, year 2014"
        ),
        store.transaction(),
    ):
        store.replace_facts("sbs", bad)
    assert store.checksum() == before
    with pytest.raises(RuntimeError), store.transaction():
        store.replace_facts("sbs", _facts({("HU21", "C10", 2015): 1.0}))
        raise RuntimeError("crash in the middle of a load")
    assert store.checksum() == before


def test_reloading_replaces_instead_of_duplicating(store: StatsStore) -> None:
    version = store.data_version()
    with store.transaction():
        store.replace_facts("sbs", _facts(VALUES))
        store.upsert_dataset("sbs", source="fixture", sha256="0", summary={})
    listing = store.datasets()
    assert listing.loc[0, "rows"] == len(VALUES)
    assert listing.loc[0, "version"] == 2
    assert store.data_version() != version


def test_unknown_measure_and_dataset_are_named(store: StatsStore) -> None:
    with pytest.raises(NotFound, match="V99999"):
        store.panel("V99999")
    with pytest.raises(NotFound, match="'nope' is not loaded \\(loaded: sbs\\)"):
        store.dataset("nope")


def test_measure_in_two_datasets_must_be_named(store: StatsStore) -> None:
    with store.transaction():
        store.replace_facts("other", _facts({("HU21", "C10", 2014): 5.0}))
        store.upsert_dataset("other", source="x", sha256="1", summary={})
    with pytest.raises(InputError, match="several datasets \\(other, sbs\\)"):
        store.panel("V16110")
    assert store.panel("V16110", dataset="other").values.iloc[0] == 5.0


def test_store_persists_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "stats.duckdb"
    with StatsStore(path) as s, s.transaction():
        s.replace_regions(REGIONS)
        s.replace_facts("sbs", _facts(VALUES))
        s.upsert_dataset("sbs", source="fixture", sha256="0", summary={})
    with StatsStore(path, read_only=True) as s:
        assert int(s.datasets().loc[0, "values_present"]) == len(VALUES) - 1
    with pytest.raises(NotFound, match="load data first"):
        StatsStore(tmp_path / "absent.duckdb", read_only=True)
