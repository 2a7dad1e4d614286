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
from polisee.records.scoreboard import ScoreboardScenario
from polisee.records.sessions import LoginFailure, WebSession

__all__ = [
    "AuditEntry",
    "Base",
    "Invitation",
    "LoginFailure",
    "Membership",
    "Organisation",
    "OrganisationKind",
    "PasswordResetToken",
    "ScoreboardScenario",
    "User",
    "WebSession",
]
