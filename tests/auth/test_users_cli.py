"""`monitor users …` against a real SQLite file: add, passwd, disable, list, audit."""

from __future__ import annotations

from typer.testing import CliRunner

from monitor.auth import audit, sessions
from monitor.cli import _register
from monitor.cli.app import app
from monitor.store import db as store_db

OWN = "UA53000000000028050"
PASSWORD = "correct horse battery staple"


def run(url: str, *args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    _register()
    return CliRunner().invoke(app, ["users", *args, "--db", url], input=stdin)


def test_add_login_passwd_disable_list(sqlite_url: str) -> None:
    added = run(sqlite_url, "add", "petro", "--role", "coordinator", "--oblast", OWN, "--password-stdin",
                stdin=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    engine = store_db.connect(sqlite_url)
    assert sessions.login(engine, "petro", PASSWORD, sleep=lambda s: None).oblasts == [OWN]
    assert run(sqlite_url, "passwd", "petro", "--password-stdin", stdin="a new long passphrase\n").exit_code == 0
    assert sessions.login(engine, "petro", "a new long passphrase", sleep=lambda s: None).role == "coordinator"
    listed = run(sqlite_url, "list")
    assert "petro\tcoordinator\t" + OWN + "\tactive" in listed.output
    assert run(sqlite_url, "disable", "petro").exit_code == 0
    assert "petro\tcoordinator\t" + OWN + "\tdisabled" in run(sqlite_url, "list").output
    actions = [e.action for e in audit.entries(engine, 20)]
    assert {"user-add", "user-passwd", "user-disable", "login"} <= set(actions)
    shown = run(sqlite_url, "audit", "--limit", "5")
    assert shown.exit_code == 0 and "user-disable" in shown.output
    assert PASSWORD not in shown.output


def test_prompted_password_must_match(sqlite_url: str) -> None:
    result = run(sqlite_url, "add", "olena", "--role", "admin", stdin=f"{PASSWORD}\n{PASSWORD}x\n")
    assert result.exit_code == 1 and "password-mismatch" in result.output
    result = run(sqlite_url, "add", "olena", "--role", "admin", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden prompt


def test_refusals_are_bilingual_and_exit_1(sqlite_url: str) -> None:
    cases = [
        (["add", "x1", "--role", "viewer", "--password-stdin"], "short\n", "weak-password"),
        (["add", "x2", "--role", "root", "--password-stdin"], PASSWORD + "\n", "bad-role"),
        (["add", "x3", "--role", "monitor", "--password-stdin"], PASSWORD + "\n", "oblast-required"),
        (["add", "x4", "--role", "monitor", "--oblast", "UA99", "--password-stdin"], PASSWORD + "\n", "bad-oblast"),
        (["passwd", "nobody", "--password-stdin"], PASSWORD + "\n", "unknown-user"),
        (["disable", "nobody"], None, "unknown-user"),
    ]
    for args, stdin, code in cases:
        result = run(sqlite_url, *args, stdin=stdin)
        assert result.exit_code == 1 and code in result.output, (args, result.output)
        assert " / " in result.output  # English / Ukrainian


def test_duplicate_names_differ_only_in_case(sqlite_url: str) -> None:
    assert run(sqlite_url, "add", "Admin", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n").exit_code == 0
    result = run(sqlite_url, "add", "admin", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.exit_code == 1 and "user-exists" in result.output
