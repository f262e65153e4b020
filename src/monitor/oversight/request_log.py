"""The old request-log survey (instrument `information-requests`) into the request tracker, and R01/R02
read from the tracker, so one record serves both.

`import_request_log` turns every imported answer of the survey into a tracker request: the addressee
kind and the answer's oblast give the body of the reference valid on the day sent; the survey's
completeness gives the outcome; the key is `LOG-` and the answer's external id, so importing again adds
nothing. All or nothing, as every import of the loop: an answer the tracker cannot hold is reported with
its row (the answer's position in the log) and nothing is written. The tracker cannot hold yet:

- an addressee with no body in the reference ('other'); a raion administration or a hromada council
  is found by the raion or hromada the answer names (the reference generates one per territory,
  `monitor.oversight.bodies.local_rows`), so such an answer without that column filled is refused too;
- a request without a receipt date: the tracker's term runs from receipt (R01 leaves these out too).

An urgent request (48 hours, the log's `urgent`) keeps its term in the tracker, so R01 judges it the same
way from either.

`tracker_indicators` computes R01 (share answered on time among requests answered or past their term)
and R02 (share answered in full among those answered) per oblast and round wave, on the day given, with
the same calendar as the engine (`tracker.working_deadline`, `monitor.deadlines`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from monitor.errors import Issue, MonitorError, issue
from monitor.oversight import bodies, tracker
from monitor.oversight.checks import Where
from monitor.oversight.records import state_of
from monitor.store.models import Response
from monitor.store.oversight import Body, InformationRequest, MonitoringRound

INSTRUMENT = "information-requests"
# The survey's addressee kinds that have bodies in the reference (by the body's kind).
BODY_KIND = {
    "oblast_administration": "oblast_administration",
    "raion_administration": bodies.RAION_ADMINISTRATION,
    "nssu_regional": "nssu_regional",
    "police": "police",
    "employment_centre": "employment_centre",
    "hromada": bodies.HROMADA_COUNCIL,
}
# A local body is the one of the territory the answer names: the log's addressee question (kept as an
# answer; its name is the level's English name) and the level's Ukrainian name.
LOCAL = {"raion_administration": ("raion", "район"), "hromada": ("hromada", "громада")}
CHANNEL = {"email": "email", "post": "post", "web_form": "portal", "in_person": "in-person", "phone": "phone"}
OUTCOME = {"full": "full", "partial": "partial", "refusal": "refused"}


def _day(value: Any) -> date | None:
    if value in (None, "") or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _body(session: Session, oblast: str | None, kind: str, on: date | None, territory: str | None = None) -> str | None:
    if oblast is None or on is None:
        return None
    query = select(Body).where(Body.kind == kind, Body.oblast_code == oblast)
    if territory is not None:
        query = query.where(col(Body.territory_code) == territory)
    rows = session.scalars(query).all()
    valid = [b for b in rows if b.valid_from <= on and (b.valid_to is None or b.valid_to > on)]
    return sorted(valid, key=lambda b: b.id)[0].id if valid else None


def raw_request(
    session: Session, response: Response, rounds: dict[str, str], where: Where
) -> tuple[dict[str, object] | None, list[Issue]]:
    """The tracker's values for one answer of the log, or why the tracker cannot hold it."""
    answers = dict(response.answers or {})
    problems: list[Issue] = []
    addressee = str(answers.get("addressee_body") or "")
    sent = _day(answers.get("date_sent"))
    body = None
    local = LOCAL.get(addressee)
    place = (str(answers.get(local[0]) or "") or None) if local else None
    if local and place is None:
        question, level_uk = local
        problems.append(where.at("request-log-no-place", question, value=addressee, level_uk=level_uk, level_en=question))
    elif addressee in BODY_KIND:
        body = _body(session, response.oblast_code, BODY_KIND[addressee], sent, place)
    if body is None and not problems:
        problems.append(
            where.at(
                "request-log-no-body",
                "addressee_body",
                value=addressee or "—",
                oblast=response.oblast_code or "—",
            )
        )
    if _day(answers.get("date_received")) is None:
        problems.append(where.at("request-log-no-receipt", "date_received"))
    if problems:
        return None, problems
    completeness = str(answers.get("completeness") or "")
    outcome = OUTCOME.get(completeness)
    ground = " — ".join(str(answers[k]) for k in ("refusal_ground", "refusal_grounds") if answers.get(k))
    return {
        "key": f"LOG-{response.external_id}"[:64],
        "round": rounds.get(str(response.wave or "")),
        "body": body,
        "subject": str(answers.get("request_topic") or "—"),
        "channel": CHANNEL.get(str(answers.get("channel") or ""), str(answers.get("channel") or "")),
        "urgent": str(answers.get("urgent") or "") == "yes",
        "date_sent": answers.get("date_sent"),
        "date_received": answers.get("date_received"),
        "extension_date": answers.get("extension_date") if answers.get("extension_notice") == "yes" else None,
        "reply_date": answers.get("date_answered") if outcome else None,
        "outcome": outcome,
        "refusal_ground": ground if outcome == "refused" else None,
    }, []


def import_request_log(engine: Engine, actor: str = "cli") -> dict[str, int]:
    """Every answer of the request-log survey into the tracker (all or nothing): {'added', 'unchanged'}."""
    name = f"{INSTRUMENT} (survey)"
    with Session(engine) as session:
        answers = session.scalars(
            select(Response)
            .where(Response.instrument_id == INSTRUMENT, Response.parent_id.is_(None))  # type: ignore[union-attr]
            .order_by(Response.id)
        ).all()
        rounds = {
            wave: rid for rid, wave in session.execute(select(MonitoringRound.id, MonitoringRound.wave))
        }
        problems: list[Issue] = []
        items = []
        unchanged = 0
        for line, response in enumerate(answers, start=1):
            where = Where(name, line)
            raw, found = raw_request(session, response, rounds, where)
            problems.extend(found)
            if raw is None:
                continue
            item, found = tracker.check(session, raw, where)
            problems.extend(found)
            if item is None:
                continue
            state, _, conflict = state_of(session, InformationRequest, tracker.same, item, where)
            if conflict is not None:
                problems.append(conflict)
            elif state == "same":
                unchanged += 1
            else:
                items.append(item)
    if problems:
        rows = len({p.line for p in problems if p.line is not None})
        raise MonitorError([*problems, issue("oversight-file-refused", path=name, count=rows)])
    with Session(engine) as session, session.begin():
        for item in items:
            tracker.insert(session, item, actor)
    return {"added": len(items), "unchanged": unchanged}


def tracker_indicators(engine: Engine, as_of: date) -> pd.DataFrame:
    """R01 and R02 from the tracker per oblast × round wave on `as_of`: numerator, denominator, share (0..1)."""
    frame = tracker.requests(engine, as_of)
    with Session(engine) as session:
        waves = dict(session.execute(select(MonitoringRound.id, MonitoringRound.wave)).all())
    columns = ["indicator", "oblast_code", "wave", "numerator", "denominator", "share"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame = frame.assign(wave=frame["round_id"].map(waves))
    refused_on_time = (frame["state"] == "refused") & (frame["days_overdue"] == 0)
    on_time = (frame["state"] == "answered-on-time") | refused_on_time
    judged = (
        on_time
        | frame["state"].isin(["late", "no-answer"])
        | ((frame["state"] == "refused") & ~refused_on_time)
    )
    replied = frame["reply_date"].map(lambda d: d is not None and d <= as_of)
    full = replied & (frame["outcome"] == "full")
    frame = frame.assign(
        r01_n=on_time.astype(int), r01_d=judged.astype(int), r02_n=full.astype(int), r02_d=replied.astype(int)
    )
    grouped = frame.groupby(["oblast_code", "wave"], as_index=False)[
        ["r01_n", "r01_d", "r02_n", "r02_d"]
    ].sum()
    rows = []
    for record in grouped.to_dict("records"):
        for indicator, n, d in (
            ("R01", record["r01_n"], record["r01_d"]),
            ("R02", record["r02_n"], record["r02_d"]),
        ):
            rows.append(
                {
                    "indicator": indicator,
                    "oblast_code": record["oblast_code"],
                    "wave": record["wave"],
                    "numerator": int(n),
                    "denominator": int(d),
                    "share": n / d if d else float("nan"),
                }
            )
    return pd.DataFrame(rows, columns=columns)
