"""Spreadsheet import and export of the loop: findings, recommendations, status steps, requests, the
coalition's trainings (one row per training × body; rows sharing a key are one training) and case
stories (imported as drafts, checked for personal data and places below the oblast as on the form;
the export gives their headers only: a story's text leaves the dashboard only in a report, approved and
with consent).

One workbook, one sheet per kind (XLSX), or one CSV holding one kind (recognised by its header). The
same guarantees as survey imports: the whole file is checked before anything is written and every
problem is reported with its file, row and column; one bad row and nothing is written (all or
nothing, one transaction); a record whose key is already there with the same content is skipped, so a
file imported twice adds nothing. Headers are the field names or their labels in either language.
"""

from __future__ import annotations

import numbers
import zipfile
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitor import redact
from monitor.errors import Issue, MonitorError, issue
from monitor.i18n import t
from monitor.oversight import checks, findings, recommendations, stories, tracker, trainings
from monitor.oversight.checks import Where
from monitor.oversight.records import state_of
from monitor.store.oversight import CaseStory, Finding, InformationRequest, Recommendation, Training

KINDS: dict[str, tuple[str, ...]] = {
    "findings": findings.COLUMNS,
    "recommendations": recommendations.COLUMNS,
    "statuses": recommendations.STATUS_COLUMNS,
    "requests": tracker.COLUMNS,
    "trainings": trainings.COLUMNS,
    "stories": stories.COLUMNS,
}
REQUIRED: dict[str, frozenset[str]] = {
    "findings": frozenset({"key", "round", "territory", "text_uk", "text_en"}),
    "recommendations": frozenset({"key", "round", "body", "findings", "date_sent", "due_date"}),
    "statuses": frozenset({"recommendation", "status", "date"}),
    "requests": frozenset({"key", "body", "subject", "channel", "date_sent", "date_received"}),
    "trainings": frozenset({"key", "date", "oblast", "topic_uk", "topic_en", "body"}),
    "stories": frozenset({"key", "oblast", "date", "title_uk", "title_en", "text_uk", "text_en"}),
}


def _norm(text: str) -> str:
    return " ".join(str(text).replace("\u2019", "'").lower().split())


def header_names(kind: str) -> dict[str, str]:
    """Every accepted header text (normalised) -> field: the field name and its labels in uk and en."""
    names: dict[str, str] = {}
    for name in KINDS[kind]:
        for shown in (name, t(f"oversight.column.{name}", "uk"), t(f"oversight.column.{name}", "en")):
            names[_norm(shown)] = name
    return names


def sheet_kind(sheet_name: str) -> str | None:
    wanted = _norm(sheet_name)
    for kind in KINDS:
        if wanted in (kind, _norm(t(f"oversight.sheet.{kind}", "uk")), _norm(t(f"oversight.sheet.{kind}", "en"))):
            return kind
    return None


@dataclass
class Sheet:
    kind: str
    fields: list[str | None]  # field of each column (None: not ours, ignored)
    records: list[tuple[int, dict[str, Any]]]  # (spreadsheet row, values by field)


@dataclass
class SheetPlan:
    """A checked file, ready to write: the parsed items and the oblasts they touch (for the guard)."""

    name: str
    items: dict[str, list[Any]] = field(default_factory=dict)
    oblasts: set[str | None] = field(default_factory=set)
    skipped: dict[str, int] = field(default_factory=dict)


@dataclass
class SheetReport:
    name: str
    added: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    status: str = "imported"  # imported | unchanged | refused

    def rows(self) -> pd.DataFrame:
        """The problems as a table: row, column, code and the message in both languages."""
        return pd.DataFrame([{"row": i.line, "column": i.params.get("field") or "", "code": i.code,
                              "message_uk": i.message_uk, "message_en": i.message_en} for i in self.issues],
                            columns=["row", "column", "code", "message_uk", "message_en"]).astype({"row": "Int64"})


def _from_table(kind: str, columns: list[str], rows: pd.DataFrame, first_row: int, name: str) -> Sheet:
    names = header_names(kind)
    fields = [names.get(_norm(c)) for c in columns]
    records = []
    for offset, (_, row) in enumerate(rows.iterrows()):
        values = {f: row.iloc[i] for i, f in enumerate(fields) if f is not None}
        records.append((first_row + offset, values))
    return Sheet(kind, fields, records)


def _guess_kind(columns: list[str]) -> str | None:
    for kind in KINDS:
        names = header_names(kind)
        if REQUIRED[kind] <= {names.get(_norm(c)) for c in columns}:
            return kind
    return None


def read_sheets(path: Path, name: str) -> list[Sheet]:
    """The file's sheets of the loop, read with the survey importer's caps (size, zip bombs, cells)."""
    from monitor.ingest import limits as caps
    from monitor.ingest import parse_text, sheet_table

    cap = caps.limits()
    if not path.is_file():
        raise MonitorError(issue("ingest-file-not-found", path=name, file=name))
    caps.check_size(name, path.stat().st_size, cap)
    with path.open("rb") as handle:
        head = handle.read(4)
    sheets: list[Sheet] = []
    if head.startswith(b"PK"):
        from python_calamine import CalamineWorkbook

        try:
            with zipfile.ZipFile(path) as archive:
                caps.check_xlsx(name, archive, cap)
            workbook = CalamineWorkbook.from_path(str(path))
            grids = [(s, workbook.get_sheet_by_name(s).to_python(skip_empty_area=False)) for s in workbook.sheet_names]
        except MonitorError:
            raise
        except Exception as error:  # calamine and zipfile raise their own types for every kind of damage
            detail = type(error).__name__
            raise MonitorError(issue("ingest-xlsx-corrupt", path=name, detail=detail, detail_uk=detail)) from None
        for sheet_name, grid in grids:
            table = sheet_table(grid, sheet_name, "xlsx", 1)
            if table is None:
                continue
            kind = sheet_kind(sheet_name) or _guess_kind(table.columns)
            if kind is not None:
                sheets.append(_from_table(kind, table.columns, table.rows, table.first_row, name))
    else:
        table = parse_text(path.read_bytes(), name, cap=cap)
        kind = _guess_kind(table.columns)
        if kind is not None:
            sheets.append(_from_table(kind, table.columns, table.rows, table.first_row, name))
    if not sheets:
        raise MonitorError(issue("oversight-bad-sheet", path=name, kind="findings / recommendations / statuses / "
                                 "requests / trainings / stories",
                                 kind_uk="знахідки / рекомендації / статуси / запити / навчання / історії",
                                 columns="; ".join(f"{k}: {', '.join(v)}" for k, v in KINDS.items())))
    order = list(KINDS)
    return sorted(sheets, key=lambda s: order.index(s.kind))


def plan_sheets(engine: Engine, path: Path | str, known_indicators: Collection[str] | None = None,
                name: str | None = None) -> SheetPlan:
    """Check the whole file without writing; MonitorError with every row's problems when any row is bad."""
    path = Path(path)
    shown = name or redact.file_name(path.name)
    sheets = read_sheets(path, shown)
    plan = SheetPlan(shown, {k: [] for k in KINDS}, set(), dict.fromkeys(KINDS, 0))
    problems: list[Issue] = []
    pending_findings: set[str] = set()
    pending_recs: dict[str, date | None] = {}
    with Session(engine) as session:
        for sheet in sheets:
            header = tuple(f or "" for f in sheet.fields)
            missing = sorted(REQUIRED[sheet.kind] - set(header))
            if missing:
                problems.append(issue("oversight-bad-sheet", path=shown, kind=sheet.kind,
                                      kind_uk=t(f"oversight.sheet.{sheet.kind}", "uk"), columns=", ".join(missing)))
                continue
            if sheet.kind == "trainings":
                problems.extend(_plan_trainings(session, sheet, header, shown, plan))
                continue
            seen: set[tuple[Any, ...]] = set()
            for line, values in sheet.records:
                where = Where(shown, line, header)
                item, found = _check(session, sheet.kind, values, where, known_indicators, pending_findings,
                                     pending_recs)
                problems.extend(found)
                if item is None:
                    # Rows naming this one are not told again that it is unknown: its own row says why.
                    failed = checks.text(values.get("key"))
                    if sheet.kind == "findings" and failed:
                        pending_findings.add(failed)
                    elif sheet.kind == "recommendations" and failed:
                        pending_recs.setdefault(failed, None)
                    continue
                identity = _identity(sheet.kind, item)
                if identity in seen:
                    plan.skipped[sheet.kind] += 1  # the same row twice in one file is one record
                    continue
                seen.add(identity)
                state, problem = _existing(session, sheet.kind, item, where)
                if problem is not None:
                    problems.append(problem)
                    continue
                if state == "same":
                    plan.skipped[sheet.kind] += 1
                    continue
                plan.items[sheet.kind].append(item)
                plan.oblasts.add(_oblast(session, sheet.kind, item, plan))
                if sheet.kind == "findings":
                    pending_findings.add(item.key)
                elif sheet.kind == "recommendations":
                    pending_recs[item.key] = item.date_sent
    if problems:
        rows = len({(p.line, p.path) for p in problems if p.line is not None})
        raise MonitorError([*problems, issue("oversight-file-refused", path=shown, count=rows)])
    return plan


def _plan_trainings(session: Session, sheet: Sheet, header: tuple[str, ...], shown: str, plan: SheetPlan
                    ) -> list[Issue]:
    """The trainings sheet: rows gathered by key into trainings, each checked whole (its audience entries
    at their own rows), then compared with what is stored."""
    groups, problems = trainings.group_rows(sheet.records, lambda line: Where(shown, line, header))
    for raw, where, seat_where in groups:
        item, found = trainings.check(session, raw, where, seat_where)
        problems.extend(found)
        if item is None:
            continue
        state, problem = _existing(session, "trainings", item, where)
        if problem is not None:
            problems.append(problem)
        elif state == "same":
            plan.skipped["trainings"] += 1
        else:
            plan.items["trainings"].append(item)
            plan.oblasts.add(item.oblast_code)
    return problems


def _check(session: Session, kind: str, values: dict[str, Any], where: Where, known_indicators: Collection[str] | None,
           pending_findings: set[str], pending_recs: dict[str, date | None]) -> tuple[Any, list[Issue]]:
    if kind == "findings":
        return findings.check(session, values, known_indicators, where)
    if kind == "recommendations":
        return recommendations.check(session, values, where, pending_findings)
    if kind == "statuses":
        return recommendations.check_status(session, values, where, pending_recs)
    if kind == "stories":
        return stories.check(session, values, where)
    return tracker.check(session, values, where)


def _identity(kind: str, item: Any) -> tuple[Any, ...]:
    if kind == "statuses":
        return (item.recommendation_key, item.status, item.on_date)
    return (item.key,)


def _existing(session: Session, kind: str, item: Any, where: Where) -> tuple[str, Issue | None]:
    """'new', 'same' (already there: skipped), or a conflict issue (same key, other content)."""
    if kind == "statuses":
        from monitor.store.oversight import RecommendationStatus

        rec = session.scalars(select(Recommendation).where(Recommendation.key == item.recommendation_key)).first()
        if rec is None:
            return "new", None
        found = session.scalars(select(RecommendationStatus.id).where(
            RecommendationStatus.recommendation_id == rec.id, RecommendationStatus.status == item.status,
            RecommendationStatus.on_date == item.on_date)).first()
        return ("same" if found is not None else "new"), None
    table, same = {"findings": (Finding, findings.same), "recommendations": (Recommendation, recommendations.same),
                   "requests": (InformationRequest, tracker.same), "trainings": (Training, trainings.same),
                   "stories": (CaseStory, stories.same)}[kind]
    state, _, problem = state_of(session, table, same, item, where)
    return state, problem


def _oblast(session: Session, kind: str, item: Any, plan: SheetPlan) -> str | None:
    if kind == "findings":
        from monitor.store.models import Territory

        place = session.scalars(select(Territory).where(Territory.code == item.territory_code).limit(1)).first()
        return place.oblast_code if place is not None else None
    if kind == "statuses":
        pending = next((r for r in plan.items["recommendations"] if r.key == item.recommendation_key), None)
        if pending is not None:
            return pending.oblast_code
        rec = session.scalars(select(Recommendation).where(Recommendation.key == item.recommendation_key)).one()
        return rec.oblast_code
    return item.oblast_code


def write_sheets(engine: Engine, plan: SheetPlan, actor: str = "cli") -> dict[str, int]:
    """Write a checked plan in one transaction; how many records of each kind were added."""
    added = dict.fromkeys(KINDS, 0)
    with Session(engine) as session, session.begin():
        for item in plan.items["findings"]:
            findings.insert(session, item, actor)
            added["findings"] += 1
        for item in plan.items["recommendations"]:
            recommendations.insert(session, item, actor)
            added["recommendations"] += 1
        for item in sorted(plan.items["statuses"], key=lambda s: s.on_date):
            added["statuses"] += int(recommendations.insert_status(session, item, actor))
        for item in plan.items["requests"]:
            tracker.insert(session, item, actor)
            added["requests"] += 1
        for item in plan.items["trainings"]:
            trainings.insert(session, item, actor)
            added["trainings"] += 1
        for item in plan.items["stories"]:
            stories.insert(session, item, actor)
            added["stories"] += 1
    return added


def import_sheets(engine: Engine, path: Path | str, known_indicators: Collection[str] | None = None,
                  actor: str = "cli", name: str | None = None) -> SheetReport:
    """Check, then write all or nothing; never raises for a bad file (the report says what happened)."""
    shown = name or redact.file_name(Path(path).name)
    report = SheetReport(shown)
    try:
        plan = plan_sheets(engine, path, known_indicators, shown)
        report.added = write_sheets(engine, plan, actor)
        report.unchanged = plan.skipped
        report.status = "imported" if any(report.added.values()) else "unchanged"
    except MonitorError as error:
        report.issues, report.status = error.issues, "refused"
    return report


# --------------------------------------------------------------------------- export


def export_frames(engine: Engine, lang: str = "uk") -> dict[str, pd.DataFrame]:
    """The loop as one table per kind, with the import's headers in `lang` (so an export imports back)."""
    from monitor.oversight.recommendations import history
    from monitor.oversight.recommendations import recommendations as recs
    from monitor.oversight.tracker import requests

    found = findings.findings(engine)
    rec = recs(engine)
    steps = history(engine)
    req = requests(engine)
    held = trainings.trainings(engine)
    frames = {
        "findings": pd.DataFrame({
            "key": found["key"], "round": found["round_id"], "territory": found["territory_code"],
            "body": found["body_id"].fillna(""), "indicators": found["indicators"].map("; ".join),
            "text_uk": found["text_uk"], "text_en": found["text_en"]}, columns=list(KINDS["findings"])),
        "recommendations": pd.DataFrame({
            "key": rec["key"], "round": rec["round_id"], "body": rec["body_id"],
            "findings": rec["findings"].map("; ".join), "text_uk": rec["text_uk"], "text_en": rec["text_en"],
            "date_sent": rec["date_sent"], "due_date": rec["due_date"]}, columns=list(KINDS["recommendations"])),
        "statuses": pd.DataFrame({
            "recommendation": steps["recommendation"], "status": steps["status"], "date": steps["on_date"],
            "evidence": steps["evidence"]}, columns=list(KINDS["statuses"])),
        "requests": pd.DataFrame({
            "key": req["key"], "round": req["round_id"].fillna(""), "body": req["body_id"], "subject": req["subject"],
            "channel": req["channel"], "urgent": req["urgent"].map({True: t("oversight.page.yes", lang), False: ""}),
            "date_sent": req["date_sent"], "date_received": req["date_received"],
            "extension_date": req["extension_date"], "reply_date": req["reply_date"],
            "outcome": req["outcome"].fillna(""), "refusal_ground": req["refusal_ground"].fillna("")},
            columns=list(KINDS["requests"])),
        "trainings": pd.DataFrame({
            "key": held["key"], "round": held["round_id"].fillna(""), "date": held["on_date"],
            "oblast": held["oblast_code"], "topic_uk": held["topic_uk"], "topic_en": held["topic_en"],
            "body": held["body_id"], "women": held["women"], "men": held["men"]}, columns=list(KINDS["trainings"])),
        "stories": pd.DataFrame(columns=list(KINDS["stories"])),  # headers only (see the module's note)
    }
    return {kind: frame.rename(columns={c: t(f"oversight.column.{c}", lang) for c in frame.columns})
            for kind, frame in frames.items()}


def export_xlsx(engine: Engine, path: Path | str, lang: str = "uk", template: bool = False) -> Path:
    """Write the loop (or, with `template`, only the headers) to an XLSX workbook, one sheet per kind."""
    path = Path(path)
    path.write_bytes(export_bytes(engine, lang, template))
    return path


def export_bytes(engine: Engine, lang: str = "uk", template: bool = False) -> bytes:
    """The workbook of `export_xlsx`, in memory (the dashboard's download)."""
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    frames = export_frames(engine, lang)
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = workbook.add_format({"bold": True, "bg_color": "#eceff1"})
    dated = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for kind, frame in frames.items():
        sheet = workbook.add_worksheet(t(f"oversight.sheet.{kind}", lang)[:31])
        for col, header in enumerate(frame.columns):
            sheet.write(0, col, header, bold)
            sheet.set_column(col, col, 40 if "text" in KINDS[kind][col] else 18)
        if not template:
            for row, values in enumerate(frame.itertuples(index=False), start=1):
                for col, value in enumerate(values):
                    if isinstance(value, date):
                        sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), dated)
                    elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
                        sheet.write_number(row, col, int(value))  # participants: a number Excel can sum
                    elif value is None or (isinstance(value, float) and pd.isna(value)):
                        sheet.write_blank(row, col, None)
                    else:
                        # write_string: a cell starting with '=' stays text, never a formula (CSV/XLSX injection).
                        sheet.write_string(row, col, str(value))
        sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
