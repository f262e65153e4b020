"""`sync_source`: what is new on a server since the last sync, imported through the file pipeline.

For each page the server sends (one transaction per page):
1. flatten the JSON into the RawTable an export of the same form would give (`flatten.py`);
2. sort each submission by what this source has shown before (`sourcesubmission`): new, unchanged
   (same answers: skipped), edited on the server (answers changed: reported, or replaced when the
   source's policy says `replace`), or rejected before and changed since (taken again);
3. the new ones go through the pipeline's checks (columns, territory matching, validation, rejected
   rows, deduplication by submission id) and are written with the page's bookkeeping in one transaction.
The cursor (newest submission time seen) moves only when every page came through; the next sync
asks from the cursor minus an overlap, so late or re-sent submissions are seen again and deduplicated.
A dry run fetches and checks everything and writes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitor.errors import Issue, MonitorError, issue
from monitor.framework.models import Framework, Survey
from monitor.ingest import pipeline
from monitor.ingest.report import ImportReport
from monitor.ingest.sources.config import SourceSpec, read_token
from monitor.ingest.sources.flatten import Flat, Submission, flatten, to_table
from monitor.ingest.sources.http import Limits
from monitor.ingest.sources.registry import get_source, save_state
from monitor.store.models import Response, SourceSubmission, table_of, utcnow

log = logging.getLogger(__name__)

OVERLAP = timedelta(days=1)
IN_CHUNK = 900


class Client(Protocol):
    kind: str

    def check(self) -> dict[str, Any]: ...
    def pages(self, since: str | None) -> Any: ...
    def close(self) -> None: ...


def make_client(spec: SourceSpec, token: str, limits: Limits) -> Client:
    if spec.kind == "kobo":
        from monitor.ingest.sources.kobo import KoboClient

        return KoboClient(spec, token, limits)
    from monitor.ingest.sources.odk import OdkClient

    return OdkClient(spec, token, limits)


@dataclass
class SyncReport:
    source: str
    survey: str
    status: str = "failed"  # ok | partial | failed | dry-run
    pages: int = 0
    fetched: int = 0
    imported: int = 0
    duplicates: int = 0
    unchanged: int = 0
    rejected: int = 0
    consent_refused: int = 0
    edited: int = 0
    replaced: int = 0
    batches: list[int] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    rejected_rows: list[dict[str, Any]] = field(default_factory=list)
    cursor_before: str | None = None
    cursor_after: str | None = None
    edit_examples: list[str] = field(default_factory=list)

    COUNTS = ("pages", "fetched", "imported", "duplicates", "unchanged", "rejected", "consent_refused", "edited",
              "replaced")

    @property
    def failed(self) -> bool:
        return self.status in ("failed", "partial")

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.COUNTS}

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "survey": self.survey, "status": self.status, **self.counts(),
                "batches": self.batches, "cursor_before": self.cursor_before, "cursor_after": self.cursor_after,
                "issues": [i.to_dict() for i in self.issues], "rejected_rows": self.rejected_rows}

    def merge(self, page: SyncReport) -> None:
        """Add a page's counts, rows and issues (the page count is kept by the caller)."""
        for name in self.COUNTS:
            if name != "pages":
                setattr(self, name, getattr(self, name) + getattr(page, name))
        self.batches.extend(page.batches)
        self.rejected_rows.extend(page.rejected_rows)
        self.edit_examples.extend(page.edit_examples)
        self.add_issues(page.issues)

    def add_issues(self, found: list[Issue]) -> None:
        known = {(i.code, i.message_en) for i in self.issues}
        for item in found:
            if (item.code, item.message_en) not in known:
                known.add((item.code, item.message_en))
                self.issues.append(item)


def test_source(engine: Engine, name: str, limits: Limits | None = None,
                client_factory: Callable[[SourceSpec, str, Limits], Client] = make_client) -> dict[str, Any]:
    """Reach the server with the token and read the form's description (raises MonitorError)."""
    spec = get_source(engine, name)
    client = client_factory(spec, read_token(spec), limits or Limits())
    with closing(client):
        return client.check()


def sync_source(engine: Engine, framework: Framework, name: str, *, dry_run: bool = False, full: bool = False,
                limits: Limits | None = None, imported_by: str = "sync",
                client_factory: Callable[[SourceSpec, str, Limits], Client] = make_client) -> SyncReport:
    """Pull one source; never raises for a server or data problem (the report says what happened)."""
    spec = get_source(engine, name)
    report = SyncReport(source=spec.name, survey=spec.survey_id, cursor_before=spec.cursor)
    newest = _parse_time(spec.cursor)
    try:
        survey = framework.surveys.get(spec.survey_id)
        if survey is None:
            raise MonitorError(issue("ingest-unknown-survey", survey=spec.survey_id,
                                     known=", ".join(sorted(framework.surveys))))
        client = client_factory(spec, read_token(spec), limits or Limits())
        since = None if full or newest is None else _format_since(spec.kind, newest - OVERLAP)
        with closing(client):
            for number, records in enumerate(client.pages(since), start=1):
                seen = _page(engine, framework, survey, spec, records, number, report, dry_run, imported_by)
                report.pages += 1
                if seen is not None and (newest is None or seen > newest):
                    newest = seen
    except MonitorError as error:
        _stopped(report, error.issues)
    except Exception as error:  # a database or programming fault: named, never a traceback with values
        log.debug("sync of %s failed: %s\n%s", spec.name, type(error).__name__, pipeline.frames(error))
        _stopped(report, [issue("ingest-internal", path=spec.name, detail=type(error).__name__)])
    else:
        report.status = "dry-run" if dry_run else "ok"
        report.cursor_after = _format_cursor(newest) if newest is not None else None
    if report.edited:
        report.issues.insert(0, issue("source-edited", path=spec.name, count=report.edited,
                                      example=report.edit_examples[0]))
    if report.replaced:
        report.issues.insert(0, issue("source-edit-applied", path=spec.name, count=report.replaced))
    if not dry_run:
        save_state(engine, spec, report.status, report.counts(), [i.to_dict() for i in report.issues][:20],
                   report.cursor_after if report.status == "ok" else None)
    return report


def _stopped(report: SyncReport, found: list[Issue]) -> None:
    report.status = "partial" if report.pages else "failed"
    if report.pages:
        report.issues.append(issue("source-page-failed", source=report.source, page=report.pages + 1,
                                   pages=report.pages))
    report.issues.extend(found)


# ------------------------------------------------------------------------------------------ times


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _format_cursor(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _format_since(kind: str, moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    if kind == "kobo":  # `_submission_time` is UTC without an offset, compared as text by the server
        return moment.strftime("%Y-%m-%dT%H:%M:%S")
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# ------------------------------------------------------------------------------------------ one page


@dataclass
class _Sorted:
    take: list[tuple[Flat, Submission]] = field(default_factory=list)
    replace: list[tuple[Submission, str]] = field(default_factory=list)  # new version, external id it replaces
    versions: list[Submission] = field(default_factory=list)  # same answers, new instanceID
    pending: list[tuple[Submission, str | None]] = field(default_factory=list)  # edit reported, not applied
    examples: list[str] = field(default_factory=list)


def _page(engine: Engine, framework: Framework, survey: Survey, spec: SourceSpec, records: list[dict[str, Any]],
          number: int, whole: SyncReport, dry_run: bool, imported_by: str) -> datetime | None:
    """One page in one transaction; its counts join the sync's report only once it is written."""
    report = SyncReport(source=whole.source, survey=whole.survey)
    flats, subs = flatten(spec.kind, records)
    report.fetched += len(subs)
    found = _sort(engine, survey, spec, flats, subs, report)
    report.edit_examples.extend(found.examples[:1])
    plan: pipeline.Plan | None = None
    page_report = ImportReport(survey=survey.id, file=f"{spec.name} ({spec.host}/{spec.form}) #{number}")
    if found.take:
        table = to_table(spec.kind, survey, [f for f, _ in found.take], page_report.file)
        page_report.format = table.format
        page_report.rows = len(table.rows)
        page_report.sha256 = pipeline.json_sha256(records)
        try:
            plan = pipeline.plan_import(engine, framework, survey, table, page_report, False)
        except MonitorError as error:
            if [i.code for i in error.issues] != ["ingest-nothing-acceptable"]:
                raise
            page_report.issues.extend(error.issues)
        report.imported += page_report.accepted if plan is not None else 0
        report.duplicates += page_report.duplicates
        report.rejected += page_report.rejected
        report.consent_refused += page_report.consent_refused
        report.rejected_rows.extend(_with_ids(page_report.rejected_rows, found.take, survey, number))
        report.add_issues([i for i in page_report.issues if i.code != "ingest-duplicates"])
    if dry_run:
        whole.merge(report)
        return _newest(subs)

    def bookkeeping(session: Session, batch_id: int | None = None) -> None:
        _record(session, survey, spec, found, report)

    def replace_old(session: Session) -> None:
        """Old versions go before their edits are inserted (repeat rows may keep their ids, as in ODK)."""
        accepted = set(plan.external_ids()) if plan is not None else set()
        for sub, old in found.replace:
            if sub.external_id in accepted:
                _delete_response(session, survey.id, old)
                report.replaced += 1

    if plan is not None and (len(plan) or plan.rejected_rows):
        batch = pipeline.write_plan(engine, framework, survey, page_report, plan, imported_by, False, None,
                                also=bookkeeping, before=replace_old)
        report.batches.append(batch)
    else:
        with Session(engine) as session, session.begin():
            bookkeeping(session)
    whole.merge(report)
    return _newest(subs)


def _with_ids(rows: list[dict[str, Any]], taken: list[tuple[Flat, Submission]], survey: Survey,
              page: int) -> list[dict[str, Any]]:
    """Rejected rows naming the page and the submission (its id on the server), which a monitor can look up."""
    repeats = {r.name for r in survey.repeats()}
    out = []
    for row in rows:
        column = str(row.get("column") or "")
        position = int(row["row"]) - 1
        child = column.split("/", 1)[0] in repeats and "/" in column
        sub = taken[position][1] if not child and 0 <= position < len(taken) else None
        out.append({**row, "page": page, "submission": sub.external_id or sub.server_key if sub else None})
    return out


def _newest(subs: list[Submission]) -> datetime | None:
    times = [t for s in subs for t in (_parse_time(s.submitted), _parse_time(s.updated)) if t is not None]
    return max(times) if times else None


def _sort(engine: Engine, survey: Survey, spec: SourceSpec, flats: list[Flat], subs: list[Submission],
          report: SyncReport) -> _Sorted:
    tracked = _tracked(engine, spec, [s.server_key for s in subs])
    earlier = _stored(engine, survey.id, [i for s in subs if s.server_key not in tracked for i in s.earlier_ids])
    out = _Sorted()
    replace = spec.on_edit == "replace"
    for flat, sub in zip(flats, subs, strict=True):
        row = tracked.get(sub.server_key)
        if row is not None:
            if row["content_hash"] == sub.answers_hash:
                report.unchanged += 1
                if row["version"] != sub.version:
                    out.versions.append(sub)
                continue
            if row["status"] == "rejected" or row["external_id"] is None:
                out.take.append((flat, sub))  # fixed on the server since it was refused: try again
                continue
            old = row["external_id"]
        else:
            old = next((i for i in sub.earlier_ids if i in earlier), None)
            if old is None:
                out.take.append((flat, sub))
                continue
        # An edit of a submission already stored here.
        if replace and old != sub.external_id:
            out.take.append((flat, sub))
            out.replace.append((sub, old))
            continue
        if row is None or row["pending_hash"] != sub.answers_hash:
            report.edited += 1
            out.examples.append(sub.external_id or sub.server_key)
        else:
            report.unchanged += 1
        out.pending.append((sub, old))
    return out


def _tracked(engine: Engine, spec: SourceSpec, keys: list[str]) -> dict[str, dict[str, Any]]:
    column = table_of(SourceSubmission).c
    out: dict[str, dict[str, Any]] = {}
    with engine.connect() as connection:
        for start in range(0, len(keys), IN_CHUNK):
            query = select(column.server_key, column.external_id, column.status, column.version, column.content_hash,
                           column.pending_hash).where(column.source_id == spec.id,
                                                      column.server_key.in_(keys[start:start + IN_CHUNK]))
            for row in connection.execute(query).mappings():
                out[row["server_key"]] = dict(row)
    return out


def _stored(engine: Engine, instrument: str, ids: list[str], connection: Any = None) -> set[str]:
    column = table_of(Response).c
    found: set[str] = set()
    ids = [i for i in dict.fromkeys(ids) if i]

    def run(conn: Any) -> None:
        for start in range(0, len(ids), IN_CHUNK):
            query = select(column.external_id).where(column.instrument_id == instrument, column.parent_id.is_(None),
                                                     column.external_id.in_(ids[start:start + IN_CHUNK]))
            found.update(conn.execute(query).scalars())

    if connection is not None:
        run(connection)
    else:
        with engine.connect() as conn:
            run(conn)
    return found


def _record(session: Session, survey: Survey, spec: SourceSpec, found: _Sorted, report: SyncReport) -> None:
    """The page's bookkeeping, in the transaction that wrote its answers."""
    connection = session.connection()
    taken = [s for _, s in found.take]
    bind = session.get_bind()
    stored = _stored(bind if isinstance(bind, Engine) else bind.engine, survey.id, [s.external_id or "" for s in taken], connection)
    keys = [s.server_key for s in taken + found.versions + [s for s, _ in found.pending]]
    rows: dict[str, SourceSubmission] = {}
    column = table_of(SourceSubmission).c
    for start in range(0, len(keys), IN_CHUNK):
        for row in session.execute(select(SourceSubmission).where(
                column.source_id == spec.id, column.server_key.in_(keys[start:start + IN_CHUNK]))).scalars():
            rows[row.server_key] = row

    if spec.id is None:  # a spec is stored (and has its id) before it is ever synced
        raise ValueError(f"source {spec.name} has no id")
    source_id = spec.id

    def row_for(sub: Submission) -> SourceSubmission:
        row = rows.get(sub.server_key)
        if row is None:
            row = SourceSubmission(source_id=source_id, server_key=sub.server_key[:128], status="imported",
                                   version=sub.version[:128], content_hash=sub.answers_hash)
            rows[sub.server_key] = row
            session.add(row)
        row.seen_at = utcnow()
        return row

    for sub in taken:
        row = row_for(sub)
        here = sub.external_id in stored
        row.status = "imported" if here else "rejected"
        row.external_id = sub.external_id[:128] if here and sub.external_id else None
        row.version, row.content_hash, row.pending_hash = sub.version[:128], sub.answers_hash, None
    for sub in found.versions:
        row_for(sub).version = sub.version[:128]
    for sub, old in found.pending:
        row = row_for(sub)
        if row.external_id is None:
            row.external_id, row.content_hash = old, "(stored before this source)"
        row.pending_hash = sub.answers_hash


def _delete_response(session: Session, instrument: str, external_id: str) -> None:
    column = table_of(Response).c
    parent = select(column.id).where(column.instrument_id == instrument, column.external_id == external_id,
                                     column.parent_id.is_(None)).scalar_subquery()
    session.execute(delete(Response).where(column.parent_id == parent))
    session.execute(delete(Response).where(column.instrument_id == instrument, column.external_id == external_id,
                                           column.parent_id.is_(None)))

