"""Who may see and do what with a plan (the object-level rules), and the list of plans.

- The owner organisation's members read the plan; those of them with ``plan:edit`` edit it.
- Action owners (members of an action's owner organisation, and its responsible person)
  read the plan, report values of their actions' KPIs, mark their milestones done and
  evaluate their pilots; partner organisations' members read the plan.
- Everyone signed in reads a published plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from polisee.errors import NotFound, PermissionDenied
from polisee.records.accounts import Organisation
from polisee.records.plans import Action, ActionPartner, Kpi, Plan, PlanStatus
from polisee.services.accounts import memberships_of, organisations_granting
from polisee.services.permissions import Permission, check_permission
from polisee.services.sessions import Principal

__all__ = [
    "PlanAccess",
    "PlanSummary",
    "access",
    "editable",
    "editing_organisations",
    "get_plan",
    "list_plans",
    "organisations_of",
    "viewable",
]


def organisations_of(session: Session, user_id: int | None) -> frozenset[int]:
    """The organisations the user belongs to (in any role)."""
    return frozenset(organisation for organisation, _ in memberships_of(session, user_id))


def editing_organisations(session: Session, user_id: int | None) -> list[Organisation]:
    """The organisations in which the user holds a role that edits plans: a new plan
    belongs to one of them."""
    return organisations_granting(session, user_id, Permission.PLAN_EDIT)


def get_plan(session: Session, plan_id: int) -> Plan:
    """The plan with its regions, else NotFound."""
    plan = session.scalar(
        select(Plan).where(Plan.id == plan_id).options(selectinload(Plan.regions))
    )
    if plan is None:
        raise NotFound(f"no plan with id {plan_id}")
    return plan


@dataclass(frozen=True)
class PlanAccess:
    """What one signed-in user may do with one plan."""

    plan: Plan
    user_id: int
    organisations: frozenset[int]
    editor: bool
    owner_member: bool
    owned_actions: frozenset[int]
    partner: bool

    @property
    def can_view(self) -> bool:
        return self.owner_member or bool(self.owned_actions) or self.partner or self.plan.published

    @property
    def can_edit(self) -> bool:
        return self.editor

    def owns_action(self, action_id: int | None) -> bool:
        """Whether the user may report on this action (its owner, or a plan editor)."""
        return self.editor or (action_id is not None and action_id in self.owned_actions)

    def can_report(self, kpi: Kpi) -> bool:
        """Editors report on every KPI; action owners on the KPIs of their actions."""
        return self.owns_action(kpi.action_id)

    @property
    def is_owner(self) -> bool:
        """Editors and action owners: the people who get reminders."""
        return self.editor or bool(self.owned_actions)


def access(session: Session, plan_id: int, principal: Principal) -> PlanAccess:
    """What ``principal`` may do with the plan (NotFound if it does not exist)."""
    if principal.user_id is None:
        raise PermissionDenied("sign in to see action plans")
    check_permission(principal.permissions, Permission.PLAN_READ)
    plan = get_plan(session, plan_id)
    organisations = organisations_of(session, principal.user_id)
    owner_member = plan.owner_organisation_id in organisations
    owned = frozenset(
        session.scalars(
            select(Action.id).where(
                Action.plan_id == plan.id,
                or_(
                    Action.owner_organisation_id.in_(organisations),
                    Action.responsible_id == principal.user_id,
                ),
            )
        )
    )
    partner = (
        session.scalar(
            select(ActionPartner.action_id)
            .join(Action, Action.id == ActionPartner.action_id)
            .where(Action.plan_id == plan.id, ActionPartner.organisation_id.in_(organisations))
            .limit(1)
        )
        is not None
    )
    return PlanAccess(
        plan=plan,
        user_id=principal.user_id,
        organisations=organisations,
        editor=owner_member and Permission.PLAN_EDIT in principal.permissions,
        owner_member=owner_member,
        owned_actions=owned,
        partner=partner,
    )


def viewable(session: Session, plan_id: int, principal: Principal) -> PlanAccess:
    """The access of a principal who may see the plan, else PermissionDenied."""
    found = access(session, plan_id, principal)
    if not found.can_view:
        raise PermissionDenied("this action plan is not shared with you")
    return found


def editable(session: Session, plan_id: int, principal: Principal) -> PlanAccess:
    """The access of a principal who may edit the plan, else PermissionDenied."""
    check_permission(principal.permissions, Permission.PLAN_EDIT)
    found = access(session, plan_id, principal)
    if not found.can_edit:
        raise PermissionDenied("only the owner organisation's policy makers edit this plan")
    return found


@dataclass(frozen=True)
class PlanSummary:
    """A plan as the list shows it, with the viewer's relation to it."""

    id: int
    title: str
    regions: tuple[str, ...]
    owner: str
    starts_on: date
    ends_on: date
    status: PlanStatus
    published: bool
    demo: bool
    relation: str  # owner, action, partner or published


def list_plans(session: Session, principal: Principal) -> list[PlanSummary]:
    """The plans the principal may see, newest period first."""
    if principal.user_id is None:
        return []
    organisations = organisations_of(session, principal.user_id)
    owned = select(Action.plan_id).where(
        or_(
            Action.owner_organisation_id.in_(organisations),
            Action.responsible_id == principal.user_id,
        )
    )
    partnered = (
        select(Action.plan_id)
        .join(ActionPartner, ActionPartner.action_id == Action.id)
        .where(ActionPartner.organisation_id.in_(organisations))
    )
    rows = session.execute(
        select(Plan, Organisation.name)
        .join(Organisation, Organisation.id == Plan.owner_organisation_id)
        .where(
            or_(
                Plan.owner_organisation_id.in_(organisations),
                Plan.id.in_(owned),
                Plan.id.in_(partnered),
                Plan.published.is_(True),
            )
        )
        .options(selectinload(Plan.regions))
        .order_by(Plan.starts_on.desc(), Plan.id.desc())
    ).all()
    owning = set(session.scalars(owned))
    partnering = set(session.scalars(partnered))
    out = []
    for plan, owner in rows:
        if plan.owner_organisation_id in organisations:
            relation = "owner"
        elif plan.id in owning:
            relation = "action"
        elif plan.id in partnering:
            relation = "partner"
        else:
            relation = "published"
        out.append(
            PlanSummary(
                id=plan.id,
                title=plan.title,
                regions=tuple(r.region_code for r in plan.regions),
                owner=owner,
                starts_on=plan.starts_on,
                ends_on=plan.ends_on,
                status=plan.status,
                published=plan.published,
                demo=plan.demo,
                relation=relation,
            )
        )
    return out
