"""ECharts options of the collaboration network: a force-directed graph coloured by country,
and the international links of a region per year."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from polisee.errors import InputError
from polisee.web.charts._colours import SERIES_COLORS
from polisee.web.charts._echarts import _base, _clean, _tooltip, _value_axis
from polisee.web.charts._numbers import format_number

__all__ = ["COUNTRY_COLORS", "collaboration_graph", "links_by_year"]

#: Okabe-Ito first, then Paul Tol's muted colours: up to 14 countries stay apart.
COUNTRY_COLORS = [
    *SERIES_COLORS[:6],
    "#882255",
    "#44AA99",
    "#999933",
    "#332288",
    "#AA4499",
    "#117733",
    "#661100",
    "#888888",
]


def collaboration_graph(
    nodes: Sequence[Mapping[str, Any]],
    edges: Sequence[Mapping[str, Any]],
    *,
    title: str,
    labels: Mapping[str, str] | None = None,
    locale: str = "en",
) -> dict[str, Any]:
    """A force-directed graph of organisations (nodes) and collaborations (links).

    Parameters
    ----------
    nodes : sequence of mappings
        ``id``, ``name``, ``country``, ``links`` (degree), ``international_links``,
        ``betweenness`` (0..1).
    edges : sequence of mappings
        ``source``, ``target`` (node ids), ``collaborations`` (count), ``international``
        and ``bridge`` (booleans), ``kinds`` (translated names, joined for the tooltip).
    title : str
        Chart title.
    labels : mapping, optional
        Tooltip labels (translated by the caller): ``country``, ``links``,
        ``international``, ``betweenness``, ``collaborations``, ``bridge``, ``yes``.
    locale : str
        Number formatting.

    Returns
    -------
    dict
        An ECharts option with one ``graph`` series in the ``force`` layout; one category
        (legend entry, colour) per country; node size grows with the number of links;
        bridges are dashed and international links darker. Names are shown on nodes with
        three links or more, every node's name is in its tooltip.

    Examples
    --------
    >>> spec = collaboration_graph(
    ...     [{"id": 1, "name": "A", "country": "HU", "links": 1, "international_links": 1,
    ...       "betweenness": 0.0},
    ...      {"id": 2, "name": "B", "country": "AT", "links": 1, "international_links": 1,
    ...       "betweenness": 0.0}],
    ...     [{"source": 1, "target": 2, "collaborations": 2, "international": True,
    ...       "bridge": True, "kinds": ["MoU"]}],
    ...     title="Network")
    >>> series = spec["series"][0]
    >>> series["type"], series["layout"], [c["name"] for c in series["categories"]]
    ('graph', 'force', ['AT', 'HU'])
    >>> [n["category"] for n in series["data"]], series["links"][0]["lineStyle"]["type"]
    ([1, 0], 'dashed')
    """
    text = {
        "country": "Country",
        "links": "Links",
        "international": "International links",
        "betweenness": "Betweenness",
        "collaborations": "Collaborations",
        "bridge": "Bridge",
        "yes": "yes",
        **(labels or {}),
    }
    countries = sorted({str(n["country"]) for n in nodes})
    if len(countries) > len(COUNTRY_COLORS):
        raise InputError(
            f"expected at most {len(COUNTRY_COLORS)} countries, got {len(countries)}",
            field="country",
        )
    category = {c: i for i, c in enumerate(countries)}
    ids = {str(n["id"]) for n in nodes}
    names = {str(n["id"]): str(n["name"]) for n in nodes}
    data = []
    for n in nodes:
        links = int(n["links"])
        data.append(
            {
                "id": str(n["id"]),
                "name": str(n["name"]),
                "category": category[str(n["country"])],
                "value": links,
                "symbolSize": round(8 + 5 * math.sqrt(links), 1),
                "label": {"show": links >= 3},
                "heading": str(n["name"]),
                "rows": [
                    [text["country"], str(n["country"])],
                    [text["links"], str(links)],
                    [text["international"], str(int(n["international_links"]))],
                    [
                        text["betweenness"],
                        format_number(float(n["betweenness"]), "", locale, decimals=3),
                    ],
                ],
            }
        )
    links_out = []
    for e in edges:
        source, target = str(e["source"]), str(e["target"])
        if source not in ids or target not in ids:
            raise InputError(
                f"expected links between known nodes, got {source}-{target}", field="edges"
            )
        count = int(e["collaborations"])
        rows = [
            [text["collaborations"], f"{count} ({', '.join(e.get('kinds', []))})"],
        ]
        if e.get("bridge"):
            rows.append([text["bridge"], text["yes"]])
        links_out.append(
            {
                "source": source,
                "target": target,
                "value": count,
                "heading": f"{names[source]} – {names[target]}",
                "rows": rows,
                "lineStyle": {
                    "width": 1 + min(count, 4),
                    "type": "dashed" if e.get("bridge") else "solid",
                    "color": "#52606d" if e.get("international") else "#bcccdc",
                    "opacity": 0.9,
                },
            }
        )
    spec = _base(title)
    spec.update(
        {
            "color": COUNTRY_COLORS[: len(countries)],
            "tooltip": _tooltip("item"),
            "legend": {"data": countries, "bottom": 4, "type": "scroll"},
            "series": [
                {
                    "type": "graph",
                    "layout": "force",
                    "roam": True,
                    "draggable": True,
                    "categories": [
                        {"name": c, "itemStyle": {"color": COUNTRY_COLORS[i]}}
                        for i, c in enumerate(countries)
                    ],
                    "data": data,
                    "links": links_out,
                    "force": {
                        "repulsion": 160,
                        "gravity": 0.08,
                        "edgeLength": [40, 140],
                        "layoutAnimation": True,
                    },
                    "label": {"position": "right", "fontSize": 11, "color": "#323f4b"},
                    "emphasis": {"focus": "adjacency", "lineStyle": {"width": 4}},
                    "top": 48,
                    "bottom": 40,
                }
            ],
        }
    )
    return _clean(spec)


def links_by_year(
    series: Sequence[tuple[int, int]], *, title: str, label: str, locale: str = "en"
) -> dict[str, Any]:
    """Bars: international links active in each year.

    >>> spec = links_by_year([(2023, 1), (2024, 3)], title="Links", label="links")
    >>> spec["xAxis"]["data"], [p["value"] for p in spec["series"][0]["data"]]
    (['2023', '2024'], [1, 3])
    """
    spec = _base(title)
    spec.update(
        {
            "tooltip": _tooltip("item"),
            "grid": {"left": 48, "right": 16, "top": 56, "bottom": 32},
            "xAxis": {"type": "category", "data": [str(y) for y, _ in series]},
            "yAxis": _value_axis(label, minInterval=1),
            "series": [
                {
                    "type": "bar",
                    "name": label,
                    "data": [
                        {
                            "value": count,
                            "heading": str(year),
                            "rows": [[label, format_number(count, "", locale, decimals=0)]],
                        }
                        for year, count in series
                    ],
                }
            ],
        }
    )
    return _clean(spec)
