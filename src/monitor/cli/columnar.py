"""`monitor columnar rebuild`: the typed columnar copy of every instrument, rebuilt from the answer documents."""

from __future__ import annotations

import time

import typer

from monitor.cli.app import DbOption, FrameworkOption, app, db_url, load

columnar_app = typer.Typer(
    help="Стовпчикова копія / Columnar copy: the typed Parquet copy of each instrument the engine reads.",
    no_args_is_help=True,
)
app.add_typer(columnar_app, name="columnar")


@columnar_app.command("rebuild")
def rebuild_command(db: DbOption = None, framework: FrameworkOption = None) -> None:
    """Rebuild the columnar copy from the documents / Перебудувати стовпчикову копію з документів відповідей."""
    from monitor.engine import rebuild_copies
    from monitor.store.db import connect

    loaded = load(framework)
    engine = connect(db_url(db))
    started = time.perf_counter()
    folder, written = rebuild_copies(engine, list(loaded.surveys.values()))
    if folder is None:
        typer.echo("This database has no cache folder (set MONITOR_CACHE_DIR): the engine reads the documents.\n"
                   "Ця база даних не має теки кешу (задайте MONITOR_CACHE_DIR): рушій читає документи відповідей.")
        return
    typer.echo(f"{len(written)} copies written to {folder} in {time.perf_counter() - started:.1f} s.\n"
               f"Записано копій: {len(written)} у {folder}.")
