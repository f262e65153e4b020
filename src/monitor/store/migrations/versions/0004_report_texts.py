"""report texts: narrative per round, accepted key findings, deviation notes (uk and en)

Revision ID: 0003reports
Revises: 0003_sources
Create Date: 2026-12-02
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # binds `sqlmodel`; importing the submodule lets mypy see sqlmodel.sql
from alembic import op

revision = "0003reports"
down_revision = "0003_sources"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reporttext",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("round", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("indicator", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("proposed", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "round", "indicator", "position", "lang", name="uq_reporttext_slot"),
    )
    with op.batch_alter_table("reporttext", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reporttext_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_reporttext_round"), ["round"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reporttext", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reporttext_round"))
        batch_op.drop_index(batch_op.f("ix_reporttext_kind"))
    op.drop_table("reporttext")
