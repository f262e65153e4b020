"""`monitor privacy audit|rebuild`: the disclosure audit over everything public, and the protected set."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from monitor.cli.app import DbOption, FrameworkOption, app, db_url, load

privacy_app = typer.Typer(
    help="Захист даних / Privacy: the protected set of public tables and the disclosure audit.",
    no_args_is_help=True,
)
app.add_typer(privacy_app, name="privacy")


@privacy_app.command("audit")
def audit_command(
    show_all: Annotated[bool, typer.Option("--all", help="Print every audited cell, not only failures")] = False,
    csv: Annotated[Path | None, typer.Option("--csv", help="Write every audited cell to this CSV file")] = None,
    db: DbOption = None,
    framework: FrameworkOption = None,
) -> None:
    """Interval attack by linear programming on everything public / Атака інтервалами на все опубліковане.

    Exit 0 when every suppressed cell keeps an interval at least as wide as its protection, 1 otherwise.
    """
    from monitor.privacy import audit_public
    from monitor.store.db import connect

    loaded = load(framework)
    engine = connect(db_url(db))
    table = audit_public(engine, loaded)
    failures = table[~table["ok"].astype(bool)] if not table.empty else table
    if csv is not None:
        table.to_csv(csv, index=False)
    shown = table if show_all else failures
    if not shown.empty:
        typer.echo(shown.to_string(index=False))
    primary = table.drop_duplicates(["indicator", "level", "territory_code", "granularity", "period", "dimension",
                                     "dimension_value"]) if not table.empty else table
    typer.echo(
        f"Audited {len(table)} protected quantities of {len(primary)} primary cells over every public output; "
        f"{len(failures)} below protection.\n"
        f"Перевірено {len(table)} захищених величин у {len(primary)} первинно прихованих клітинках усіх публічних "
        f"виходів; нижче рівня захисту: {len(failures)}."
    )
    raise typer.Exit(1 if len(failures) else 0)


@privacy_app.command("rebuild")
def rebuild_command(db: DbOption = None, framework: FrameworkOption = None) -> None:
    """Rebuild the protected set now / Перебудувати захищений набір таблиць."""
    from monitor.privacy import protected_set
    from monitor.store.db import connect

    loaded = load(framework)
    result = protected_set(connect(db_url(db)), loaded, rebuild=True)
    hidden = int(result.public["suppressed"].sum()) if not result.public.empty else 0
    typer.echo(
        f"Protected set {result.key}: {len(result.public)} cells, {hidden} suppressed, {result.rounds} audit rounds, "
        f"{result.seconds:.1f} s; {len(result.failures)} below protection.\n"
        f"Захищений набір {result.key}: клітинок {len(result.public)}, приховано {hidden}; нижче рівня захисту: "
        f"{len(result.failures)}."
    )
    raise typer.Exit(1 if len(result.failures) else 0)


def prepare_public_tables(engine, framework, quiet: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Build the protected set now, after data changed, so no page or report waits for it later.

    Quick when it is already stored for this data (its key is the data's fingerprint). `quiet` for
    machine-readable output (--json): nothing is printed."""
    import time

    from monitor.engine import refresh_copies
    from monitor.privacy import is_stored, protected_set

    # The typed columnar copy of each instrument first (engine/columnar.py): the protected set and every
    # later process read it instead of parsing the answer documents again. Current copies are kept.
    refresh_copies(engine, list(framework.surveys.values()))
    if is_stored(engine, framework) or quiet:
        protected_set(engine, framework)
        return
    typer.echo("Готую захищені таблиці для публічних переглядів і звітів… / "
               "Preparing the protected public tables for pages and reports…", err=True)
    started = time.perf_counter()
    result = protected_set(engine, framework)
    typer.echo(f"  {len(result.public)} / {time.perf_counter() - started:.0f} s", err=True)

