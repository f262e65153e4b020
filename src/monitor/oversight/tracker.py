"""The request tracker: public-information requests, their legal deadline and their state.

Law of Ukraine «Про доступ до публічної інформації» No. 2939-VI of 13.01.2011, art. 20: an answer is due
within 5 working days from receipt of the request; the body may extend that to 20 working days by a
written notice sent within the 5; a request needed to protect a person's life or liberty is answered
within 48 hours, counted on dates as the engine's R01 counts them (`monitor.deadlines.request_deadline`),
with no extension (docs/domain/public-information.md). Art. 22 lists the grounds for
refusal (`refusal_ground` records the one cited).

The working-day calendar is chosen in ONE place, `working_deadline`: `monitor.deadlines`, the calendar
R01 counts on too (the `holidays` package's Ukrainian calendar with the Labour Code art. 67 transfers,
working Saturdays and the martial-law rule from 24.02.2022, flagged unverified in framework.yaml).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitor.deadlines import request_deadline, ukrainian_calendar
from monitor.errors import Issue
from monitor.oversight import bodies, checks
from monitor.oversight.checks import Where
from monitor.oversight.records import add_one
from monitor.store.oversight import InformationRequest

ANSWER_DAYS = 5  # art. 20(1)
EXTENDED_DAYS = 20  # art. 20(4), with a written notice within ANSWER_DAYS
CHANNELS: tuple[str, ...] = ("email", "post", "portal", "in-person", "phone")
OUTCOMES: tuple[str, ...] = ("full", "partial", "refused")
STATES: tuple[str, ...] = ("pending", "answered-on-time", "late", "refused", "no-answer")
COLUMNS = ("key", "round", "body", "subject", "channel", "urgent", "date_sent", "date_received", "extension_date",
           "reply_date", "outcome", "refusal_ground")


def working_deadline(received: date, working_days: int, holidays: Iterable[date] | None = None) -> date:
    """The last day of a term of `working_days` working days counted from `received`.

    The term starts the day after receipt (the day of receipt is not counted), skips days off, and ends
    on its last working day. The one place the calendar is chosen: `holidays` given (tests, a what-if) →
    Saturdays, Sundays and those days; otherwise the project's Ukrainian calendar, `monitor.deadlines`
    (the one R01 also counts on: the `holidays` package, art. 67 transfers, working Saturdays, martial law).
    """
    if holidays is None:
        return ukrainian_calendar().add_working_days_to(received, working_days)
    # roll='backward' lands a receipt on a day off on the working day before it, so the count starts on the
    # first working day after the receipt either way.
    result = np.busday_offset(np.datetime64(received, "D"), working_days, roll="backward",
                              holidays=[np.datetime64(d, "D") for d in holidays])
    return pd.Timestamp(result).date()


@dataclass(frozen=True)
class Tracked:
    deadline: date
    extended: bool
    state: str
    days_overdue: int


def track(received: date, extension_date: date | None, reply_date: date | None, outcome: str | None,
          as_of: date, holidays: Iterable[date] | None = None, urgent: bool = False) -> Tracked:
    """Deadline, state and days overdue of one request on `as_of` (calendar days past the deadline); a reply
    dated after `as_of` had not come yet."""
    calendar = None if holidays is None else tuple(holidays)
    if urgent:  # 48 hours whatever the calendar; an extension notice does not apply
        deadline, extended = request_deadline(received, calendar=ukrainian_calendar(), urgent=True), False
    else:
        first = working_deadline(received, ANSWER_DAYS, calendar)
        # An extension counts only when its notice came within the first term (art. 20(4)).
        extended = extension_date is not None and extension_date <= first
        deadline = working_deadline(received, EXTENDED_DAYS, calendar) if extended else first
    if reply_date is not None and reply_date > as_of:
        reply_date = None  # not yet answered on the day the state is judged
    if reply_date is not None:
        late = max(0, (reply_date - deadline).days)
        if outcome == "refused":
            return Tracked(deadline, extended, "refused", late)
        return Tracked(deadline, extended, "late" if late else "answered-on-time", late)
    if as_of <= deadline:
        return Tracked(deadline, extended, "pending", 0)
    return Tracked(deadline, extended, "no-answer", (as_of - deadline).days)


@dataclass(frozen=True)
class RequestIn:
    key: str
    round_id: str | None
    body_id: str
    oblast_code: str | None
    subject: str
    channel: str
    urgent: bool
    date_sent: date
    date_received: date
    extension_date: date | None
    reply_date: date | None
    outcome: str | None
    refusal_ground: str | None

    def values(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def check(session: Session, raw: dict[str, object], where: Where = checks.NOWHERE) -> tuple[RequestIn | None, list[Issue]]:
    problems = checks.Problems()
    keep = problems.keep
    key = keep(checks.required(raw.get("key"), where, "key"))
    found_round = keep(checks.round_of(session, raw.get("round"), where, required=False))
    round_id = found_round.id if found_round is not None else None
    subject = keep(checks.required(raw.get("subject"), where, "subject"))
    channel = keep(checks.one_of(raw.get("channel"), CHANNELS, where, "channel"))
    urgent = keep(checks.yes_no(raw.get("urgent"), where, "urgent"))
    sent = keep(checks.parse_date(raw.get("date_sent"), where, "date_sent"))
    received = keep(checks.parse_date(raw.get("date_received"), where, "date_received"))
    extension = keep(checks.parse_date(raw.get("extension_date"), where, "extension_date", required=False))
    reply = keep(checks.parse_date(raw.get("reply_date"), where, "reply_date", required=False))
    outcome = None
    if not checks.blank(raw.get("outcome")):
        outcome = keep(checks.one_of(raw.get("outcome"), OUTCOMES, where, "outcome")) or None
    if reply is None and outcome:
        problems.append(where.at("oversight-missing", "reply_date"))
    if reply is not None and not outcome:
        problems.append(where.at("oversight-missing", "outcome"))
    for later, later_uk, value in (("date_received", "Дата отримання", received),
                                   ("extension_date", "Дата повідомлення про продовження", extension),
                                   ("reply_date", "Дата відповіді", reply)):
        if sent and value and value < sent:
            problems.append(where.at("oversight-date-order", later, later=later, later_uk=later_uk,
                                     later_value=value.isoformat(), earlier="date_sent", earlier_uk="дату надсилання",
                                     earlier_value=sent.isoformat()))
    body_id = keep(checks.required(raw.get("body"), where, "body"))
    body = None
    if body_id and sent:
        body = keep(bodies.check_body(session, body_id, sent, where))
    if problems or body is None or sent is None or received is None:
        return None, problems
    ground = checks.text(raw.get("refusal_ground")) or None
    return RequestIn(key, round_id, body.id, body.oblast_code, subject, channel, bool(urgent), sent, received,
                     extension, reply, outcome, ground), []


def same(session: Session, row: InformationRequest, item: RequestIn) -> bool:
    return all(getattr(row, k) == v for k, v in item.values().items())


def insert(session: Session, item: RequestIn, actor: str) -> InformationRequest:
    row = InformationRequest(**item.values(), created_by=actor)
    session.add(row)
    session.flush()
    return row


def add_request(engine: Engine, raw: dict[str, object], actor: str = "cli") -> int:
    return add_one(engine, raw, check, InformationRequest, same, insert, actor)


def requests(engine: Engine, as_of: date | None = None, oblasts: Collection[str] | None = None,
             holidays: Iterable[date] | None = None) -> pd.DataFrame:
    """Every request with its deadline, state and days overdue on `as_of` (today by default)."""
    as_of = as_of or date.today()
    calendar = None if holidays is None else tuple(holidays)
    query = select(InformationRequest).order_by(InformationRequest.date_received, InformationRequest.key)
    if oblasts is not None:
        query = query.where(InformationRequest.oblast_code.in_(sorted(oblasts)))  # type: ignore[union-attr]
    with Session(engine) as session:
        rows = session.scalars(query).all()
    records = []
    for r in rows:
        tracked = track(r.date_received, r.extension_date, r.reply_date, r.outcome, as_of, calendar, r.urgent)
        records.append({**r.model_dump(), "deadline": tracked.deadline, "extended": tracked.extended,
                        "state": tracked.state, "days_overdue": tracked.days_overdue})
    columns = ["id", "key", "round_id", "body_id", "oblast_code", "subject", "channel", "urgent", "date_sent", "date_received",
               "extension_date", "reply_date", "outcome", "refusal_ground", "deadline", "extended", "state",
               "days_overdue"]
    return pd.DataFrame(records, columns=columns)
