"""the oversight loop: monitoring rounds and their approval, bodies, findings, recommendations with
their status history, public-information requests (monitor.store.oversight)

Revision ID: 0006_oversight
Revises: 0005_security
Create Date: 2026-12-02
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # binds `sqlmodel`; importing the submodule lets mypy see sqlmodel.sql
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006_oversight"
down_revision = "0005_security"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
Text = sqlmodel.sql.sqltypes.AutoString
TABLES = (
    "recommendationstatus",
    "recommendationfinding",
    "recommendation",
    "informationrequest",
    "finding",
    "monitoringround",
    "body",
)


def upgrade() -> None:
    op.create_table(
        "body",
        sa.Column("id", Text(length=48), nullable=False),
        sa.Column("name_uk", Text(), nullable=False),
        sa.Column("name_en", Text(), nullable=False),
        sa.Column("kind", Text(length=32), nullable=False),
        sa.Column("oblast_code", Text(length=19), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("successor_of", Text(length=48), nullable=True),
        sa.Column("source", Text(), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_body_kind"), "body", ["kind"], unique=False)
    op.create_index(op.f("ix_body_oblast_code"), "body", ["oblast_code"], unique=False)
    op.create_table(
        "monitoringround",
        sa.Column("id", Text(length=32), nullable=False),
        sa.Column("title_uk", Text(), nullable=False),
        sa.Column("title_en", Text(), nullable=False),
        sa.Column("wave", Text(length=16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("reference_start", sa.Date(), nullable=False),
        sa.Column("reference_end", sa.Date(), nullable=False),
        sa.Column("instruments", JSON, nullable=False),
        sa.Column("expected", JSON, nullable=False),
        sa.Column("state", Text(length=16), nullable=False),
        sa.Column("state_at", sa.DateTime(), nullable=False),
        sa.Column("state_by", Text(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_monitoringround_wave"), "monitoringround", ["wave"], unique=False)
    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", Text(length=64), nullable=False),
        sa.Column("round_id", Text(length=32), nullable=False),
        sa.Column("territory_code", Text(length=19), nullable=False),
        sa.Column("oblast_code", Text(length=19), nullable=False),
        sa.Column("body_id", Text(length=48), nullable=True),
        sa.Column("indicators", JSON, nullable=False),
        sa.Column("text_uk", Text(), nullable=False),
        sa.Column("text_en", Text(), nullable=False),
        sa.Column("created_by", Text(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["body.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["monitoringround.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index(op.f("ix_finding_oblast_code"), "finding", ["oblast_code"], unique=False)
    op.create_index(op.f("ix_finding_round_id"), "finding", ["round_id"], unique=False)
    op.create_index(op.f("ix_finding_territory_code"), "finding", ["territory_code"], unique=False)
    op.create_table(
        "informationrequest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", Text(length=64), nullable=False),
        sa.Column("round_id", Text(length=32), nullable=True),
        sa.Column("body_id", Text(length=48), nullable=False),
        sa.Column("oblast_code", Text(length=19), nullable=True),
        sa.Column("subject", Text(), nullable=False),
        sa.Column("channel", Text(length=16), nullable=False),
        sa.Column("date_sent", sa.Date(), nullable=False),
        sa.Column("date_received", sa.Date(), nullable=False),
        sa.Column("extension_date", sa.Date(), nullable=True),
        sa.Column("reply_date", sa.Date(), nullable=True),
        sa.Column("outcome", Text(length=16), nullable=True),
        sa.Column("refusal_ground", Text(), nullable=True),
        sa.Column("created_by", Text(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["body.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["monitoringround.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index(op.f("ix_informationrequest_body_id"), "informationrequest", ["body_id"], unique=False)
    op.create_index(
        op.f("ix_informationrequest_oblast_code"), "informationrequest", ["oblast_code"], unique=False
    )
    op.create_table(
        "recommendation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", Text(length=64), nullable=False),
        sa.Column("round_id", Text(length=32), nullable=False),
        sa.Column("body_id", Text(length=48), nullable=False),
        sa.Column("oblast_code", Text(length=19), nullable=True),
        sa.Column("text_uk", Text(), nullable=False),
        sa.Column("text_en", Text(), nullable=False),
        sa.Column("date_sent", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", Text(length=24), nullable=False),
        sa.Column("status_date", sa.Date(), nullable=False),
        sa.Column("created_by", Text(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["body.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["monitoringround.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index(op.f("ix_recommendation_body_id"), "recommendation", ["body_id"], unique=False)
    op.create_index(op.f("ix_recommendation_oblast_code"), "recommendation", ["oblast_code"], unique=False)
    op.create_index(op.f("ix_recommendation_round_id"), "recommendation", ["round_id"], unique=False)
    op.create_table(
        "recommendationfinding",
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["finding.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
        ),
        sa.PrimaryKeyConstraint("recommendation_id", "finding_id"),
    )
    op.create_table(
        "recommendationstatus",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("status", Text(length=24), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("evidence", Text(), nullable=False),
        sa.Column("recorded_by", Text(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("recommendation_id", "status", "on_date", name="uq_recstatus_step"),
    )
    op.create_index(
        op.f("ix_recommendationstatus_recommendation_id"),
        "recommendationstatus",
        ["recommendation_id"],
        unique=False,
    )


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
