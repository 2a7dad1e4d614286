"""Good practices pinned to an assessment's weak criteria.

Revision ID: 0009
Revises: 0004
Create Date: 2026-11-27 05:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment_pinned_practices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("criterion_key", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("pinned_by_id", sa.Integer(), nullable=True),
        sa.Column("pinned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_pinned_practices_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_assessment_pinned_practices_practice_id_practices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pinned_by_id"],
            ["users.id"],
            name=op.f("fk_assessment_pinned_practices_pinned_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_pinned_practices")),
        sa.UniqueConstraint(
            "assessment_id",
            "practice_id",
            "criterion_key",
            name=op.f("uq_assessment_pinned_practices_assessment_id_practice_id_criterion_key"),
        ),
    )
    with op.batch_alter_table("assessment_pinned_practices") as batch:
        batch.create_index(
            batch.f("ix_assessment_pinned_practices_assessment_id"), ["assessment_id"]
        )
        batch.create_index(batch.f("ix_assessment_pinned_practices_practice_id"), ["practice_id"])


def downgrade() -> None:
    op.drop_table("assessment_pinned_practices")
