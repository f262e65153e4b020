"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # binds `sqlmodel`; importing the submodule lets mypy see sqlmodel.sql
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "instrument",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("definition_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("title_uk", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("respondent", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column(
            "definition",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "setting",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "territory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=19), nullable=False),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("name_uk", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("full_name_uk", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("full_name_en", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("parent_code", sqlmodel.sql.sqltypes.AutoString(length=19), nullable=True),
        sa.Column("oblast_code", sqlmodel.sql.sqltypes.AutoString(length=19), nullable=False),
        sa.Column("raion_code", sqlmodel.sql.sqltypes.AutoString(length=19), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("centre_uk", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("centre_en", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column(
            "former_names",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code", "valid_from", name="uq_territory_code_from"),
    )
    with op.batch_alter_table("territory", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_territory_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_territory_level"), ["level"], unique=False)
        batch_op.create_index(batch_op.f("ix_territory_oblast_code"), ["oblast_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_territory_parent_code"), ["parent_code"], unique=False)

    op.create_table(
        "importbatch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("format", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("consent_refused", sa.Integer(), nullable=False),
        sa.Column(
            "dropped_columns",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "warnings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("imported_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("imported_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["instrument.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("importbatch", schema=None) as batch_op:
        batch_op.create_index("ix_batch_instrument_sha", ["instrument_id", "sha256"], unique=False)

    op.create_table(
        "rejectedrow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("column", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("message_uk", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("message_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["importbatch.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rejectedrow", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rejectedrow_batch_id"), ["batch_id"], unique=False)

    op.create_table(
        "response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("repeat", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("oblast_code", sqlmodel.sql.sqltypes.AutoString(length=19), nullable=True),
        sa.Column("raion_code", sqlmodel.sql.sqltypes.AutoString(length=19), nullable=True),
        sa.Column("hromada_code", sqlmodel.sql.sqltypes.AutoString(length=19), nullable=True),
        sa.Column("wave", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("period_date", sa.Date(), nullable=True),
        sa.Column("submitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column(
            "answers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["importbatch.id"],
        ),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["instrument.id"],
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["response.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("instrument_id", "external_id", name="uq_response_external"),
    )
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_response_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index("ix_response_instrument_hash", ["instrument_id", "content_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_response_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index("ix_response_slice", ["instrument_id", "oblast_code", "wave"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_index("ix_response_slice")
        batch_op.drop_index(batch_op.f("ix_response_parent_id"))
        batch_op.drop_index("ix_response_instrument_hash")
        batch_op.drop_index(batch_op.f("ix_response_batch_id"))

    op.drop_table("response")
    with op.batch_alter_table("rejectedrow", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rejectedrow_batch_id"))

    op.drop_table("rejectedrow")
    with op.batch_alter_table("importbatch", schema=None) as batch_op:
        batch_op.drop_index("ix_batch_instrument_sha")

    op.drop_table("importbatch")
    with op.batch_alter_table("territory", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_territory_parent_code"))
        batch_op.drop_index(batch_op.f("ix_territory_oblast_code"))
        batch_op.drop_index(batch_op.f("ix_territory_level"))
        batch_op.drop_index(batch_op.f("ix_territory_code"))

    op.drop_table("territory")
    op.drop_table("setting")
    op.drop_table("instrument")
