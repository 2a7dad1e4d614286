"""Thematic working groups: groups and themes, members, threads and posts with revisions,
shared documents with versions, meeting notes, and recommendations reports with citations,
recommendations and history.

Revision ID: 0010
Revises: 0011
Create Date: 2026-11-27 07:34:10.818270
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "working_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "theme",
                "custom",
                name="group_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("theme_key", sa.String(length=64), nullable=True),
        sa.Column("lead_organisation_id", sa.Integer(), nullable=True),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_working_groups_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lead_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_working_groups_lead_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_working_groups")),
        sa.UniqueConstraint("name", name=op.f("uq_working_groups_name")),
        sa.UniqueConstraint("theme_key", name=op.f("uq_working_groups_theme_key")),
    )
    with op.batch_alter_table("working_groups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_working_groups_lead_organisation_id"),
            ["lead_organisation_id"],
            unique=False,
        )

    op.create_table(
        "group_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_group_documents_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_groups.id"],
            name=op.f("fk_group_documents_group_id_working_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_documents")),
    )
    with op.batch_alter_table("group_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_documents_group_id"), ["group_id"], unique=False)

    op.create_table(
        "group_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("participants", sa.Text(), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("decisions", sa.Text(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_group_meetings_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_groups.id"],
            name=op.f("fk_group_meetings_group_id_working_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_meetings")),
    )
    with op.batch_alter_table("group_meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_meetings_group_id"), ["group_id"], unique=False)

    op.create_table(
        "group_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column(
            "role",
            sa.Enum(
                "lead",
                "member",
                name="group_role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "requested",
                "invited",
                "active",
                "declined",
                "left",
                name="member_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_group_members_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_groups.id"],
            name=op.f("fk_group_members_group_id_working_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_group_members_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_group_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_members")),
        sa.UniqueConstraint("group_id", "user_id", name=op.f("uq_group_members_group_id_user_id")),
    )
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_members_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_group_members_user_id"), ["user_id"], unique=False)

    op.create_table(
        "group_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "in_review",
                "published",
                name="report_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["users.id"],
            name=op.f("fk_group_reports_approved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_group_reports_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_groups.id"],
            name=op.f("fk_group_reports_group_id_working_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_group_reports_published_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["users.id"],
            name=op.f("fk_group_reports_submitted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_reports")),
    )
    with op.batch_alter_table("group_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_reports_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_group_reports_state"), ["state"], unique=False)

    op.create_table(
        "group_themes",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_groups.id"],
            name=op.f("fk_group_themes_group_id_working_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "theme", name=op.f("pk_group_themes")),
    )
    with op.batch_alter_table("group_themes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_themes_theme"), ["theme"], unique=False)

    op.create_table(
        "group_threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_post_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_group_threads_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_groups.id"],
            name=op.f("fk_group_threads_group_id_working_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_threads")),
    )
    with op.batch_alter_table("group_threads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_threads_group_id"), ["group_id"], unique=False)

    op.create_table(
        "group_document_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by_label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "size_bytes >= 0", name=op.f("ck_group_document_versions_size_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["group_documents.id"],
            name=op.f("fk_group_document_versions_document_id_group_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_group_document_versions_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_document_versions")),
        sa.UniqueConstraint(
            "document_id", "number", name=op.f("uq_group_document_versions_document_id_number")
        ),
        sa.UniqueConstraint("stored_name", name=op.f("uq_group_document_versions_stored_name")),
    )
    with op.batch_alter_table("group_document_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_document_versions_document_id"), ["document_id"], unique=False
        )

    op.create_table(
        "group_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_label", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_group_posts_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["group_threads.id"],
            name=op.f("fk_group_posts_thread_id_group_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_posts")),
    )
    with op.batch_alter_table("group_posts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_posts_thread_id"), ["thread_id"], unique=False)

    op.create_table(
        "group_report_citations",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_group_report_citations_practice_id_practices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["group_reports.id"],
            name=op.f("fk_group_report_citations_report_id_group_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", "practice_id", name=op.f("pk_group_report_citations")),
    )
    with op.batch_alter_table("group_report_citations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_report_citations_practice_id"), ["practice_id"], unique=False
        )

    op.create_table(
        "group_report_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column(
            "from_state",
            sa.Enum(
                "draft",
                "in_review",
                "published",
                name="report_from_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_state",
            sa.Enum(
                "draft",
                "in_review",
                "published",
                name="report_to_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_group_report_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["group_reports.id"],
            name=op.f("fk_group_report_events_report_id_group_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_report_events")),
    )
    with op.batch_alter_table("group_report_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_report_events_report_id"), ["report_id"], unique=False
        )

    op.create_table(
        "group_report_recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("addressee", sa.String(length=300), nullable=False),
        sa.Column("theme", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "number >= 1", name=op.f("ck_group_report_recommendations_number_positive")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["group_reports.id"],
            name=op.f("fk_group_report_recommendations_report_id_group_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_report_recommendations")),
        sa.UniqueConstraint(
            "report_id", "number", name=op.f("uq_group_report_recommendations_report_id_number")
        ),
    )
    with op.batch_alter_table("group_report_recommendations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_report_recommendations_report_id"), ["report_id"], unique=False
        )

    op.create_table(
        "group_post_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["group_posts.id"],
            name=op.f("fk_group_post_revisions_post_id_group_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_post_revisions")),
    )
    with op.batch_alter_table("group_post_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_post_revisions_post_id"), ["post_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("group_post_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_post_revisions_post_id"))

    op.drop_table("group_post_revisions")
    with op.batch_alter_table("group_report_recommendations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_report_recommendations_report_id"))

    op.drop_table("group_report_recommendations")
    with op.batch_alter_table("group_report_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_report_events_report_id"))

    op.drop_table("group_report_events")
    with op.batch_alter_table("group_report_citations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_report_citations_practice_id"))

    op.drop_table("group_report_citations")
    with op.batch_alter_table("group_posts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_posts_thread_id"))

    op.drop_table("group_posts")
    with op.batch_alter_table("group_document_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_document_versions_document_id"))

    op.drop_table("group_document_versions")
    with op.batch_alter_table("group_threads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_threads_group_id"))

    op.drop_table("group_threads")
    with op.batch_alter_table("group_themes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_themes_theme"))

    op.drop_table("group_themes")
    with op.batch_alter_table("group_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_reports_state"))
        batch_op.drop_index(batch_op.f("ix_group_reports_group_id"))

    op.drop_table("group_reports")
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_members_user_id"))
        batch_op.drop_index(batch_op.f("ix_group_members_group_id"))

    op.drop_table("group_members")
    with op.batch_alter_table("group_meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_meetings_group_id"))

    op.drop_table("group_meetings")
    with op.batch_alter_table("group_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_documents_group_id"))

    op.drop_table("group_documents")
    with op.batch_alter_table("working_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_working_groups_lead_organisation_id"))

    op.drop_table("working_groups")
