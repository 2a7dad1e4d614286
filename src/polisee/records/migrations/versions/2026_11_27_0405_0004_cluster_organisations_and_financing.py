"""Cluster organisations, members, annual reports, membership changes; ladders, stage
evaluations, funding calls, criteria, applications, score sheets, appeal notes, allocations.

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-27 04:05:05.175769
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cluster_organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("legal_form", sa.String(length=120), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("region_code", sa.String(length=10), nullable=False),
        sa.Column("founded_year", sa.Integer(), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("management_fte", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("nace_codes", sa.JSON(), nullable=False),
        sa.Column("cluster_category", sa.String(length=120), nullable=False),
        sa.Column("technologies", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "founded_year >= 1900", name=op.f("ck_cluster_organisations_founded_year_plausible")
        ),
        sa.CheckConstraint(
            "management_fte >= 0", name=op.f("ck_cluster_organisations_management_fte_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_cluster_organisations_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_organisations")),
        sa.UniqueConstraint("name", name=op.f("uq_cluster_organisations_name")),
        sa.UniqueConstraint(
            "organisation_id", name=op.f("uq_cluster_organisations_organisation_id")
        ),
    )
    with op.batch_alter_table("cluster_organisations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cluster_organisations_region_code"), ["region_code"], unique=False
        )

    op.create_table(
        "funding_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("ladder_key", sa.String(length=64), nullable=False),
        sa.Column("eligible_stages", sa.JSON(), nullable=False),
        sa.Column("budget", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("max_grant", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("cofinancing_rate", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.Column("min_score", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("allow_partial", sa.Boolean(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "open",
                "closed",
                name="call_status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("budget > 0", name=op.f("ck_funding_calls_budget_positive")),
        sa.CheckConstraint(
            "closes_on >= opens_on", name=op.f("ck_funding_calls_closes_after_opening")
        ),
        sa.CheckConstraint(
            "cofinancing_rate > 0 AND cofinancing_rate <= 1",
            name=op.f("ck_funding_calls_cofinancing_rate_fraction"),
        ),
        sa.CheckConstraint("max_grant > 0", name=op.f("ck_funding_calls_max_grant_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_funding_calls_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_funding_calls_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_calls")),
    )
    op.create_table(
        "ladder_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("yaml_text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["imported_by_id"],
            ["users.id"],
            name=op.f("fk_ladder_versions_imported_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ladder_versions")),
        sa.UniqueConstraint("key", "version", name=op.f("uq_ladder_versions_key_version")),
    )
    with op.batch_alter_table("ladder_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ladder_versions_key"), ["key"], unique=False)

    op.create_table(
        "allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("total_granted", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["funding_calls.id"],
            name=op.f("fk_allocations_call_id_funding_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_allocations_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocations")),
    )
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_allocations_call_id"), ["call_id"], unique=False)

    op.create_table(
        "call_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("weight", sa.Numeric(precision=7, scale=3), nullable=False),
        sa.Column("max_score", sa.Integer(), nullable=False),
        sa.CheckConstraint("max_score > 0", name=op.f("ck_call_criteria_max_score_positive")),
        sa.CheckConstraint("weight > 0", name=op.f("ck_call_criteria_weight_positive")),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["funding_calls.id"],
            name=op.f("fk_call_criteria_call_id_funding_calls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_criteria")),
        sa.UniqueConstraint("call_id", "key", name=op.f("uq_call_criteria_call_id_key")),
    )
    with op.batch_alter_table("call_criteria", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_criteria_call_id"), ["call_id"], unique=False)

    op.create_table(
        "cluster_annual_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("members_turnover", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("export_share", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.Column("rd_spending", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("joint_projects", sa.Integer(), nullable=False),
        sa.Column("patents", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("services", sa.Integer(), nullable=False),
        sa.Column("staff_fte", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "export_share >= 0 AND export_share <= 1",
            name=op.f("ck_cluster_annual_reports_export_share_fraction"),
        ),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["cluster_organisations.id"],
            name=op.f("fk_cluster_annual_reports_cluster_id_cluster_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_annual_reports")),
        sa.UniqueConstraint(
            "cluster_id", "year", name=op.f("uq_cluster_annual_reports_cluster_id_year")
        ),
    )
    with op.batch_alter_table("cluster_annual_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cluster_annual_reports_cluster_id"), ["cluster_id"], unique=False
        )

    op.create_table(
        "cluster_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column(
            "member_type",
            sa.Enum(
                "sme",
                "large",
                "research",
                "education",
                "public",
                "other",
                name="member_type",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "employees IS NULL OR employees >= 0",
            name=op.f("ck_cluster_members_employees_non_negative"),
        ),
        sa.CheckConstraint(
            "left_on IS NULL OR left_on >= joined_on",
            name=op.f("ck_cluster_members_left_after_joined"),
        ),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["cluster_organisations.id"],
            name=op.f("fk_cluster_members_cluster_id_cluster_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_members")),
    )
    with op.batch_alter_table("cluster_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cluster_members_cluster_id"), ["cluster_id"], unique=False
        )

    op.create_table(
        "stage_evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("ladder_version_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("stage", sa.String(length=64), nullable=True),
        sa.Column("score", sa.Numeric(precision=7, scale=3), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["cluster_organisations.id"],
            name=op.f("fk_stage_evaluations_cluster_id_cluster_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_stage_evaluations_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ladder_version_id"],
            ["ladder_versions.id"],
            name=op.f("fk_stage_evaluations_ladder_version_id_ladder_versions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_evaluations")),
    )
    with op.batch_alter_table("stage_evaluations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stage_evaluations_cluster_id"), ["cluster_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_stage_evaluations_ladder_version_id"),
            ["ladder_version_id"],
            unique=False,
        )

    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("eligible_budget", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("eligibility", sa.JSON(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "eligible_budget > 0", name=op.f("ck_applications_eligible_budget_positive")
        ),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["funding_calls.id"],
            name=op.f("fk_applications_call_id_funding_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["cluster_organisations.id"],
            name=op.f("fk_applications_cluster_id_cluster_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["stage_evaluations.id"],
            name=op.f("fk_applications_evaluation_id_stage_evaluations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["users.id"],
            name=op.f("fk_applications_submitted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint(
            "call_id", "cluster_id", name=op.f("uq_applications_call_id_cluster_id")
        ),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_applications_call_id"), ["call_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_applications_cluster_id"), ["cluster_id"], unique=False
        )

    op.create_table(
        "cluster_membership_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "join",
                "leave",
                name="membership_change_kind",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["cluster_organisations.id"],
            name=op.f("fk_cluster_membership_changes_cluster_id_cluster_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["cluster_members.id"],
            name=op.f("fk_cluster_membership_changes_member_id_cluster_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_membership_changes")),
    )
    with op.batch_alter_table("cluster_membership_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cluster_membership_changes_cluster_id"), ["cluster_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_cluster_membership_changes_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "appeal_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_label", sa.String(length=254), nullable=False),
        sa.Column("by_applicant", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_appeal_notes_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_appeal_notes_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal_notes")),
    )
    with op.batch_alter_table("appeal_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_appeal_notes_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "score_sheets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("evaluator_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_score_sheets_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["evaluator_id"],
            ["users.id"],
            name=op.f("fk_score_sheets_evaluator_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_sheets")),
        sa.UniqueConstraint(
            "application_id",
            "evaluator_id",
            "version",
            name=op.f("uq_score_sheets_application_id_evaluator_id_version"),
        ),
    )
    with op.batch_alter_table("score_sheets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_score_sheets_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_score_sheets_evaluator_id"), ["evaluator_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("score_sheets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_sheets_evaluator_id"))
        batch_op.drop_index(batch_op.f("ix_score_sheets_application_id"))

    op.drop_table("score_sheets")
    with op.batch_alter_table("appeal_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appeal_notes_application_id"))

    op.drop_table("appeal_notes")
    with op.batch_alter_table("cluster_membership_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cluster_membership_changes_member_id"))
        batch_op.drop_index(batch_op.f("ix_cluster_membership_changes_cluster_id"))

    op.drop_table("cluster_membership_changes")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_cluster_id"))
        batch_op.drop_index(batch_op.f("ix_applications_call_id"))

    op.drop_table("applications")
    with op.batch_alter_table("stage_evaluations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stage_evaluations_ladder_version_id"))
        batch_op.drop_index(batch_op.f("ix_stage_evaluations_cluster_id"))

    op.drop_table("stage_evaluations")
    with op.batch_alter_table("cluster_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cluster_members_cluster_id"))

    op.drop_table("cluster_members")
    with op.batch_alter_table("cluster_annual_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cluster_annual_reports_cluster_id"))

    op.drop_table("cluster_annual_reports")
    with op.batch_alter_table("call_criteria", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_criteria_call_id"))

    op.drop_table("call_criteria")
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allocations_call_id"))

    op.drop_table("allocations")
    with op.batch_alter_table("ladder_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ladder_versions_key"))

    op.drop_table("ladder_versions")
    op.drop_table("funding_calls")
    with op.batch_alter_table("cluster_organisations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cluster_organisations_region_code"))

    op.drop_table("cluster_organisations")
