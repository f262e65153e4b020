"""`monitor compute`: the tidy indicator table as CSV or JSON: the protected set, or with --internal the engine."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from monitor.cli.app import DbOption, FrameworkOption, app, db_url, fail, load
from monitor.errors import MonitorError


@app.command("compute")
def compute_command(
    level: Annotated[str, typer.Option("--level", help="oblast | raion | hromada | all / рівень території")] = "oblast",
    period: Annotated[str, typer.Option("--period", help="year | half | quarter | wave / період")] = "year",
    indicator: Annotated[
        list[str] | None, typer.Option("--indicator", help="Indicator id; repeat for several / індикатор")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", help="csv | json")] = "csv",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write (default: stdout)")] = None,
    internal: Annotated[
        bool, typer.Option("--internal", help="Keep suppressed values (staff only) / без приховування (лише для команди)")
    ] = False,
    no_disaggregation: Annotated[
        bool, typer.Option("--totals-only", help="Only totals, no disaggregation rows / лише підсумки")
    ] = False,
    db: DbOption = None,
    framework: FrameworkOption = None,
) -> None:
    """Compute indicator results / Обчислити індикатори (suppressed cells are withheld unless --internal)."""
    from monitor.engine import check_arguments, compute_cached
    from monitor.privacy import for_audience, public_results
    from monitor.store.db import connect

    if output_format not in ("csv", "json"):
        typer.echo(f"Unknown format '{output_format}' (csv or json) / Невідомий формат '{output_format}' (csv або json)",
                   err=True)
        raise typer.Exit(1)
    loaded = load(framework)
    try:
        check_arguments(loaded, level, period, indicator or None)
        engine = connect(db_url(db))
        if internal:
            results = compute_cached(engine, loaded, level=level, period=period, indicators=indicator or None,
                                     disaggregate=not no_disaggregation)
            table = for_audience(results, "internal")
        else:
            # The public table is a filter of the protected set: the same cells are hidden here as in
            # every report and dashboard view, so no combination of them gives one away.
            table = public_results(engine, loaded, level=level, period=period, indicators=indicator or None,
                                   disaggregate=not no_disaggregation).drop(columns=["granularity"], errors="ignore")
    except MonitorError as error:
        raise fail(error) from None
    if output_format == "csv":
        text = table.to_csv(index=False, lineterminator="\n")
    else:
        text = table.to_json(orient="records", force_ascii=False, indent=1, date_format="iso")
    if output is None:
        sys.stdout.write(text)
        if not text.endswith("\n"):
            sys.stdout.write("\n")
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
