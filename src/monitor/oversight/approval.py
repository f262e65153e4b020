"""Approval of a round, as DHIS2 data approval: draft → under review → approved.

An approved round's answers are neither re-imported nor changed (the import pipeline asks
`monitor.store.oversight.approved_waves`), and its definition is frozen (`rounds.define_round`).
Only an unlock with a reason takes it back to draft; `monitor.auth.oversight` lets only admins do it
and writes every step, the reason included, to the audit log.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitor.errors import MonitorError, issue
from monitor.i18n import t
from monitor.oversight.rounds import get_round
from monitor.store.models import utcnow
from monitor.store.oversight import ROUND_STATES

# The step each state may take forward; 'approved' goes back only through `unlock`.
NEXT: dict[str, str] = {"draft": "under-review", "under-review": "approved"}
MIN_REASON = 10


def state_label(state: str, lang: str) -> str:
    return t(f"oversight.round_state.{state}", lang)


def advance(engine: Engine, round_id: str, target: str, actor: str) -> str:
    """Move the round one step forward to `target` (or back from review to draft); return the old state."""
    if target not in ROUND_STATES:
        raise MonitorError(issue("oversight-bad-value", value=target, known=", ".join(ROUND_STATES)))
    with Session(engine) as session, session.begin():
        found = get_round(session, round_id)
        old = found.state
        allowed = NEXT.get(old) == target or (old == "under-review" and target == "draft")
        if not allowed:
            raise MonitorError(issue("round-bad-step", round=round_id, state=old, target=target,
                                     state_uk=state_label(old, "uk"), target_uk=state_label(target, "uk")))
        found.state, found.state_at, found.state_by = target, utcnow(), actor
    return old


def unlock(engine: Engine, round_id: str, reason: str, actor: str) -> str:
    """Take an approved round back to draft (its answers can then be re-imported); return the old state."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise MonitorError(issue("unlock-reason", min=MIN_REASON))
    with Session(engine) as session, session.begin():
        found = get_round(session, round_id)
        old = found.state
        if old != "approved":
            raise MonitorError(issue("round-bad-step", round=round_id, state=old, target="draft",
                                     state_uk=state_label(old, "uk"), target_uk=state_label("draft", "uk")))
        found.state, found.state_at, found.state_by = "draft", utcnow(), actor
    return old


def is_approved(engine: Engine, round_id: str) -> bool:
    with Session(engine) as session:
        return get_round(session, round_id).state == "approved"
