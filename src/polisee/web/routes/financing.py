"""Development ladders and funding calls: ladder versions and import, calls with criteria,
applications and eligibility, scoring, ranking and allocation, exports, appeal notes,
and what-if simulations with a chart."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from polisee.errors import InputError, NotFound
from polisee.services import clusters
from polisee.services import financing as fin
from polisee.services.permissions import Permission
from polisee.services.sessions import Principal
from polisee.web import charts
from polisee.web.routes._financing_common import FinanceFormatter, formatter, viewer
from polisee.web.routes.evidence import formatter_for, table_download
from polisee.web.security import DbSession, require
from polisee.web.templating import render

__all__ = ["router"]

router = APIRouter()
Reader = Annotated[Principal, require(Permission.CLUSTER_READ)]
Importer = Annotated[Principal, require(Permission.LADDER_IMPORT)]
CallReader = Annotated[Principal, require(Permission.CALL_READ)]
CallManager = Annotated[Principal, require(Permission.CALL_MANAGE)]
Applicant = Annotated[Principal, require(Permission.CLUSTER_EDIT)]
Scorer = Annotated[Principal, require(Permission.APPLICATION_EVALUATE)]
MAX_CRITERIA = 6
MAX_SCENARIOS = 3


# --- ladders -------------------------------------------------------------------------------


@router.get("/ladders", name="financing:ladders")
def list_ladders(request: Request, db: DbSession, principal: Reader) -> Response:
    """Every ladder's newest version in full (stages, rules, rubric, sources), and versions."""
    latest = fin.latest_ladders(db)
    context = {
        "fmt": formatter(request),
        "ladders": [(v, fin.ladder_of(v), fin.ladder_versions(db, v.key)) for v in latest],
        "can_import": Permission.LADDER_IMPORT in principal.permissions,
        "imported": request.query_params.get("imported", "")[:80],
    }
    return render(request, "financing/ladders.html", context)


@router.post("/ladders", name="financing:import_ladder")
def import_ladder(
    request: Request,
    db: DbSession,
    principal: Importer,
    yaml_text: Annotated[str, Form(max_length=200_000)],
) -> Response:
    """Import a new ladder version from YAML text (errors name the line and field)."""
    version = fin.import_ladder(db, principal.actor, yaml_text, source="web form")
    url = request.url_for("financing:ladders")
    return RedirectResponse(f"{url}?imported={version.key}+v{version.version}", status_code=303)


@router.get("/ladders/{key}/versions/{version}.yaml", name="financing:ladder_yaml")
def download_ladder(
    request: Request, db: DbSession, principal: Reader, key: str, version: int
) -> Response:
    """The YAML text of one ladder version, as imported (a start for the next version)."""
    for stored in fin.ladder_versions(db, key[:64]):
        if stored.version == version:
            return Response(
                stored.yaml_text,
                media_type="text/plain; charset=utf-8",
                headers={
                    "content-disposition": f'attachment; filename="{stored.key}-v{stored.version}.yaml"'
                },
            )
    raise NotFound(f"no version {version} of ladder {key[:64]!r}")


# --- calls ---------------------------------------------------------------------------------


def _decimal(value: str, field: str) -> Decimal:
    try:
        return Decimal(value.strip())
    except InvalidOperation:
        raise InputError(f"expected a number, got {value[:40]!r}", field=field) from None


@router.get("/calls", name="financing:calls")
def list_calls(request: Request, db: DbSession, principal: CallReader) -> Response:
    """Every funding call; call managers open new ones here."""
    ladders = [(v.key, fin.ladder_of(v)) for v in fin.latest_ladders(db)]
    context = {
        "fmt": formatter(request),
        "calls": fin.list_calls(db),
        "ladders": ladders,
        "can_manage": Permission.CALL_MANAGE in principal.permissions,
        "criteria_slots": range(1, MAX_CRITERIA + 1),
        "today": date.today(),
    }
    return render(request, "financing/calls.html", context)


@router.post("/calls", name="financing:create_call")
async def create_call(request: Request, db: DbSession, principal: CallManager) -> Response:
    """Create a call in draft from the form (criteria rows ``criterion_name_n`` etc.)."""
    form = await request.form()

    def text(name: str, limit: int = 300) -> str:
        value = form.get(name)
        if value is None or not isinstance(value, str):
            raise InputError("is required", field=name)
        return value[:limit]

    def day(name: str) -> date:
        try:
            return date.fromisoformat(text(name, 10))
        except ValueError:
            raise InputError("expected a date", field=name) from None

    ladder_key = text("ladder_key", 64)
    stages = [
        str(v).split(":", 1)[1]
        for v in form.getlist("eligible_stages")
        if isinstance(v, str) and v.startswith(f"{ladder_key}:")
    ]
    criteria = []
    for n in range(1, MAX_CRITERIA + 1):
        name = str(form.get(f"criterion_name_{n}") or "").strip()
        if not name:
            continue
        weight = _decimal(str(form.get(f"criterion_weight_{n}") or ""), f"criterion_weight_{n}")
        try:
            top = int(str(form.get(f"criterion_max_{n}") or "10"))
        except ValueError:
            raise InputError("expected a whole number", field=f"criterion_max_{n}") from None
        criteria.append(fin.CriterionInput(f"c{n}", name[:300], weight, top))
    rate_percent = _decimal(text("cofinancing_percent", 12), "cofinancing_percent")
    call = fin.create_call(
        db,
        viewer(db, principal),
        title=text("title"),
        description=str(form.get("description") or "")[:4000],
        ladder_key=ladder_key,
        eligible_stages=stages,
        budget=text("budget", 20),
        max_grant=text("max_grant", 20),
        cofinancing_rate=rate_percent / 100,
        min_score=str(form.get("min_score") or "0")[:12],
        allow_partial=form.get("allow_partial") == "on",
        opens_on=day("opens_on"),
        closes_on=day("closes_on"),
        criteria=criteria,
    )
    return RedirectResponse(
        str(request.url_for("financing:call", call_id=call.id)), status_code=303
    )


def _money_frame(rows: list[dict[str, Any]], names: dict[int, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "rank": r["rank"],
                "application": r["application_id"],
                "cluster_organisation": names.get(int(r["application_id"]), r["label"]),
                "status": r["status"],
                "score": None if r["score"] is None else float(r["score"]),
                "requested_grant_eur": float(r["requested"]),
                "grant_eur": float(r["grant"]),
            }
            for r in rows
        ],
        columns=[
            "rank",
            "application",
            "cluster_organisation",
            "status",
            "score",
            "requested_grant_eur",
            "grant_eur",
        ],
    )


def _call_context(
    request: Request, db: DbSession, principal: Principal, call_id: int
) -> dict[str, Any]:
    who = viewer(db, principal)
    call = fin.get_call(db, call_id)
    ladder_version = fin.latest_ladder(db, call.ladder_key)
    ladder = fin.ladder_of(ladder_version)
    applications = fin.visible_applications(db, who, call.id)
    allocation = fin.latest_allocation(db, call.id)
    rows = fin.allocation_rows(db, who, allocation) if allocation else []
    mine = [
        p.cluster
        for p in clusters.list_clusters(db, who)
        if who.manages(p.cluster) and p.cluster.id not in {a.cluster.id for a in applications}
    ]
    terms = fin.call_terms(call)
    requested = {
        a.application.id: fin.requested_grant(terms, a.application.eligible_budget)
        for a in applications
    }
    return {
        "fmt": formatter(request),
        "call": call,
        "ladder": ladder,
        "stage_names": {s.key: s.name for s in ladder.stages},
        "applications": applications,
        "requested": requested,
        "allocation": allocation,
        "rows": rows,
        "reproduced": fin.reproduce_allocation(allocation).to_json() == allocation.result
        if allocation
        else None,
        "terms": terms,
        "mine": mine,
        "can_manage": Permission.CALL_MANAGE in principal.permissions,
        "can_apply": Permission.CLUSTER_EDIT in principal.permissions,
        "can_score": Permission.APPLICATION_EVALUATE in principal.permissions,
        "sees_all": fin.sees_all_applications(who),
        "today": date.today(),
    }


@router.get("/calls/{call_id}", name="financing:call")
def show_call(request: Request, db: DbSession, principal: CallReader, call_id: int) -> Response:
    """A call: terms, criteria, applications with eligibility, ranking and allocation."""
    return render(request, "financing/call.html", _call_context(request, db, principal, call_id))


@router.post("/calls/{call_id}/status", name="financing:call_status")
def change_call_status(
    request: Request,
    db: DbSession,
    principal: CallManager,
    call_id: int,
    status: Annotated[str, Form(max_length=16)],
) -> Response:
    """Open, close or reopen a call."""
    fin.set_call_status(db, viewer(db, principal), call_id, status)
    return RedirectResponse(
        str(request.url_for("financing:call", call_id=call_id)), status_code=303
    )


@router.post("/calls/{call_id}/applications", name="financing:apply")
def apply_to_call(
    request: Request,
    db: DbSession,
    principal: Applicant,
    call_id: int,
    cluster_id: Annotated[int, Form()],
    title: Annotated[str, Form(max_length=300)],
    eligible_budget: Annotated[Decimal, Form(gt=0)],
    summary: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Apply for a cluster organisation the user manages; eligibility is checked at once."""
    fin.get_call(db, call_id)
    application = fin.apply_to_call(
        db,
        viewer(db, principal),
        call_id,
        cluster_id,
        title=title,
        eligible_budget=eligible_budget,
        summary=summary,
    )
    url = request.url_for("financing:application", call_id=call_id, application_id=application.id)
    return RedirectResponse(str(url), status_code=303)


@router.get("/calls/{call_id}/applications/{application_id}", name="financing:application")
def show_application(
    request: Request, db: DbSession, principal: CallReader, call_id: int, application_id: int
) -> Response:
    """An application: eligibility, score sheets (every version), scoring and appeal notes."""
    who = viewer(db, principal)
    call = fin.get_call(db, call_id)
    view = fin.get_application(db, who, call_id, application_id)
    sheets = fin.visible_sheets(db, who, view)
    context = {
        "fmt": formatter(request),
        "call": call,
        "view": view,
        "sheets": sheets,
        "notes": fin.appeal_notes(db, view),
        "can_score": Permission.APPLICATION_EVALUATE in principal.permissions
        and view.cluster.organisation_id not in who.organisations
        and view.application.eligible
        and call.status.value != "draft",
        "own_sheet": any(s.sheet.evaluator_id == who.user_id for s in sheets),
        "can_note": view.own or Permission.CALL_MANAGE in principal.permissions,
        "ladder_version": view.application.eligibility.get("ladder_version"),
    }
    return render(request, "financing/application.html", context)


@router.post("/calls/{call_id}/applications/{application_id}/scores", name="financing:score")
async def score_application(
    request: Request, db: DbSession, principal: Scorer, call_id: int, application_id: int
) -> Response:
    """Submit (or correct, as a new version) the evaluator's scores of every criterion."""
    form = await request.form()
    call = fin.get_call(db, call_id)
    scores = {c.key: str(form.get(f"score_{c.key}") or "")[:12] for c in call.criteria}
    fin.submit_scores(
        db,
        viewer(db, principal),
        call_id,
        application_id,
        scores=scores,
        comment=str(form.get("comment") or "")[:4000],
    )
    url = request.url_for("financing:application", call_id=call_id, application_id=application_id)
    return RedirectResponse(str(url), status_code=303)


@router.post("/calls/{call_id}/applications/{application_id}/notes", name="financing:appeal_note")
def add_appeal_note(
    request: Request,
    db: DbSession,
    principal: CallReader,
    call_id: int,
    application_id: int,
    text: Annotated[str, Form(max_length=4000)],
) -> Response:
    """An appeal note: the applicant's appeal or the call manager's answer."""
    fin.add_appeal_note(db, viewer(db, principal), call_id, application_id, text)
    url = request.url_for("financing:application", call_id=call_id, application_id=application_id)
    return RedirectResponse(f"{url}#appeal", status_code=303)


@router.post("/calls/{call_id}/allocations", name="financing:allocate")
def run_allocation(
    request: Request, db: DbSession, principal: CallManager, call_id: int
) -> Response:
    """Rank and allocate the budget; the run is stored with its inputs."""
    fin.run_allocation(db, viewer(db, principal), call_id)
    url = request.url_for("financing:call", call_id=call_id)
    return RedirectResponse(f"{url}#allocation", status_code=303)


@router.get("/calls/{call_id}/results.{fmt}", name="financing:results")
def download_results(
    request: Request, db: DbSession, principal: CallReader, call_id: int, fmt: str
) -> Response:
    """The latest allocation table as CSV or XLSX (applicants get their own rows)."""
    if fmt not in ("csv", "xlsx"):
        raise NotFound(f"no results as {fmt[:10]!r}")
    call = fin.get_call(db, call_id)
    allocation = fin.latest_allocation(db, call.id)
    if allocation is None:
        raise NotFound("the budget of this call has not been allocated yet")
    rows = fin.allocation_rows(db, viewer(db, principal), allocation)
    frame = _money_frame(rows, {})
    slug = re.sub(r"[^a-z0-9]+", "-", call.title.lower()).strip("-")[:40] or "call"
    text_fmt = formatter(request)
    return table_download(
        frame,
        fmt=fmt,
        filename=f"allocation-{call.id}-{slug}",
        title=call.title,
        sources=[],
        notes=[
            text_fmt.gettext(
                "Allocation run on %(date)s; grant = min(max grant, co-financing rate × eligible budget, remaining budget)."
            )
            % {"date": text_fmt.date(allocation.created_at)},
        ],
        formatter=formatter_for(request),
    )


# --- simulation ----------------------------------------------------------------------------


def _scenarios(
    request: Request, call_terms: fin.CallTerms, fmt: FinanceFormatter
) -> list[fin.Scenario]:
    params = request.query_params
    out: list[fin.Scenario] = []
    equal = {c.key: Decimal(1) for c in call_terms.criteria}
    defaults = [
        (
            fmt.gettext("As published"),
            call_terms.budget,
            {c.key: c.weight for c in call_terms.criteria},
        ),
        (
            fmt.gettext("Budget +50%"),
            (call_terms.budget * Decimal("1.5")).quantize(Decimal("0.01")),
            {c.key: c.weight for c in call_terms.criteria},
        ),
        (fmt.gettext("Equal weights"), call_terms.budget, equal),
    ]
    for n in range(1, MAX_SCENARIOS + 1):
        label, budget, weights = defaults[n - 1]
        if f"budget_{n}" in params:
            label = params.get(f"label_{n}", label)[:80] or label
            budget = _decimal(params.get(f"budget_{n}", "")[:20], f"budget_{n}")
            weights = {
                c.key: _decimal(
                    params.get(f"weight_{n}_{c.key}", str(c.weight))[:12], f"weight_{n}_{c.key}"
                )
                for c in call_terms.criteria
            }
        out.append(fin.Scenario(label, budget, weights))
    return out


@router.get("/calls/{call_id}/simulate", name="financing:simulate")
def simulate_call(
    request: Request, db: DbSession, principal: CallManager, call_id: int
) -> Response:
    """What-if: who would be funded with these budgets and weights (nothing is stored)."""
    who = viewer(db, principal)
    call = fin.get_call(db, call_id)
    terms = fin.call_terms(call)
    fmt = formatter(request)
    scenarios = _scenarios(request, terms, fmt)
    outcomes = fin.simulate_call(db, who, call.id, scenarios)
    names: dict[int, str] = {
        a.application.id: a.cluster.name for a in fin.visible_applications(db, who, call.id)
    }
    frame = pd.DataFrame(
        [
            {
                "scenario": scenario.label,
                "label": names.get(row.application_id, row.label),
                "grant": float(row.grant),
                "rank": row.rank,
            }
            for scenario, result in outcomes
            for row in result.rows
            if row.rank is not None
        ],
        columns=["scenario", "label", "grant", "rank"],
    )
    spec = charts.scenario_grants(
        frame,
        scenarios=[s.label for s in scenarios],
        title=fmt.gettext("Grants by scenario"),
        unit="EUR",
        locale=fmt.language,
        grant_label=fmt.gettext("Grant awarded"),
        rank_label=fmt.gettext("Rank"),
    )
    context = {
        "fmt": fmt,
        "call": call,
        "scenarios": scenarios,
        "outcomes": outcomes,
        "names": names,
        "spec": spec,
        "scenario_slots": range(1, MAX_SCENARIOS + 1),
    }
    return render(request, "financing/simulate.html", context)
