"""Recorded collaborations between organisations and the network they form (networkx):
centralities, links and bridges between countries, isolated organisations, and the
international links of one region's organisations over time."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session

from polisee.errors import InputError, NotFound, PermissionDenied
from polisee.records.accounts import Organisation
from polisee.records.clusters import ClusterOrganisation
from polisee.records.partners import (
    Collaboration,
    CollaborationKind,
    CollaborationParticipant,
    PartnerProfile,
)
from polisee.records.permissions import Permission
from polisee.services.audit import record_change
from polisee.services.partners._model import COLLABORATION_KINDS, PartnerViewer

__all__ = [
    "CountryLink",
    "Measures",
    "Network",
    "NetworkEdge",
    "NetworkNode",
    "Place",
    "RegionLinks",
    "collaboration_network",
    "list_collaborations",
    "network_measures",
    "places",
    "record_collaboration",
    "region_links",
]


@dataclass(frozen=True)
class Place:
    """Where an organisation is and what it is called in the network (its profile's name,
    else its registry entry's, else the platform organisation's)."""

    organisation_id: int
    name: str
    country: str
    region_code: str
    profile_id: int | None
    demo: bool


def places(session: Session, organisation_ids: Iterable[int] | None = None) -> dict[int, Place]:
    """Organisation id -> place, for the given organisations (default: every organisation
    with a partner profile or a registered cluster organisation)."""
    profiles = {p.organisation_id: p for p in session.scalars(select(PartnerProfile))}
    clusters = {c.organisation_id: c for c in session.scalars(select(ClusterOrganisation))}
    wanted = (
        set(organisation_ids) if organisation_ids is not None else set(profiles) | set(clusters)
    )
    out: dict[int, Place] = {}
    if not wanted:
        return out
    for org in session.scalars(select(Organisation).where(Organisation.id.in_(wanted))):
        profile = profiles.get(org.id)
        cluster = clusters.get(org.id)
        if profile is not None:
            out[org.id] = Place(
                org.id, profile.name, profile.country, profile.region_code, profile.id, profile.demo
            )
        elif cluster is not None:
            out[org.id] = Place(
                org.id, cluster.name, cluster.country, cluster.region_code, None, cluster.demo
            )
        else:
            country = org.country or "??"
            out[org.id] = Place(org.id, org.name, country, org.region_code or country, None, False)
    return out


def _active(collaboration: Collaboration, year: int | None) -> bool:
    if year is None:
        return True
    ended = collaboration.ended_on.year if collaboration.ended_on else 9999
    return collaboration.started_on.year <= year <= ended


def _collaborations(session: Session) -> list[tuple[Collaboration, list[int]]]:
    members: dict[int, list[int]] = defaultdict(list)
    for cid, oid in session.execute(
        select(CollaborationParticipant.collaboration_id, CollaborationParticipant.organisation_id)
    ):
        members[cid].append(oid)
    rows = session.scalars(
        select(Collaboration).order_by(Collaboration.started_on, Collaboration.id)
    )
    return [(c, sorted(members.get(c.id, []))) for c in rows]


def list_collaborations(
    session: Session, viewer: PartnerViewer, *, organisation_id: int | None = None
) -> list[tuple[Collaboration, list[Place]]]:
    """Recorded collaborations (of one organisation, if given), newest first."""
    if Permission.NETWORK_READ not in viewer.permissions:
        raise PermissionDenied("needs permission 'network:read'")
    found = _collaborations(session)
    where = places(session, {o for _, orgs in found for o in orgs})
    out = [
        (c, [where[o] for o in orgs if o in where])
        for c, orgs in found
        if organisation_id is None or organisation_id in orgs
    ]
    return sorted(out, key=lambda item: (item[0].started_on, item[0].id), reverse=True)


def record_collaboration(
    session: Session,
    viewer: PartnerViewer,
    *,
    kind: str,
    title: str,
    organisation_ids: Sequence[int],
    started_on: date,
    ended_on: date | None = None,
    source_url: str = "",
    demo: bool = False,
) -> Collaboration:
    """Record a collaboration of two or more organisations; one of them must be the
    viewer's own (administrators record any)."""
    if Permission.PARTNER_EDIT not in viewer.permissions:
        raise PermissionDenied("needs permission 'partner:edit'")
    if kind not in COLLABORATION_KINDS:
        raise InputError(f"expected one of {list(COLLABORATION_KINDS)}, got {kind!r}", field="kind")
    clean = " ".join(title.split())
    if not clean or len(clean) > 300:
        raise InputError(f"expected 1 to 300 characters, got {len(clean)}", field="title")
    members = sorted(set(organisation_ids))
    if len(members) < 2:
        raise InputError(
            "a collaboration needs at least two organisations", field="organisation_ids"
        )
    if len(members) > 50:
        raise InputError(
            f"expected at most 50 organisations, got {len(members)}", field="organisation_ids"
        )
    known = set(session.scalars(select(Organisation.id).where(Organisation.id.in_(members))))
    if missing := sorted(set(members) - known):
        raise NotFound(f"no organisation with id {missing[0]}")
    if not viewer.admin and not set(members) & viewer.publishers:
        raise PermissionDenied("record collaborations your own organisation takes part in")
    if ended_on is not None and ended_on < started_on:
        raise InputError(
            f"expected an end on or after {started_on}, got {ended_on}", field="ended_on"
        )
    url = source_url.strip()
    if url and not re.match(r"^https?://[^\s/$.?#][^\s]*$", url):
        raise InputError(f"expected an http(s) address, got {url!r}", field="source_url")
    collaboration = Collaboration(
        kind=CollaborationKind(kind),
        title=clean,
        started_on=started_on,
        ended_on=ended_on,
        source_url=url[:500],
        demo=demo,
        recorded_by_id=viewer.user_id,
    )
    session.add(collaboration)
    session.flush()
    session.add_all(
        CollaborationParticipant(collaboration_id=collaboration.id, organisation_id=o)
        for o in members
    )
    session.flush()
    record_change(
        session,
        viewer.actor,
        "collaboration.record",
        "partner_collaboration",
        collaboration.id,
        after={
            "kind": kind,
            "title": clean,
            "organisations": members,
            "started_on": started_on.isoformat(),
            "ended_on": ended_on.isoformat() if ended_on else None,
            "demo": demo,
        },
    )
    return collaboration


@dataclass(frozen=True)
class Measures:
    """Degree and betweenness centrality per node (networkx, normalised) and the edges
    whose removal would disconnect their component (graph bridges)."""

    degree: dict[int, float]
    betweenness: dict[int, float]
    bridges: set[frozenset[int]]


def network_measures(graph: nx.Graph) -> Measures:
    """Centralities and bridges of an undirected graph.

    Examples
    --------
    A path a - b - c: b lies on the only path between a and c, and both edges are bridges.

    >>> g = nx.Graph([(1, 2), (2, 3)])
    >>> m = network_measures(g)
    >>> m.degree[2], m.betweenness[2], m.betweenness[1]
    (1.0, 1.0, 0.0)
    >>> sorted(sorted(b) for b in m.bridges)
    [[1, 2], [2, 3]]
    """
    degree = (
        nx.degree_centrality(graph) if graph.number_of_nodes() > 1 else dict.fromkeys(graph, 0.0)
    )
    betweenness = nx.betweenness_centrality(graph, normalized=True)
    bridges = {frozenset(edge) for edge in nx.bridges(graph)}
    return Measures(
        {int(k): float(v) for k, v in degree.items()},
        {int(k): float(v) for k, v in betweenness.items()},
        bridges,
    )


@dataclass(frozen=True)
class NetworkNode:
    """An organisation in the network with its measures."""

    place: Place
    links: int
    international_links: int
    partner_countries: int
    degree: float
    betweenness: float


@dataclass(frozen=True)
class NetworkEdge:
    """Two organisations that collaborated: how often, in which kinds, whether across a
    border, and whether it is a bridge (the only connection between two parts)."""

    source: int
    target: int
    collaborations: int
    kinds: list[str]
    international: bool
    bridge: bool


@dataclass(frozen=True)
class CountryLink:
    """Links between organisations of two countries (alphabetical pair)."""

    countries: tuple[str, str]
    links: int
    organisations: int
    bridges: int


@dataclass(frozen=True)
class Network:
    """The collaboration network as of ``year`` (None: every collaboration ever recorded)."""

    year: int | None
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    country_links: list[CountryLink]
    isolates: list[Place]
    domestic_only: list[Place]

    @property
    def countries(self) -> list[str]:
        """The countries of the nodes, alphabetically."""
        return sorted({n.place.country for n in self.nodes})


def _graph(
    session: Session, year: int | None
) -> tuple[nx.Graph, dict[int, Place], dict[frozenset[int], list[Collaboration]]]:
    found = _collaborations(session)
    where = places(session)
    where.update(places(session, {o for _, orgs in found for o in orgs} - set(where)))
    graph = nx.Graph()
    graph.add_nodes_from(where)
    pairs: dict[frozenset[int], list[Collaboration]] = defaultdict(list)
    for collaboration, orgs in found:
        if not _active(collaboration, year):
            continue
        for i, a in enumerate(orgs):
            for b in orgs[i + 1 :]:
                pairs[frozenset((a, b))].append(collaboration)
    for pair, items in pairs.items():
        a, b = sorted(pair)
        graph.add_edge(a, b, weight=len(items))
    return graph, where, pairs


def collaboration_network(
    session: Session, viewer: PartnerViewer, *, year: int | None = None
) -> Network:
    """The network of recorded collaborations (active in ``year``, if given)."""
    if Permission.NETWORK_READ not in viewer.permissions:
        raise PermissionDenied("needs permission 'network:read'")
    graph, where, pairs = _graph(session, year)
    measures = network_measures(graph)
    edges = []
    for pair, items in sorted(pairs.items(), key=lambda kv: sorted(kv[0])):
        a, b = sorted(pair)
        edges.append(
            NetworkEdge(
                a,
                b,
                len(items),
                sorted({c.kind.value for c in items}),
                where[a].country != where[b].country,
                pair in measures.bridges,
            )
        )
    nodes = []
    for org in sorted(graph.nodes, key=lambda o: (where[o].name.casefold(), o)):
        neighbours = list(graph.neighbors(org))
        abroad = [n for n in neighbours if where[n].country != where[org].country]
        nodes.append(
            NetworkNode(
                place=where[org],
                links=len(neighbours),
                international_links=len(abroad),
                partner_countries=len({where[n].country for n in abroad}),
                degree=measures.degree.get(org, 0.0),
                betweenness=measures.betweenness.get(org, 0.0),
            )
        )
    by_pair: dict[tuple[str, str], list[NetworkEdge]] = defaultdict(list)
    for edge in edges:
        if edge.international:
            key = sorted((where[edge.source].country, where[edge.target].country))
            by_pair[(key[0], key[1])].append(edge)
    country_links = sorted(
        (
            CountryLink(
                pair,
                len(items),
                len({e.source for e in items} | {e.target for e in items}),
                sum(e.bridge for e in items),
            )
            for pair, items in by_pair.items()
        ),
        key=lambda c: (-c.links, c.countries),
    )
    return Network(
        year=year,
        nodes=nodes,
        edges=edges,
        country_links=country_links,
        isolates=[n.place for n in nodes if n.links == 0],
        domestic_only=[n.place for n in nodes if n.links > 0 and n.international_links == 0],
    )


@dataclass(frozen=True)
class RegionLinks:
    """The international links of the organisations located in a region (by NUTS prefix):
    links per partner country, links active per year, and who has none."""

    code: str
    organisations: list[Place]
    links: list[tuple[Place, Place, Collaboration]]
    partner_countries: list[tuple[str, int]]
    by_year: list[tuple[int, int]]
    without_links: list[Place]

    @property
    def change(self) -> tuple[int, int, int] | None:
        """(first year, links then, links in the last year) over the series, if any."""
        if len(self.by_year) < 2:
            return None
        return self.by_year[0][0], self.by_year[0][1], self.by_year[-1][1]


def region_links(
    session: Session,
    viewer: PartnerViewer,
    code: str,
    *,
    years: int = 8,
    today: date | None = None,
) -> RegionLinks:
    """International collaborations of the region's organisations and how they changed
    over the last ``years`` years (a link counts in every year it was active)."""
    if Permission.NETWORK_READ not in viewer.permissions:
        raise PermissionDenied("needs permission 'network:read'")
    clean = code.strip().upper()
    if not re.match(r"^[A-Z]{2}[A-Z0-9]{0,3}$", clean):
        raise InputError(f"expected a NUTS code like HU21, got {code!r}", field="code")
    found = _collaborations(session)
    where = places(session)
    where.update(places(session, {o for _, orgs in found for o in orgs} - set(where)))
    local = {o for o, p in where.items() if p.region_code.startswith(clean)}
    links: list[tuple[Place, Place, Collaboration]] = []
    for collaboration, orgs in found:
        for a in orgs:
            if a not in local:
                continue
            for b in orgs:
                if b != a and where[b].country != where[a].country:
                    links.append((where[a], where[b], collaboration))
    countries = Counter(partner.country for _, partner, _ in links)
    last = (today or date.today()).year
    series = [
        (
            year,
            len({(a.organisation_id, b.organisation_id) for a, b, c in links if _active(c, year)}),
        )
        for year in range(last - years + 1, last + 1)
    ]
    linked = {a.organisation_id for a, _, _ in links}
    members = sorted((where[o] for o in local), key=lambda p: p.name.casefold())
    return RegionLinks(
        code=clean,
        organisations=members,
        links=sorted(links, key=lambda item: (item[2].started_on, item[0].name), reverse=True),
        partner_countries=sorted(countries.items(), key=lambda kv: (-kv[1], kv[0])),
        by_year=series,
        without_links=[p for p in members if p.organisation_id not in linked],
    )
