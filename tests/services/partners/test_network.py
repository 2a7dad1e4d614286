"""The collaboration network: measures on a small graph worked out by hand, recorded
collaborations, bridges between countries, isolates, and a region's international links."""

from __future__ import annotations

from datetime import date

import networkx as nx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.services.partners._helpers import anonymous, make_org, make_profile, viewer

from polisee.errors import InputError, NotFound, PermissionDenied
from polisee.records.partners import Collaboration
from polisee.services import partners as pt


def test_measures_of_a_star_with_a_tail() -> None:
    # Star: centre 1 with leaves 2, 3, 4; a tail 4 - 5. Five nodes, so degree centrality is
    # degree / 4: node 1 -> 3/4, node 4 -> 2/4, leaves -> 1/4.
    # Betweenness (normalised by (n-1)(n-2)/2 = 6 pairs): node 1 lies on the paths between
    # {2,3,4,5} pairs except 4-5: 2-3, 2-4, 2-5, 3-4, 3-5 -> 5/6; node 4 on 1-5, 2-5, 3-5
    # -> 3/6; leaves 0. Every edge is a bridge (a tree).
    graph = nx.Graph([(1, 2), (1, 3), (1, 4), (4, 5)])
    m = pt.network_measures(graph)
    assert m.degree == pytest.approx({1: 0.75, 2: 0.25, 3: 0.25, 4: 0.5, 5: 0.25})
    assert m.betweenness == pytest.approx({1: 5 / 6, 2: 0.0, 3: 0.0, 4: 0.5, 5: 0.0})
    assert len(m.bridges) == 4
    # Closing a triangle 2 - 3 removes the bridges 1-2 and 1-3 and halves nothing else.
    graph.add_edge(2, 3)
    assert {frozenset(e) for e in [(1, 4), (4, 5)]} == pt.network_measures(graph).bridges


def test_a_single_node_and_an_empty_graph() -> None:
    assert pt.network_measures(nx.Graph()).degree == {}
    lonely = nx.Graph()
    lonely.add_node(7)
    assert pt.network_measures(lonely).degree == {7: 0.0}


def _orgs(db: Session) -> dict[str, int]:
    ids = {}
    for name, region in (
        ("Hu one", "HU21"),
        ("Hu two", "HU22"),
        ("At one", "AT22"),
        ("Si one", "SI03"),
        ("Al one", "AL01"),
    ):
        org = make_org(db, f"{name} org", roles=("cluster_manager",))
        make_profile(db, org, region_code=region)
        ids[name] = org.id
    return ids


def test_network_with_bridges_isolates_and_countries(db: Session) -> None:
    ids = _orgs(db)
    cli = pt.CLI_PARTNER_VIEWER
    pt.record_collaboration(
        db,
        cli,
        kind="joint_project",
        title="Suppliers exchange",
        organisation_ids=[ids["Hu one"], ids["Hu two"], ids["At one"]],
        started_on=date(2019, 1, 1),
        ended_on=date(2021, 12, 31),
    )
    pt.record_collaboration(
        db,
        cli,
        kind="mou",
        title="Green memorandum",
        organisation_ids=[ids["At one"], ids["Si one"]],
        started_on=date(2023, 5, 1),
    )
    network = pt.collaboration_network(db, cli)
    assert network.countries == ["AL", "AT", "HU", "SI"]
    assert [p.name for p in network.isolates] == ["Al one org"]
    assert network.domestic_only == []
    by_name = {n.place.name: n for n in network.nodes}
    at = by_name["At one org"]
    # At one links the triangle HU-HU-AT with SI: 3 links, 3 of them abroad, 2 countries.
    assert (at.links, at.international_links, at.partner_countries) == (3, 3, 2)
    # Five nodes: At one lies on the paths Si-Hu one and Si-Hu two: 2 of 6 pairs.
    assert at.betweenness == pytest.approx(2 / 6)
    links = {c.countries: c for c in network.country_links}
    assert links[("AT", "HU")].links == 2
    assert links[("AT", "SI")].bridges == 1
    bridge = next(e for e in network.edges if e.bridge)
    assert {bridge.source, bridge.target} == {ids["At one"], ids["Si one"]}
    # As of 2022 only... nothing: the project ended in 2021 and the MoU starts in 2023.
    assert pt.collaboration_network(db, cli, year=2022).edges == []
    assert len(pt.collaboration_network(db, cli, year=2020).edges) == 3
    with pytest.raises(PermissionDenied):
        pt.collaboration_network(db, pt.PartnerViewer(None, "x", frozenset()))


def test_recording_needs_an_own_organisation_and_valid_input(db: Session) -> None:
    ids = _orgs(db)
    outsider = make_org(db, "Outsider org", roles=("cluster_manager", "member"))
    manager = viewer(db, outsider.users["cluster_manager"])
    before = db.scalars(select(Collaboration.id)).all()
    with pytest.raises(PermissionDenied):
        pt.record_collaboration(
            db,
            manager,
            kind="mou",
            title="Not ours",
            organisation_ids=[ids["Hu one"], ids["At one"]],
            started_on=date(2024, 1, 1),
        )
    with pytest.raises(PermissionDenied):
        pt.record_collaboration(
            db,
            viewer(db, outsider.users["member"]),
            kind="mou",
            title="Member only",
            organisation_ids=[outsider.id, ids["At one"]],
            started_on=date(2024, 1, 1),
        )
    assert db.scalars(select(Collaboration.id)).all() == before
    made = pt.record_collaboration(
        db,
        manager,
        kind="consortium",
        title="Ours",
        organisation_ids=[outsider.id, ids["At one"]],
        started_on=date(2024, 1, 1),
        source_url="https://interreg-danube.eu",
    )
    assert made.recorded_by_id == outsider.users["cluster_manager"]
    for bad in (
        {"kind": "party"},
        {"organisation_ids": [outsider.id]},
        {"ended_on": date(2023, 1, 1)},
        {"source_url": "javascript:alert(1)"},
        {"title": " "},
    ):
        arguments = {
            "kind": "mou",
            "title": "T",
            "organisation_ids": [outsider.id, ids["Hu one"]],
            "started_on": date(2024, 1, 1),
            **bad,
        }
        with pytest.raises(InputError):
            pt.record_collaboration(db, manager, **arguments)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        pt.record_collaboration(
            db,
            manager,
            kind="mou",
            title="T",
            organisation_ids=[outsider.id, 999_999],
            started_on=date(2024, 1, 1),
        )


def test_region_links_over_time(db: Session) -> None:
    ids = _orgs(db)
    cli = pt.CLI_PARTNER_VIEWER
    pt.record_collaboration(
        db,
        cli,
        kind="joint_project",
        title="Project",
        organisation_ids=[ids["Hu one"], ids["At one"], ids["Hu two"]],
        started_on=date(2020, 3, 1),
        ended_on=date(2022, 2, 28),
    )
    pt.record_collaboration(
        db,
        cli,
        kind="mou",
        title="MoU",
        organisation_ids=[ids["Hu one"], ids["Si one"]],
        started_on=date(2024, 1, 1),
    )
    summary = pt.region_links(db, cli, "HU2", years=6, today=date(2025, 6, 1))
    assert [p.name for p in summary.organisations] == ["Hu one org", "Hu two org"]
    # Hu one: AT (project) and SI (MoU); Hu two: AT. The HU-HU link is not international.
    assert summary.partner_countries == [("AT", 2), ("SI", 1)]
    assert summary.by_year == [(2020, 2), (2021, 2), (2022, 2), (2023, 0), (2024, 1), (2025, 1)]
    assert summary.change == (2020, 2, 1)
    assert summary.without_links == []
    assert pt.region_links(db, cli, "AL").without_links[0].name == "Al one org"
    with pytest.raises(InputError):
        pt.region_links(db, cli, "Hungary")
    with pytest.raises(PermissionDenied):
        pt.region_links(db, anonymous(), "HU")
