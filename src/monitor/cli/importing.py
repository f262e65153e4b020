"""`monitor import SURVEY FILE…`: import exports, print what happened (or JSON), exit 1 if a file was refused."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from monitor.cli.app import DbOption, FrameworkOption, app, db_url, load
from monitor.errors import issue, render_issue
from monitor.i18n import t
from monitor.ingest import ImportReport

log = logging.getLogger(__name__)
PROGRESS_FROM = 5_000  # rows; smaller files finish before a bar would be seen
SHOWN_REJECTIONS = 20


def both(key: str, **params: object) -> str:
    return f"{t(key, 'uk', **params)} / {t(key, 'en', **params)}"


@app.command("import")
def import_command(
    survey: Annotated[str, typer.Argument(help="Survey id, e.g. hromada-officials / Ідентифікатор опитувальника")],
    files: Annotated[list[Path], typer.Argument(help="Export files (CSV, XLSX, ODK Central zip) / Файли експорту")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check everything, write nothing")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file")] = False,
    rejected_csv: Annotated[Path | None, typer.Option("--rejected-csv", help="Write rejected rows to this CSV")] = None,
    db: DbOption = None,
    framework: FrameworkOption = None,
) -> None:
    """Import survey exports / Імпортувати експорти опитувань."""
    from monitor.ingest import frames, import_file
    from monitor.store.db import connect

    loaded = load(framework)
    console = Console(stderr=as_json)
    try:
        engine = connect(db_url(db))
    except Exception as error:  # a bad URL or an unreachable server: a message, not a traceback
        log.debug("cannot open the database: %s\n%s", type(error).__name__, frames(error))
        typer.echo(render_issue(issue("ingest-internal", detail=type(error).__name__)), err=True)
        raise typer.Exit(1) from None
    refused = False
    reports = []
    for path in files:
        report = _run(import_file, engine, loaded, survey, path, dry_run, console, show_bar=not as_json)
        refused |= report.refused
        reports.append(report)
        if as_json:
            typer.echo(report.to_json())
        else:
            _print(console, report)
        if rejected_csv is not None and report.rejected_rows:
            target = rejected_csv if len(files) == 1 else rejected_csv.with_name(
                f"{rejected_csv.stem}-{path.stem}{rejected_csv.suffix}")
            report.write_rejected_csv(target)
            if not as_json:
                console.print(both("ingest.rejected_csv_written", path=target), markup=False)
    if not dry_run and any(not getattr(r, "refused", False) for r in reports):
        from monitor.cli.privacy import prepare_public_tables

        prepare_public_tables(engine, loaded, quiet=as_json)
    raise typer.Exit(1 if refused else 0)


def _run(import_file, engine, framework, survey: str, path: Path, dry_run: bool, console: Console,  # type: ignore[no-untyped-def]
         show_bar: bool) -> ImportReport:
    if not show_bar:
        return import_file(engine, framework, survey, path, dry_run=dry_run)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, transient=True) as bar:
        task = None

        def progress(done: int, total: int) -> None:
            nonlocal task
            if total < PROGRESS_FROM:
                return
            if task is None:
                task = bar.add_task(f"{both('ingest.importing')} {path.name}", total=total)
            bar.update(task, completed=done, total=total)

        return import_file(engine, framework, survey, path, dry_run=dry_run, progress=progress)


def _print(console: Console, report: ImportReport) -> None:
    table = Table(title=escape(f"{report.survey}: {report.file}"), show_header=False)
    table.add_column()
    table.add_column()
    status = both(f"ingest.status.{report.status}")
    facts = [
        ("ingest.status", status), ("ingest.format", report.format or "—"), ("ingest.encoding", report.encoding or "—"),
        ("ingest.rows", report.rows), ("ingest.accepted", report.accepted), ("ingest.rejected", report.rejected),
        ("ingest.duplicates", report.duplicates), ("ingest.consent_refused", report.consent_refused),
        ("ingest.repeat_rows", report.repeat_rows), ("ingest.batch", report.batch if report.batch else "—"),
    ]
    if report.dropped_columns:
        facts.append(("ingest.dropped", ", ".join(report.dropped_columns)))
    for key, value in facts:
        table.add_row(escape(both(key)), escape(str(value)))
    console.print(table)
    for found in report.issues:
        console.print(render_issue(found), markup=False, highlight=False)
    if report.rejected_rows:
        rows = Table(title=both("ingest.rejected_rows"))
        for key in ("ingest.row", "ingest.column", "ingest.code", "ingest.message"):
            rows.add_column(both(key))
        for row in report.rejected_rows[:SHOWN_REJECTIONS]:
            rows.add_row(str(row["row"]), escape(str(row["column"] or "")), row["code"],
                         escape(f"{row['message_uk']}\n{row['message_en']}"))
        console.print(rows)
        hidden = len(report.rejected_rows) - SHOWN_REJECTIONS
        if hidden > 0:
            console.print(both("ingest.more_rows", count=hidden))
