"""Recommendations: addressed to one body, answering one or more findings, with a date sent, a due date
and a history of what the body did (sent → acknowledged → accepted → partly implemented → implemented,
or rejected, or no answer), each step dated and with its evidence.

The recommendation's `status` is the newest step of its history. A step already recorded (same
status, same date) is not recorded twice, so re-importing a spreadsheet adds nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitor.errors import Issue, MonitorError
from monitor.oversight import bodies, checks
from monitor.oversight.checks import Where
from monitor.oversight.records import add_one
from monitor.store.oversight import (
    Finding,
    Recommendation,
    RecommendationFinding,
    RecommendationStatus,
)

STATUSES: tuple[str, ...] = (
    "sent", "acknowledged", "accepted", "partly-implemented", "implemented", "rejected", "no-answer",
)
# A recommendation in one of these states needs nothing more from its body: never overdue.
CLOSED: frozenset[str] = frozenset({"implemented", "rejected"})
COLUMNS = ("key", "round", "body", "findings", "text_uk", "text_en", "date_sent", "due_date")
STATUS_COLUMNS = ("recommendation", "status", "date", "evidence")


@dataclass(frozen=True)
class RecommendationIn:
    key: str
    round_id: str
    body_id: str
    oblast_code: str | None
    finding_keys: tuple[str, ...]
    text_uk: str
    text_en: str
    date_sent: date
    due_date: date


@dataclass(frozen=True)
class StatusIn:
    recommendation_key: str
    status: str
    on_date: date
    evidence: str


def check(session: Session, raw: dict[str, object], where: Where = checks.NOWHERE,
          pending_findings: Collection[str] = ()) -> tuple[RecommendationIn | None, list[Issue]]:
    """Parse one recommendation; `pending_findings` are finding keys the same file adds."""
    problems = checks.Problems()
    keep = problems.keep
    key = keep(checks.required(raw.get("key"), where, "key"))
    found_round = keep(checks.round_of(session, raw.get("round"), where))
    sent = keep(checks.parse_date(raw.get("date_sent"), where, "date_sent"))
    due = keep(checks.parse_date(raw.get("due_date"), where, "due_date"))
    if sent and due and due < sent:
        problems.append(where.at("oversight-date-order", "due_date", later="due date", later_uk="Строк виконання",
                                 later_value=due.isoformat(), earlier="the date sent",
                                 earlier_uk="дату надсилання", earlier_value=sent.isoformat()))
    body_id = keep(checks.required(raw.get("body"), where, "body"))
    body = None
    if body_id and sent:
        body = keep(bodies.check_body(session, body_id, sent, where))
    keys = checks.split_list(raw.get("findings"))
    if not keys:
        problems.append(where.at("oversight-missing", "findings"))
    known = set(session.scalars(select(Finding.key).where(Finding.key.in_(keys)))) if keys else set()  # type: ignore[attr-defined]
    for k in keys:
        if k not in known and k not in pending_findings:
            problems.append(where.at("oversight-unknown-finding", "findings", value=k))
    text_uk = keep(checks.required(raw.get("text_uk"), where, "text_uk"))
    text_en = keep(checks.required(raw.get("text_en"), where, "text_en"))
    if problems or body is None or sent is None or due is None or found_round is None:
        return None, problems
    return RecommendationIn(key, found_round.id, body.id, body.oblast_code, tuple(keys), text_uk, text_en, sent, due), []


def check_status(session: Session, raw: dict[str, object], where: Where = checks.NOWHERE,
                 pending: dict[str, date | None] | None = None) -> tuple[StatusIn | None, list[Issue]]:
    """Parse one status step; `pending` maps recommendation keys the same file adds to their date sent
    (None for a row of the file that failed its own checks: reported there, not again here)."""
    problems = checks.Problems()
    keep = problems.keep
    key = keep(checks.required(raw.get("recommendation"), where, "recommendation"))
    status = keep(checks.one_of(raw.get("status"), STATUSES, where, "status", "oversight-bad-status"))
    on = keep(checks.parse_date(raw.get("date"), where, "date"))
    sent = (pending or {}).get(key)
    if key and key not in (pending or {}):
        found = session.scalars(select(Recommendation).where(Recommendation.key == key)).first()
        if found is None:
            problems.append(where.at("oversight-unknown-recommendation", "recommendation", value=key))
        else:
            sent = found.date_sent
    if on and sent and on < sent:
        problems.append(where.at("oversight-date-order", "date", later="the status date", later_uk="Дата статусу",
                                 later_value=on.isoformat(), earlier="the date sent", earlier_uk="дату надсилання",
                                 earlier_value=sent.isoformat()))
    if problems or on is None or sent is None:
        return None, problems
    return StatusIn(key, status, on, checks.text(raw.get("evidence"))), []


def same(session: Session, row: Recommendation, item: RecommendationIn) -> bool:
    finding_keys = finding_keys_of(session, int(row.id))  # type: ignore[arg-type]
    return (row.round_id, row.body_id, row.text_uk, row.text_en, row.date_sent, row.due_date,
            sorted(finding_keys)) == (item.round_id, item.body_id, item.text_uk, item.text_en, item.date_sent,
                                      item.due_date, sorted(item.finding_keys))


def finding_keys_of(session: Session, recommendation_id: int) -> list[str]:
    return list(session.scalars(
        select(Finding.key).join(RecommendationFinding, RecommendationFinding.finding_id == Finding.id)
        .where(RecommendationFinding.recommendation_id == recommendation_id)
    ))


def insert(session: Session, item: RecommendationIn, actor: str) -> Recommendation:
    row = Recommendation(key=item.key, round_id=item.round_id, body_id=item.body_id, oblast_code=item.oblast_code,
                         text_uk=item.text_uk, text_en=item.text_en, date_sent=item.date_sent,
                         due_date=item.due_date, status="sent", status_date=item.date_sent, created_by=actor)
    session.add(row)
    session.flush()
    ids = session.scalars(select(Finding.id).where(Finding.key.in_(item.finding_keys))).all()  # type: ignore[attr-defined]
    for finding_id in ids:
        session.add(RecommendationFinding(recommendation_id=row.id, finding_id=finding_id))  # type: ignore[arg-type]
    session.add(RecommendationStatus(recommendation_id=row.id, status="sent", on_date=item.date_sent,  # type: ignore[arg-type]
                                     evidence="", recorded_by=actor))
    session.flush()
    return row


def insert_status(session: Session, item: StatusIn, actor: str) -> bool:
    """Record the step unless it is there already; refresh the recommendation's current status. True if added."""
    rec = session.scalars(select(Recommendation).where(Recommendation.key == item.recommendation_key)).one()
    exists = session.scalars(select(RecommendationStatus.id).where(
        RecommendationStatus.recommendation_id == rec.id, RecommendationStatus.status == item.status,
        RecommendationStatus.on_date == item.on_date)).first()
    if exists is not None:
        return False
    session.add(RecommendationStatus(recommendation_id=rec.id, status=item.status, on_date=item.on_date,  # type: ignore[arg-type]
                                     evidence=item.evidence, recorded_by=actor))
    session.flush()
    newest = session.scalars(select(RecommendationStatus).where(RecommendationStatus.recommendation_id == rec.id)
                             .order_by(RecommendationStatus.on_date.desc(), RecommendationStatus.id.desc())  # type: ignore[attr-defined]
                             .limit(1)).one()
    rec.status, rec.status_date = newest.status, newest.on_date
    return True


def add_recommendation(engine: Engine, raw: dict[str, object], actor: str = "cli") -> int:
    return add_one(engine, raw, check, Recommendation, same, insert, actor)


def set_status(engine: Engine, raw: dict[str, object], actor: str = "cli") -> bool:
    """Record one step of a recommendation's history (True if it was new)."""
    with Session(engine) as session, session.begin():
        item, problems = check_status(session, raw)
        if problems or item is None:
            raise MonitorError(problems)
        return insert_status(session, item, actor)


def oblast_of(engine: Engine, recommendation_key: str) -> str | None:
    with Session(engine) as session:
        found = session.scalars(select(Recommendation).where(Recommendation.key == recommendation_key)).first()
        if found is None:
            raise MonitorError(Where().at("oversight-unknown-recommendation", "recommendation",
                                          value=recommendation_key))
        return found.oblast_code


def recommendations(engine: Engine, as_of: date | None = None, oblasts: Collection[str] | None = None) -> pd.DataFrame:
    """One row per recommendation sent by `as_of` (today by default), with its findings, its status as it
    stood that day (the newest step not after it) and whether it was overdue then."""
    as_of = as_of or date.today()
    query = (select(Recommendation).where(Recommendation.date_sent <= as_of)
             .order_by(Recommendation.round_id, Recommendation.body_id, Recommendation.key))
    if oblasts is not None:
        query = query.where(Recommendation.oblast_code.in_(sorted(oblasts)))  # type: ignore[union-attr]
    with Session(engine) as session:
        rows = session.scalars(query).all()
        links = {r.id: finding_keys_of(session, int(r.id)) for r in rows}  # type: ignore[arg-type]
    steps = history(engine, [int(r.id) for r in rows]) if rows else history(engine, [])  # type: ignore[arg-type]
    steps = steps[steps["on_date"] <= as_of]
    newest = {int(k): v for k, v in steps.groupby("recommendation_id").tail(1).set_index("recommendation_id")
              [["status", "on_date", "evidence"]].iterrows()}
    records = []
    for r in rows:
        record = r.model_dump()
        step = newest.get(int(r.id))  # type: ignore[arg-type]
        if step is not None:
            record["status"], record["status_date"], record["evidence"] = step["status"], step["on_date"], step["evidence"]
        else:
            record["evidence"] = ""
        record["findings"] = links[r.id]
        record["overdue"] = record["status"] not in CLOSED and r.due_date < as_of
        record["days_overdue"] = (as_of - r.due_date).days if record["overdue"] else 0
        records.append(record)
    columns = ["id", "key", "round_id", "body_id", "oblast_code", "text_uk", "text_en", "date_sent", "due_date",
               "status", "status_date", "evidence", "findings", "overdue", "days_overdue", "created_by", "created_at"]
    return pd.DataFrame(records, columns=columns)


def history(engine: Engine, recommendation_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Every status step, oldest first per recommendation."""
    query = (select(RecommendationStatus, Recommendation.key)
             .join(Recommendation, Recommendation.id == RecommendationStatus.recommendation_id)
             .order_by(RecommendationStatus.recommendation_id, RecommendationStatus.on_date, RecommendationStatus.id))
    if recommendation_ids is not None:
        query = query.where(RecommendationStatus.recommendation_id.in_(sorted(recommendation_ids)))  # type: ignore[attr-defined]
    with Session(engine) as session:
        rows = session.execute(query).all()
    return pd.DataFrame(
        [{"recommendation_id": s.recommendation_id, "recommendation": key, "status": s.status, "on_date": s.on_date,
          "evidence": s.evidence, "recorded_by": s.recorded_by} for s, key in rows],
        columns=["recommendation_id", "recommendation", "status", "on_date", "evidence", "recorded_by"],
    )
