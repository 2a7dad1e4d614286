"""Good practices (regions, themes, attachments, history, comments, embeddings), notifications,
and the full-text index: FTS5 with triggers on SQLite, a GIN expression index on PostgreSQL.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-27 04:04:12.164475
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("text_key", sa.String(length=300), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_user_id_read_at", ["user_id", "read_at"], unique=False
        )

    op.create_table(
        "practices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("organisation", sa.String(length=300), nullable=False),
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
                name="practice_instrument",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("target_group", sa.Text(), nullable=False),
        sa.Column("period_start", sa.Integer(), nullable=True),
        sa.Column("period_end", sa.Integer(), nullable=True),
        sa.Column("budget_eur", sa.Integer(), nullable=True),
        sa.Column("budget_note", sa.Text(), nullable=False),
        sa.Column("funding_source", sa.Text(), nullable=False),
        sa.Column("results", sa.Text(), nullable=False),
        sa.Column("result_figures", sa.JSON(), nullable=False),
        sa.Column("success_factors", sa.Text(), nullable=False),
        sa.Column("difficulties", sa.Text(), nullable=False),
        sa.Column("transferability", sa.Text(), nullable=False),
        sa.Column("contacts", sa.Text(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "submitted",
                "reviewed",
                "published",
                "rejected",
                name="practice_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("publisher_id", sa.Integer(), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("search_title", sa.Text(), nullable=False),
        sa.Column("search_body", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "budget_eur IS NULL OR budget_eur >= 0", name=op.f("ck_practices_budget_non_negative")
        ),
        sa.CheckConstraint(
            "period_end IS NULL OR period_start IS NULL OR period_end >= period_start",
            name=op.f("ck_practices_period_order"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_practices_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["publisher_id"],
            ["users.id"],
            name=op.f("fk_practices_publisher_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["users.id"],
            name=op.f("fk_practices_reviewer_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practices")),
    )
    with op.batch_alter_table("practices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practices_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_practices_state"), ["state"], unique=False)

    op.create_table(
        "practice_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "size_bytes >= 0", name=op.f("ck_practice_attachments_size_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_practice_attachments_practice_id_practices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_practice_attachments_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_attachments")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_practice_attachments_stored_name")),
    )
    with op.batch_alter_table("practice_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_practice_attachments_practice_id"), ["practice_id"], unique=False
        )

    op.create_table(
        "practice_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_label", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "comment",
                "question",
                name="comment_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_practice_comments_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_practice_comments_practice_id_practices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_comments")),
    )
    with op.batch_alter_table("practice_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_practice_comments_practice_id"), ["practice_id"], unique=False
        )

    op.create_table(
        "practice_embeddings",
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("dimensions", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_practice_embeddings_practice_id_practices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("practice_id", name=op.f("pk_practice_embeddings")),
    )
    op.create_table(
        "practice_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=254), nullable=False),
        sa.Column(
            "from_state",
            sa.Enum(
                "draft",
                "submitted",
                "reviewed",
                "published",
                "rejected",
                name="from_state",
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
                "submitted",
                "reviewed",
                "published",
                "rejected",
                name="to_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_practice_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_practice_events_practice_id_practices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_events")),
    )
    with op.batch_alter_table("practice_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_practice_events_practice_id"), ["practice_id"], unique=False
        )

    op.create_table(
        "practice_regions",
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_practice_regions_practice_id_practices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("practice_id", "region_code", name=op.f("pk_practice_regions")),
    )
    with op.batch_alter_table("practice_regions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_practice_regions_region_code"), ["region_code"], unique=False
        )

    op.create_table(
        "practice_themes",
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_practice_themes_practice_id_practices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("practice_id", "theme", name=op.f("pk_practice_themes")),
    )
    with op.batch_alter_table("practice_themes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practice_themes_theme"), ["theme"], unique=False)

    if op.get_bind().dialect.name == "sqlite":
        # External-content FTS5 over the service-maintained folded columns; the triggers
        # are the FTS5 documentation's recipe for keeping such an index in step.
        op.execute(
            "CREATE VIRTUAL TABLE practice_search USING fts5("
            "search_title, search_body, content='practices', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER practices_search_insert AFTER INSERT ON practices BEGIN "
            "INSERT INTO practice_search(rowid, search_title, search_body) "
            "VALUES (new.id, new.search_title, new.search_body); END"
        )
        op.execute(
            "CREATE TRIGGER practices_search_delete AFTER DELETE ON practices BEGIN "
            "INSERT INTO practice_search(practice_search, rowid, search_title, search_body) "
            "VALUES ('delete', old.id, old.search_title, old.search_body); END"
        )
        op.execute(
            "CREATE TRIGGER practices_search_update AFTER UPDATE ON practices BEGIN "
            "INSERT INTO practice_search(practice_search, rowid, search_title, search_body) "
            "VALUES ('delete', old.id, old.search_title, old.search_body); "
            "INSERT INTO practice_search(rowid, search_title, search_body) "
            "VALUES (new.id, new.search_title, new.search_body); END"
        )
    else:
        op.execute(
            "CREATE INDEX ix_practices_search_vector ON practices USING gin ("
            "(setweight(to_tsvector('simple'::regconfig, coalesce(search_title, '')), 'A') || "
            "setweight(to_tsvector('simple'::regconfig, coalesce(search_body, '')), 'B')))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS practices_search_{trigger}")
        op.execute("DROP TABLE IF EXISTS practice_search")
    else:
        op.execute("DROP INDEX IF EXISTS ix_practices_search_vector")
    with op.batch_alter_table("practice_themes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_themes_theme"))

    op.drop_table("practice_themes")
    with op.batch_alter_table("practice_regions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_regions_region_code"))

    op.drop_table("practice_regions")
    with op.batch_alter_table("practice_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_events_practice_id"))

    op.drop_table("practice_events")
    op.drop_table("practice_embeddings")
    with op.batch_alter_table("practice_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_comments_practice_id"))

    op.drop_table("practice_comments")
    with op.batch_alter_table("practice_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_attachments_practice_id"))

    op.drop_table("practice_attachments")
    with op.batch_alter_table("practices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practices_state"))
        batch_op.drop_index(batch_op.f("ix_practices_author_id"))

    op.drop_table("practices")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_user_id_read_at")

    op.drop_table("notifications")
