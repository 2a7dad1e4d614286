"""Action plans: regions, objectives (criteria, practices), actions (partners, pilots),
milestones, risks, KPIs computed or reported with their reports, pilot evaluations, and the
reminders sent.

Revision ID: 0008
Revises: 0004
Create Date: 2026-11-27 05:06:36.056185
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_plan_reminders_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_reminders")),
        sa.UniqueConstraint(
            "kind",
            "subject_id",
            "user_id",
            "sent_on",
            name=op.f("uq_plan_reminders_kind_subject_id_user_id_sent_on"),
        ),
    )
    with op.batch_alter_table("plan_reminders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_reminders_user_id"), ["user_id"], unique=False)

    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "active",
                "completed",
                "cancelled",
                name="plan_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_plans_period_order")),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_plans_assessment_id_assessments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_plans_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_plans_owner_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plans_owner_organisation_id"), ["owner_organisation_id"], unique=False
        )

    op.create_table(
        "plan_objectives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("criterion_keys", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_plan_objectives_assessment_id_assessments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_plan_objectives_plan_id_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_objectives")),
    )
    with op.batch_alter_table("plan_objectives", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_objectives_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plan_regions",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_plan_regions_plan_id_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_id", "region_code", name=op.f("pk_plan_regions")),
    )
    with op.batch_alter_table("plan_regions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_regions_region_code"), ["region_code"], unique=False
        )

    op.create_table(
        "plan_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "instrument",
            sa.Enum(
                "grant_scheme",
                "voucher",
                "accreditation",
                "network_programme",
                "training",
                "infrastructure",
                "procurement",
                "advisory",
                "competence_centre",
                "other",
                name="action_instrument",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=False),
        sa.Column("responsible_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("budget_eur", sa.Integer(), nullable=True),
        sa.Column("funding_source", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "in_progress",
                "completed",
                "delayed",
                "cancelled",
                name="action_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("is_pilot", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "budget_eur IS NULL OR budget_eur >= 0",
            name=op.f("ck_plan_actions_budget_non_negative"),
        ),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_plan_actions_period_order")),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["plan_objectives.id"],
            name=op.f("fk_plan_actions_objective_id_plan_objectives"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_plan_actions_owner_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_plan_actions_plan_id_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["responsible_id"],
            ["users.id"],
            name=op.f("fk_plan_actions_responsible_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_actions")),
    )
    with op.batch_alter_table("plan_actions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_actions_owner_organisation_id"),
            ["owner_organisation_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_plan_actions_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plan_objective_practices",
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["plan_objectives.id"],
            name=op.f("fk_plan_objective_practices_objective_id_plan_objectives"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_plan_objective_practices_practice_id_practices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "objective_id", "practice_id", name=op.f("pk_plan_objective_practices")
        ),
    )
    with op.batch_alter_table("plan_objective_practices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_objective_practices_practice_id"), ["practice_id"], unique=False
        )

    op.create_table(
        "plan_action_partners",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["plan_actions.id"],
            name=op.f("fk_plan_action_partners_action_id_plan_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_plan_action_partners_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "action_id", "organisation_id", name=op.f("pk_plan_action_partners")
        ),
    )
    with op.batch_alter_table("plan_action_partners", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_action_partners_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "plan_kpis",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "computed",
                "reported",
                name="kpi_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("unit", sa.String(length=60), nullable=False),
        sa.Column("indicator_key", sa.String(length=64), nullable=True),
        sa.Column("measure", sa.String(length=64), nullable=True),
        sa.Column("industry", sa.String(length=20), nullable=True),
        sa.Column("cluster", sa.String(length=20), nullable=True),
        sa.Column("nuts_level", sa.Integer(), nullable=True),
        sa.Column("value_column", sa.String(length=64), nullable=True),
        sa.Column("region_code", sa.String(length=10), nullable=True),
        sa.Column("baseline_year", sa.Integer(), nullable=False),
        sa.Column("baseline_value", sa.Double(), nullable=True),
        sa.Column("target_value", sa.Double(), nullable=False),
        sa.Column("target_year", sa.Integer(), nullable=False),
        sa.Column("reporting_months", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind <> 'computed' OR (indicator_key IS NOT NULL AND region_code IS NOT NULL AND baseline_value IS NULL)",
            name=op.f("ck_plan_kpis_computed_spec"),
        ),
        sa.CheckConstraint(
            "kind <> 'reported' OR (baseline_value IS NOT NULL AND reporting_months >= 1)",
            name=op.f("ck_plan_kpis_reported_spec"),
        ),
        sa.CheckConstraint(
            "target_year >= baseline_year", name=op.f("ck_plan_kpis_target_after_baseline")
        ),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["plan_actions.id"],
            name=op.f("fk_plan_kpis_action_id_plan_actions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["plan_objectives.id"],
            name=op.f("fk_plan_kpis_objective_id_plan_objectives"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_kpis_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_kpis")),
    )
    with op.batch_alter_table("plan_kpis", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_kpis_action_id"), ["action_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_kpis_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plan_milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["plan_actions.id"],
            name=op.f("fk_plan_milestones_action_id_plan_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["done_by_id"],
            ["users.id"],
            name=op.f("fk_plan_milestones_done_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_milestones")),
    )
    with op.batch_alter_table("plan_milestones", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_milestones_action_id"), ["action_id"], unique=False
        )

    op.create_table(
        "plan_pilot_evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("lessons", sa.Text(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["plan_actions.id"],
            name=op.f("fk_plan_pilot_evaluations_action_id_plan_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_plan_pilot_evaluations_practice_id_practices"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_plan_pilot_evaluations_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_pilot_evaluations")),
        sa.UniqueConstraint("action_id", name=op.f("uq_plan_pilot_evaluations_action_id")),
    )
    op.create_table(
        "plan_risks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "likelihood",
            sa.Enum(
                "low",
                "medium",
                "high",
                name="risk_likelihood",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "impact",
            sa.Enum(
                "low",
                "medium",
                "high",
                name="risk_impact",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("mitigation", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["plan_actions.id"],
            name=op.f("fk_plan_risks_action_id_plan_actions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_risks_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_risks")),
    )
    with op.batch_alter_table("plan_risks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_risks_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plan_kpi_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("reporter_label", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["kpi_id"],
            ["plan_kpis.id"],
            name=op.f("fk_plan_kpi_reports_kpi_id_plan_kpis"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["users.id"],
            name=op.f("fk_plan_kpi_reports_reporter_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_kpi_reports")),
    )
    with op.batch_alter_table("plan_kpi_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_kpi_reports_kpi_id"), ["kpi_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_kpi_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_kpi_reports_kpi_id"))

    op.drop_table("plan_kpi_reports")
    with op.batch_alter_table("plan_risks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_risks_plan_id"))

    op.drop_table("plan_risks")
    op.drop_table("plan_pilot_evaluations")
    with op.batch_alter_table("plan_milestones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_milestones_action_id"))

    op.drop_table("plan_milestones")
    with op.batch_alter_table("plan_kpis", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_kpis_plan_id"))
        batch_op.drop_index(batch_op.f("ix_plan_kpis_action_id"))

    op.drop_table("plan_kpis")
    with op.batch_alter_table("plan_action_partners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_action_partners_organisation_id"))

    op.drop_table("plan_action_partners")
    with op.batch_alter_table("plan_objective_practices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_objective_practices_practice_id"))

    op.drop_table("plan_objective_practices")
    with op.batch_alter_table("plan_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_actions_plan_id"))
        batch_op.drop_index(batch_op.f("ix_plan_actions_owner_organisation_id"))

    op.drop_table("plan_actions")
    with op.batch_alter_table("plan_regions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_regions_region_code"))

    op.drop_table("plan_regions")
    with op.batch_alter_table("plan_objectives", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_objectives_plan_id"))

    op.drop_table("plan_objectives")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_owner_organisation_id"))

    op.drop_table("plans")
    with op.batch_alter_table("plan_reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_reminders_user_id"))

    op.drop_table("plan_reminders")
