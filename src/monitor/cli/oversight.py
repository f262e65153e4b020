"""`monitor oversight ...`: rounds and their approval, findings, recommendations and their status,
public-information requests, spreadsheet import and export.

The command line acts as the operator of the server (actor 'cli' in the audit log), with an admin's
rights: whoever runs it holds the database already. Every write still goes through the guard
(monitor.auth.oversight), so it is checked and audited exactly as a dashboard entry is.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any

import typer

from monitor.cli.app import DbOption, FrameworkOption, app, db_url, fail, load
from monitor.errors import MonitorError, render_issue
from monitor.i18n import t

oversight = typer.Typer(help="Oversight loop: rounds, findings, recommendations, requests / "
                             "Цикл нагляду: раунди, знахідки, рекомендації, запити", no_args_is_help=True)
rounds_app = typer.Typer(help="Monitoring rounds and their approval / Раунди моніторингу та їх затвердження",
                         no_args_is_help=True)
oversight.add_typer(rounds_app, name="round")
app.add_typer(oversight, name="oversight")

OPERATOR = SimpleNamespace(name="cli", role="admin", oblasts=[], disabled=False)


def _engine(db: str | None) -> Any:
    from monitor.oversight.bodies import load_bodies
    from monitor.store.db import connect

    engine = connect(db_url(db))
    load_bodies(engine)
    return engine


def _run(action: Any) -> Any:
    try:
        return action()
    except MonitorError as error:
        raise fail(error) from None


def _both(key: str) -> str:
    return f"{t(key, 'uk')} / {t(key, 'en')}"


@rounds_app.command("define")
def round_define(
    round_id: Annotated[str, typer.Argument(help="Round id, e.g. R2021")],
    wave: Annotated[str, typer.Option("--wave", help="Wave value the answers carry / хвиля")],
    title_uk: Annotated[str, typer.Option("--title-uk")],
    title_en: Annotated[str, typer.Option("--title-en")],
    period: Annotated[tuple[str, str], typer.Option("--period", help="START END (YYYY-MM-DD)")],
    reference: Annotated[tuple[str, str], typer.Option("--reference", help="Reference period START END")],
    instrument: Annotated[list[str], typer.Option("--instrument", help="Survey id (repeat)")],
    expected: Annotated[list[str] | None, typer.Option(
        "--expected", help="TERRITORY:SURVEY:N respondents expected (repeat)")] = None,
    db: DbOption = None,
) -> None:
    """Create or change a round (refused once approved) / Створити або змінити раунд."""
    from monitor.oversight.rounds import RoundSpec, define_round

    per: dict[str, dict[str, int]] = {}
    for item in expected or []:
        code, survey, n = item.split(":")
        per.setdefault(code, {})[survey] = int(n)
    spec = RoundSpec(round_id, title_uk, title_en, wave, date.fromisoformat(period[0]), date.fromisoformat(period[1]),
                     date.fromisoformat(reference[0]), date.fromisoformat(reference[1]), tuple(instrument), per)
    changed = _run(lambda: define_round(_engine(db), spec))
    typer.echo(f"{round_id}: {'saved / збережено' if changed else 'unchanged / без змін'}")


@rounds_app.command("list")
def round_list(db: DbOption = None) -> None:
    """The rounds and their state / Раунди та їх стан."""
    from monitor.oversight.rounds import rounds

    for row in rounds(_engine(db)).to_dict("records"):
        typer.echo(f"{row['id']:8} {row['wave']:6} {row['period_start']}–{row['period_end']}  "
                   f"{t('oversight.round_state.' + row['state'], 'uk')} / {row['state']}  {row['title_uk']}")


@rounds_app.command("step")
def round_step(
    round_id: Annotated[str, typer.Argument()],
    target: Annotated[str, typer.Argument(help="under-review | approved | draft (from review)")],
    db: DbOption = None,
) -> None:
    """Move a round to review or approve it / Передати раунд на перевірку або затвердити."""
    from monitor.auth.oversight import approve_round

    old = _run(lambda: approve_round(_engine(db), OPERATOR, round_id, target))
    typer.echo(f"{round_id}: {old} → {target}")


@rounds_app.command("unlock")
def round_unlock(
    round_id: Annotated[str, typer.Argument()],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit log) / Причина")],
    db: DbOption = None,
) -> None:
    """Unlock an approved round, with a reason / Розблокувати затверджений раунд."""
    from monitor.auth.oversight import unlock_round

    _run(lambda: unlock_round(_engine(db), OPERATOR, round_id, reason))
    typer.echo(f"{round_id}: approved → draft")


@oversight.command("finding")
def finding_add(
    key: Annotated[str, typer.Argument(help="Stable key, e.g. F-2021-UA53-01")],
    round_id: Annotated[str, typer.Option("--round")],
    territory: Annotated[str, typer.Option("--territory", help="KATOTTG code")],
    text_uk: Annotated[str, typer.Option("--text-uk")],
    text_en: Annotated[str, typer.Option("--text-en")],
    indicators: Annotated[str, typer.Option("--indicators", help="S01;S05")] = "",
    body: Annotated[str, typer.Option("--body", help="Body id (data/reference/bodies.csv)")] = "",
    db: DbOption = None,
    framework: FrameworkOption = None,
) -> None:
    """Record a finding / Записати знахідку."""
    from monitor.auth.oversight import add_finding_as

    known = set(load(framework).indicators)
    raw = {"key": key, "round": round_id, "territory": territory, "body": body, "indicators": indicators,
           "text_uk": text_uk, "text_en": text_en}
    found = _run(lambda: add_finding_as(_engine(db), OPERATOR, raw, known))
    typer.echo(f"{key}: #{found}")


@oversight.command("recommendation")
def recommendation_add(
    key: Annotated[str, typer.Argument()],
    round_id: Annotated[str, typer.Option("--round")],
    body: Annotated[str, typer.Option("--body")],
    findings: Annotated[str, typer.Option("--findings", help="F-1;F-2")],
    text_uk: Annotated[str, typer.Option("--text-uk")],
    text_en: Annotated[str, typer.Option("--text-en")],
    date_sent: Annotated[str, typer.Option("--sent")],
    due_date: Annotated[str, typer.Option("--due")],
    db: DbOption = None,
) -> None:
    """Record a recommendation sent to a body / Записати надіслану рекомендацію."""
    from monitor.auth.oversight import add_recommendation_as

    raw = {"key": key, "round": round_id, "body": body, "findings": findings, "text_uk": text_uk,
           "text_en": text_en, "date_sent": date_sent, "due_date": due_date}
    found = _run(lambda: add_recommendation_as(_engine(db), OPERATOR, raw))
    typer.echo(f"{key}: #{found}")


@oversight.command("status")
def status_set(
    recommendation: Annotated[str, typer.Argument()],
    status: Annotated[str, typer.Argument(help="sent | acknowledged | accepted | partly-implemented | "
                                               "implemented | rejected | no-answer")],
    on: Annotated[str, typer.Option("--date")],
    evidence: Annotated[str, typer.Option("--evidence")] = "",
    db: DbOption = None,
) -> None:
    """Record what a body did with a recommendation / Записати статус рекомендації."""
    from monitor.auth.oversight import set_status_as

    raw = {"recommendation": recommendation, "status": status, "date": on, "evidence": evidence}
    added = _run(lambda: set_status_as(_engine(db), OPERATOR, raw))
    typer.echo(f"{recommendation}: {status} {on} {'' if added else '(already recorded / уже записано)'}")


@oversight.command("request")
def request_add(
    key: Annotated[str, typer.Argument()],
    body: Annotated[str, typer.Option("--body")],
    subject: Annotated[str, typer.Option("--subject")],
    date_sent: Annotated[str, typer.Option("--sent")],
    date_received: Annotated[str, typer.Option("--received")],
    channel: Annotated[str, typer.Option("--channel", help="email | post | portal | in-person")] = "email",
    round_id: Annotated[str, typer.Option("--round")] = "",
    extension_date: Annotated[str, typer.Option("--extension")] = "",
    reply_date: Annotated[str, typer.Option("--reply")] = "",
    outcome: Annotated[str, typer.Option("--outcome", help="full | partial | refused")] = "",
    refusal_ground: Annotated[str, typer.Option("--ground")] = "",
    urgent: Annotated[bool, typer.Option("--urgent", help="48 hours: life or liberty at stake (art. 20(2))")] = False,
    db: DbOption = None,
) -> None:
    """Record a public-information request / Записати запит на публічну інформацію."""
    from monitor.auth.oversight import add_request_as

    raw = {"key": key, "round": round_id, "body": body, "subject": subject, "channel": channel, "urgent": urgent,
           "date_sent": date_sent, "date_received": date_received, "extension_date": extension_date,
           "reply_date": reply_date, "outcome": outcome, "refusal_ground": refusal_ground}
    found = _run(lambda: add_request_as(_engine(db), OPERATOR, raw))
    typer.echo(f"{key}: #{found}")


@oversight.command("list")
def list_command(
    kind: Annotated[str, typer.Argument(help="recommendations | requests | findings")] = "recommendations",
    as_of: Annotated[str | None, typer.Option("--as-of", help="Day the states are judged on (default today)")] = None,
    lang: Annotated[str, typer.Option("--lang")] = "uk",
    db: DbOption = None,
) -> None:
    """List the loop with states and what is overdue / Перелік зі станами та простроченням."""
    from monitor.oversight import summary

    engine = _engine(db)
    when = date.fromisoformat(as_of) if as_of else date.today()
    frame = _run(lambda: summary.listing(engine, kind, when, lang))
    if frame.empty:
        typer.echo("—")
        return
    typer.echo(frame.to_string(index=False))


@oversight.command("import")
def import_command(
    path: Annotated[Path, typer.Argument(help="XLSX (one sheet per kind) or CSV of one kind")],
    db: DbOption = None,
    framework: FrameworkOption = None,
) -> None:
    """Import findings, recommendations, statuses and requests, all or nothing / Імпорт, усе або нічого."""
    from monitor.auth.oversight import import_sheets_as

    known = set(load(framework).indicators)
    report = _run(lambda: import_sheets_as(_engine(db), OPERATOR, path, known))
    for problem in report.issues:
        typer.echo(render_issue(problem), err=True)
    for kind, n in report.added.items():
        typer.echo(f"{t('oversight.sheet.' + kind, 'uk')} / {kind}: +{n}, {report.unchanged.get(kind, 0)} "
                   "unchanged / без змін")
    raise typer.Exit(1 if report.status == "refused" else 0)


@oversight.command("import-log")
def import_log_command(db: DbOption = None) -> None:
    """The request-log survey's answers into the request tracker, all or nothing / Журнал запитів до трекера."""
    from monitor.auth.oversight import import_request_log_as

    counts = _run(lambda: import_request_log_as(_engine(db), OPERATOR))
    typer.echo(f"{t('oversight.sheet.requests', 'uk')} / requests: +{counts['added']}, {counts['unchanged']} "
               "unchanged / без змін")


@oversight.command("export")
def export_command(
    path: Annotated[Path, typer.Argument(help="XLSX file to write")],
    lang: Annotated[str, typer.Option("--lang", help="Header language uk | en")] = "uk",
    template: Annotated[bool, typer.Option("--template", help="Headers only, to fill in")] = False,
    db: DbOption = None,
) -> None:
    """Export the loop to XLSX (it imports back) / Експорт у XLSX."""
    from monitor.oversight.sheets import export_xlsx

    export_xlsx(_engine(db), path, lang=lang, template=template)
    typer.echo(str(path))
