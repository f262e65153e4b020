"""the coalition's own outputs: trainings with their audience per body (participants by sex), and case
stories with consent and approval (monitor.store.oversight)

Revision ID: 0007_coalition_outputs
Revises: 0006_oversight
Create Date: 2026-12-02
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # binds `sqlmodel`; importing the submodule lets mypy see sqlmodel.sql
from alembic import op

revision = "0007_coalition_outputs"
down_revision = "0006_oversight"
branch_labels = None
depends_on = None

Text = sqlmodel.sql.sqltypes.AutoString
TABLES = ("trainingaudience", "training", "casestory")


def upgrade() -> None:
    op.create_table(
        "training",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", Text(length=64), nullable=False),
        sa.Column("round_id", Text(length=32), nullable=True),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("oblast_code", Text(length=19), nullable=False),
        sa.Column("topic_uk", Text(), nullable=False),
        sa.Column("topic_en", Text(), nullable=False),
        sa.Column("created_by", Text(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["monitoringround.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index(op.f("ix_training_on_date"), "training", ["on_date"], unique=False)
    op.create_index(op.f("ix_training_oblast_code"), "training", ["oblast_code"], unique=False)
    op.create_table(
        "trainingaudience",
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.Column("body_id", Text(length=48), nullable=False),
        sa.Column("women", sa.Integer(), nullable=False),
        sa.Column("men", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"]),
        sa.ForeignKeyConstraint(["training_id"], ["training.id"]),
        sa.PrimaryKeyConstraint("training_id", "body_id"),
    )
    op.create_table(
        "casestory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", Text(length=64), nullable=False),
        sa.Column("round_id", Text(length=32), nullable=True),
        sa.Column("oblast_code", Text(length=19), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("title_uk", Text(), nullable=False),
        sa.Column("title_en", Text(), nullable=False),
        sa.Column("text_uk", Text(), nullable=False),
        sa.Column("text_en", Text(), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("state", Text(length=16), nullable=False),
        sa.Column("state_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("state_by", Text(length=64), nullable=False),
        sa.Column("created_by", Text(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["monitoringround.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index(op.f("ix_casestory_oblast_code"), "casestory", ["oblast_code"], unique=False)


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
