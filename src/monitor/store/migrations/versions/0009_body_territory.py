"""bodies below the oblast: `body.territory_code`, the raion of a raion (military) administration or the
hromada of a hromada council (monitor.oversight.bodies generates them from the territory reference)

Revision ID: 0009_body_territory
Revises: 0008_request_urgent
Create Date: 2026-12-03
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # binds `sqlmodel`; importing the submodule lets mypy see sqlmodel.sql
from alembic import op

revision = "0009_body_territory"
down_revision = "0008_request_urgent"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("body") as table:
        table.add_column(sa.Column("territory_code", sqlmodel.sql.sqltypes.AutoString(length=19), nullable=True))
        table.create_index(table.f("ix_body_territory_code"), ["territory_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("body") as table:
        table.drop_index(table.f("ix_body_territory_code"))
        table.drop_column("territory_code")
