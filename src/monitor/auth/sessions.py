"""Logging in, without Streamlit: password check, back-off, throttling, lock-out, audit; and the session timeout.

- Every attempt, good or bad, is in the audit log with the client address (the attempted name only
  when it is an account: people type passwords into the name field, and those must not be logged).
- **By address first**: ADDRESS_LIMIT failures from one client address within WINDOW_MINUTES block that
  address (any name, right password or not) until the window has passed. One address therefore never
  gets near an account's lock-out: an attacker cannot lock the administrator out from one machine, and
  `monitor users unlock` lifts what a distributed attack did.
- **By account**: MAX_FAILED failures in a row lock the account for LOCK_MINUTES; a successful login
  resets the count. The count is raised by one atomic `UPDATE … SET failed_attempts = failed_attempts + 1
  … RETURNING` (SQLite and PostgreSQL), so parallel guesses are all counted.
- A failed attempt waits `backoff_seconds(n)` before answering, n the larger of the account's and the
  address's count, which slows guessing without locking anybody out for a typo.
- **Unknown names** behave exactly like real ones: the same message, the same password-hashing cost,
  the same back-off and, after MAX_FAILED, the same lock message (counted under a keyed hash of the
  name, never the name itself).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, func, literal, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitor.auth import audit, throttle
from monitor.auth.models import User
from monitor.auth.passwords import verify
from monitor.errors import MonitorError, issue

MAX_FAILED = 10  # failures in a row on one account (or unknown name) before it is locked
ADDRESS_LIMIT = 5  # failures from one address within the window before the address is blocked
WINDOW_MINUTES = 15
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


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def find_user(session: Session, name: str) -> User | None:
    # Names compare case-insensitively so "Admin" and "admin" cannot be two accounts.
    return session.scalars(select(User).where(func.lower(User.name) == name.strip().lower())).first()


def count_failure(engine: Engine, user_id: int, now: datetime) -> tuple[int, datetime | None]:
    """One more failed attempt on the account, atomically: the new count and the lock (if it now holds)."""
    table = User.__table__
    until = now + timedelta(minutes=LOCK_MINUTES)
    statement = (
        update(table).where(table.c.id == user_id)
        .values(failed_attempts=table.c.failed_attempts + 1,
                locked_until=case((table.c.failed_attempts + 1 >= MAX_FAILED, literal(until, table.c.locked_until.type)),
                                  else_=table.c.locked_until))
        .returning(table.c.failed_attempts, table.c.locked_until)
    )
    with engine.begin() as connection:
        failures, locked = connection.execute(statement).one()
    return int(failures), _aware(locked)


def unlock(engine: Engine, user_id: int) -> None:
    table = User.__table__
    with engine.begin() as connection:
        connection.execute(update(table).where(table.c.id == user_id).values(failed_attempts=0, locked_until=None))


def login(engine: Engine, name: str, password: str, ip: str | None = None, *, now: datetime | None = None,
          sleep: Sleep = time.sleep) -> User:
    """The user whose name and password match; otherwise MonitorError (login-failed, login-throttled,
    account-locked, account-disabled). `now` and `sleep` are injectable so tests run the clock, not the wall."""
    now = now or now_utc()
    name = (name or "").replace("\x00", "")  # PostgreSQL refuses NUL in a query; SQLite would not match it
    address = throttle.address_key(ip)
    blocked = throttle.blocked_until(engine, address, now)
    if blocked is not None:
        verify(None, password or "")  # what the attempt would have cost: no timing difference
        audit.record(engine, "anonymous", "login", outcome="refused", detail={"reason": "address-throttled"}, ip=ip)
        raise MonitorError(issue("login-throttled", until=_when(blocked)))
    with Session(engine, expire_on_commit=False) as session:
        user = find_user(session, name or "")
    if user is None:
        _unknown_name(engine, name or "", password or "", ip, address, now, sleep)
    assert user is not None and user.id is not None
    locked_until = _aware(user.locked_until)
    if locked_until is not None and locked_until > now:
        verify(None, password or "")
        audit.record(engine, user.name, "login", target=user.name, outcome="refused",
                     detail={"reason": "account-locked"}, ip=ip)
        raise MonitorError(issue("account-locked", until=_when(locked_until)))
    if locked_until is not None:  # the lock ran out: a fresh series of attempts
        unlock(engine, user.id)
    matches, new_hash = verify(user.password_hash, password or "")
    if not matches:
        failures, locked = count_failure(engine, user.id, now)
        from_address, _ = throttle.add_failure(engine, address, now, ADDRESS_LIMIT,
                                               timedelta(minutes=WINDOW_MINUTES), timedelta(minutes=WINDOW_MINUTES))
        detail: dict[str, object] = {"reason": "bad-password", "failed_attempts": failures,
                                     "address_failures": from_address}
        if locked is not None and failures >= MAX_FAILED:
            detail["locked_minutes"] = LOCK_MINUTES
        audit.record(engine, user.name, "login", target=user.name, outcome="failed", detail=detail, ip=ip)
        sleep(backoff_seconds(max(failures, from_address)))
        raise MonitorError(issue("login-failed"))
    if user.disabled:
        # Said only after a correct password, so the state of an account is no free information.
        audit.record(engine, user.name, "login", target=user.name, outcome="refused",
                     detail={"reason": "account-disabled"}, ip=ip)
        raise MonitorError(issue("account-disabled"))
    table = User.__table__
    values: dict[str, object] = {"failed_attempts": 0, "locked_until": None, "last_login_at": now}
    if new_hash:
        values["password_hash"] = new_hash
    with engine.begin() as connection:
        connection.execute(update(table).where(table.c.id == user.id).values(**values))
    with Session(engine, expire_on_commit=False) as session:
        fresh = session.get(User, user.id)
    assert fresh is not None
    audit.record(engine, fresh.name, "login", target=fresh.name, outcome="ok", ip=ip)
    return fresh


def _unknown_name(engine: Engine, name: str, password: str, ip: str | None, address: str, now: datetime,
                  sleep: Sleep) -> None:
    """A name that is no account: everything a real account would do, counted under a keyed hash."""
    key = throttle.name_key(name)
    locked = throttle.blocked_until(engine, key, now)
    verify(None, password)  # same cost as a real check: no user enumeration by timing
    if locked is not None:
        audit.record(engine, "anonymous", "login", outcome="refused", detail={"reason": "account-locked"}, ip=ip)
        raise MonitorError(issue("account-locked", until=_when(locked)))
    failures, _ = throttle.add_failure(engine, key, now, MAX_FAILED, timedelta(minutes=LOCK_MINUTES))
    from_address, _ = throttle.add_failure(engine, address, now, ADDRESS_LIMIT,
                                           timedelta(minutes=WINDOW_MINUTES), timedelta(minutes=WINDOW_MINUTES))
    audit.record(engine, "anonymous", "login", outcome="failed",
                 detail={"reason": "unknown-user", "address_failures": from_address}, ip=ip)
    sleep(backoff_seconds(max(failures, from_address)))
    raise MonitorError(issue("login-failed"))


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
