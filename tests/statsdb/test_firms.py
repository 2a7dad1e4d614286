"""Firm aggregation: a hand-checked DuckDB panel, the confidentiality rules, and Spark = DuckDB."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from polisee.errors import InputError
from polisee.sources.firms import FIRM_SCHEMA
from polisee.sources.synthetic import synthetic_firms
from polisee.statsdb.firms import (
    FirmAggregation,
    aggregate_cells,
    aggregate_firms,
    apply_confidentiality,
)


def _records(rows: list[tuple[str, str, str, int, float, float | None]]) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "firm_id": f,
                "region": r,
                "nace": n,
                "year": y,
                "employees": e,
                "turnover": t,
                "exports": None,
                "rd": None,
            }
            for f, r, n, y, e, t in rows
        ],
        schema=FIRM_SCHEMA,
    )


# HU21 x C10 in 2020: firms A, B, C, D; employees 10 + 5 + 3 + 2 = 20, largest 10 (50 %).
# Turnover reported by A, B, C only: 100.10 + 0.20 + 0.30 = 100.60, largest 100.10 (99.5 %).
# HU22 x C10 in 2020: firm E alone. HU21 x C29 in 2020: F and G, 4 + 4 = 8.
RECORDS = _records(
    [
        ("A", "HU211", "C1011", 2020, 10, 100.10),
        ("B", "HU212", "C1012", 2020, 5, 0.20),
        ("C", "HU211", "C1071", 2020, 3, 0.30),
        ("D", "HU213", "C1011", 2020, 2, None),
        ("E", "HU221", "C1011", 2020, 7, 7.0),
        ("F", "HU211", "C2910", 2020, 4, 1.0),
        ("G", "HU211", "C2932", 2020, 4, 1.0),
    ]
)


def test_engine_and_reader_name_the_same_measures() -> None:
    from polisee.sources.firms import FIRM_MEASURES as READ
    from polisee.statsdb.firms import FIRM_MEASURES as AGGREGATED

    assert READ == AGGREGATED
    assert FIRM_SCHEMA.names[4:] == list(AGGREGATED)


def test_cells_are_summed_by_hand() -> None:
    cells = aggregate_cells(RECORDS, FirmAggregation(region_level=2, nace_level="division"))
    assert cells[["region", "industry", "year"]].values.tolist() == [
        ["HU21", "C10", 2020],
        ["HU21", "C29", 2020],
        ["HU22", "C10", 2020],
    ]
    first = cells.iloc[0]
    assert (first["firms"], first["employees_sum"], first["employees_max"]) == (4, 20.0, 10.0)
    # Exact decimals: 100.10 + 0.20 + 0.30 is 100.6 exactly, not 100.60000000000001.
    assert (first["turnover_sum"], first["turnover_n"]) == (100.6, 3)
    assert cells["firms"].dtype == "int64"
    assert cells["employees_sum"].dtype == "float64"


def test_group_and_section_levels() -> None:
    by_group = aggregate_cells(RECORDS, FirmAggregation(region_level=1, nace_level="group"))
    assert set(by_group["industry"]) == {"C101", "C107", "C291", "C293"}
    assert set(by_group["region"]) == {"HU2"}
    by_section = aggregate_cells(RECORDS, FirmAggregation(region_level=0, nace_level="section"))
    assert by_section[["region", "industry", "firms"]].values.tolist() == [["HU", "C", 7]]


def _published(spec: FirmAggregation) -> dict[tuple[str, str, str], tuple[float, str]]:
    out = aggregate_firms(RECORDS, spec)
    return {
        (r.measure, r.region, r.industry): (r.value, r.flag) for r in out.itertuples(index=False)
    }


def test_confidentiality_rules() -> None:
    out = _published(FirmAggregation(min_firms=3, dominance=0.85))
    # Firm counts are always published.
    assert out["FIRM_COUNT", "HU22", "C10"] == (1.0, "")
    # 4 firms, largest 50 %: published.
    assert out["FIRM_EMPLOYEES", "HU21", "C10"] == (20.0, "")
    # 3 reporting firms but the largest holds 99.5 % > 85 %: suppressed by dominance.
    value, flag = out["FIRM_TURNOVER", "HU21", "C10"]
    assert math.isnan(value)
    assert flag == "c"
    # 1 firm < 3 and 2 firms < 3: suppressed.
    assert out["FIRM_EMPLOYEES", "HU22", "C10"][1] == "c"
    assert out["FIRM_EMPLOYEES", "HU21", "C29"][1] == "c"
    # No cell for a measure nobody reported (exports).
    assert not [key for key in out if key[0] == "FIRM_EXPORTS"]


def test_partial_sums_are_flagged() -> None:
    out = _published(FirmAggregation(min_firms=2, dominance=1.0))
    assert out["FIRM_TURNOVER", "HU21", "C10"] == (100.6, "i")


def test_duplicate_firm_year_is_refused() -> None:
    doubled = pa.concat_tables([RECORDS, RECORDS.slice(1, 1)])
    with pytest.raises(InputError, match="firm B has more than one row for 2020"):
        aggregate_cells(doubled, FirmAggregation())


def test_coarse_region_codes_are_refused() -> None:
    coarse = _records([("A", "HU2", "C1011", 2020, 1, None)])
    with pytest.raises(InputError, match=r"region HU2 .* is at NUTS level 1"):
        aggregate_cells(coarse, FirmAggregation(region_level=2))


@pytest.mark.parametrize(
    "kwargs",
    [{"region_level": 4}, {"nace_level": "sector"}, {"min_firms": 0}, {"dominance": 0.0}],
    ids=["level", "nace", "min-firms", "dominance"],
)
def test_bad_specifications_are_input_errors(kwargs: dict[str, object]) -> None:
    with pytest.raises(InputError):
        FirmAggregation(**kwargs)  # type: ignore[arg-type]


def test_parquet_path_equals_in_memory_table(tmp_path: Path) -> None:
    path = tmp_path / "firms.parquet"
    pq.write_table(RECORDS, path)
    spec = FirmAggregation()
    pd.testing.assert_frame_equal(aggregate_firms(path, spec), aggregate_firms(RECORDS, spec))


def test_confidentiality_never_publishes_a_dominated_or_thin_cell() -> None:
    table = synthetic_firms(600, regions=_REGIONS, classes=_CLASSES, years=[2020, 2021], seed=3)
    spec = FirmAggregation(region_level=3, nace_level="class", min_firms=3, dominance=0.6)
    cells = aggregate_cells(table, spec)
    out = apply_confidentiality(cells, spec)
    merged = out[out["measure"] == "FIRM_EMPLOYEES"].merge(cells, on=["region", "industry", "year"])
    published = merged[merged["value"].notna()]
    assert len(published)
    assert (merged["flag"] == "c").any()
    assert (published["employees_n"] >= 3).all()
    assert (published["employees_max"] <= 0.6 * published["employees_sum"]).all()


_REGIONS = [
    "HU110",
    "HU120",
    "HU211",
    "HU212",
    "HU213",
    "HU221",
    "HU222",
    "HU223",
    "AT111",
    "AT130",
    "AT221",
    "SK010",
]
_CLASSES = [
    "C1011",
    "C1012",
    "C1013",
    "C1071",
    "C2910",
    "C2920",
    "C2932",
    "J6201",
    "J6202",
    "M7211",
    "M7219",
    "G4711",
]


@pytest.mark.slow
def test_spark_and_duckdb_give_identical_panels(tmp_path: Path) -> None:
    """Spark in local mode and DuckDB on the same generated firms: equal to the last bit."""
    from polisee.statsdb.spark import spark_session

    path = tmp_path / "firms.parquet"
    pq.write_table(
        synthetic_firms(1500, regions=_REGIONS, classes=_CLASSES, years=[2019, 2020, 2021], seed=7),
        path,
    )
    spark = spark_session("local[1]", conf={"spark.sql.shuffle.partitions": "2"})
    try:
        for spec in (
            FirmAggregation(region_level=2, nace_level="division"),
            FirmAggregation(region_level=3, nace_level="class", min_firms=2, dominance=0.7),
        ):
            duck = aggregate_cells(path, spec)
            spark_cells = aggregate_cells(path, spec, engine="spark", spark=spark)
            pd.testing.assert_frame_equal(spark_cells, duck, check_exact=True)
            published = apply_confidentiality(duck, spec)
            assert (published["flag"] == "c").any()
            pd.testing.assert_frame_equal(
                aggregate_firms(path, spec, engine="spark", spark=spark),
                published,
                check_exact=True,
            )
        doubled = tmp_path / "doubled.parquet"
        table = pq.read_table(path)
        pq.write_table(pa.concat_tables([table, table.slice(5, 1)]), doubled)
        with pytest.raises(InputError, match="more than one row"):
            aggregate_cells(doubled, FirmAggregation(), engine="spark", spark=spark)
    finally:
        spark.stop()
