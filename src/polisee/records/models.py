"""Every record class, imported in one place so that the metadata is complete."""

from __future__ import annotations

from polisee.records.accounts import (
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    PasswordResetToken,
    User,
)
from polisee.records.audit import AuditEntry
from polisee.records.base import Base
from polisee.records.clusters import (
    AnnualReport,
    ClusterMember,
    ClusterOrganisation,
    MembershipChange,
)
from polisee.records.financing import (
    Allocation,
    AppealNote,
    Application,
    CallCriterion,
    FundingCall,
    LadderVersion,
    ScoreSheet,
    StageEvaluation,
)
from polisee.records.sessions import LoginFailure, WebSession

__all__ = [
    "Allocation",
    "AnnualReport",
    "AppealNote",
    "Application",
    "AuditEntry",
    "Base",
    "CallCriterion",
    "ClusterMember",
    "ClusterOrganisation",
    "FundingCall",
    "Invitation",
    "LadderVersion",
    "LoginFailure",
    "Membership",
    "MembershipChange",
    "Organisation",
    "OrganisationKind",
    "PasswordResetToken",
    "ScoreSheet",
    "StageEvaluation",
    "User",
    "WebSession",
]
