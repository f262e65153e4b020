"""The `monitor` typer application and the options every command shares."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from monitor.errors import MonitorError, render_issue

app = typer.Typer(
    name="monitor",
    help="ptl-monitor: громадський контроль політики протидії торгівлі людьми / civic monitoring of counter-trafficking policy.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: $MONITOR_DB, else sqlite:///data/monitor.db)"),
]
FrameworkOption = Annotated[
    Path | None,
    typer.Option("--framework", help="Folder with indicators/ and surveys/ (default: $MONITOR_FRAMEWORK, else the project root)"),
]


def db_url(db: str | None) -> str:
    from monitor.store.db import default_url

    return db or default_url()


def fail(error: MonitorError, code: int = 1) -> typer.Exit:
    """Print a user-facing error in both languages (never a traceback) and return the exit to raise."""
    for issue in error.issues:
        typer.echo(render_issue(issue), err=True)
    return typer.Exit(code)


def load(framework: Path | None):  # type: ignore[no-untyped-def]
    """The framework, or exit 1 with every problem printed."""
    from monitor.framework.loader import load_framework

    loaded, issues = load_framework(framework)
    errors = [i for i in issues if i.level == "error"]
    if loaded is None or errors:
        for issue in issues:
            typer.echo(render_issue(issue, "en"), err=True)
        raise typer.Exit(1)
    return loaded


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in {"1", "true", "yes"}
