"""login throttling by address and name; the oblast of each rejected row

Revision ID: 0005_security
Revises: 0003reports
Create Date: 2026-12-02
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # binds `sqlmodel`; importing the submodule lets mypy see sqlmodel.sql
from alembic import op

revision = "0005_security"
down_revision = "0003reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "loginthrottle",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("rejectedrow", schema=None) as batch_op:
        batch_op.add_column(sa.Column("oblast_code", sqlmodel.sql.sqltypes.AutoString(length=19), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rejectedrow", schema=None) as batch_op:
        batch_op.drop_column("oblast_code")
    op.drop_table("loginthrottle")
