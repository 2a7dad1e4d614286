"""The collaboration network (graph, centralities, links between countries, isolated
organisations), recording a collaboration, and a region's international links."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from polisee.services import partners as pt
from polisee.services.permissions import Permission
from polisee.services.sessions import Principal
from polisee.web import charts
from polisee.web.routes._partners_common import (
    COLLABORATION_LABELS,
    PartnerFormatter,
    formatter,
    viewer,
)
from polisee.web.security import DbSession, require
from polisee.web.templating import render

__all__ = ["graph_spec", "router"]

router = APIRouter()
NetworkReader = Annotated[Principal, require(Permission.NETWORK_READ)]
Editor = Annotated[Principal, require(Permission.PARTNER_EDIT)]


def graph_spec(network: pt.Network, fmt: PartnerFormatter) -> dict[str, Any]:
    """The ECharts graph of a network in the reader's language."""
    _ = fmt.gettext
    nodes = [
        {
            "id": n.place.organisation_id,
            "name": n.place.name,
            "country": n.place.country,
            "links": n.links,
            "international_links": n.international_links,
            "betweenness": n.betweenness,
        }
        for n in network.nodes
    ]
    edges = [
        {
            "source": e.source,
            "target": e.target,
            "collaborations": e.collaborations,
            "international": e.international,
            "bridge": e.bridge,
            "kinds": [fmt.kind(k) for k in e.kinds],
        }
        for e in network.edges
    ]
    labels = {
        "country": _("Country"),
        "links": _("Links"),
        "international": _("International links"),
        "betweenness": _("Betweenness"),
        "collaborations": _("Collaborations"),
        "bridge": _("Bridge between two parts of the network"),
        "yes": _("yes"),
    }
    title = (
        _("Collaboration network")
        if network.year is None
        else _("Collaboration network in %(year)s") % {"year": network.year}
    )
    return charts.collaboration_graph(nodes, edges, title=title, labels=labels, locale=fmt.language)


@router.get("/partners/network", name="partners:network")
def show_network(
    request: Request,
    db: DbSession,
    principal: NetworkReader,
    year: Annotated[int | None, Query(ge=1950, le=2100)] = None,
) -> Response:
    """The network of recorded collaborations, optionally those active in one year."""
    who = viewer(db, principal)
    network = pt.collaboration_network(db, who, year=year)
    fmt = formatter(request)
    organisations = sorted(pt.places(db).values(), key=lambda p: p.name.casefold())
    recordable = (
        [p for p in organisations if who.admin or p.organisation_id in who.publishers]
        if Permission.PARTNER_EDIT in principal.permissions
        else []
    )
    context = {
        "fmt": fmt,
        "network": network,
        "spec": graph_spec(network, fmt),
        "central": sorted(
            network.nodes, key=lambda n: (-n.betweenness, -n.links, n.place.name.casefold())
        ),
        "year": year,
        "years": list(range(date.today().year, date.today().year - 12, -1)),
        "organisations": organisations,
        "recordable": recordable,
        "kind_labels": COLLABORATION_LABELS,
        "today": date.today(),
    }
    return render(request, "partners/network.html", context)


@router.post("/partners/collaborations", name="partners:record_collaboration")
def record_collaboration(
    request: Request,
    db: DbSession,
    principal: Editor,
    kind: Annotated[str, Form(max_length=16)],
    title: Annotated[str, Form(max_length=300)],
    organisation_ids: Annotated[list[int], Form(max_length=50)],
    started_on: Annotated[date, Form()],
    ended_on: Annotated[date | None, Form()] = None,
    source_url: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Record a collaboration one of the user's organisations takes part in."""
    pt.record_collaboration(
        db,
        viewer(db, principal),
        kind=kind,
        title=title,
        organisation_ids=organisation_ids,
        started_on=started_on,
        ended_on=ended_on,
        source_url=source_url,
    )
    return RedirectResponse(
        f"{request.url_for('partners:network')}#collaborations", status_code=303
    )


@router.get("/regions/{code}/international", name="partners:international")
def show_region_links(
    request: Request,
    db: DbSession,
    principal: NetworkReader,
    code: str,
    years: Annotated[int, Query(ge=2, le=30)] = 8,
) -> Response:
    """The international links of a region's organisations, by partner country and year."""
    summary = pt.region_links(db, viewer(db, principal), code[:10], years=years)
    fmt = formatter(request)
    _ = fmt.gettext
    spec = charts.links_by_year(
        summary.by_year,
        title=_("International links of %(region)s per year") % {"region": summary.code},
        label=_("Links"),
        locale=fmt.language,
    )
    context = {"fmt": fmt, "summary": summary, "spec": spec, "kind_labels": COLLABORATION_LABELS}
    return render(request, "partners/international.html", context)
