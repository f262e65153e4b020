"""`monitor users add|passwd|disable|list|audit` (registered on monitor.cli.app.app).

Passwords come from a hidden prompt (asked twice) or, for scripts, from standard input with
--password-stdin; never from the command line, where they would sit in the shell history.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from monitor.cli.app import DbOption, app, db_url, fail
from monitor.errors import MonitorError, issue

users_app = typer.Typer(
    help="Accounts and the audit log / Облікові записи та журнал аудиту.", no_args_is_help=True,
)
app.add_typer(users_app, name="users")

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input / пароль зі стандартного вводу")
]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("Password / Пароль", hide_input=True)
    second = typer.prompt("Again / Ще раз", hide_input=True)
    if first != second:
        raise MonitorError(issue("password-mismatch"))
    return first


def _engine(db: str | None):  # type: ignore[no-untyped-def]
    from monitor.store.db import connect

    return connect(db_url(db))


@users_app.command("add")
def add_command(
    name: Annotated[str, typer.Argument(help="User name / ім'я користувача")],
    role: Annotated[str, typer.Option("--role", help="admin | coordinator | monitor | viewer")],
    oblast: Annotated[
        list[str] | None, typer.Option("--oblast", help="KATOTTG oblast code; repeat for several / код області")
    ] = None,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
) -> None:
    """Add a user / Додати користувача."""
    from monitor.auth.accounts import add_user

    try:
        user = add_user(_engine(db), None, name, role, _password(password_stdin), list(oblast or []))
    except MonitorError as error:
        raise fail(error) from None
    typer.echo(f"Added {user.name} ({user.role}) / Додано {user.name} ({user.role})")


@users_app.command("passwd")
def passwd_command(
    name: Annotated[str, typer.Argument(help="User name / ім'я користувача")],
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
) -> None:
    """Set a new password (also lifts a lock-out) / Новий пароль (також знімає блокування)."""
    from monitor.auth.accounts import set_password

    try:
        set_password(_engine(db), None, name, _password(password_stdin))
    except MonitorError as error:
        raise fail(error) from None
    typer.echo(f"Password changed for {name} / Пароль змінено для {name}")


@users_app.command("unlock")
def unlock_command(
    name: Annotated[str | None, typer.Argument(help="User name / ім'я користувача")] = None,
    address: Annotated[
        str | None, typer.Option("--address", help="Client address to unblock / адреса клієнта")
    ] = None,
    db: DbOption = None,
) -> None:
    """Lift a lock-out of an account or a blocked address / Зняти блокування облікового запису чи адреси."""
    from monitor.auth.accounts import unlock_address, unlock_user

    if name is None and address is None:
        typer.echo("Give a user name or --address IP / Вкажіть ім'я користувача або --address IP", err=True)
        raise typer.Exit(2)
    engine = _engine(db)
    try:
        if name is not None:
            unlock_user(engine, None, name)
            typer.echo(f"Unlocked {name} / Розблоковано {name}")
        if address is not None:
            found = unlock_address(engine, None, address)
            typer.echo(f"Unblocked {address} / Розблоковано {address}" if found
                       else f"{address} was not blocked / {address} не було заблоковано")
    except MonitorError as error:
        raise fail(error) from None


@users_app.command("disable")
def disable_command(
    name: Annotated[str, typer.Argument(help="User name / ім'я користувача")],
    db: DbOption = None,
) -> None:
    """Disable a user (the next page load logs them out) / Вимкнути користувача."""
    from monitor.auth.accounts import disable_user

    try:
        disable_user(_engine(db), None, name)
    except MonitorError as error:
        raise fail(error) from None
    typer.echo(f"Disabled {name} / Вимкнено {name}")


@users_app.command("list")
def list_command(db: DbOption = None) -> None:
    """List users / Список користувачів."""
    from monitor.auth.accounts import list_users
    from monitor.auth.sessions import now_utc

    typer.echo("name\trole\toblasts\tstate\tlast_login")
    for user in list_users(_engine(db), None):
        locked = user.locked_until is not None and user.locked_until > now_utc()
        state = "disabled" if user.disabled else ("locked" if locked else "active")
        last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "-"
        typer.echo(f"{user.name}\t{user.role}\t{','.join(user.oblasts) or '-'}\t{state}\t{last}")


@users_app.command("audit")
def audit_command(
    limit: Annotated[int, typer.Option("--limit", help="Newest entries to show / скільки записів")] = 50,
    db: DbOption = None,
) -> None:
    """Show the audit log, newest first / Журнал аудиту, найновіші першими."""
    from monitor.auth import audit

    engine = _engine(db)
    audit.record(engine, "cli", "view-audit", detail={"limit": limit})
    typer.echo("at\tactor\taction\ttarget\toutcome\tip\tdetail")
    for entry in audit.entries(engine, limit):
        typer.echo(
            f"{entry.at:%Y-%m-%d %H:%M:%S}\t{entry.actor}\t{entry.action}\t{entry.target or '-'}\t{entry.outcome}"
            f"\t{entry.ip or '-'}\t{entry.detail}"
        )
