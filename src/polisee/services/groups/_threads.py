"""Discussion threads: members open threads and reply in plain text; authors may edit their
own posts while they are members, and every earlier text is kept."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from polisee.errors import NotFound, PermissionDenied
from polisee.records.base import utcnow
from polisee.records.groups import GroupPost, GroupPostRevision, GroupThread, WorkingGroup
from polisee.services.audit import record_change
from polisee.services.groups._access import (
    NOTIFICATION_TEXTS,
    active_member_ids,
    clean_text,
    load_group,
    require_member,
    who,
)
from polisee.services.notifications import notify
from polisee.services.permissions import Permission, check_permission
from polisee.services.sessions import Principal

__all__ = [
    "POST_LIMIT",
    "ThreadRow",
    "edit_post",
    "get_thread",
    "list_threads",
    "open_thread",
    "reply_to_thread",
]

POST_LIMIT = 10_000


@dataclass(frozen=True)
class ThreadRow:
    """A thread in the list: its posts counted."""

    thread: GroupThread
    posts: int


def _notify_members(
    session: Session,
    group: WorkingGroup,
    thread: GroupThread,
    principal: Principal,
    kind: str,
    post: GroupPost,
) -> None:
    notify(
        session,
        [u for u in active_member_ids(session, group.id) if u != principal.user_id],
        kind=kind,
        text_key=NOTIFICATION_TEXTS[kind],
        params={"who": who(principal), "title": thread.title, "group": group.name},
        link=f"/groups/{group.id}/threads/{thread.id}#post-{post.id}",
    )


def open_thread(
    session: Session, group_id: int, title: str, body: str, principal: Principal
) -> GroupThread:
    """A new thread with its first post, by a member; the other members are notified."""
    check_permission(principal.permissions, Permission.GROUP_PARTICIPATE)
    group = load_group(session, group_id)
    require_member(session, group, principal)
    heading = clean_text(title, "title", limit=200, required=True, single_line=True)
    text = clean_text(body, "body", limit=POST_LIMIT, required=True)
    thread = GroupThread(
        group_id=group.id, title=heading, author_id=principal.user_id, author_label=who(principal)
    )
    session.add(thread)
    session.flush()
    post = GroupPost(
        thread_id=thread.id, author_id=principal.user_id, author_label=who(principal), body=text
    )
    session.add(post)
    session.flush()
    record_change(
        session,
        principal.actor,
        "group.thread",
        "group_thread",
        thread.id,
        after={"group": group.id, "title": heading, "post": post.id, "body": text},
    )
    _notify_members(session, group, thread, principal, "group.thread", post)
    return thread


def _thread(session: Session, group: WorkingGroup, thread_id: int) -> GroupThread:
    thread = session.get(GroupThread, thread_id)
    if thread is None or thread.group_id != group.id:
        raise NotFound(f"working group {group.id} has no thread {thread_id}")
    return thread


def reply_to_thread(
    session: Session, group_id: int, thread_id: int, body: str, principal: Principal
) -> GroupPost:
    """A member's reply; the other members are notified."""
    check_permission(principal.permissions, Permission.GROUP_PARTICIPATE)
    group = load_group(session, group_id)
    require_member(session, group, principal)
    thread = _thread(session, group, thread_id)
    text = clean_text(body, "body", limit=POST_LIMIT, required=True)
    post = GroupPost(
        thread_id=thread.id, author_id=principal.user_id, author_label=who(principal), body=text
    )
    session.add(post)
    thread.last_post_at = utcnow()
    session.flush()
    record_change(
        session,
        principal.actor,
        "group.reply",
        "group_post",
        post.id,
        after={"thread": thread.id, "body": text},
    )
    _notify_members(session, group, thread, principal, "group.reply", post)
    return post


def edit_post(
    session: Session, group_id: int, thread_id: int, post_id: int, body: str, principal: Principal
) -> GroupPost:
    """The author, still a member, replaces the text of their post; the earlier text is kept
    as a revision shown under the post."""
    check_permission(principal.permissions, Permission.GROUP_PARTICIPATE)
    group = load_group(session, group_id)
    require_member(session, group, principal)
    thread = _thread(session, group, thread_id)
    post = session.get(GroupPost, post_id)
    if post is None or post.thread_id != thread.id:
        raise NotFound(f"thread {thread_id} has no post {post_id}")
    if principal.user_id is None or post.author_id != principal.user_id:
        raise PermissionDenied("only its author may edit a post")
    text = clean_text(body, "body", limit=POST_LIMIT, required=True)
    if text == post.body:
        return post
    session.add(
        GroupPostRevision(
            post_id=post.id, body=post.body, written_at=post.edited_at or post.created_at
        )
    )
    before = post.body
    post.body, post.edited_at = text, utcnow()
    session.flush()
    record_change(
        session,
        principal.actor,
        "group.post_edit",
        "group_post",
        post.id,
        before={"body": before},
        after={"body": text},
    )
    return post


def list_threads(session: Session, group_id: int, principal: Principal) -> list[ThreadRow]:
    """The group's threads, most recently active first; members only."""
    check_permission(principal.permissions, Permission.GROUP_PARTICIPATE)
    group = load_group(session, group_id)
    require_member(session, group, principal)
    rows = session.execute(
        select(GroupThread, func.count(GroupPost.id))
        .outerjoin(GroupPost, GroupPost.thread_id == GroupThread.id)
        .where(GroupThread.group_id == group.id)
        .group_by(GroupThread.id)
        .order_by(GroupThread.last_post_at.desc(), GroupThread.id.desc())
    ).all()
    return [ThreadRow(thread, count) for thread, count in rows]


def get_thread(
    session: Session, group_id: int, thread_id: int, principal: Principal
) -> GroupThread:
    """The thread with its posts and their revisions; members only."""
    check_permission(principal.permissions, Permission.GROUP_PARTICIPATE)
    group = load_group(session, group_id)
    require_member(session, group, principal)
    thread = session.scalar(
        select(GroupThread)
        .where(GroupThread.id == thread_id, GroupThread.group_id == group.id)
        .options(selectinload(GroupThread.posts).selectinload(GroupPost.revisions))
    )
    if thread is None:
        raise NotFound(f"working group {group_id} has no thread {thread_id}")
    return thread
