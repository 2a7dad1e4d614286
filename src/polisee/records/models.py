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
from polisee.records.assessments import (
    Answer,
    AnswerStatus,
    Assessment,
    AssessmentStatus,
    Framework,
    PinnedPractice,
    Respondent,
    Reviewer,
    ReviewKind,
    ReviewMessage,
    StakeholderGroup,
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
from polisee.records.groups import (
    GroupDocument,
    GroupDocumentVersion,
    GroupKind,
    GroupMeeting,
    GroupMember,
    GroupPost,
    GroupPostRevision,
    GroupReport,
    GroupReportCitation,
    GroupReportEvent,
    GroupReportRecommendation,
    GroupRole,
    GroupTheme,
    GroupThread,
    MemberStatus,
    ReportState,
    WorkingGroup,
)
from polisee.records.notifications import Notification
from polisee.records.partners import (
    Collaboration,
    CollaborationParticipant,
    MatchMessage,
    MatchRequest,
    PartnerProfile,
    PartnerVector,
    SavedSearch,
    SavedSearchHit,
)
from polisee.records.plans import (
    Action,
    ActionPartner,
    Kpi,
    KpiReport,
    Milestone,
    Objective,
    ObjectivePractice,
    PilotEvaluation,
    Plan,
    PlanRegion,
    Reminder,
    Risk,
)
from polisee.records.practices import (
    SEARCH_INDEX_NAMES,
    Practice,
    PracticeAttachment,
    PracticeComment,
    PracticeEmbedding,
    PracticeEvent,
    PracticeRegion,
    PracticeTheme,
)
from polisee.records.scoreboard import ScoreboardScenario
from polisee.records.sessions import LoginFailure, WebSession

__all__ = [
    "UNMAPPED_SCHEMA_NAMES",
    "Action",
    "ActionPartner",
    "Allocation",
    "AnnualReport",
    "Answer",
    "AnswerStatus",
    "AppealNote",
    "Application",
    "Assessment",
    "AssessmentStatus",
    "AuditEntry",
    "Base",
    "CallCriterion",
    "ClusterMember",
    "ClusterOrganisation",
    "Collaboration",
    "CollaborationParticipant",
    "Framework",
    "FundingCall",
    "GroupDocument",
    "GroupDocumentVersion",
    "GroupKind",
    "GroupMeeting",
    "GroupMember",
    "GroupPost",
    "GroupPostRevision",
    "GroupReport",
    "GroupReportCitation",
    "GroupReportEvent",
    "GroupReportRecommendation",
    "GroupRole",
    "GroupTheme",
    "GroupThread",
    "Invitation",
    "Kpi",
    "KpiReport",
    "LadderVersion",
    "LoginFailure",
    "MatchMessage",
    "MatchRequest",
    "MemberStatus",
    "Membership",
    "MembershipChange",
    "Milestone",
    "Notification",
    "Objective",
    "ObjectivePractice",
    "Organisation",
    "OrganisationKind",
    "PartnerProfile",
    "PartnerVector",
    "PasswordResetToken",
    "PilotEvaluation",
    "PinnedPractice",
    "Plan",
    "PlanRegion",
    "Practice",
    "PracticeAttachment",
    "PracticeComment",
    "PracticeEmbedding",
    "PracticeEvent",
    "PracticeRegion",
    "PracticeTheme",
    "Reminder",
    "ReportState",
    "Respondent",
    "ReviewKind",
    "ReviewMessage",
    "Reviewer",
    "Risk",
    "SavedSearch",
    "SavedSearchHit",
    "ScoreSheet",
    "ScoreboardScenario",
    "StageEvaluation",
    "StakeholderGroup",
    "User",
    "WebSession",
    "WorkingGroup",
    "include_name",
]

# Tables and indexes that migrations create but no model maps (full-text indexes): schema
# comparisons (autogenerate, the migrations test) leave them alone.
UNMAPPED_SCHEMA_NAMES: frozenset[str] = SEARCH_INDEX_NAMES


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's ``include_name`` hook: False for the unmapped full-text objects.

    >>> include_name("practice_search_idx", "table", {})
    False
    >>> include_name("practices", "table", {})
    True
    """
    return name not in UNMAPPED_SCHEMA_NAMES
