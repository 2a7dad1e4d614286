"""Self-assessment: framework versions, assessments, respondents, answers, peer reviews.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 04:04:47.286320
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "frameworks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_frameworks_version_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_frameworks_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_frameworks")),
        sa.UniqueConstraint("key", "version", name=op.f("uq_frameworks_key_version")),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=10), nullable=False),
        sa.Column("round_year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "closed",
                name="assessment_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("peer_regions", sa.JSON(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "round_year >= 1990 AND round_year <= 2100",
            name=op.f("ck_assessments_round_year_range"),
        ),
        sa.ForeignKeyConstraint(
            ["framework_id"], ["frameworks.id"], name=op.f("fk_assessments_framework_id_frameworks")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_assessments_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_assessments_owner_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
    )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessments_framework_id"), ["framework_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assessments_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assessments_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assessments_region_code"), ["region_code"], unique=False
        )

    op.create_table(
        "assessment_respondents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column(
            "stakeholder_group",
            sa.Enum(
                "public_authority",
                "cluster_organisation",
                "research",
                "business",
                "civil_society",
                name="stakeholder_group",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_respondents_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["users.id"],
            name=op.f("fk_assessment_respondents_invited_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_assessment_respondents_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_respondents")),
        sa.UniqueConstraint(
            "assessment_id", "email", name=op.f("uq_assessment_respondents_assessment_id_email")
        ),
    )
    with op.batch_alter_table("assessment_respondents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_respondents_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assessment_respondents_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "assessment_review_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("theme_key", sa.String(length=64), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "comment",
                "reply",
                name="review_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reply_to_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_label", sa.String(length=254), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_review_messages_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_assessment_review_messages_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reply_to_id"],
            ["assessment_review_messages.id"],
            name=op.f("fk_assessment_review_messages_reply_to_id_assessment_review_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_review_messages")),
    )
    with op.batch_alter_table("assessment_review_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_review_messages_assessment_id"),
            ["assessment_id"],
            unique=False,
        )

    op.create_table(
        "assessment_reviewers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=10), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_reviewers_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["users.id"],
            name=op.f("fk_assessment_reviewers_invited_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_assessment_reviewers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_reviewers")),
        sa.UniqueConstraint(
            "assessment_id", "user_id", name=op.f("uq_assessment_reviewers_assessment_id_user_id")
        ),
    )
    with op.batch_alter_table("assessment_reviewers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_reviewers_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assessment_reviewers_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "assessment_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("criterion_key", sa.String(length=100), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                name="answer_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status = 'draft' OR score IS NOT NULL",
            name=op.f("ck_assessment_answers_submitted_has_score"),
        ),
        sa.CheckConstraint(
            "score IS NULL OR (score >= 0 AND score <= 10)",
            name=op.f("ck_assessment_answers_score_range"),
        ),
        sa.ForeignKeyConstraint(
            ["respondent_id"],
            ["assessment_respondents.id"],
            name=op.f("fk_assessment_answers_respondent_id_assessment_respondents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_answers")),
        sa.UniqueConstraint(
            "respondent_id",
            "criterion_key",
            name=op.f("uq_assessment_answers_respondent_id_criterion_key"),
        ),
    )


def downgrade() -> None:
    op.drop_table("assessment_answers")
    with op.batch_alter_table("assessment_reviewers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_reviewers_user_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_reviewers_assessment_id"))

    op.drop_table("assessment_reviewers")
    with op.batch_alter_table("assessment_review_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_review_messages_assessment_id"))

    op.drop_table("assessment_review_messages")
    with op.batch_alter_table("assessment_respondents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_respondents_user_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_respondents_assessment_id"))

    op.drop_table("assessment_respondents")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessments_region_code"))
        batch_op.drop_index(batch_op.f("ix_assessments_owner_id"))
        batch_op.drop_index(batch_op.f("ix_assessments_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_assessments_framework_id"))

    op.drop_table("assessments")
    op.drop_table("frameworks")
