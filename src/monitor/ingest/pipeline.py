"""import_file: one export file → responses in the store, all or nothing.

read → map columns → is it this instrument? → coerce + match places + validate → deduplicate →
one transaction (instrument upsert, batch, responses, repeat rows, rejected rows). Any failure before
or during the write leaves the database exactly as it was; a refused file writes not even a batch row.
"""

from __future__ import annotations

import hashlib
import logging
import traceback
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson
import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from monitor import expr, redact
from monitor.errors import Issue, MonitorError, issue
from monitor.framework.models import Framework, Question, QuestionType, Survey
from monitor.ingest import coerce
from monitor.ingest.mapping import ColumnMap, check_instrument, map_columns, norm
from monitor.ingest.readers import RawTable, TextStream, read_export, stream_export
from monitor.ingest.report import ImportReport
from monitor.ingest.validate import Problem, Territories, Validated, validate
from monitor.store.models import ImportBatch, Instrument, RejectedRow, Response, Setting, table_of
from monitor.store.oversight import approved_waves

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
CHUNK = 10_000  # rows per INSERT batch (progress granularity; SQLAlchemy batches further)
IN_CHUNK = 900  # bound parameters per IN (...) lookup, below every backend's limit
MAX_EXTERNAL_ID = 128


SLICE = ("oblast_code", "raion_code", "hromada_code", "wave", "period_date", "submitted_at")


@dataclass
class Rows:
    """The accepted submissions column-wise: one list per stored column, the answer documents already
    serialised (sorted keys, JSON text), so the hash and the INSERT share one serialisation and no
    per-row dict outlives the preparation."""

    external_id: list[str] = field(default_factory=list)
    content_hash: list[str] = field(default_factory=list)
    oblast_code: list[str | None] = field(default_factory=list)
    raion_code: list[str | None] = field(default_factory=list)
    hromada_code: list[str | None] = field(default_factory=list)
    wave: list[str | None] = field(default_factory=list)
    period_date: list[date | None] = field(default_factory=list)
    submitted_at: list[datetime | None] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)  # JSON text, sorted keys

    def __len__(self) -> int:
        return len(self.external_id)

    def take(self, positions: list[int]) -> Rows:
        return Rows(**{name: [getattr(self, name)[i] for i in positions] for name in self.__dataclass_fields__})


@dataclass
class Plan:
    """Everything to write, computed before the transaction opens (see `plan_import` / `write_plan`)."""

    rows: Rows = field(default_factory=Rows)
    children: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # parent external id → child rows
    rejected_rows: list[dict[str, Any]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def external_ids(self) -> list[str]:
        return self.rows.external_id

    def oblasts(self) -> frozenset[str]:
        """Oblasts of the answers the plan would add (who may import it)."""
        return frozenset(str(code) for code in self.rows.oblast_code if code)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_file(
    engine: Engine,
    framework: Framework,
    survey_id: str,
    path: Path | str,
    *,
    dry_run: bool = False,
    imported_by: str = "cli",
    synthetic: bool = False,
    progress: Progress | None = None,
    scope: frozenset[str] | None = None,
) -> ImportReport:
    """Import one export of `survey_id`; never raises for a bad file (the report says what happened).

    `scope`, when given, is the oblasts the importer may add answers for: answers of any other oblast stop
    the import before anything is written (each chunk is checked before it is written, and the
    transaction rolled back) and `OutsideScope` reaches the caller, who says so (the guard's check: the
    file is parsed once, by the import itself)."""
    path = Path(path)
    shown = redact.file_name(path.name)  # a file name may carry a name or a phone: never stored or logged as is
    report = ImportReport(survey=survey_id, file=shown)
    try:
        survey = framework.surveys.get(survey_id)
        if survey is None:
            raise MonitorError(issue("ingest-unknown-survey", survey=survey_id,
                                     known=", ".join(sorted(framework.surveys))))
        if not path.is_file():
            raise MonitorError(issue("ingest-file-not-found", path=shown, file=redact.text(str(path))))
        if not synthetic and not dry_run and is_demo_database(engine):
            raise MonitorError(issue("ingest-demo-database", path=shown))
        report.sha256 = file_sha256(path)
        earlier = _batch_with_sha(engine, survey_id, report.sha256)
        if earlier is not None:
            report.batch, report.status = earlier, "already-imported"
            report.issues.append(issue("ingest-already-imported", path=shown, survey=survey_id, batch=earlier))
            return report
        stream = (stream_export(path, CHUNK_ROWS, name=shown)
                  if path.stat().st_size >= STREAM_FROM_BYTES else None)
        if stream is not None:
            _import_streamed(engine, framework, survey, stream, report, dry_run=dry_run, imported_by=imported_by,
                             synthetic=synthetic, progress=progress, scope=scope)
            return scrub(report)
        table = read_export(path, name=shown)
        report.format, report.encoding = table.format, table.encoding
        report.rows = len(table.rows)
        total = max(report.rows, 1)
        if progress:
            progress(0, total)
        plan = plan_import(engine, framework, survey, table, report, synthetic)
        scrub(report)
        _check_scope(scope, plan)
        half = total // 2
        if progress:
            progress(half, total)  # reading and checking take about as long as writing
        if dry_run:
            report.status = "dry-run"
        else:
            step = (lambda done, n: progress(half + (total - half) * done // max(n, 1), total)) if progress else None
            report.batch = write_plan(engine, framework, survey, report, plan, imported_by, synthetic, step)
            report.status = "imported"
        if progress:
            progress(total, total)
    except OutsideScope:
        raise
    except MonitorError as error:
        _refuse(report, error.issues)
    except Exception as error:  # never a traceback for the user; the traceback goes to DEBUG, without values
        log.debug("import of %s failed: %s\n%s", shown, type(error).__name__, frames(error))
        _refuse(report, [issue("ingest-internal", path=shown, detail=type(error).__name__)])
    return scrub(report)


class OutsideScope(Exception):
    """The file holds answers of oblasts outside the importer's scope; nothing was written."""

    def __init__(self, oblasts: frozenset[str]) -> None:
        super().__init__(", ".join(sorted(oblasts)))
        self.oblasts = oblasts


def _check_scope(scope: frozenset[str] | None, plan: Plan) -> None:
    if scope is not None and (outside := plan.oblasts() - scope):
        raise OutsideScope(outside)


# Files from this size stream in chunks of CHUNK_ROWS rows (UTF-8 delimited text only): memory then follows
# the chunk, not the file. Below it one pass is as fast and a smaller file costs little memory anyway.
STREAM_FROM_BYTES = 8 * 1024 * 1024
CHUNK_ROWS = 50_000
# Issues whose `count` is summed over the chunks of a streamed file (the rest are said once).
_COUNTED = frozenset({"ingest-duplicates", "ingest-consent-refused", "ingest-territory-fuzzy", "ingest-formula-cells"})


def _import_streamed(engine: Engine, framework: Framework, survey: Survey, stream: TextStream,
                     report: ImportReport, *, dry_run: bool, imported_by: str, synthetic: bool,
                     progress: Progress | None, scope: frozenset[str] | None) -> None:
    """A large text export chunk by chunk, in one transaction: each chunk is planned (read, checked,
    deduplicated against the answers stored and the chunks already written) and written before the next
    is read. A refusal anywhere rolls the whole file back, as for a file read at once; a dry run plans
    every chunk inside a transaction it rolls back.

    The first chunk is planned before the transaction opens, so a file of one chunk holds SQLite's write
    lock no longer than a file read at once (logins and other writers wait only for the write); later
    chunks must be planned inside it, to see the chunks before them."""
    report.format, report.encoding = "csv", stream.encoding
    total = max(stream.rows, 1)
    territories = load_territories(engine)
    if progress:
        progress(0, total)
    tables = stream.tables()
    first = next(tables, None)
    if first is None or not len(first):
        raise MonitorError(issue("ingest-header-only", path=report.file))
    report.format = first.format

    def plan_chunk(table: RawTable, connection: Connection | None) -> Plan:  # connection None: the first
        part = ImportReport(survey=survey.id, file=report.file)
        plan = plan_import(engine, framework, survey, table, part, synthetic, connection=connection,
                           territories=territories, allow_empty=True)
        _merge(report, part, first=connection is None)
        _check_scope(scope, plan)
        return plan

    plan: Plan | None = plan_chunk(first, None)
    seen = len(first)
    del first
    with Session(engine) as session:
        transaction = session.begin()
        try:
            batch = _open_batch(session, framework, survey, report, imported_by, synthetic)
            batch_id = batch.id or 0
            while plan is not None:
                _write_part(session, survey.id, batch_id, plan, synthetic, None)
                if progress:
                    progress(min(seen, total), total)
                table = next(tables, None)
                plan = None if table is None else plan_chunk(table, session.connection())
                seen += len(table) if table is not None else 0
                del table
            report.rows = seen
            if not report.accepted and not report.duplicates:
                raise MonitorError(issue("ingest-nothing-acceptable", path=report.file, rejected=report.rejected,
                                         consent_refused=report.consent_refused))
            scrub(report)
            if dry_run:
                transaction.rollback()
                report.status = "dry-run"
            else:
                _count_batch(batch, report)
                transaction.commit()
                report.batch, report.status = batch_id, "imported"
        except BaseException:
            if transaction.is_active:
                transaction.rollback()
            raise
    if progress:
        progress(total, total)


def _merge(report: ImportReport, part: ImportReport, first: bool) -> None:
    """Add one chunk's counts and issues to the file's report: counts summed, each issue said once."""
    for name in ("accepted", "rejected", "duplicates", "consent_refused", "repeat_rows"):
        setattr(report, name, getattr(report, name) + getattr(part, name))
    report.rejected_rows.extend(part.rejected_rows)
    if first:
        report.unmapped_columns, report.dropped_columns = part.unmapped_columns, part.dropped_columns
    for found in part.issues:
        same = next((i for i in report.issues if i.code == found.code), None)
        if same is None:
            report.issues.append(found)
        elif found.code in _COUNTED:
            total = int(same.params.get("count", 0)) + int(found.params.get("count", 0))
            report.issues[report.issues.index(same)] = issue(found.code, path=same.path, line=same.line,
                                                              column=same.column, **{**same.params, "count": total})


def is_demo_database(engine: Engine) -> bool:
    """Whether the database holds the synthetic demo (real answers must never mix with invented ones)."""
    with engine.connect() as connection:
        marked = connection.execute(select(table_of(Setting).c.value).where(table_of(Setting).c.key == "synthetic")).scalar()
        if marked == "true":
            return True
        column = table_of(ImportBatch).c
        return connection.execute(select(column.id).where(column.synthetic.is_(True)).limit(1)).scalar() is not None


def scrub(report: ImportReport) -> ImportReport:
    """Withhold personal data in everything the report carries to the screen, the database and the logs:
    the issues' texts and places, column headers, rejected-row values."""
    for found in report.issues:
        found.path = redact.file_name(found.path) if found.path else found.path
        found.params = {k: redact.text(v) if isinstance(v, str) else v for k, v in found.params.items()}
    report.dropped_columns = [redact.text(c) for c in report.dropped_columns]
    report.unmapped_columns = [redact.text(c) for c in report.unmapped_columns]
    for row in report.rejected_rows:
        for key in ("column", "value", "message_uk", "message_en"):
            if isinstance(row.get(key), str):
                row[key] = redact.text(row[key])
    return report


def frames(error: BaseException) -> str:
    """The traceback's frames without the exception's message, which may quote answers (SQL parameters)."""
    return "".join(traceback.format_tb(error.__traceback__))


def _refuse(report: ImportReport, issues: list[Issue]) -> None:
    report.issues.extend(issues)
    report.status = "refused"
    report.batch = None
    report.accepted = 0


# ------------------------------------------------------------------------------------------ preparing


def plan_import(engine: Engine, framework: Framework, survey: Survey, table: RawTable, report: ImportReport,
                synthetic: bool, *, connection: Connection | None = None, territories: Territories | None = None,
                allow_empty: bool = False) -> Plan:
    """Read, check and deduplicate `table` without writing: the plan `write_plan` writes in one transaction.
    Raises MonitorError for a file to refuse; fills `report` with the counts and issues.

    A streamed import plans chunk by chunk inside its open transaction: `connection` is that transaction
    (deduplication then sees the chunks already written), `territories` the matcher built once, and
    `allow_empty` lets one chunk have nothing acceptable (the whole file is judged at the end)."""
    name = table.name
    if not table.columns or not any(table.columns):
        raise MonitorError(issue("ingest-no-header", path=name))
    if len(table.rows) == 0:
        raise MonitorError(issue("ingest-header-only", path=name))
    column_map = map_columns(survey, table)
    check_instrument(survey, table, column_map, framework)
    report.unmapped_columns = list(column_map.unmapped)
    report.dropped_columns = list(column_map.dropped_columns)
    if column_map.unmapped:
        report.issues.append(issue("ingest-unmapped-columns", path=name, columns=", ".join(column_map.unmapped)))
    for header, reason_en, reason_uk in column_map.flagged_personal:
        report.issues.append(issue("ingest-personal-dropped", path=name, header=header, reason=reason_en,
                                   reason_uk=reason_uk))
    if table.formula_cells:
        report.issues.append(issue("ingest-formula-cells", path=name, count=len(table.formula_cells),
                                   cell=table.formula_cells[0]))

    territories = territories or load_territories(engine)
    params = framework.param_values()
    checked = validate(survey, table, column_map, territories, params)
    problems = list(checked.problems)
    rejected = checked.rejected.copy()
    child_rows: dict[str, dict[Any, list[dict[str, Any]]]] = {}
    for child_name, child in table.children.items():
        repeat = _repeat_for(survey, child_name)
        if repeat is None:
            report.issues.append(issue("ingest-unknown-repeat", path=name, table=child_name, survey=survey.id))
            continue
        child_rows[repeat.name] = _children(survey, repeat, table, child, territories, params, problems, rejected)
    _reported_by_other_level(survey, checked.answers, table.rows.index, child_rows, params, problems, rejected)

    protect_answers(survey, checked.answers)
    kept = ~rejected & ~checked.consent_refused
    submitted = (coerce.to_datetime(table.rows[column_map.submitted_column])
                 if column_map.submitted_column is not None else pd.Series(None, index=table.rows.index, dtype=object))
    rows, labels, hashed = _records(survey, table, column_map, checked, kept, submitted)
    refuse_if_approved(engine, survey.id, rows.wave, name)
    children: dict[str, list[dict[str, Any]]] = {}
    _attach_children(survey.id, rows, labels, hashed, child_rows, children, synthetic)

    rows, duplicates = _deduplicate(connection or engine, survey.id, rows)
    fresh = set(rows.external_id) if children else set()
    children = {k: v for k, v in children.items() if k in fresh}
    report.accepted = len(rows)
    report.duplicates = duplicates
    report.rejected = int(rejected.sum())
    report.consent_refused = int((checked.consent_refused & ~rejected).sum())
    report.repeat_rows = sum(len(v) for v in children.values())
    plan = Plan(rows, children, _rejected_rows(table, problems, checked.territory["oblast_code"]))
    report.rejected_rows = plan.rejected_rows
    if duplicates:
        report.issues.append(issue("ingest-duplicates", path=name, count=duplicates))
    if report.consent_refused:
        report.issues.append(issue("ingest-consent-refused", path=name, count=report.consent_refused))
    if checked.fuzzy:
        first = checked.fuzzy[0]
        report.issues.append(issue("ingest-territory-fuzzy", path=name, count=len(checked.fuzzy),
                                   value="…" if survey.respondent == "survivor" else first.value,
                                   name=first.label(first.code, "en")))
    if not len(rows) and not duplicates and not allow_empty:
        raise MonitorError(issue("ingest-nothing-acceptable", path=name, rejected=report.rejected,
                                 consent_refused=report.consent_refused))
    return plan


def refuse_if_approved(engine: Engine, instrument_id: str, waves: list[str | None], name: str) -> None:
    """Answers of an approved monitoring round are neither re-imported nor changed (a sync's edits come
    through here too); an admin unlocks the round first (monitor.oversight.approval)."""
    with Session(engine) as session:
        locked = approved_waves(session, instrument_id, waves)
    if locked:
        raise MonitorError(issue("round-approved", path=name, round=", ".join(sorted(set(locked.values()))),
                                 survey=instrument_id, wave=", ".join(sorted(locked))))


RESPONDENT_CODE = "respondent_code"


def protect_answers(survey: Survey, answers: dict[str, pd.Series]) -> None:
    """Survivor instruments store no free text at all; their random respondent code, which
    deduplication needs, only as a keyed hash (the key is outside the database: monitor.secret)."""
    if survey.respondent != "survivor":
        return
    from monitor.secret import keyed_hash

    for question in survey.all_questions():
        if question.type != QuestionType.text or question.name not in answers:
            continue
        if question.name == RESPONDENT_CODE:
            codes = answers[question.name]
            answers[question.name] = codes.map(
                lambda code: None if code is None or code != code else "k:" + keyed_hash(f"respondent:{survey.id}", str(code))
            ).astype(object)
        else:
            del answers[question.name]


def load_territories(engine: Engine) -> Territories:
    """The territory matcher over the database's places (or the shipped reference on a fresh database)."""
    from monitor.ingest.territory_match import TerritoryMatcher
    from monitor.store.territory import reference_rows, territories

    frame = territories(engine)
    if frame.empty:
        # A fresh database: match against the shipped reference (responses need no territory rows).
        frame = pd.DataFrame(reference_rows())
    return Territories(TerritoryMatcher(frame), frame)


def _repeat_for(survey: Survey, table_name: str) -> Question | None:
    key = norm(table_name)
    for repeat in survey.repeats():
        names = {norm(repeat.name), norm(repeat.label.uk), norm(repeat.label.en), *map(norm, repeat.aliases)}
        # Kobo cuts sheet names to 31 characters; ODK prefixes group paths.
        if key in names or any(n.startswith(key) and len(key) >= 25 for n in names) or key.split("-")[-1] in names:
            return repeat
    return None


def _reported_by_other_level(survey: Survey, answers: dict[str, pd.Series], index: pd.Index,
                             child_rows: dict[str, dict[Any, list[dict[str, Any]]]], params: dict[str, Any],
                             problems: list[Problem], rejected: pd.Series) -> None:
    """A submission whose repeat rows another level reports (survey.reports) is rejected: an oblast body's
    case list would count the people a raion administration already counts."""
    for reporting in survey.reports:
        owners = [label for label, rows in (child_rows.get(reporting.repeat) or {}).items() if rows]
        if not owners:
            continue
        frame = pd.DataFrame({name: values.reindex(index) for name, values in answers.items()}, index=index)
        allowed = expr.truthy(expr.evaluate(expr.parse(reporting.reported_by), frame, expr.Bindings(params=params)))
        for label in owners:
            if not bool(allowed.at[label]):
                rejected.at[label] = True
                problems.append(Problem(label, reporting.repeat, None, "ingest-reported-by-other-level", {
                    "repeat": reporting.repeat, "rule": reporting.reported_by,
                    "message_en": reporting.message.en, "message_uk": reporting.message.uk,
                }))


def _children(survey: Survey, repeat: Question, parent: RawTable, child: RawTable, territories: Territories,
              params: dict[str, Any], problems: list[Problem], rejected: pd.Series) -> dict[Any, list[dict[str, Any]]]:
    """Child rows per parent row label; a bad child row rejects its whole submission."""
    column_map = map_columns(survey, child, repeat.questions)
    checked = validate(survey, child, column_map, territories, params, repeat.questions)
    link = child.column(child.parent_key_column or "")
    keys = parent.column(parent.key_column or "")
    if link is None or keys is None:
        return {}
    parent_of = pd.Series(keys.index, index=coerce.clean(keys).to_numpy())
    parent_of = parent_of[~parent_of.index.duplicated()]
    owner = coerce.clean(link).map(parent_of)
    child_numbers = child.row_numbers()
    for p in checked.problems:
        label = owner.at[p.index]
        where = {"_row": int(child_numbers.at[p.index]), "_owner": label}
        problems.append(Problem(p.index, f"{child.name}/{p.column}", p.value, p.code, {**p.params, **where}))
        if pd.notna(label):
            rejected.at[label] = True
            problems.append(Problem(label, None, None, "ingest-repeat-rejected", {"table": child.name}))
    for label in owner.index[owner.isna().to_numpy()]:
        problems.append(Problem(label, None, None, "ingest-repeat-orphan",
                                {"table": child.name, "_row": int(child_numbers.at[label]), "_owner": None}))
    answers = _answer_dicts(checked.answers, child.rows.index)
    own_keys = coerce.clean(child.column(child.key_column)) if child.key_column in child.columns else None
    out: dict[Any, list[dict[str, Any]]] = {}
    for position, label in enumerate(child.rows.index):
        parent_label = owner.at[label]
        if pd.isna(parent_label) or checked.rejected.at[label]:
            continue
        key = own_keys.at[label] if own_keys is not None else ""
        out.setdefault(parent_label, []).append({"repeat": repeat.name, "answers": answers[position], "key": key})
    return out


def _attach_children(instrument_id: str, parents: Rows, labels: list[Any], hashed: list[bool],
                     child_rows: dict[str, dict[Any, list[dict[str, Any]]]],
                     children: dict[str, list[dict[str, Any]]], synthetic: bool) -> None:
    if not child_rows:
        return
    for i, label in enumerate(labels):
        rows = [row for by_parent in child_rows.values() for row in by_parent.get(label, [])]
        if not rows:
            continue
        if hashed[i]:
            # No submission id: the repeat rows are part of what makes two submissions the same.
            parents.content_hash[i] = _hash([parents.content_hash[i], *[r["answers"] for r in rows]])
            parents.external_id[i] = "sha256:" + parents.content_hash[i]
        parent_external = parents.external_id[i]
        listed = []
        for n, row in enumerate(rows, start=1):
            external = row["key"] or f"{parent_external}/{row['repeat']}[{n}]"
            if len(external) > MAX_EXTERNAL_ID:
                external = "sha256:" + _hash(external)
            listed.append({
                "instrument_id": instrument_id, "repeat": row["repeat"], "external_id": external,
                "content_hash": _hash(row["answers"]), "answers": row["answers"],
                **{k: getattr(parents, k)[i] for k in SLICE}, "synthetic": synthetic,
            })
        children[parent_external] = listed


def json_sha256(value: Any) -> str:
    """SHA-256 of a value's canonical JSON (sorted keys): content hashes and a sync page's fingerprint."""
    return hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).hexdigest()


_hash = json_sha256


def _answer_dicts(answers: dict[str, pd.Series], index: pd.Index) -> list[dict[str, Any]]:
    """One dict per row, missing answers omitted (not null), plain Python types for JSON."""
    names = list(answers)
    if not names:
        return [{} for _ in range(len(index))]
    columns = [answers[name].astype(object).tolist() for name in names]
    rows = [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]
    # Drop the missing cells afterwards, column by column: most columns have few or none.
    for name in names:
        missing = answers[name].isna().to_numpy()
        for position in missing.nonzero()[0]:
            del rows[position][name]
    return rows


def _records(survey: Survey, table: RawTable, column_map: ColumnMap, checked: Validated, kept: pd.Series,
             submitted: pd.Series) -> tuple[Rows, list[Any], list[bool]]:
    """The kept rows column-wise, with each row's label and whether its id is a content hash."""
    labels = table.rows.index[kept.to_numpy()]
    answers = {name: values[kept] for name, values in checked.answers.items()}
    dicts = _answer_dicts(answers, labels)
    ids = (coerce.clean(table.rows[column_map.id_column])[kept].tolist()
           if column_map.id_column is not None else [""] * len(labels))
    territory = checked.territory[kept]
    oblasts, raions, hromadas = ([_text(v) for v in territory[c].tolist()]
                                 for c in ("oblast_code", "raion_code", "hromada_code"))
    wave_values = (answers[survey.wave_question].tolist()
                   if survey.wave_question and survey.wave_question in answers else [None] * len(labels))
    waves = [w if isinstance(w, str) else None for w in wave_values]
    dates = (answers[survey.date_question].tolist()
             if survey.date_question and survey.date_question in answers else [None] * len(labels))
    stamps = [s if isinstance(s, datetime) else None for s in submitted[kept].tolist()]
    del answers
    # One serialisation per document: the stored text and the hash input are the same bytes. The hash
    # input is exactly orjson.dumps([answers, oblast, raion, hromada, wave], OPT_SORT_KEYS), as before,
    # so a re-import of a file stored by an earlier version still finds its duplicates.
    docs: list[str] = []
    hashes: list[str] = []
    sha256 = hashlib.sha256
    for d, where in zip(dicts, zip(oblasts, raions, hromadas, waves, strict=True), strict=True):
        doc = _dumps(d)
        hashes.append(sha256(b"[" + doc + b"," + orjson.dumps(where)[1:]).hexdigest())
        # Kept as str: what SQLite stores, and compact (orjson's bytes carry their write buffer, ~10 KB each).
        docs.append(doc.decode())
    del dicts
    hashed = [not external for external in ids]
    externals = ["sha256:" + h if not e else ("sha256:" + _hash(e) if len(e) > MAX_EXTERNAL_ID else e)
                 for e, h in zip(ids, hashes, strict=True)]
    periods = [_to_date(d) or (s.date() if s is not None else None) for d, s in zip(dates, stamps, strict=True)]
    rows = Rows(external_id=externals, content_hash=hashes, oblast_code=oblasts, raion_code=raions,
                hromada_code=hromadas, wave=waves, period_date=periods, submitted_at=stamps, answers=docs)
    return rows, list(labels), hashed


def _dumps(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _to_date(value: Any) -> date | None:
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _deduplicate(bind: Engine | Connection, instrument_id: str, rows: Rows) -> tuple[Rows, int]:
    """Drop submissions already stored (same external id, or same content without an id) or repeated in the file."""
    first: dict[str, int] = {}
    for position, external in enumerate(rows.external_id):
        first.setdefault(external, position)
    stored: set[str] = set()
    ids = list(first)
    column = table_of(Response).c
    with bind.connect() if isinstance(bind, Engine) else nullcontext(bind) as connection:
        for start in range(0, len(ids), IN_CHUNK):
            chunk = ids[start:start + IN_CHUNK]
            query = select(column.external_id).where(column.instrument_id == instrument_id,
                                                     column.external_id.in_(chunk))
            stored.update(connection.execute(query).scalars())
    keep = [position for external, position in first.items() if external not in stored]
    if len(keep) == len(rows):
        return rows, 0
    return rows.take(keep), len(rows) - len(keep)


def _rejected_rows(table: RawTable, problems: list[Problem], oblasts: pd.Series) -> list[dict[str, Any]]:
    """One record per problem, personal data withheld, with the oblast of its row (who may see it)."""
    numbers = table.row_numbers()
    rows = []
    for p in problems:
        params: dict[str, Any] = {k: redact.text(v) if isinstance(v, str) else v
                                  for k, v in p.params.items() if not k.startswith("_")}
        found = issue(p.code, **params)
        row = p.params.get("_row") or int(numbers.at[p.index])
        owner = p.params.get("_owner", p.index)
        oblast = oblasts.get(owner) if owner is not None and owner == owner else None
        rows.append({"row": row, "column": redact.text(p.column) if p.column else p.column,
                     "value": redact.text(p.value) if p.value else p.value, "code": p.code,
                     "oblast_code": oblast if isinstance(oblast, str) and oblast else None,
                     "message_uk": found.message_uk, "message_en": found.message_en})
    rows.sort(key=lambda r: (r["column"] is not None and "/" in str(r["column"]), r["row"], str(r["column"])))
    return rows


# ------------------------------------------------------------------------------------------ writing


def _batch_with_sha(engine: Engine, survey_id: str, sha256: str) -> int | None:
    column = table_of(ImportBatch).c
    with engine.connect() as connection:
        return connection.execute(
            select(column.id).where(column.instrument_id == survey_id, column.sha256 == sha256).limit(1)
        ).scalar()


def definition_hash(framework: Framework, survey: Survey) -> str:
    known = framework.survey_hashes.get(survey.id)
    return known or _hash(survey.model_dump(mode="json"))


RESPONSE_COLUMNS = ("instrument_id", "batch_id", "external_id", "content_hash", *SLICE, "synthetic", "answers")


def write_plan(engine: Engine, framework: Framework, survey: Survey, report: ImportReport, plan: Plan,
               imported_by: str, synthetic: bool, progress: Progress | None = None,
               also: Callable[[Session, int], None] | None = None,
               before: Callable[[Session], None] | None = None) -> int:
    """Write the plan in one transaction (all or nothing); `before(session)` runs in it before the answers are
    inserted, and `also(session, batch_id)` after them (a sync's replacements and bookkeeping)."""
    with Session(engine) as session, session.begin():
        batch_id = _open_batch(session, framework, survey, report, imported_by, synthetic).id or 0
        if before is not None:
            before(session)
        _write_part(session, survey.id, batch_id, plan, synthetic, progress)
        if also is not None:
            also(session, batch_id)
    return batch_id


def _open_batch(session: Session, framework: Framework, survey: Survey, report: ImportReport, imported_by: str,
                synthetic: bool) -> ImportBatch:
    """The instrument (inserted or updated) and the batch row, in the caller's transaction."""
    _upsert_instrument(session, framework, survey)
    batch = ImportBatch(instrument_id=survey.id, file_name=redact.file_name(report.file), sha256=report.sha256,
                        format=report.format or "", imported_by=imported_by, synthetic=synthetic)
    _count_batch(batch, report)
    session.add(batch)
    session.flush()
    if batch.id is None:  # flush() gave the row its id; without one nothing below could point at it
        raise RuntimeError("the import batch got no id")
    if synthetic:
        session.merge(Setting(key="synthetic", value="true"))
    return batch


def _count_batch(batch: ImportBatch, report: ImportReport) -> None:
    batch.rows, batch.accepted, batch.rejected = report.rows, report.accepted, report.rejected
    batch.duplicates, batch.consent_refused = report.duplicates, report.consent_refused
    batch.dropped_columns = list(report.dropped_columns)
    batch.warnings = [i.to_dict() for i in report.warnings]


def _write_part(session: Session, instrument_id: str, batch_id: int, plan: Plan, synthetic: bool,
                progress: Progress | None) -> None:
    """A plan's answers, repeat rows and rejected rows, in the caller's transaction."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        _insert_rows_sqlite(connection, instrument_id, batch_id, plan.rows, synthetic, progress)
    elif connection.dialect.driver == "psycopg" and len(plan.rows) >= COPY_FROM_ROWS:
        _copy_rows_postgres(connection, instrument_id, batch_id, plan.rows, synthetic, progress)
    else:
        _insert_rows_core(connection, instrument_id, batch_id, plan.rows, synthetic, progress)
    if plan.children:
        column = table_of(Response).c
        ids = {external: id_ for external, id_ in session.execute(
            select(column.external_id, column.id).where(column.batch_id == batch_id, column.parent_id.is_(None))
        )}
        responses = insert(table_of(Response))
        rows = [{**child, "batch_id": batch_id, "parent_id": ids[external]}
                for external, listed in plan.children.items() for child in listed]
        for start in range(0, len(rows), CHUNK):
            connection.execute(responses, rows[start:start + CHUNK])
    if plan.rejected_rows:
        session.execute(insert(RejectedRow), [
            {"batch_id": batch_id, "row_number": r["row"], "column": r["column"], "value": r["value"],
             "code": r["code"], "message_uk": r["message_uk"], "message_en": r["message_en"],
             "oblast_code": r.get("oblast_code")}
            for r in plan.rejected_rows
        ])


def _insert_rows_sqlite(connection: Any, instrument_id: str, batch_id: int, rows: Rows, synthetic: bool,
                        progress: Progress | None) -> None:
    """The DB-API's executemany with plain tuples, chunk by chunk: no per-row dict, no second JSON
    serialisation (the documents are the plan's bytes), dates through the dialect's own bind processors
    so the stored text is exactly what SQLAlchemy writes. Same transaction as the batch row."""
    dialect = connection.dialect
    column = table_of(Response).c
    as_date = column.period_date.type.bind_processor(dialect) or (lambda v: v)
    as_stamp = column.submitted_at.type.bind_processor(dialect) or (lambda v: v)
    flag = 1 if synthetic else 0
    sql = (f"INSERT INTO response ({', '.join(RESPONSE_COLUMNS)}) "  # noqa: S608 - fixed column names, values bound
           f"VALUES ({', '.join('?' * len(RESPONSE_COLUMNS))})")
    cursor = connection.connection.driver_connection.cursor()
    # A larger page cache while the batch goes in: the response indexes are B-trees that a million
    # inserts walk at random (external ids, hashes); restored afterwards for the pooled connection.
    previous = cursor.execute("PRAGMA cache_size").fetchone()[0]
    cursor.execute("PRAGMA cache_size=-131072")  # 128 MB
    try:
        total = len(rows)
        for start in range(0, total, CHUNK):
            end = min(start + CHUNK, total)
            dates = [as_date(v) if v is not None else None for v in rows.period_date[start:end]]
            stamps = [as_stamp(v) if v is not None else None for v in rows.submitted_at[start:end]]
            cursor.executemany(sql, zip(
                [instrument_id] * (end - start), [batch_id] * (end - start), rows.external_id[start:end],
                rows.content_hash[start:end], rows.oblast_code[start:end], rows.raion_code[start:end],
                rows.hromada_code[start:end], rows.wave[start:end], dates, stamps, [flag] * (end - start),
                rows.answers[start:end], strict=True))
            if progress:
                progress(end, total)
    finally:
        cursor.execute(f"PRAGMA cache_size={int(previous)}")
        cursor.close()


COPY_FROM_ROWS = 100  # below this an INSERT is as fast and COPY's set-up is not worth it


def _copy_rows_postgres(connection: Any, instrument_id: str, batch_id: int, rows: Rows, synthetic: bool,
                        progress: Progress | None) -> None:
    """PostgreSQL's COPY FROM STDIN through psycopg, in the same transaction: the documents go in as the
    plan's JSON text (the server parses it into jsonb once; the INSERT path parses it in Python first).
    Stored values are those of `_insert_rows_core`: a submission time with an offset is turned into the
    session's time zone, as the server's cast from timestamptz to the naive column does for an INSERT."""
    from zoneinfo import ZoneInfo

    cursor = connection.connection.driver_connection.cursor()
    try:
        zone = ZoneInfo(cursor.execute("SHOW TimeZone").fetchone()[0])
    except (KeyError, ValueError, OSError):  # a POSIX-style zone ZoneInfo cannot name: the INSERT path
        cursor.close()
        _insert_rows_core(connection, instrument_id, batch_id, rows, synthetic, progress)
        return
    columns = ", ".join(RESPONSE_COLUMNS)
    total = len(rows)
    try:
        with cursor.copy(f"COPY response ({columns}) FROM STDIN") as copy:  # fixed column names
            for start in range(0, total, CHUNK):
                end = min(start + CHUNK, total)
                stamps = [None if v is None else v.astimezone(zone).replace(tzinfo=None) if v.tzinfo else v
                          for v in rows.submitted_at[start:end]]
                for row in zip([instrument_id] * (end - start), [batch_id] * (end - start),
                               rows.external_id[start:end], rows.content_hash[start:end],
                               rows.oblast_code[start:end], rows.raion_code[start:end],
                               rows.hromada_code[start:end], rows.wave[start:end], rows.period_date[start:end],
                               stamps, [synthetic] * (end - start), rows.answers[start:end], strict=True):
                    copy.write_row(row)
                if progress:
                    progress(end, total)
    finally:
        cursor.close()


def _insert_rows_core(connection: Any, instrument_id: str, batch_id: int, rows: Rows, synthetic: bool,
                      progress: Progress | None) -> None:
    """Other backends (PostgreSQL): SQLAlchemy Core executemany (psycopg batches it), chunk by chunk."""
    responses = insert(table_of(Response))
    total = len(rows)
    for start in range(0, total, CHUNK):
        end = min(start + CHUNK, total)
        connection.execute(responses, [
            {"instrument_id": instrument_id, "batch_id": batch_id, "external_id": rows.external_id[i],
             "content_hash": rows.content_hash[i], **{k: getattr(rows, k)[i] for k in SLICE},
             "synthetic": synthetic, "answers": orjson.loads(rows.answers[i])}
            for i in range(start, end)
        ])
        if progress:
            progress(end, total)


def _upsert_instrument(session: Session, framework: Framework, survey: Survey) -> None:
    values: dict[str, Any] = {
        "definition_hash": definition_hash(framework, survey), "title_uk": survey.title.uk,
        "title_en": survey.title.en, "respondent": str(survey.respondent),
        "definition": survey.model_dump(mode="json"),
    }
    existing = session.get(Instrument, survey.id)
    if existing is None:
        session.add(Instrument(id=survey.id, **values))
    elif existing.definition_hash != values["definition_hash"]:
        for key, value in values.items():
            setattr(existing, key, value)
    session.flush()


__all__ = ["ImportReport", "OutsideScope", "Plan", "Rows", "definition_hash", "file_sha256", "import_file", "json_sha256",
           "plan_import", "write_plan"]
