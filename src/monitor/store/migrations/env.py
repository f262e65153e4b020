"""Alembic environment: runs on the connection handed over by monitor.store.db.upgrade.

The revisions in versions/ are written by hand (op.create_table ...); nothing at upgrade time reads
`target_metadata`, only `alembic revision --autogenerate` does. The store is the bottom of the
layers (pyproject.toml, [tool.importlinter]) and imports no table module above it (auth.models,
reports.tables): a developer who autogenerates a revision imports those first, or hands the metadata
in as `config.attributes["metadata"]`.
"""

from alembic import context
from sqlmodel import SQLModel

import monitor.store.models
import monitor.store.oversight  # noqa: F401

target_metadata = context.config.attributes.get("metadata", SQLModel.metadata)
connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - alembic CLI use (autogenerate)
    from monitor.store.db import make_engine

    connection = make_engine().connect()
context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
