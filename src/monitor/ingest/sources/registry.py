"""Sources in the database: add, list, find, remove, and the state each sync leaves behind."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from monitor.errors import MonitorError, issue
from monitor.ingest.sources.config import SourceSpec
from monitor.store.models import Source, SourceSubmission, table_of, utcnow

SPEC_FIELDS = ("name", "kind", "survey_id", "url", "form", "token_ref", "project", "username", "oblast_code",
               "on_edit", "page_size", "cursor", "id")


def _spec(row: Source) -> SourceSpec:
    return SourceSpec(**{name: getattr(row, name) for name in SPEC_FIELDS})


def add_source(engine: Engine, spec: SourceSpec) -> SourceSpec:
    spec.check()
    with Session(engine) as session, session.begin():
        if session.execute(select(col(Source.id)).where(col(Source.name) == spec.name)).first() is not None:
            raise MonitorError(issue("source-exists", source=spec.name))
        row = Source(**{name: getattr(spec, name) for name in SPEC_FIELDS if name not in ("id", "cursor")})
        session.add(row)
        session.flush()
        spec.id = row.id
    return spec


def get_source(engine: Engine, name: str) -> SourceSpec:
    with Session(engine) as session:
        row = session.execute(select(Source).where(col(Source.name) == name)).scalars().first()
        if row is None:
            known = ", ".join(session.execute(select(col(Source.name)).order_by(col(Source.name))).scalars()) or "—"
            raise MonitorError(issue("source-unknown", source=name, known=known))
        return _spec(row)


class SourceRow(TypedDict):
    """One source as `sources list` and the Data page show it: the token only as its kind ('env:…')."""

    name: str
    kind: str
    survey: str
    host: str
    form: str
    project: int | None
    oblast_code: str | None
    on_edit: str
    token: str
    cursor: str | None
    last_sync_at: datetime | None
    last_status: str | None
    last_counts: dict[str, int]
    last_issues: list[dict[str, Any]]  # Issue.to_dict() of the last sync, as stored (JSON)
    imported: int
    rejected: int
    edits_pending: int


def list_sources(engine: Engine) -> list[SourceRow]:
    """Every source with its last sync and counts (for `sources list` and the Data page); no token, ever."""
    column = table_of(SourceSubmission).c
    with Session(engine) as session:
        rows = list(session.execute(select(Source).order_by(Source.name)).scalars())
        counts = {
            (source_id, status): n for source_id, status, n in session.execute(
                select(column.source_id, column.status, func.count()).group_by(column.source_id, column.status))
        }
        pending = dict(session.execute(select(column.source_id, func.count()).where(
            column.pending_hash.is_not(None)).group_by(column.source_id)).all())
    out: list[SourceRow] = []
    for row in rows:
        out.append({
            "name": row.name, "kind": row.kind, "survey": row.survey_id, "host": _spec(row).host, "form": row.form,
            "project": row.project, "oblast_code": row.oblast_code, "on_edit": row.on_edit,
            "token": row.token_ref.split(":", 1)[0] + ":…" if row.token_ref.startswith("file:") else row.token_ref,
            "cursor": row.cursor, "last_sync_at": row.last_sync_at, "last_status": row.last_status,
            "last_counts": dict(row.last_counts or {}), "last_issues": list(row.last_issues or []),
            "imported": counts.get((row.id, "imported"), 0), "rejected": counts.get((row.id, "rejected"), 0),
            "edits_pending": pending.get(row.id, 0),
        })
    return out


def remove_source(engine: Engine, name: str) -> None:
    """Forget the source and what it has shown; the answers it brought stay (they are imports like any other)."""
    spec = get_source(engine, name)
    with Session(engine) as session, session.begin():
        session.execute(delete(SourceSubmission).where(col(SourceSubmission.source_id) == spec.id))
        session.execute(delete(Source).where(col(Source.id) == spec.id))


def save_state(engine: Engine, spec: SourceSpec, status: str, counts: dict[str, Any], issues: list[dict[str, Any]],
               cursor: str | None) -> None:
    with Session(engine) as session, session.begin():
        row = session.get(Source, spec.id)
        if row is None:
            return
        row.last_sync_at = utcnow()
        row.last_status = status
        row.last_counts = counts
        row.last_issues = issues
        if cursor is not None:
            row.cursor = cursor
        session.add(row)
