"""Adding a keyed record (finding, recommendation, request): the same content under the same key is no
change, so an import repeated adds nothing; other content under a known key is a conflict, never a
silent overwrite. Used by the direct calls and by the spreadsheet import alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitor.errors import Issue, MonitorError
from monitor.oversight.checks import NOWHERE, Where

Check = Callable[[Session, dict[str, object]], tuple[Any, list[Issue]]]
Same = Callable[[Session, Any, Any], bool]
Insert = Callable[[Session, Any, str], Any]


def state_of(session: Session, table: Any, same: Same, item: Any, where: Where = NOWHERE) -> tuple[str, Any, Issue | None]:
    """('new' | 'same' | 'conflict', the stored row or None, the conflict's issue or None)."""
    row = session.scalars(select(table).where(table.key == item.key)).first()
    if row is None:
        return "new", None, None
    if same(session, row, item):
        return "same", row, None
    return "conflict", row, where.at("oversight-conflict", "key", value=item.key)


def add_one(engine: Engine, raw: dict[str, object], check: Check, table: Any, same: Same, insert: Insert,
            actor: str) -> int:
    """Check and add one record in its own transaction; its id (the stored one when already there)."""
    with Session(engine) as session, session.begin():
        item, problems = check(session, raw)
        if problems or item is None:
            raise MonitorError(problems)
        state, row, conflict = state_of(session, table, same, item)
        if conflict is not None:
            raise MonitorError(conflict)
        if row is None:
            row = insert(session, item, actor)
        return int(row.id)
