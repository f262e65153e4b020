"""Accounts and the audit trail, as tables.

`AuditLog` is append-only: this package offers no update or delete, and the migration adds a
database trigger that refuses UPDATE and DELETE on it (SQLite and PostgreSQL), so even a direct SQL
session cannot rewrite history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from monitor.store.models import JSONType, utcnow

ROLES: tuple[str, ...] = ("admin", "coordinator", "monitor", "viewer")


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True, max_length=64)
    password_hash: str = Field(description="argon2id, never the password")
    role: str = Field(max_length=16, description="admin | coordinator | monitor | viewer")
    oblasts: list[str] = Field(
        default_factory=list, sa_column=Column(JSONType, nullable=False), description="KATOTTG oblast codes"
    )
    disabled: bool = False
    failed_attempts: int = 0
    locked_until: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None


class AuditLog(SQLModel, table=True):
    """Who did what, when, with what outcome. `detail` never holds personal data or answers."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=64, description="user name, or 'anonymous' / 'cli'")
    action: str = Field(max_length=64, index=True)
    target: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False))
    outcome: str = Field(max_length=16, description="ok | refused | failed")
    ip: str | None = Field(default=None, max_length=64)


class LoginThrottle(SQLModel, table=True):
    """Failed logins per client address ('addr:…') and per unknown name ('name:<keyed hash>').

    Counted with one atomic upsert each (monitor.auth.throttle); real accounts count on `User`.
    Times are naive UTC.
    """

    key: str = Field(primary_key=True, max_length=80)
    failures: int = 0
    window_start: datetime
    blocked_until: datetime | None = None
