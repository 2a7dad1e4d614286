"""Thematic working groups: groups (one per theme, and custom ones) with members from several
regions and a lead organisation, discussion threads, shared documents, meeting notes, and
policy recommendations reports that go through draft -> in review -> published.

Nothing here commits; every change writes an audit entry, and new threads, replies, review
requests and publication notify the members concerned
(:mod:`polisee.services.notifications`). Threads, documents and notes are for a group's
active members; only a lead manages membership and publishes; only authors edit their posts.
"""

from __future__ import annotations

from polisee.records.groups import GroupKind, GroupRole, MemberStatus, ReportState
from polisee.services.groups._access import NOTIFICATION_TEXTS, is_lead, load_group, member_group
from polisee.services.groups._demo import DEMO_GROUP_LEADS, GroupDemoSummary, load_demo_groups
from polisee.services.groups._files import (
    MAX_DOCUMENTS,
    DocumentFile,
    MeetingInput,
    add_document,
    add_document_version,
    add_meeting,
    document_file,
    list_documents,
    list_meetings,
)
from polisee.services.groups._groups import (
    GroupInput,
    GroupOverview,
    GroupSummary,
    MemberView,
    answer_invitation,
    create_group,
    decide_request,
    group_overview,
    invite_member,
    leave_group,
    list_groups,
    request_to_join,
    set_member_role,
)
from polisee.services.groups._reports import (
    CitedIn,
    ReportAction,
    ReportDetail,
    ReportInput,
    create_report,
    get_report,
    publishable_practices,
    report_detail,
    reports_citing,
    transition_report,
    update_report,
)
from polisee.services.groups._threads import (
    POST_LIMIT,
    ThreadRow,
    edit_post,
    get_thread,
    list_threads,
    open_thread,
    reply_to_thread,
)
from polisee.services.practices import THEMES

__all__ = [
    "DEMO_GROUP_LEADS",
    "MAX_DOCUMENTS",
    "NOTIFICATION_TEXTS",
    "POST_LIMIT",
    "THEMES",
    "CitedIn",
    "DocumentFile",
    "GroupDemoSummary",
    "GroupInput",
    "GroupKind",
    "GroupOverview",
    "GroupRole",
    "GroupSummary",
    "MeetingInput",
    "MemberStatus",
    "MemberView",
    "ReportAction",
    "ReportDetail",
    "ReportInput",
    "ReportState",
    "ThreadRow",
    "add_document",
    "add_document_version",
    "add_meeting",
    "answer_invitation",
    "create_group",
    "create_report",
    "decide_request",
    "document_file",
    "edit_post",
    "get_report",
    "get_thread",
    "group_overview",
    "invite_member",
    "is_lead",
    "leave_group",
    "list_documents",
    "list_groups",
    "list_meetings",
    "list_threads",
    "load_demo_groups",
    "load_group",
    "member_group",
    "open_thread",
    "publishable_practices",
    "reply_to_thread",
    "report_detail",
    "reports_citing",
    "request_to_join",
    "set_member_role",
    "transition_report",
    "update_report",
]
