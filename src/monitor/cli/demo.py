"""`monitor demo [--seed N]`: fill the database with synthetic, clearly labelled demo data."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from monitor.cli.app import DbOption, FrameworkOption, app, db_url, fail, load
from monitor.errors import MonitorError, render_issue


@app.command("demo")
def demo(
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same data / зерно генератора")] = 2021,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the demo export files / тека для файлів")] = Path("data/demo"),
    db: DbOption = None,
    framework: FrameworkOption = None,
) -> None:
    """Generate synthetic exports for every instrument and import them / Згенерувати демонстраційні дані."""
    from monitor.demo import run_demo
    from monitor.store.db import connect

    loaded = load(framework)
    engine = connect(db_url(db))
    started = time.perf_counter()

    def show(survey_id: str, report) -> None:  # type: ignore[no-untyped-def]
        typer.echo(f"  {report.file:55} {report.status:17} {report.accepted:5} {report.rejected:4} {report.duplicates:4}")
        for problem in report.errors[:1] if report.refused else []:
            typer.echo(f"    {render_issue(problem)}", err=True)

    typer.echo(f"  {'file / файл':55} {'status / стан':17} {'ok':>5} {'rej':>4} {'dup':>4}")
    try:
        reports = run_demo(engine, loaded, seed=seed, out_dir=out_dir, progress=show)
    except MonitorError as error:
        raise fail(error) from None
    accepted = sum(r.accepted for r in reports)
    rejected = sum(r.rejected for r in reports)
    refused = sum(1 for r in reports if r.refused)
    seconds = time.perf_counter() - started
    typer.echo(
        f"Demo (synthetic) data: {len(reports)} files, {accepted} answers accepted, {rejected} rows rejected"
        f" (deliberate errors), {refused} files refused; {seconds:.1f} s. Files: {out_dir}\n"
        f"Демонстраційні (синтетичні) дані: файлів {len(reports)}, прийнято відповідей {accepted},"
        f" відхилено рядків {rejected} (навмисні помилки), відмовлено файлів {refused}."
    )
    if refused:
        raise typer.Exit(1)
    from monitor.oversight.demo_loop import load_demo_loop

    load_demo_loop(engine, loaded, seed)  # the oversight loop of both rounds, on the demo's own results
    from monitor.cli.privacy import prepare_public_tables

    prepare_public_tables(engine, loaded)
