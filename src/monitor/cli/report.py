"""`monitor report`: a donor report (PDF, DOCX, XLSX, HTML or an open-data package) of the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from monitor.cli.app import DbOption, FrameworkOption, app, db_url, fail, load
from monitor.errors import MonitorError


@app.command("report")
def report_command(
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write (opendata: a folder or a .zip) / файл")],
    output_format: Annotated[
        str, typer.Option("--format", help="pdf | docx | xlsx | html | opendata | iati / формат")
    ] = "pdf",
    lang: Annotated[str, typer.Option("--lang", help="uk | en / мова звіту")] = "uk",
    period: Annotated[
        str | None, typer.Option("--period", help="Reporting year, e.g. 2022 (default: the latest) / звітний рік")
    ] = None,
    round_id: Annotated[
        str | None, typer.Option("--round", help="Monitoring round id, e.g. R2021: its reporting year / раунд")
    ] = None,
    oblast: Annotated[
        list[str] | None,
        typer.Option("--oblast", help="Oblast KATOTTG code or name; repeat for several (default: all) / область"),
    ] = None,
    iati_activity: Annotated[
        str | None, typer.Option("--iati-activity", envvar="MONITOR_IATI_ACTIVITY",
                                 help="IATI activity identifier (iati only) / ідентифікатор діяльності IATI")
    ] = None,
    iati_org: Annotated[
        str | None, typer.Option("--iati-org", envvar="MONITOR_IATI_ORG",
                                 help="IATI identifier of the reporting organisation (iati only) / організація")
    ] = None,
    db: DbOption = None,
    framework: FrameworkOption = None,
) -> None:
    """Write a donor report / Створити звіт для донорів (every number passes the small-cell rule)."""
    from monitor.reports import FORMATS, build_report
    from monitor.store.db import connect

    if output_format not in FORMATS:
        typer.echo(f"Unknown format '{output_format}' ({' | '.join(FORMATS)}) / Невідомий формат '{output_format}'",
                   err=True)
        raise typer.Exit(1)
    from monitor.reports import Activity

    loaded = load(framework)
    activity = Activity(iati_activity, iati_org) if iati_activity and iati_org else None
    try:
        engine = connect(db_url(db))
        if round_id:
            from monitor.errors import issue
            from monitor.oversight.rounds import report_period

            by_round = report_period(engine, round_id)
            if period and period != by_round:
                raise MonitorError(issue("report-round-period", round=round_id, year=by_round, period=period))
            period = by_round
        path = build_report(engine, loaded, fmt=output_format, lang=lang, period=period, oblasts=oblast or None,
                            out=output, activity=activity, warn=lambda line: typer.echo(line, err=True))
    except MonitorError as error:
        raise fail(error) from None
    typer.echo(f"{path}")
