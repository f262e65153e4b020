"""server sources (KoboToolbox, ODK Central) and the submissions each one has shown

Revision ID: 0003_sources
Revises: 0002
Create Date: 2026-12-02
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # binds `sqlmodel`; importing the submodule lets mypy see sqlmodel.sql
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003_sources"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
Text = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", Text(length=64), nullable=False),
        sa.Column("kind", Text(length=16), nullable=False),
        sa.Column("survey_id", Text(length=64), nullable=False),
        sa.Column("url", Text(), nullable=False),
        sa.Column("form", Text(length=128), nullable=False),
        sa.Column("project", sa.Integer(), nullable=True),
        sa.Column("username", Text(length=128), nullable=True),
        sa.Column("token_ref", Text(), nullable=False),
        sa.Column("oblast_code", Text(length=19), nullable=True),
        sa.Column("on_edit", Text(length=16), nullable=False),
        sa.Column("page_size", sa.Integer(), nullable=False),
        sa.Column("cursor", Text(length=40), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("last_sync_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_status", Text(length=16), nullable=True),
        sa.Column("last_counts", JSON, nullable=False),
        sa.Column("last_issues", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_source_name"), ["name"], unique=True)

    op.create_table(
        "sourcesubmission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("server_key", Text(length=128), nullable=False),
        sa.Column("external_id", Text(length=128), nullable=True),
        sa.Column("status", Text(length=16), nullable=False),
        sa.Column("version", Text(length=128), nullable=False),
        sa.Column("content_hash", Text(length=64), nullable=False),
        sa.Column("pending_hash", Text(length=64), nullable=True),
        sa.Column("seen_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_id", "server_key", name="uq_sourcesubmission_key"),
    )
    with op.batch_alter_table("sourcesubmission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sourcesubmission_source_id"), ["source_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sourcesubmission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sourcesubmission_source_id"))
    op.drop_table("sourcesubmission")
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_name"))
    op.drop_table("source")
