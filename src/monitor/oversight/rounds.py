"""A monitoring round as a record: what it covers (period, reference period, instruments) and whom it
expects to answer per territory (which drives coverage).

An approved round is frozen: `define_round` refuses to change it (MonitorError 'round-locked') until an
admin unlocks it (monitor.oversight.approval.unlock, through monitor.auth.oversight).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitor.errors import MonitorError, issue
from monitor.store.models import utcnow
from monitor.store.oversight import MonitoringRound


@dataclass(frozen=True)
class RoundSpec:
    id: str
    title_uk: str
    title_en: str
    wave: str
    period_start: date
    period_end: date
    reference_start: date
    reference_end: date
    instruments: tuple[str, ...] = ()
    # territory code -> {instrument id -> number of respondents expected}
    expected: dict[str, dict[str, int]] = field(default_factory=dict)

    def values(self) -> dict[str, Any]:
        return {"title_uk": self.title_uk, "title_en": self.title_en, "wave": self.wave,
                "period_start": self.period_start, "period_end": self.period_end,
                "reference_start": self.reference_start, "reference_end": self.reference_end,
                "instruments": list(self.instruments),
                "expected": {k: dict(v) for k, v in sorted(self.expected.items())}}


def get_round(session: Session, round_id: str) -> MonitoringRound:
    found = session.get(MonitoringRound, round_id)
    if found is None:
        known = ", ".join(session.scalars(select(MonitoringRound.id).order_by(MonitoringRound.id))) or "—"
        raise MonitorError(issue("round-unknown", round=round_id, known=known))
    return found


def define_round(engine: Engine, spec: RoundSpec, actor: str = "cli") -> bool:
    """Create the round, or update its definition; True when something changed. Refused when approved."""
    with Session(engine) as session, session.begin():
        current = session.get(MonitoringRound, spec.id)
        if current is None:
            session.add(MonitoringRound(id=spec.id, state_by=actor, **spec.values()))
            return True
        changed = {k: v for k, v in spec.values().items() if getattr(current, k) != v}
        if not changed:
            return False
        if current.state == "approved":
            raise MonitorError(issue("round-locked", round=spec.id))
        for key, value in changed.items():
            setattr(current, key, value)
        current.state_at, current.state_by = utcnow(), actor
        return True


def rounds(engine: Engine) -> pd.DataFrame:
    """Every round, oldest period first."""
    with Session(engine) as session:
        rows = session.scalars(select(MonitoringRound).order_by(MonitoringRound.period_start)).all()
    columns = ["id", "title_uk", "title_en", "wave", "period_start", "period_end", "reference_start",
               "reference_end", "instruments", "expected", "state", "state_at", "state_by"]
    return pd.DataFrame([r.model_dump() for r in rows], columns=columns)


def expected_respondents(engine: Engine, round_id: str) -> pd.DataFrame:
    """One row per territory × instrument with the number of respondents the round expects there."""
    with Session(engine) as session:
        found = get_round(session, round_id)
        expected = dict(found.expected)
    rows = [{"round": round_id, "territory_code": code, "instrument": instrument, "expected": int(n)}
            for code, per in sorted(expected.items()) for instrument, n in sorted(per.items())]
    return pd.DataFrame(rows, columns=["round", "territory_code", "instrument", "expected"])
