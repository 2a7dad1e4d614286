"""Partner matchmaking: cooperation profiles and their stored text vectors, match requests
with message threads, saved searches and their hits, collaborations and their participants.

Revision ID: 0007
Revises: 0004
Create Date: 2026-11-27 05:07:29.431756
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partner_collaborations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "joint_project",
                "mou",
                "consortium",
                name="collaboration_kind",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "ended_on IS NULL OR ended_on >= started_on",
            name=op.f("ck_partner_collaborations_ends_after_start"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_partner_collaborations_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_collaborations")),
    )
    op.create_table(
        "partner_saved_searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("notify", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_partner_saved_searches_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_saved_searches")),
    )
    with op.batch_alter_table("partner_saved_searches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_saved_searches_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "partner_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collaboration_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["collaboration_id"],
            ["partner_collaborations.id"],
            name=op.f("fk_partner_participants_collaboration_id_partner_collaborations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_partner_participants_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_participants")),
        sa.UniqueConstraint(
            "collaboration_id",
            "organisation_id",
            name=op.f("uq_partner_participants_collaboration_id_organisation_id"),
        ),
    )
    with op.batch_alter_table("partner_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_participants_collaboration_id"),
            ["collaboration_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_partner_participants_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "partner_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("region_code", sa.String(length=10), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("offers", sa.Text(), nullable=False),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("target_regions", sa.JSON(), nullable=False),
        sa.Column("value_chain_roles", sa.JSON(), nullable=False),
        sa.Column("nace_codes", sa.JSON(), nullable=False),
        sa.Column("technologies", sa.JSON(), nullable=False),
        sa.Column("cooperation_types", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column(
            "visibility",
            sa.Enum(
                "public",
                "members",
                name="partner_visibility",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("region_pairing", sa.Boolean(), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_partner_profiles_version_positive")),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["cluster_organisations.id"],
            name=op.f("fk_partner_profiles_cluster_id_cluster_organisations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_partner_profiles_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_partner_profiles_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_profiles")),
        sa.UniqueConstraint("cluster_id", name=op.f("uq_partner_profiles_cluster_id")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_partner_profiles_organisation_id")),
    )
    with op.batch_alter_table("partner_profiles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_profiles_country"), ["country"], unique=False)

    op.create_table(
        "partner_match_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_profile_id", sa.Integer(), nullable=False),
        sa.Column("to_profile_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "accepted",
                "declined",
                name="match_status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "from_profile_id <> to_profile_id", name=op.f("ck_partner_match_requests_not_to_itself")
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["users.id"],
            name=op.f("fk_partner_match_requests_answered_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["from_profile_id"],
            ["partner_profiles.id"],
            name=op.f("fk_partner_match_requests_from_profile_id_partner_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["users.id"],
            name=op.f("fk_partner_match_requests_sender_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["to_profile_id"],
            ["partner_profiles.id"],
            name=op.f("fk_partner_match_requests_to_profile_id_partner_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_match_requests")),
    )
    with op.batch_alter_table("partner_match_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_match_requests_from_profile_id"),
            ["from_profile_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_partner_match_requests_status"), ["status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_partner_match_requests_to_profile_id"), ["to_profile_id"], unique=False
        )

    op.create_table(
        "partner_saved_search_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("search_id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["partner_profiles.id"],
            name=op.f("fk_partner_saved_search_hits_profile_id_partner_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["search_id"],
            ["partner_saved_searches.id"],
            name=op.f("fk_partner_saved_search_hits_search_id_partner_saved_searches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_saved_search_hits")),
        sa.UniqueConstraint(
            "search_id",
            "profile_id",
            name=op.f("uq_partner_saved_search_hits_search_id_profile_id"),
        ),
    )
    with op.batch_alter_table("partner_saved_search_hits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_saved_search_hits_profile_id"), ["profile_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_partner_saved_search_hits_search_id"), ["search_id"], unique=False
        )

    op.create_table(
        "partner_vectors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("model", sa.String(length=120), nullable=False),
        sa.Column("profile_version", sa.Integer(), nullable=False),
        sa.Column("dimensions", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=True),
        sa.Column("terms", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["partner_profiles.id"],
            name=op.f("fk_partner_vectors_profile_id_partner_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_vectors")),
        sa.UniqueConstraint(
            "profile_id", "field", "model", name=op.f("uq_partner_vectors_profile_id_field_model")
        ),
    )
    with op.batch_alter_table("partner_vectors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_vectors_profile_id"), ["profile_id"], unique=False
        )

    op.create_table(
        "partner_match_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_partner_match_messages_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["partner_profiles.id"],
            name=op.f("fk_partner_match_messages_profile_id_partner_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["partner_match_requests.id"],
            name=op.f("fk_partner_match_messages_request_id_partner_match_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_match_messages")),
    )
    with op.batch_alter_table("partner_match_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_match_messages_request_id"), ["request_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("partner_match_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_match_messages_request_id"))

    op.drop_table("partner_match_messages")
    with op.batch_alter_table("partner_vectors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_vectors_profile_id"))

    op.drop_table("partner_vectors")
    with op.batch_alter_table("partner_saved_search_hits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_saved_search_hits_search_id"))
        batch_op.drop_index(batch_op.f("ix_partner_saved_search_hits_profile_id"))

    op.drop_table("partner_saved_search_hits")
    with op.batch_alter_table("partner_match_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_match_requests_to_profile_id"))
        batch_op.drop_index(batch_op.f("ix_partner_match_requests_status"))
        batch_op.drop_index(batch_op.f("ix_partner_match_requests_from_profile_id"))

    op.drop_table("partner_match_requests")
    with op.batch_alter_table("partner_profiles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_profiles_country"))

    op.drop_table("partner_profiles")
    with op.batch_alter_table("partner_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_participants_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_partner_participants_collaboration_id"))

    op.drop_table("partner_participants")
    with op.batch_alter_table("partner_saved_searches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_saved_searches_user_id"))

    op.drop_table("partner_saved_searches")
    op.drop_table("partner_collaborations")
