"""Database connection: SQLite file by default (WAL, foreign keys on), PostgreSQL by URL.

`connect(url)` returns an engine whose schema is at the newest Alembic revision.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import create_engine

DEFAULT_URL = "sqlite:///data/monitor.db"
MIGRATIONS = Path(__file__).parent / "migrations"


def default_url() -> str:
    return os.environ.get("MONITOR_DB") or DEFAULT_URL


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    url = url or default_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    return engine


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (creates every table on an empty database)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


_ENGINES: dict[str, Engine] = {}


def connect(url: str | None = None) -> Engine:
    """An engine for URL with the schema up to date and the territory reference loaded; one per URL per process."""
    url = url or default_url()
    engine = _ENGINES.get(url)
    if engine is None:
        engine = make_engine(url)
        upgrade(engine)
        # The territory reference ships with the code: every database has it (idempotent).
        from monitor.store.territory import load_reference

        load_reference(engine)
        _ENGINES[url] = engine
    return engine


def close(url: str) -> None:
    """Dispose of the engine for URL (tests drop their databases afterwards)."""
    engine = _ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()
