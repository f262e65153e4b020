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


def round_expectations(engine: Engine) -> pd.DataFrame:
    """Every round's expected respondents: one row per round × territory × instrument, with the round's wave."""
    with Session(engine) as session:
        found = session.scalars(select(MonitoringRound).order_by(MonitoringRound.period_start)).all()
        rows = [{"round": r.id, "wave": str(r.wave), "survey": instrument, "territory_code": code, "expected": int(n)}
                for r in found for code, per in sorted(dict(r.expected).items()) for instrument, n in sorted(per.items())]
    return pd.DataFrame(rows, columns=["round", "wave", "survey", "territory_code", "expected"])


def _answers_at(engine: Engine, wanted: pd.DataFrame) -> dict[tuple[str, str, str], int]:
    """Top-level answers per (instrument, wave, territory code) at the oblast, raion and hromada codes."""
    from sqlalchemy import func

    from monitor.store.models import Response

    counts: dict[tuple[str, str, str], int] = {}
    surveys = sorted(set(wanted["survey"]))
    with Session(engine) as session:
        for column in (Response.oblast_code, Response.raion_code, Response.hromada_code):
            query = (select(Response.instrument_id, Response.wave, column, func.count())
                     .where(Response.parent_id.is_(None), Response.instrument_id.in_(surveys))  # type: ignore[union-attr,attr-defined]
                     .group_by(Response.instrument_id, Response.wave, column))
            for instrument, wave, code, n in session.execute(query).all():
                if code is not None:
                    counts[(str(instrument), str(wave), str(code))] = int(n)
    return counts


def coverage_with_rounds(engine: Engine, cov: pd.DataFrame) -> pd.DataFrame:
    """The engine's coverage with the rounds' expectations in charge where a round sets them: for an
    instrument, wave and territory a round expects respondents in, `expected` is the round's number and
    `received` the answers located there (at most that many), so coverage reads against whom the round
    planned to hear; the four-oblast total is summed again from the oblast rows of that instrument and wave.
    Rows no round speaks for keep the framework's expectation."""
    wanted = round_expectations(engine)
    if cov.empty or wanted.empty:
        return cov
    answers = _answers_at(engine, wanted)
    out = cov.copy()
    out["wave"] = out["wave"].astype(str)
    touched: set[tuple[str, str]] = set()
    for record in wanted.to_dict("records"):
        rows = ((out["survey"] == record["survey"]) & (out["wave"] == record["wave"])
                & (out["territory_code"] == record["territory_code"]) & (out["level"] != "all"))
        if not rows.any():
            continue
        received = min(answers.get((record["survey"], record["wave"], record["territory_code"]), 0), record["expected"])
        out.loc[rows, "expected"] = record["expected"]
        out.loc[rows, "received"] = received
        touched.add((record["survey"], record["wave"]))
    for survey, wave in touched:
        part = (out["survey"] == survey) & (out["wave"] == wave)
        total = part & (out["level"] == "all")
        oblasts = part & (out["level"] == "oblast")
        out.loc[total, "expected"] = int(out.loc[oblasts, "expected"].sum())
        out.loc[total, "received"] = int(out.loc[oblasts, "received"].sum())
    expected = out["expected"].astype(float)
    out["share"] = (out["received"].astype(float) / expected.where(expected > 0)).astype(float)
    return out


def report_period(engine: Engine, round_id: str) -> str:
    """The reporting year a report 'by round' is built for: the year the round's period ends in (its
    results are then the year's, and its answers are those of the round's wave, the same year here)."""
    with Session(engine) as session:
        return str(get_round(session, round_id).period_end.year)
