"""`monitor survey`: list the instruments, write one as an XLSForm, read an XLSForm back, write the JSON Schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import yaml

from monitor.cli.app import FrameworkOption, app, load

survey_app = typer.Typer(
    help="Інструменти опитування: список, XLSForm, JSON Schema / Survey instruments: list, XLSForm, JSON Schema.",
    no_args_is_help=True,
)
app.add_typer(survey_app, name="survey")


@survey_app.command("list")
def list_surveys(framework: FrameworkOption = None) -> None:
    """Список інструментів / List the survey instruments: id, questions, title."""
    from rich.console import Console
    from rich.table import Table

    loaded = load(framework)
    table = Table("id", "питань / questions", "назва / title")
    for survey_id in sorted(loaded.surveys):
        survey = loaded.surveys[survey_id]
        table.add_row(survey_id, str(len(survey.all_questions())), f"{survey.title.uk} / {survey.title.en}")
    Console(width=160).print(table)


@survey_app.command("xlsform")
def xlsform(
    survey_id: Annotated[str, typer.Argument(metavar="ID", help="Survey id, e.g. hromada-officials")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The .xlsx file to write")],
    framework: FrameworkOption = None,
) -> None:
    """Записати інструмент як XLSForm для KoboToolbox/ODK / Write an instrument as an XLSForm for KoboToolbox/ODK."""
    from monitor.framework.xlsform import to_xlsform

    loaded = load(framework)
    survey = loaded.surveys.get(survey_id)
    if survey is None:
        known = ", ".join(sorted(loaded.surveys))
        typer.echo(f"Unknown survey '{survey_id}' (known: {known}) / Невідомий опитувальник '{survey_id}'", err=True)
        raise typer.Exit(1)
    notes = to_xlsform(survey, output, params=loaded.param_values())
    for note in notes:
        typer.echo(f"note / примітка: {note}", err=True)
    typer.echo(f"{output} ({survey_id}, {len(survey.all_questions())} questions / питань)")


@survey_app.command("from-xlsform")
def from_xlsform(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="An XLSForm (.xlsx)")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The survey YAML to write, e.g. surveys/x.yaml")],
) -> None:
    """Прочитати XLSForm у YAML інструмента / Read an XLSForm into a survey YAML (then fill in the fields it lacks)."""
    from monitor.framework.xlsform import read_xlsform

    data, notes = read_xlsform(file)
    data.setdefault("id", output.stem)
    header = (
        f"# Read from {file.name} by `monitor survey from-xlsform`. Fill in code, description, respondent, unit,\n"
        "# territory_question and territory_level, check the English title, then run `monitor validate`.\n"
        f"# Прочитано з {file.name}. Заповніть code, description, respondent, unit, territory_question,\n"
        "# territory_level, перевірте англійську назву й запустіть `monitor validate`.\n"
    )
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(header + body, encoding="utf-8")
    for note in notes:
        typer.echo(f"note / примітка: {note}", err=True)
    typer.echo(f"{output}: {len(data['questions'])} questions / питань, {len(data['choice_lists'])} choice lists / списків")


@survey_app.command("schema")
def schema(
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the *.schema.json files")] = Path("schema"),
) -> None:
    """Записати JSON Schema рамки для редакторів / Write the framework's JSON Schema for editors."""
    from monitor.framework.schema import write_schemas

    for path in write_schemas(output):
        typer.echo(str(path))
