"""Alembic environment: runs on the connection handed over by monitor.store.db.upgrade."""

from alembic import context
from sqlmodel import SQLModel

import monitor.auth.models
import monitor.reports.tables
import monitor.store.models  # noqa: F401  (registers the tables)

target_metadata = SQLModel.metadata
connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - alembic CLI use (autogenerate)
    from monitor.store.db import make_engine

    connection = make_engine().connect()
context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
