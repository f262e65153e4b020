"""`monitor sources add|list|test|remove|deploy` and `monitor sync [SOURCE]`.

A source's token is given as a reference (`--token env:KOBO_TOKEN` or `--token file:/path`, the file
readable only by its owner), never as the token itself: it would sit in the shell history. Each sync
is written to the audit log with its counts; neither the token nor answers ever are.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from monitor.cli.app import DbOption, FrameworkOption, app, db_url, fail, load
from monitor.errors import MonitorError, render_issue
from monitor.i18n import t

log = logging.getLogger(__name__)

sources_app = typer.Typer(
    help="Collection servers (KoboToolbox, ODK Central) / Сервери збору даних (KoboToolbox, ODK Central).",
    no_args_is_help=True,
)
app.add_typer(sources_app, name="sources")


def both(key: str, **params: object) -> str:
    return f"{t(key, 'uk', **params)} / {t(key, 'en', **params)}"


def _engine(db: str | None):  # type: ignore[no-untyped-def]
    from monitor.store.db import connect

    return connect(db_url(db))


def _audit(engine, action: str, target: str, outcome: str, detail: dict) -> None:  # type: ignore[no-untyped-def]
    from monitor.auth.audit import record

    record(engine, "cli", action, target=target, outcome=outcome, detail=detail)


@sources_app.command("add")
def add_command(
    name: Annotated[str, typer.Argument(help="Short name, e.g. kobo-poltava / коротка назва")],
    kind: Annotated[str, typer.Option("--kind", help="kobo | odk")],
    survey: Annotated[str, typer.Option("--survey", help="Survey id the answers belong to / опитувальник")],
    url: Annotated[str, typer.Option("--url", help="Server, e.g. https://eu.kobotoolbox.org / адреса сервера")],
    form: Annotated[str, typer.Option("--form", help="Kobo asset uid or ODK form id / ідентифікатор форми")],
    token: Annotated[str, typer.Option("--token", help="env:VARIABLE or file:/path (chmod 600) / де лежить токен")],
    project: Annotated[int | None, typer.Option("--project", help="ODK Central project id / проєкт ODK")] = None,
    username: Annotated[str | None, typer.Option("--username", help="ODK Central web user; the token is then "
                                                 "its password / користувач ODK")] = None,
    oblast: Annotated[str | None, typer.Option("--oblast", help="Oblast code whose coordinators may sync it")] = None,
    on_edit: Annotated[str, typer.Option("--on-edit", help="report | replace: server edits of imported "
                                         "submissions / що робити зі змінами на сервері")] = "report",
    page_size: Annotated[int, typer.Option("--page-size", help="Submissions per request (≤ 1000)")] = 1000,
    db: DbOption = None,
) -> None:
    """Add a server source / Додати джерело."""
    from monitor.ingest.sources.config import SourceSpec
    from monitor.ingest.sources.registry import add_source

    engine = _engine(db)
    spec = SourceSpec(name=name, kind=kind, survey_id=survey, url=url, form=form, token_ref=token, project=project,
                      username=username, oblast_code=oblast, on_edit=on_edit, page_size=page_size)
    try:
        add_source(engine, spec)
    except MonitorError as error:
        raise fail(error) from None
    _audit(engine, "source-add", name, "ok", {"kind": kind, "survey": survey, "host": spec.host, "form": form})
    typer.echo(both("sources.added", name=name))


@sources_app.command("list")
def list_command(as_json: Annotated[bool, typer.Option("--json")] = False, db: DbOption = None) -> None:
    """List sources and their last sync / Перелік джерел."""
    from monitor.ingest.sources.registry import list_sources

    rows = list_sources(_engine(db))
    if as_json:
        typer.echo(orjson.dumps(rows, default=str).decode())
        return
    if not rows:
        typer.echo(both("sources.none"))
        return
    table = Table()
    for key in ("sources.name", "sources.kind", "sources.survey", "sources.host", "sources.form", "sources.token",
                "sources.last_sync", "sources.last_status", "sources.imported", "sources.rejected",
                "sources.edits_pending"):
        table.add_column(escape(both(key)))
    for row in rows:
        when = row["last_sync_at"].strftime("%Y-%m-%d %H:%M") if row["last_sync_at"] else both("sources.never")
        status = both(f"sources.status.{row['last_status']}") if row["last_status"] else "—"
        table.add_row(*(escape(str(v)) for v in (row["name"], row["kind"], row["survey"], row["host"], row["form"],
                                                  row["token"], when, status, row["imported"], row["rejected"],
                                                  row["edits_pending"])))
    console = Console()
    if not console.is_terminal:
        console.width = 200  # a pipe or a file: do not wrap the names
    console.print(table)


@sources_app.command("test")
def test_command(name: Annotated[str, typer.Argument()], db: DbOption = None) -> None:
    """Check the address, the token and the form / Перевірити адресу, токен і форму."""
    from monitor.ingest.sources.registry import get_source
    from monitor.ingest.sources.sync import test_source

    engine = _engine(db)
    try:
        spec = get_source(engine, name)
        found = test_source(engine, name)
    except MonitorError as error:
        raise fail(error) from None
    count = found.get("submissions")
    typer.echo(both("sources.test_ok", host=spec.host, form=found.get("name") or spec.form,
                    count="—" if count is None else count))


@sources_app.command("remove")
def remove_command(name: Annotated[str, typer.Argument()], db: DbOption = None) -> None:
    """Remove a source (its imported answers stay) / Видалити джерело."""
    from monitor.ingest.sources.registry import remove_source

    engine = _engine(db)
    try:
        remove_source(engine, name)
    except MonitorError as error:
        raise fail(error) from None
    _audit(engine, "source-remove", name, "ok", {})
    typer.echo(both("sources.removed", name=name))


@app.command("sync")
def sync_command(
    source: Annotated[str | None, typer.Argument(help="Source name; all sources when omitted / джерело")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Fetch and check everything, write nothing")] = False,
    full: Annotated[bool, typer.Option("--full", help="Read every submission again (finds older server edits)")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per source")] = False,
    db: DbOption = None,
    framework: FrameworkOption = None,
) -> None:
    """Pull new submissions from the servers / Отримати нові відповіді із серверів."""
    from monitor.ingest.sources.registry import get_source, list_sources
    from monitor.ingest.sources.sync import sync_source

    loaded = load(framework)
    engine = _engine(db)
    try:
        names = [get_source(engine, source).name] if source else [row["name"] for row in list_sources(engine)]
    except MonitorError as error:
        raise fail(error) from None
    if not names:
        typer.echo(both("sources.none"), err=True)
    failed = False
    console = Console(stderr=as_json)
    for name in names:
        report = sync_source(engine, loaded, name, dry_run=dry_run, full=full, imported_by="sync:cli")
        failed |= report.failed
        if not dry_run:
            _audit(engine, "source-sync", name, "ok" if not report.failed else "failed",
                   {**report.counts(), "status": report.status, "codes": sorted({i.code for i in report.issues})})
        if as_json:
            typer.echo(orjson.dumps(report.to_dict()).decode())
        else:
            _print(console, report)
    if not dry_run and names:
        from monitor.cli.privacy import prepare_public_tables

        prepare_public_tables(engine, loaded, quiet=as_json)
    raise typer.Exit(1 if failed else 0)


def _print(console: Console, report) -> None:  # type: ignore[no-untyped-def]
    table = Table(title=escape(both("sources.sync_title", name=report.source)), show_header=False)
    table.add_column()
    table.add_column()
    facts = [("sources.last_status", both(f"sources.status.{report.status}")), ("sources.survey", report.survey),
             ("sources.pages", report.pages), ("sources.fetched", report.fetched), ("sources.new", report.imported),
             ("sources.duplicates", report.duplicates), ("sources.unchanged", report.unchanged),
             ("sources.rejected", report.rejected), ("sources.consent_refused", report.consent_refused),
             ("sources.edited", report.edited), ("sources.replaced", report.replaced),
             ("sources.cursor", report.cursor_after or report.cursor_before or "—")]
    for key, value in facts:
        table.add_row(escape(both(key)), escape(str(value)))
    console.print(table)
    for found in report.issues:
        console.print(render_issue(found), markup=False, highlight=False)
    for row in report.rejected_rows[:20]:
        where = row.get("submission") or f"#{row['page']}.{row['row']}"
        console.print(f"  {where} {row['column'] or ''}: {row['code']} {row['message_uk']} / {row['message_en']}",
                      markup=False, highlight=False)


@sources_app.command("deploy")
def deploy_command(
    name: Annotated[str, typer.Argument(help="Source whose form gets the new version / джерело")],
    xlsform: Annotated[Path, typer.Argument(help="XLSForm from `monitor survey xlsform` / файл XLSForm")],
    db: DbOption = None,
) -> None:
    """Deploy an XLSForm as the form's new version / Розгорнути XLSForm як нову версію форми."""
    from monitor.ingest.sources.deploy import deploy
    from monitor.ingest.sources.registry import get_source

    engine = _engine(db)
    try:
        spec = get_source(engine, name)
        version = deploy(spec, xlsform)
    except MonitorError as error:
        raise fail(error) from None
    _audit(engine, "source-deploy", name, "ok", {"host": spec.host, "form": spec.form, "version": version})
    typer.echo(both("sources.deployed", form=spec.form, host=spec.host, version=version))
