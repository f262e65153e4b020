"""Logging in, without Streamlit: password check, back-off, lock-out, audit; and the session timeout.

- Every attempt, good or bad, is in the audit log (the attempted name only when it is an account:
  people type passwords into the name field, and those must not be logged).
- A failed attempt waits `backoff_seconds(failed_attempts)` before answering (doubling each time),
  which slows guessing without locking anybody out for a typo.
- After MAX_FAILED failed attempts in a row the account is locked for LOCK_MINUTES; a successful
  login resets the count. An unknown name costs the same time as a wrong password.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitor.auth import audit
from monitor.auth.models import User
from monitor.auth.passwords import verify
from monitor.errors import MonitorError, issue

MAX_FAILED = 5
LOCK_MINUTES = 15
BACKOFF_BASE = 0.25  # seconds after the first failure; doubles with each further one
BACKOFF_MAX = 4.0
TIMEOUT_MINUTES = 30
Sleep = Callable[[float], None]


def now_utc() -> datetime:
    return datetime.now(UTC)


def backoff_seconds(failed_attempts: int) -> float:
    """Delay before answering a failed attempt: 0.25, 0.5, 1, 2, 4, 4, … seconds."""
    if failed_attempts <= 0:
        return 0.0
    return min(BACKOFF_BASE * 2 ** (failed_attempts - 1), BACKOFF_MAX)


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.utcoffset() is not None else value.replace(tzinfo=UTC)


def find_user(session: Session, name: str) -> User | None:
    # Names compare case-insensitively so "Admin" and "admin" cannot be two accounts.
    return session.scalars(select(User).where(func.lower(User.name) == name.strip().lower())).first()


def login(engine: Engine, name: str, password: str, ip: str | None = None, *, now: datetime | None = None,
          sleep: Sleep = time.sleep) -> User:
    """The user whose name and password match; otherwise MonitorError (login-failed, account-locked,
    account-disabled). `now` and `sleep` are injectable so tests run the clock, not the wall."""
    now = now or now_utc()
    with Session(engine, expire_on_commit=False) as session:
        user = find_user(session, name or "")
        if user is None:
            verify(None, password or "")  # same cost as a real check: no user enumeration by timing
            audit.record(engine, "anonymous", "login", outcome="failed", detail={"reason": "unknown-user"}, ip=ip)
            sleep(backoff_seconds(1))
            raise MonitorError(issue("login-failed"))
        locked_until = _aware(user.locked_until)
        if locked_until is not None and locked_until > now:
            audit.record(engine, user.name, "login", target=user.name, outcome="refused",
                         detail={"reason": "account-locked"}, ip=ip)
            raise MonitorError(issue("account-locked", until=locked_until.strftime("%Y-%m-%d %H:%M UTC")))
        if locked_until is not None:  # the lock ran out: a fresh series of attempts
            user.locked_until, user.failed_attempts = None, 0
        matches, new_hash = verify(user.password_hash, password or "")
        if not matches:
            user.failed_attempts += 1
            detail: dict[str, object] = {"reason": "bad-password", "failed_attempts": user.failed_attempts}
            if user.failed_attempts >= MAX_FAILED:
                user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                detail["locked_minutes"] = LOCK_MINUTES
            session.add(user)
            session.commit()
            audit.record(engine, user.name, "login", target=user.name, outcome="failed", detail=detail, ip=ip)
            sleep(backoff_seconds(user.failed_attempts))
            raise MonitorError(issue("login-failed"))
        if user.disabled:
            # Said only after a correct password, so the state of an account is no free information.
            audit.record(engine, user.name, "login", target=user.name, outcome="refused",
                         detail={"reason": "account-disabled"}, ip=ip)
            raise MonitorError(issue("account-disabled"))
        user.failed_attempts = 0
        user.locked_until = None
        user.last_login_at = now
        if new_hash:
            user.password_hash = new_hash
        session.add(user)
        session.commit()
        session.refresh(user)
    audit.record(engine, user.name, "login", target=user.name, outcome="ok", ip=ip)
    return user


def active_user(engine: Engine, user_id: int | None) -> User | None:
    """The user behind a session, re-read on every page run: a disabled account stops at once."""
    if user_id is None:
        return None
    with Session(engine, expire_on_commit=False) as session:
        user = session.get(User, int(user_id))
    if user is None or user.disabled:
        return None
    return user


def expired(last_seen: datetime | None, now: datetime | None = None, minutes: int = TIMEOUT_MINUTES) -> bool:
    """Whether a session idle since `last_seen` has timed out (no `last_seen`: yes)."""
    if last_seen is None:
        return True
    now = _aware(now) or now_utc()
    return now - _aware(last_seen) > timedelta(minutes=minutes)  # type: ignore[operator]
