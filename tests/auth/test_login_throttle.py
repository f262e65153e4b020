"""Logins under attack: parallel guesses are all counted, throttling by address comes first, unknown
names look exactly like real ones, and the client address is in the audit log. SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from auth_kit import PASSWORD
from sqlalchemy import select
from sqlmodel import Session
from typer.testing import CliRunner

from monitor.auth import accounts, audit, sessions, throttle
from monitor.auth.models import AuditLog, LoginThrottle, User
from monitor.errors import MonitorError
from monitor.store import db as store_db

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PARALLEL = 12


def no_sleep(_: float) -> None:
    return None


def _failures(engine, name: str) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return int(session.scalars(select(User.failed_attempts).where(User.name == name)).one())


def _parallel(engine, name: str, addresses: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """Wrong passwords for `name`, one thread per address, all released at the same moment."""
    start = threading.Barrier(len(addresses))
    codes: list[str] = []
    lock = threading.Lock()

    def attempt(address: str) -> None:
        start.wait()
        try:
            sessions.login(engine, name, "not the password at all", address, now=T0, sleep=no_sleep)
        except MonitorError as error:
            with lock:
                codes.append(error.issues[0].code)

    threads = [threading.Thread(target=attempt, args=(a,)) for a in addresses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return codes


@pytest.mark.usefixtures("production_argon2")  # twelve real hashes keep all twelve guesses in flight together
def test_twelve_parallel_wrong_passwords_count_twelve(db_url: str) -> None:
    """Twelve threads, each its own connection, guess at once: the counter ends at 12, not lower (the
    old read-increment-write lost updates); the account lock-out (at 10) is reached and recorded."""
    engine = store_db.connect(db_url)
    accounts.add_user(engine, None, "olena", "admin", PASSWORD)
    codes = _parallel(engine, "olena", [f"198.51.100.{i}" for i in range(1, PARALLEL + 1)])
    assert codes == ["login-failed"] * PARALLEL
    assert _failures(engine, "olena") == PARALLEL
    with Session(engine) as session:
        user = session.scalars(select(User).where(User.name == "olena")).one()
        counted = sorted(e.detail["failed_attempts"] for e in session.scalars(
            select(AuditLog).where(AuditLog.action == "login", AuditLog.outcome == "failed")).all())
    assert counted == list(range(1, PARALLEL + 1))  # each attempt saw its own count: none was lost
    assert user.locked_until is not None


def test_twelve_parallel_failures_from_one_address_count_twelve(db_url: str) -> None:
    """The address counter is one atomic upsert as well (each thread names another user)."""
    engine = store_db.connect(db_url)
    names = [f"user{i}" for i in range(PARALLEL)]
    start = threading.Barrier(PARALLEL)

    def fail(name: str) -> None:
        start.wait()
        throttle.add_failure(engine, throttle.address_key("203.0.113.9"), T0, 100, timedelta(minutes=15),
                             timedelta(minutes=15))

    threads = [threading.Thread(target=fail, args=(n,)) for n in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    with Session(engine) as session:
        assert session.get(LoginThrottle, "addr:203.0.113.9").failures == PARALLEL  # type: ignore[union-attr]


def test_the_address_is_throttled_before_the_account_can_be_locked(db_url: str) -> None:
    engine = store_db.connect(db_url)
    accounts.add_user(engine, None, "admin", "admin", PASSWORD)
    attacker = "198.51.100.66"
    for attempt in range(sessions.MAX_FAILED * 3):
        with pytest.raises(MonitorError):
            sessions.login(engine, "admin", f"guess {attempt}", attacker, now=T0, sleep=no_sleep)
    # Only ADDRESS_LIMIT guesses were even checked; the account is far from its lock-out.
    assert _failures(engine, "admin") == sessions.ADDRESS_LIMIT < sessions.MAX_FAILED
    with pytest.raises(MonitorError) as caught:
        sessions.login(engine, "admin", PASSWORD, attacker, now=T0, sleep=no_sleep)
    assert caught.value.issues[0].code == "login-throttled"
    assert sessions.login(engine, "admin", PASSWORD, "192.0.2.10", now=T0, sleep=no_sleep).name == "admin"
    # After the window the address may try again; the administrator can also unblock it at once.
    assert sessions.login(engine, "admin", PASSWORD, attacker, now=T0 + timedelta(minutes=16), sleep=no_sleep)
    entries = [e for e in audit.entries(engine, 100) if e.action == "login"]
    assert entries and all(e.ip for e in entries)  # every attempt is logged with its client address
    assert {e.ip for e in entries} == {attacker, "192.0.2.10"}


def test_unknown_names_behave_exactly_like_real_ones(db_url: str) -> None:
    """Same message, same waits and the same lock-out for an unknown name as for a real account."""
    engine = store_db.connect(db_url)
    accounts.add_user(engine, None, "petro", "admin", PASSWORD)

    def run(name: str, base: str) -> list[tuple[str, float]]:
        seen: list[tuple[str, float]] = []
        for attempt in range(sessions.MAX_FAILED + 2):
            waits: list[float] = []
            try:
                sessions.login(engine, name, "wrong", f"{base}.{attempt}", now=T0, sleep=waits.append)
            except MonitorError as error:
                seen.append((error.issues[0].message_en, sum(waits)))
        return seen

    real = run("petro", "192.0.2")
    unknown = run("nobody-here", "198.51.100")
    assert real == unknown
    assert real[-1][0].startswith("Too many failed logins: the account is locked")
    with Session(engine) as session:
        keys = [row.key for row in session.scalars(select(LoginThrottle)).all()]
    assert not any("nobody-here" in key for key in keys)  # the typed name is stored only as a keyed hash


@pytest.mark.usefixtures("production_argon2")
def test_unknown_name_costs_as_long_as_a_wrong_password(db_url: str) -> None:
    engine = store_db.connect(db_url)
    accounts.add_user(engine, None, "ivan", "admin", PASSWORD)

    def timed(name: str, address: str) -> float:
        began = time.perf_counter()
        with pytest.raises(MonitorError):
            sessions.login(engine, name, "wrong", address, sleep=no_sleep)
        return time.perf_counter() - began

    real = min(timed("ivan", f"192.0.2.{i}") for i in range(3))
    unknown = min(timed("nobody", f"198.51.100.{i}") for i in range(3))
    assert abs(real - unknown) < max(real, unknown) * 0.5, (real, unknown)


def test_cli_unlocks_an_account_and_an_address(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.cli import _register
    from monitor.cli.app import app

    _register()
    engine = store_db.connect(db_url)
    accounts.add_user(engine, None, "marta", "admin", PASSWORD)
    now = sessions.now_utc()
    for attempt in range(sessions.MAX_FAILED):
        with pytest.raises(MonitorError):
            sessions.login(engine, "marta", "wrong", f"192.0.2.{attempt}", now=now, sleep=no_sleep)
    for _ in range(sessions.ADDRESS_LIMIT):
        with pytest.raises(MonitorError):
            sessions.login(engine, "someone", "wrong", "203.0.113.5", now=now, sleep=no_sleep)
    runner = CliRunner()
    listed = runner.invoke(app, ["users", "list", "--db", db_url])
    assert "marta\tadmin\t-\tlocked" in listed.output
    done = runner.invoke(app, ["users", "unlock", "marta", "--address", "203.0.113.5", "--db", db_url])
    assert done.exit_code == 0, done.output
    assert "Unlocked marta" in done.output and "Unblocked 203.0.113.5" in done.output
    assert sessions.login(engine, "marta", PASSWORD, "203.0.113.5", sleep=no_sleep).name == "marta"
    actions = [e.action for e in audit.entries(engine, 10)]
    assert "user-unlock" in actions and "address-unlock" in actions
