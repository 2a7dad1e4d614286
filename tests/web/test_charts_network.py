"""The collaboration network chart specs, built without a browser, and the translations of
the partner vocabularies shown through labels."""

from __future__ import annotations

import json

import pytest
from babel.messages.pofile import read_po

from polisee.errors import InputError
from polisee.services import partners as pt
from polisee.services.partners import REQUEST_TEXTS, SEARCH_MATCH_TEXT
from polisee.web import charts
from polisee.web.i18n import LOCALES_DIR, translations
from polisee.web.routes import _partners_common as common

NODES = [
    {
        "id": 1,
        "name": "Alpha",
        "country": "HU",
        "links": 3,
        "international_links": 2,
        "betweenness": 0.5,
    },
    {
        "id": 2,
        "name": "Beta",
        "country": "AT",
        "links": 1,
        "international_links": 1,
        "betweenness": 0.0,
    },
    {
        "id": 3,
        "name": "Gamma",
        "country": "HU",
        "links": 1,
        "international_links": 0,
        "betweenness": 0.0,
    },
    {
        "id": 4,
        "name": "Delta",
        "country": "SI",
        "links": 1,
        "international_links": 1,
        "betweenness": 0.0,
    },
    {
        "id": 5,
        "name": "Lonely",
        "country": "AL",
        "links": 0,
        "international_links": 0,
        "betweenness": 0.0,
    },
]
EDGES = [
    {
        "source": 1,
        "target": 2,
        "collaborations": 2,
        "international": True,
        "bridge": True,
        "kinds": ["MoU"],
    },
    {
        "source": 1,
        "target": 3,
        "collaborations": 1,
        "international": False,
        "bridge": True,
        "kinds": ["Joint project"],
    },
    {
        "source": 1,
        "target": 4,
        "collaborations": 9,
        "international": True,
        "bridge": False,
        "kinds": ["Consortium"],
    },
]


def test_graph_is_a_force_layout_coloured_by_country() -> None:
    spec = charts.collaboration_graph(NODES, EDGES, title="Network", locale="hu")
    json.dumps(spec)  # data only
    [series] = spec["series"]
    assert (series["type"], series["layout"]) == ("graph", "force")
    countries = [c["name"] for c in series["categories"]]
    assert countries == ["AL", "AT", "HU", "SI"]
    assert spec["legend"]["data"] == countries
    colours = {c["name"]: c["itemStyle"]["color"] for c in series["categories"]}
    assert len(set(colours.values())) == 4
    by_name = {n["name"]: n for n in series["data"]}
    assert by_name["Alpha"]["category"] == countries.index("HU")
    # Size grows with links: 8 + 5 * sqrt(links); names shown from three links on.
    assert by_name["Alpha"]["symbolSize"] == pytest.approx(8 + 5 * 3**0.5, abs=0.05)
    assert by_name["Lonely"]["symbolSize"] == 8
    assert by_name["Alpha"]["label"]["show"] is True
    assert by_name["Beta"]["label"]["show"] is False
    assert by_name["Alpha"]["rows"][3] == ["Betweenness", "0,500"]
    links = {(link["source"], link["target"]): link for link in series["links"]}
    assert links[("1", "2")]["lineStyle"]["type"] == "dashed"
    assert links[("1", "4")]["lineStyle"]["type"] == "solid"
    # Width grows with the count of collaborations, capped.
    assert links[("1", "4")]["lineStyle"]["width"] == 5
    assert links[("1", "3")]["lineStyle"]["color"] != links[("1", "2")]["lineStyle"]["color"]
    assert spec["tooltip"]["formatter"] == "polisee:item"


def test_graph_refuses_unknown_nodes_and_too_many_countries() -> None:
    with pytest.raises(InputError):
        charts.collaboration_graph(NODES, [{**EDGES[0], "target": 99}], title="x")
    many = [
        {**NODES[0], "id": i, "country": f"C{i:02d}"} for i in range(len(charts.COUNTRY_COLORS) + 1)
    ]
    with pytest.raises(InputError):
        charts.collaboration_graph(many, [], title="x")


def test_links_by_year_bars() -> None:
    spec = charts.links_by_year([(2020, 2), (2021, 0), (2022, 3)], title="Links", label="links")
    assert spec["xAxis"]["data"] == ["2020", "2021", "2022"]
    assert [p["value"] for p in spec["series"][0]["data"]] == [2, 0, 3]
    assert spec["yAxis"]["minInterval"] == 1


def _labels() -> list[str]:
    tables = (
        common.COOPERATION_LABELS,
        common.ROLE_LABELS,
        common.PART_LABELS,
        common.STATUS_LABELS,
        common.VISIBILITY_LABELS,
        common.COLLABORATION_LABELS,
        pt.LANGUAGES,
    )
    return [
        *(label for table in tables for label in table.values()),
        *REQUEST_TEXTS.values(),
        SEARCH_MATCH_TEXT,
    ]


def test_every_partner_label_and_notification_is_translated() -> None:
    hungarian = translations("hu")
    missing = [label for label in _labels() if hungarian.gettext(label) == label]
    assert not missing
    with (LOCALES_DIR / "en" / "LC_MESSAGES" / "partners.po").open("rb") as handle:
        english = {m.id for m in read_po(handle) if m.id}
    assert "Needs and offers" in english
