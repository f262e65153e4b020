"""Counting failed logins by client address and by unknown name: one atomic upsert per failure.

Two concurrent failures can never be counted as one: the count is raised in the database
(`failures = failures + 1` inside `INSERT … ON CONFLICT DO UPDATE … RETURNING`, the same statement on
SQLite and PostgreSQL), never read into Python, raised and written back.

A row opens a window at its first failure. When the count reaches the limit, the key is blocked for
`block`; once the window (if any) or the block has passed, the next failure starts a fresh count.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, Integer, bindparam, text
from sqlalchemy.engine import Engine

from monitor.secret import keyed_hash

EPOCH = datetime(1970, 1, 1)

_UPSERT = text("""
INSERT INTO loginthrottle (key, failures, window_start, blocked_until)
VALUES (:key, 1, :now, CASE WHEN 1 >= :limit THEN :until ELSE NULL END)
ON CONFLICT (key) DO UPDATE SET
    failures = CASE WHEN loginthrottle.window_start < :cutoff
                     OR (loginthrottle.blocked_until IS NOT NULL AND loginthrottle.blocked_until <= :now)
               THEN 1 ELSE loginthrottle.failures + 1 END,
    window_start = CASE WHEN loginthrottle.window_start < :cutoff
                         OR (loginthrottle.blocked_until IS NOT NULL AND loginthrottle.blocked_until <= :now)
                   THEN :now ELSE loginthrottle.window_start END,
    blocked_until = CASE
        WHEN loginthrottle.window_start < :cutoff
          OR (loginthrottle.blocked_until IS NOT NULL AND loginthrottle.blocked_until <= :now)
        THEN CASE WHEN 1 >= :limit THEN :until ELSE NULL END
        WHEN loginthrottle.failures + 1 >= :limit AND loginthrottle.blocked_until IS NULL THEN :until
        ELSE loginthrottle.blocked_until END
RETURNING failures, blocked_until
""").bindparams(
    bindparam("now", type_=DateTime()), bindparam("until", type_=DateTime()), bindparam("cutoff", type_=DateTime()),
).columns(failures=Integer(), blocked_until=DateTime())
_BLOCKED = text("SELECT blocked_until FROM loginthrottle WHERE key = :key").columns(blocked_until=DateTime())
_CLEAR = text("DELETE FROM loginthrottle WHERE key = :key")


def naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.utcoffset() is not None else moment


def aware(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.replace(tzinfo=UTC) if moment.utcoffset() is None else moment


def address_key(ip: str | None) -> str:
    return f"addr:{(ip or '-').strip()[:64]}"


def name_key(name: str) -> str:
    # Keyed: the table must not become a list of what people typed (sometimes their passwords).
    return "name:" + keyed_hash("login-name", (name or "").strip().lower())


def add_failure(engine: Engine, key: str, now: datetime, limit: int, block: timedelta,
                window: timedelta | None = None) -> tuple[int, datetime | None]:
    """Count one failure for `key` atomically; the new count and, when blocked, until when (UTC)."""
    moment = naive(now)
    cutoff = moment - window if window is not None else EPOCH
    with engine.begin() as connection:
        failures, until = connection.execute(
            _UPSERT, {"key": key, "now": moment, "limit": limit, "until": moment + block, "cutoff": cutoff}
        ).one()
    return int(failures), aware(until)


def blocked_until(engine: Engine, key: str, now: datetime) -> datetime | None:
    """Until when `key` is blocked, or None."""
    with engine.connect() as connection:
        until = connection.execute(_BLOCKED, {"key": key}).scalar()
    until = aware(until)
    return until if until is not None and until > (aware(now) or now) else None


def clear(engine: Engine, key: str) -> bool:
    with engine.begin() as connection:
        return bool(connection.execute(_CLEAR, {"key": key}).rowcount)
