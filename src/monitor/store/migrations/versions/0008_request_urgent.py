"""the request tracker records urgent requests (48 hours where life or liberty is at stake, Law No. 2939-VI
art. 20(2)): `informationrequest.urgent`, false for every request stored before

Revision ID: 0008_request_urgent
Revises: 0007_coalition_outputs
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_request_urgent"
down_revision = "0007_coalition_outputs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("informationrequest") as table:
        table.add_column(sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("informationrequest") as table:
        table.drop_column("urgent")
