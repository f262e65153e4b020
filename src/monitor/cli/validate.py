"""`monitor validate`: check the framework; one line per problem, exit 1 when any error is found."""

from __future__ import annotations

import typer

from monitor.cli.app import FrameworkOption, app
from monitor.errors import render_issue


@app.command("validate")
def validate(
    framework: FrameworkOption = None,
    lang: str = typer.Option("en", "--lang", help="Language of the messages: en or uk"),
    strict: bool = typer.Option(False, "--strict", help="Treat warnings (e.g. unverified legal parameters) as errors"),
) -> None:
    """Validate indicators/, surveys/ and framework.yaml in one pass / Перевірити рамку моніторингу."""
    from monitor.framework.loader import load_framework

    loaded, issues = load_framework(framework)
    for found in sorted(issues, key=lambda i: (i.path or "", i.line or 0, i.code)):
        typer.echo(render_issue(found, "uk" if lang == "uk" else "en"))
    errors = [i for i in issues if i.level == "error" or strict]
    if loaded is None or errors:
        typer.echo(f"{len(errors)} error(s) / помилок: {len(errors)}", err=True)
        raise typer.Exit(1)
    warnings = len(issues)
    typer.echo(
        f"OK: {len(loaded.surveys)} surveys, {len(loaded.indicators)} indicators, {warnings} warning(s); "
        f"framework hash {loaded.hash[:12]} / "
        f"гаразд: опитувальників {len(loaded.surveys)}, індикаторів {len(loaded.indicators)}"
    )
