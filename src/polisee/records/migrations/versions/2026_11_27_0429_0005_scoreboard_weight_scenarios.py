"""Scoreboard weight scenarios.

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-27 04:29:53.136910
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scoreboard_scenarios",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("aggregation", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "aggregation IN ('arithmetic', 'geometric')",
            name=op.f("ck_scoreboard_scenarios_aggregation"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_scoreboard_scenarios_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scoreboard_scenarios")),
        sa.UniqueConstraint("name", name=op.f("uq_scoreboard_scenarios_name")),
    )
    with op.batch_alter_table("scoreboard_scenarios", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scoreboard_scenarios_owner_id"), ["owner_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("scoreboard_scenarios", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scoreboard_scenarios_owner_id"))

    op.drop_table("scoreboard_scenarios")
