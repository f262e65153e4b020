"""Managing accounts: add, change password, disable, list. Each change is checked and audited.

`actor` is the User doing it, or None for the command line: whoever can run `monitor users` on the
server already holds the database, so the CLI acts as an administrator (and is logged as 'cli').
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitor.auth import audit, guard
from monitor.auth.models import ROLES, User
from monitor.auth.passwords import hash_password
from monitor.auth.roles import MATRIX
from monitor.auth.sessions import find_user
from monitor.errors import MonitorError, issue

NAME = re.compile(r"^[\w.@\-]{2,64}$")  # \w includes Cyrillic letters


@dataclass(frozen=True)
class Cli:
    """The command line as an actor: an administrator by construction (see the module docstring)."""

    name: str = "cli"
    role: str = "admin"
    oblasts: tuple[str, ...] = ()
    disabled: bool = False


CLI = Cli()


def _check_manage(engine: Engine, actor: guard.Principal | None, target: str) -> str:
    actor = actor if actor is not None else CLI  # type: ignore[assignment]
    guard.authorize(engine, actor, "manage-users", target=target)
    return str(actor.name)  # type: ignore[union-attr]


def _oblast_codes(engine: Engine) -> set[str]:
    from monitor.store.territory import territories

    frame = territories(engine, level="oblast")
    return set(frame["code"]) if not frame.empty else set()


def _check(engine: Engine, name: str, role: str, oblasts: list[str]) -> None:
    if not NAME.match(name):
        raise MonitorError(issue("bad-user-name", name=name[:64]))
    if role not in ROLES:
        raise MonitorError(issue("bad-role", role=role[:32], known=", ".join(ROLES)))
    if not oblasts and "scoped" in MATRIX[role].values():
        raise MonitorError(issue("oblast-required", role=role))
    known = _oblast_codes(engine)
    for code in oblasts:
        if code not in known:
            raise MonitorError(issue("bad-oblast", oblast=code[:32], known=", ".join(sorted(known))))


def add_user(engine: Engine, actor: guard.Principal | None, name: str, role: str, password: str,
             oblasts: list[str] | None = None) -> User:
    name = name.strip()
    who = _check_manage(engine, actor, name)
    oblasts = list(dict.fromkeys(oblasts or []))
    with _logged_refusal(engine, who, "user-add", name):
        _check(engine, name, role, oblasts)
        password_hash = hash_password(password)
        with Session(engine, expire_on_commit=False) as session:
            if find_user(session, name) is not None:
                raise MonitorError(issue("user-exists", name=name))
            user = User(name=name, role=role, oblasts=oblasts, password_hash=password_hash)
            session.add(user)
            session.commit()
            session.refresh(user)
    audit.record(engine, who, "user-add", target=name, detail={"role": role, "oblasts": oblasts})
    return user


@contextmanager
def _logged_refusal(engine: Engine, who: str, action: str, target: str) -> Iterator[None]:
    """A change refused for its content (weak password, bad name, unknown role) is audited too."""
    try:
        yield
    except MonitorError as error:
        audit.record(engine, who, action, target=target[:64], outcome="refused", detail={"code": error.issues[0].code})
        raise


def _get(session: Session, name: str) -> User:
    user = find_user(session, name)
    if user is None:
        raise MonitorError(issue("unknown-user", name=name[:64]))
    return user


def set_password(engine: Engine, actor: guard.Principal | None, name: str, password: str) -> None:
    """A new password also lifts a lock-out (the administrator vouches for the person)."""
    who = _check_manage(engine, actor, name)
    with _logged_refusal(engine, who, "user-passwd", name), Session(engine) as session:
        user = _get(session, name)
        user.password_hash, user.failed_attempts, user.locked_until = hash_password(password), 0, None
        session.add(user)
        session.commit()
    audit.record(engine, who, "user-passwd", target=name)


def unlock_user(engine: Engine, actor: guard.Principal | None, name: str) -> None:
    """Lift an account's lock-out and reset its failure count (e.g. after a distributed guessing attack)."""
    from monitor.auth.sessions import unlock

    who = _check_manage(engine, actor, name)
    with _logged_refusal(engine, who, "user-unlock", name), Session(engine) as session:
        user = _get(session, name)
        user_id = int(user.id)  # type: ignore[arg-type]
    unlock(engine, user_id)
    audit.record(engine, who, "user-unlock", target=name)


def unlock_address(engine: Engine, actor: guard.Principal | None, address: str) -> bool:
    """Lift the block on a client address; whether there was one."""
    from monitor.auth import throttle

    who = _check_manage(engine, actor, address)
    found = throttle.clear(engine, throttle.address_key(address))
    audit.record(engine, who, "address-unlock", target=address[:64], detail={"was_blocked": found})
    return found


def disable_user(engine: Engine, actor: guard.Principal | None, name: str) -> None:
    who = _check_manage(engine, actor, name)
    with Session(engine) as session:
        user = _get(session, name)
        user.disabled = True
        session.add(user)
        session.commit()
    audit.record(engine, who, "user-disable", target=name)


def list_users(engine: Engine, actor: guard.Principal | None = None) -> list[User]:
    _check_manage(engine, actor, "users")
    with Session(engine, expire_on_commit=False) as session:
        return list(session.scalars(select(User).order_by(User.name)).all())
