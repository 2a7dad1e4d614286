"""The demo data set: the real public files a new user sees first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from polisee.errors import NotFound
from polisee.services.assessment import load_demo_assessments
from polisee.services.data import LoadSummary, load_statistics
from polisee.sources.fetch import file_sha256
from polisee.statsdb import StatsStore

__all__ = [
    "DEMO_ADMIN_EMAIL",
    "DEMO_DATASETS",
    "DemoDataset",
    "DemoRecords",
    "ensure_demo_admin",
    "load_demo",
    "load_demo_records",
]


@dataclass(frozen=True)
class DemoDataset:
    """One file of the demo, relative to the data directory."""

    dataset: str
    path: str
    mapping: dict[str, str] = field(default_factory=dict)
    what: str = ""


DEMO_DATASETS: tuple[DemoDataset, ...] = (
    DemoDataset(
        "sbs_r_nuts06_r2",
        "eurostat_regional/sbs_r_nuts06_r2.tsv.gz",
        what="SBS by NUTS-2 x NACE division, 2008-2015: local units, persons employed, wages",
    ),
    DemoDataset(
        "nama_10r_2gdp",
        "eurostat_regional/nama_10r_2gdp.tsv.gz",
        what="GDP at current market prices by NUTS-2, 2000-2014",
    ),
    DemoDataset(
        "lfst_r_lfe2en2",
        "eurostat_regional/lfst_r_lfe2en2.tsv.gz",
        what="LFS employment by NUTS-2 x NACE section group, 2008-2015",
    ),
    DemoDataset(
        "rd_p_persreg",
        "eurostat_regional/rd_p_persreg_fte_2009_2018.csv",
        mapping={"region": "geo", "year": "time", "value": "values", "measure": "unit"},
        what="R&D personnel (FTE) by NUTS-2, 2009 and 2018",
    ),
    DemoDataset(
        "jrc_wiod_co2",
        "eurostat_environment/jrc_wiod_co2_by_industry_2000_2016_long.csv.gz",
        what="JRC/WIOD CO2 emission accounts by 56 industries and country, 2000-2016",
    ),
    DemoDataset(
        "env_ac_ainah_r2",
        "eurostat_environment/env_ac_ainah_r2_ghg_sections_2008_2018_tidy.csv.gz",
        mapping={
            "region": "geo",
            "industry": "nace_r2",
            "year": "year",
            "value": "value_t",
            "flag": "flag",
            "measure": "=GHG_T",
        },
        what="Eurostat air emission accounts: greenhouse gases by NACE section, 2008-2018",
    ),
    DemoDataset(
        "egss",
        "eurostat_environment/egss_mdt_by_nace_cepa_crema.csv.gz",
        what="Environmental goods and services sector employment (FTE) by NACE, country returns",
    ),
)


def load_demo(
    store: StatsStore,
    data_dir: Path,
    *,
    nuts_version: int = 2021,
    on_dataset: Callable[[DemoDataset, LoadSummary | None], None] | None = None,
) -> list[LoadSummary]:
    """Load every demo file that is not already loaded from the same bytes.

    Each dataset is its own all-or-nothing transaction, so an interrupted demo
    keeps the datasets it finished.
    """
    loaded = {}
    listing = store.datasets()
    for row in listing.to_dict("records"):
        loaded[str(row["dataset"])] = store.dataset(str(row["dataset"]))["sha256"]
    summaries = []
    for item in DEMO_DATASETS:
        path = data_dir / item.path
        if not path.is_file():
            raise NotFound(
                f"demo file {path} is missing: set POLISEE_DATA_DIR or run `polisee data fetch`"
            )
        if loaded.get(item.dataset) == file_sha256(path):
            if on_dataset:
                on_dataset(item, None)
            continue
        with store.transaction():
            summary = load_statistics(
                store,
                path,
                data_dir=data_dir,
                dataset=item.dataset,
                nuts_version=nuts_version,
                mapping=item.mapping or None,
            )
        summaries.append(summary)
        if on_dataset:
            on_dataset(item, summary)
    return summaries


DEMO_ADMIN_EMAIL = "admin@polisee.example"


def ensure_demo_admin(session: Session) -> str | None:
    """Create the demo administrator when the platform has no user yet.

    Returns the generated password (to be shown once) or None when users exist. The
    organisation it belongs to is marked as demo content.
    """
    from polisee.services import accounts
    from polisee.services.audit import CLI_ACTOR

    if accounts.list_users(session):
        return None
    password = accounts.generate_password()
    user = accounts.create_user(
        session,
        email=DEMO_ADMIN_EMAIL,
        display_name="Demo administrator",
        password=password,
        actor=CLI_ACTOR,
    )
    organisation = accounts.create_organisation(
        session, name="polisee demo agency (demo)", kind="agency", actor=CLI_ACTOR
    )
    accounts.grant_role(
        session, user_id=user.id, organisation_id=organisation.id, role="admin", actor=CLI_ACTOR
    )
    return password


@dataclass
class DemoRecords:
    """What :func:`load_demo_records` did: the administrator's password (shown once; None
    when users existed already), how many demo good practices it published, and one line
    per part of the demo content that was loaded."""

    password: str | None
    practices: int
    lines: list[str] = field(default_factory=list)


def load_demo_records(session: Session) -> DemoRecords:
    """The demo's records, each created only once, every name marked demo: the
    administrator (see :func:`ensure_demo_admin`), the demo self-assessments, the demo good
    practices (published by the demo administrator; a platform whose users came first,
    without that administrator, gets none), the scoreboard's demo weight scenarios, the
    demo cluster organisations and calls (one open, one closed and allocated), the demo
    partner profiles and collaborations (the demo administrator becomes cluster manager of
    one demo cluster organisation, to try match requests), the demo action plan for HU21
    (linked to the assessment's gaps and two practices), and the six demo theme working
    groups led by the demo administrator, with threads, a meeting note and a published
    report citing demo practices."""
    from polisee.services import accounts
    from polisee.services.financing import load_demo_allocation, load_demo_clusters
    from polisee.services.groups import load_demo_groups
    from polisee.services.partners import load_demo_partners
    from polisee.services.plans import load_demo_plans
    from polisee.services.practices import load_demo_practices
    from polisee.services.scoreboard import create_demo_scenarios

    records = DemoRecords(password=ensure_demo_admin(session), practices=0)
    load_demo_assessments(session)
    try:
        accounts.find_user(session, DEMO_ADMIN_EMAIL)
    except NotFound:
        pass
    else:
        records.practices = load_demo_practices(session, validator_email=DEMO_ADMIN_EMAIL)
        if records.practices:
            records.lines.append(
                f"{records.practices} demo good practices published (marked [demo])"
            )
    scenarios = create_demo_scenarios(session)
    if scenarios:
        records.lines.append(f"{scenarios} demo scoreboard weight scenarios")
    clusters = load_demo_clusters(session)
    if not clusters.already_loaded:
        records.lines.append(
            f"{clusters.clusters} demo cluster organisations with {clusters.evaluations} "
            "stage evaluations and one open demo funding call"
        )
    if load_demo_allocation(session) is not None:
        records.lines.append(
            "one closed demo funding call with a demo evaluator's scores and its budget "
            "allocation (cluster funding on the scoreboard)"
        )
    partners = load_demo_partners(session, manager_email=DEMO_ADMIN_EMAIL)
    if not partners.already_loaded:
        records.lines.append(
            f"{partners.profiles} demo partner profiles in {partners.countries} countries and "
            f"{partners.collaborations} demo collaborations (marked as demo)"
        )
    plan = load_demo_plans(session)
    if plan.plan_id is not None:
        records.lines.append(
            f"one demo action plan for HU21 with {plan.actions} actions and {plan.kpis} KPIs "
            "(computed ones from the statistics, reported ones marked [demo])"
        )
    try:
        accounts.find_user(session, DEMO_ADMIN_EMAIL)
    except NotFound:
        pass
    else:
        groups = load_demo_groups(session, lead_email=DEMO_ADMIN_EMAIL)
        if not groups.already_loaded:
            records.lines.append(
                f"{groups.groups} demo theme working groups with {groups.threads} threads, "
                f"{groups.meetings} meeting note and {groups.reports} published report "
                "(marked [demo])"
            )
    return records
