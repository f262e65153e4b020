"""The audit trail: who did what, when, with what outcome. Append-only.

Only `record` writes and only `entries` reads; there is deliberately no update or delete, and the
database refuses both (trigger added by migration 0002). `detail` carries counts, codes and ids —
never names of respondents, answers, phone numbers or passwords: values that look like personal
data are replaced before writing.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitor import redact
from monitor.auth.models import AuditLog
from monitor.store.models import utcnow

Outcome = str  # 'ok' | 'refused' | 'failed'
_SECRET_KEYS = re.compile(r"pass|secret|token|hash|answer|phone|mail|name_of|respondent", re.IGNORECASE)
MAX_TEXT = 200


def _clean(value: Any) -> Any:
    """Defence in depth: the callers pass no personal data, and this drops what slips through."""
    if isinstance(value, str):
        return redact.text(value.replace("\x00", ""))[:MAX_TEXT]
    if isinstance(value, dict):
        return {str(k)[:64]: ("[withheld]" if _SECRET_KEYS.search(str(k)) else _clean(v)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in list(value)[:50]]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return _clean(str(value))


def record(
    engine: Engine,
    actor: str | None,
    action: str,
    target: str | None = None,
    outcome: Outcome = "ok",
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> None:
    """Append one entry (its own transaction, so a refused action is logged even when the caller rolls back)."""
    row = {
        "at": utcnow(),
        "actor": (actor or "anonymous").replace("\x00", "")[:64],
        "action": action[:64],
        "target": None if target is None else redact.text(str(target).replace("\x00", ""))[:MAX_TEXT],
        "detail": _clean(detail or {}),
        "outcome": outcome[:16],
        "ip": None if ip is None else str(ip)[:64],
    }
    with Session(engine) as session:
        session.execute(insert(AuditLog), [row])
        session.commit()


def entries(engine: Engine, limit: int = 100, action: str | None = None, actor: str | None = None) -> list[AuditLog]:
    """The newest entries first."""
    query = select(AuditLog).order_by(AuditLog.id.desc()).limit(max(1, int(limit)))  # type: ignore[union-attr]
    if action:
        query = query.where(AuditLog.action == action)
    if actor:
        query = query.where(AuditLog.actor == actor)
    with Session(engine) as session:
        return list(session.exec(query).scalars().all())  # type: ignore[call-overload]
