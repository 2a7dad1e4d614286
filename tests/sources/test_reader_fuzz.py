"""Fuzzing of the readers the other test modules do not fuzz yet: GISCO GeoJSON, the
classification CSVs (NUTS, NACE) and user cluster categories (CSV, YAML).

Each reader, given damaged or random input, may only raise InputError or NotFound: any
other exception is a crash. Crashes found here are kept as named regression cases. The
budgets are fixed (``max_examples``) so that CI runs them in bounded time; the Eurostat
TSV, SDMX, tabular and firm readers are fuzzed in their own modules.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polisee.config import default_data_dir
from polisee.errors import InputError, NotFound
from polisee.sources import gisco
from polisee.sources.classifications import load_cluster_categories_file, load_nace, load_nuts

DATA = default_data_dir()
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "classifications"
needs_data = pytest.mark.skipif(not (DATA / "nace").exists(), reason="shared data not present")
BUDGET = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
EXPECTED = (InputError, NotFound)


def _fresh(tmp_path: Path) -> Path:
    # Loaders cache per resolved path: every example gets a directory of its own.
    return Path(tempfile.mkdtemp(dir=tmp_path))


def _mutate(text: str, position: int, insert: str, cut: int) -> str:
    position = min(position, len(text))
    return text[:position] + insert + text[position + cut :]


MUTATIONS = {
    "position": st.integers(min_value=0, max_value=4000),
    "insert": st.text(
        alphabet=st.sampled_from(list(',;\n\r"{}[]:-.0123456789eZ\xe9\t\x00')), max_size=5
    ),
    "cut": st.integers(min_value=0, max_value=6),
}

# -- GISCO boundaries and label points ----------------------------------------------------

FEATURES = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {
                "NUTS_ID": "HU21",
                "LEVL_CODE": 2,
                "CNTR_CODE": "HU",
                "NAME_LATN": "Közép-Dunántúl",
            },
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[17, 47], [18, 47], [18, 48], [17, 47]]],
            },
        },
        {
            "type": "Feature",
            "properties": {
                "NUTS_ID": "HU22",
                "LEVL_CODE": 2,
                "CNTR_CODE": "HU",
                "NUTS_NAME": "Nyugat",
            },
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [[[[16, 47], [17, 47], [17, 48], [16, 47]]]],
            },
        },
    ],
}
LABELS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"NUTS_ID": "HU21", "LEVL_CODE": 2},
            "geometry": {"type": "Point", "coordinates": [17.5, 47.3]},
        }
    ],
}


def _geo_dir(tmp_path: Path, name: str, payload: bytes) -> Path:
    root = _fresh(tmp_path)
    (root / "nuts_geo").mkdir()
    (root / "nuts_geo" / name).write_bytes(payload)
    return root


def test_gisco_fixture_reads() -> None:
    root = Path(tempfile.mkdtemp())
    try:
        (root / "nuts_geo").mkdir()
        (root / "nuts_geo" / "NUTS_RG_60M_2021_4326_LEVL_2.geojson.gz").write_bytes(
            gzip.compress(json.dumps(FEATURES).encode())
        )
        collection = gisco.load_boundaries(root, level=2)
        assert [f["properties"]["code"] for f in collection["features"]] == ["HU21", "HU22"]
    finally:
        shutil.rmtree(root)


@BUDGET
@given(**MUTATIONS)
def test_mutated_geojson_only_raises_input_error(
    tmp_path: Path, position: int, insert: str, cut: int
) -> None:
    text = _mutate(json.dumps(FEATURES), position, insert, cut)
    root = _geo_dir(
        tmp_path, "NUTS_RG_60M_2021_4326_LEVL_2.geojson.gz", gzip.compress(text.encode())
    )
    with contextlib.suppress(EXPECTED):
        gisco.load_boundaries(root, level=2)


@BUDGET
@given(
    doc=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "type",
                        "features",
                        "properties",
                        "geometry",
                        "coordinates",
                        "NUTS_ID",
                        "LEVL_CODE",
                    ]
                ),
                children,
                max_size=5,
            )
        ),
        max_leaves=25,
    )
)
def test_arbitrary_json_only_raises_input_error(tmp_path: Path, doc: object) -> None:
    payload = gzip.compress(json.dumps(doc).encode())
    for name, read in (
        (
            "NUTS_RG_60M_2021_4326_LEVL_2.geojson.gz",
            lambda root: gisco.load_boundaries(root, level=2),
        ),
        ("NUTS_LB_2021_4326.geojson.gz", lambda root: gisco.label_points(root)),
    ):
        with contextlib.suppress(EXPECTED):
            read(_geo_dir(tmp_path, name, payload))


@BUDGET
@given(data=st.binary(max_size=300))
def test_random_bytes_geojson_only_raise_input_error(tmp_path: Path, data: bytes) -> None:
    with contextlib.suppress(EXPECTED):
        gisco.label_points(_geo_dir(tmp_path, "NUTS_LB_2021_4326.geojson.gz", data))


# -- classification files ------------------------------------------------------------------

NUTS_2021 = (FIXTURES / "nuts" / "nuts_2021.csv").read_text()


@pytest.mark.parametrize(
    ("old", "new"),
    [(",2,", ",2,extra,"), (",2,", ",XKZ,"), (",2,", ",,")],
    ids=["extra-field", "level-not-a-number", "level-empty"],
)
def test_nuts_list_regressions_found_by_fuzzing(tmp_path: Path, old: str, new: str) -> None:
    # pandas' ParserError, ValueError and IntCastingNaNError escaped load_nuts.
    root = _fresh(tmp_path)
    (root / "nuts").mkdir()
    assert old in NUTS_2021
    (root / "nuts" / "nuts_2021.csv").write_text(NUTS_2021.replace(old, new, 1))
    with pytest.raises(InputError) as err:
        load_nuts(root, 2021)
    assert err.value.line is not None


@BUDGET
@given(**MUTATIONS)
def test_mutated_nuts_list_only_raises_input_error(
    tmp_path: Path, position: int, insert: str, cut: int
) -> None:
    root = _fresh(tmp_path)
    (root / "nuts").mkdir()
    (root / "nuts" / "nuts_2021.csv").write_text(_mutate(NUTS_2021, position, insert, cut))
    with contextlib.suppress(EXPECTED):
        load_nuts(root, 2021)


@needs_data
@BUDGET
@given(**MUTATIONS)
def test_mutated_nace_only_raises_input_error(
    tmp_path: Path, position: int, insert: str, cut: int
) -> None:
    root = _fresh(tmp_path)
    (root / "nace").mkdir()
    head = "".join((DATA / "nace" / "nace_rev2.csv").read_text().splitlines(keepends=True)[:40])
    (root / "nace" / "nace_rev2.csv").write_text(_mutate(head, position, insert, cut))
    shutil.copy(DATA / "nace" / "nace_rev2_titles_26lang.csv.gz", root / "nace")
    with contextlib.suppress(EXPECTED):
        load_nace(root)


# -- user cluster categories -----------------------------------------------------------------

CLUSTERS_CSV = "cluster,industry\nFood,C10\nFood,10.11\nAutomotive,C29-C30\nICT,J62_J63\n"
CLUSTERS_YAML = "Food: [C10, '10.11']\nAutomotive:\n  - C29\n  - C30\n"


@pytest.fixture(scope="module")
def nace() -> pd.DataFrame:
    if not (DATA / "nace").exists():
        pytest.skip("shared data not present")
    return load_nace(DATA)


@BUDGET
@given(**MUTATIONS, suffix=st.sampled_from([".csv", ".yaml"]))
def test_mutated_cluster_files_only_raise_input_error(
    tmp_path: Path, nace: pd.DataFrame, position: int, insert: str, cut: int, suffix: str
) -> None:
    text = CLUSTERS_CSV if suffix == ".csv" else CLUSTERS_YAML
    path = _fresh(tmp_path) / f"clusters{suffix}"
    path.write_text(_mutate(text, position, insert, cut))
    try:
        frame = load_cluster_categories_file(path, nace)
    except EXPECTED:
        return
    assert list(frame.columns) == ["cluster_code", "cluster", "industry", "weight"]


@BUDGET
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".yaml", ".yml"]))
def test_random_bytes_cluster_files_only_raise_input_error(
    tmp_path: Path, nace: pd.DataFrame, data: bytes, suffix: str
) -> None:
    path = _fresh(tmp_path) / f"clusters{suffix}"
    path.write_bytes(data)
    with contextlib.suppress(EXPECTED):
        load_cluster_categories_file(path, nace)
