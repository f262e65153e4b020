"""The coalition's own outputs: trainings it held for officials (when, in which oblast, on what, who came
from which body, by sex), and the output indicators they give (officials trained, by body type and by sex).

A training is one record with its audience: one entry per body, with its participants by sex (counts
only, never names). In a spreadsheet a training is one row per body; rows sharing a key are one
training and must agree on its date, oblast and topic. A body in the audience is valid on the day and
belongs to the training's oblast or is national. The same key with the same content adds nothing; other
content under a known key is a conflict, as for every record of the loop.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitor.errors import Issue
from monitor.oversight import bodies, checks
from monitor.oversight.checks import Where
from monitor.oversight.records import add_one
from monitor.store.oversight import Body, Training, TrainingAudience

COLUMNS = ("key", "round", "date", "oblast", "topic_uk", "topic_en", "body", "women", "men")
HEADER_FIELDS = ("round", "date", "oblast", "topic_uk", "topic_en")  # the same on every row of one training
SEXES = ("women", "men")
MAX_PARTICIPANTS = 10_000  # per body and sex: a larger number is a typing error, not a training


@dataclass(frozen=True)
class Seat:
    """The participants from one body."""

    body_id: str
    kind: str
    women: int
    men: int


@dataclass(frozen=True)
class TrainingIn:
    key: str
    round_id: str | None
    on_date: date
    oblast_code: str
    topic_uk: str
    topic_en: str
    audience: tuple[Seat, ...]


def count(value: Any, where: Where, field: str) -> tuple[int, Issue | None]:
    """A number of participants: a whole number from 0 (blank is 0)."""
    if checks.blank(value):
        return 0, None
    shown = checks.text(value)
    try:
        number = float(shown.replace(",", "."))
    except ValueError:
        return 0, where.at("oversight-bad-count", field, value=shown, max=MAX_PARTICIPANTS)
    if number != int(number) or not 0 <= number <= MAX_PARTICIPANTS:
        return 0, where.at("oversight-bad-count", field, value=shown, max=MAX_PARTICIPANTS)
    return int(number), None


def audience_of(raw: dict[str, object]) -> list[dict[str, Any]]:
    """The audience entries of a raw training: its 'audience' list, else the row's own body/women/men."""
    listed = raw.get("audience")
    if isinstance(listed, (list, tuple)):
        return [dict(entry) for entry in listed if not checks.blank(entry.get("body"))]
    return [{"body": raw.get("body"), "women": raw.get("women"), "men": raw.get("men")}]


def check(
    session: Session,
    raw: dict[str, object],
    where: Where = checks.NOWHERE,
    seat_where: list[Where] | None = None,
) -> tuple[TrainingIn | None, list[Issue]]:
    """Parse one training with its audience; every problem found (each audience entry at its own row)."""
    problems = checks.Problems()
    keep = problems.keep
    key = keep(checks.required(raw.get("key"), where, "key"))
    found_round = keep(checks.round_of(session, raw.get("round"), where, required=False))
    on = keep(checks.parse_date(raw.get("date"), where, "date"))
    place = keep(checks.territory(session, raw.get("oblast"), where, "oblast"))
    oblast = place.oblast_code if place is not None else None
    topic_uk = keep(checks.required(raw.get("topic_uk"), where, "topic_uk"))
    topic_en = keep(checks.required(raw.get("topic_en"), where, "topic_en"))
    entries = audience_of(raw)
    if not entries or all(checks.blank(e.get("body")) for e in entries):
        problems.append(where.at("oversight-missing", "body"))
    seats: list[Seat] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        at = seat_where[i] if seat_where is not None else where
        body_id = keep(checks.required(entry.get("body"), at, "body"))
        women = keep(count(entry.get("women"), at, "women"))
        men = keep(count(entry.get("men"), at, "men"))
        if not body_id or on is None:
            continue
        if body_id in seen:
            problems.append(at.at("training-body-twice", "body", value=body_id))
            continue
        seen.add(body_id)
        body: Body | None = keep(bodies.check_body(session, body_id, on, at))
        if body is None:
            continue
        if oblast is not None and body.oblast_code not in (None, oblast):
            problems.append(at.at("training-body-oblast", "body", value=body_id, oblast=oblast))
        if women + men == 0:
            problems.append(at.at("training-no-participants", "women", value=body_id))
        seats.append(Seat(body.id, body.kind, women, men))
    if problems or on is None or oblast is None:
        return None, problems
    audience = tuple(sorted(seats, key=lambda s: s.body_id))
    return TrainingIn(
        key, found_round.id if found_round is not None else None, on, oblast, topic_uk, topic_en, audience
    ), []


def seats_of(session: Session, training_id: int) -> list[tuple[str, int, int]]:
    rows = session.scalars(select(TrainingAudience).where(TrainingAudience.training_id == training_id)).all()
    return sorted((r.body_id, r.women, r.men) for r in rows)


def same(session: Session, row: Training, item: TrainingIn) -> bool:
    stored = (
        row.round_id,
        row.on_date,
        row.oblast_code,
        row.topic_uk,
        row.topic_en,
        seats_of(session, int(row.id)),
    )  # type: ignore[arg-type]
    return stored == (
        item.round_id,
        item.on_date,
        item.oblast_code,
        item.topic_uk,
        item.topic_en,
        [(s.body_id, s.women, s.men) for s in item.audience],
    )


def insert(session: Session, item: TrainingIn, actor: str) -> Training:
    row = Training(
        key=item.key,
        round_id=item.round_id,
        on_date=item.on_date,
        oblast_code=item.oblast_code,
        topic_uk=item.topic_uk,
        topic_en=item.topic_en,
        created_by=actor,
    )
    session.add(row)
    session.flush()
    for seat in item.audience:
        session.add(
            TrainingAudience(
                training_id=row.id,
                body_id=seat.body_id,
                women=seat.women,  # type: ignore[arg-type]
                men=seat.men,
            )
        )
    session.flush()
    return row


def add_training(engine: Engine, raw: dict[str, object], actor: str = "cli") -> int:
    """Record one training with its audience; its id (the stored one when the same content is there)."""
    return add_one(engine, raw, check, Training, same, insert, actor)


def group_rows(
    records: list[tuple[int, dict[str, Any]]], where_of: Any
) -> tuple[list[tuple[dict[str, Any], Where, list[Where]]], list[Issue]]:
    """A sheet's rows (one per body) gathered into trainings by key: (raw training, its first row's Where,
    each audience entry's Where); a row disagreeing with its training's first row is a problem there."""
    grouped: dict[str, tuple[dict[str, Any], Where, list[Where]]] = {}
    problems: list[Issue] = []
    loose: list[tuple[dict[str, Any], Where, list[Where]]] = []
    for line, values in records:
        where = where_of(line)
        key = checks.text(values.get("key"))
        seat = {"body": values.get("body"), "women": values.get("women"), "men": values.get("men")}
        if not key:
            loose.append(({**values, "audience": [seat]}, where, [where]))
            continue
        if key not in grouped:
            grouped[key] = ({**values, "audience": [seat]}, where, [where])
            continue
        first, _, seat_where = grouped[key]
        for name in HEADER_FIELDS:
            if checks.text(values.get(name)) != checks.text(first.get(name)):
                problems.append(where.at("training-rows-differ", name, value=key))
        first["audience"].append(seat)
        seat_where.append(where)
    return [*grouped.values(), *loose], problems


def trainings(engine: Engine, oblasts: Collection[str] | None = None) -> pd.DataFrame:
    """One row per training × body: the training's fields, the body, its kind and the participants by sex."""
    query = (
        select(Training, TrainingAudience, Body.kind)
        .join(TrainingAudience, TrainingAudience.training_id == Training.id)
        .join(Body, Body.id == TrainingAudience.body_id)
        .order_by(Training.on_date, Training.key, TrainingAudience.body_id)
    )
    if oblasts is not None:
        query = query.where(Training.oblast_code.in_(sorted(oblasts)))  # type: ignore[attr-defined]
    with Session(engine) as session:
        rows = session.execute(query).all()
    columns = [
        "id",
        "key",
        "round_id",
        "on_date",
        "oblast_code",
        "topic_uk",
        "topic_en",
        "body_id",
        "body_kind",
        "women",
        "men",
        "participants",
        "created_by",
    ]
    return pd.DataFrame(
        [
            {
                "id": tr.id,
                "key": tr.key,
                "round_id": tr.round_id,
                "on_date": tr.on_date,
                "oblast_code": tr.oblast_code,
                "topic_uk": tr.topic_uk,
                "topic_en": tr.topic_en,
                "body_id": seat.body_id,
                "body_kind": kind,
                "women": seat.women,
                "men": seat.men,
                "participants": seat.women + seat.men,
                "created_by": tr.created_by,
            }
            for tr, seat, kind in rows
        ],
        columns=columns,
    )


# --------------------------------------------------------------------------- output indicators


@dataclass(frozen=True)
class OutputIndicator:
    """A coalition output indicator per calendar year: the total and its breakdowns (label key -> value)."""

    id: str
    unit: str
    totals: dict[str, int]  # year -> value
    by_kind: dict[str, dict[str, int]]  # body kind -> year -> value
    by_sex: dict[str, dict[str, int]]  # women | men -> year -> value


def output_indicators(
    engine: Engine, oblasts: Collection[str] | None = None, years: Collection[str] | None = None
) -> list[OutputIndicator]:
    """OUT01 officials trained (persons; by body type and by sex) and OUT02 trainings held, per year."""
    frame = trainings(engine, oblasts)
    if frame.empty:
        return []
    frame = frame.assign(year=frame["on_date"].map(lambda d: str(d.year)))
    if years is not None:
        frame = frame[frame["year"].isin(list(years))]
        if frame.empty:
            return []
    totals = frame.groupby("year")["participants"].sum()
    by_kind = frame.groupby(["body_kind", "year"])["participants"].sum()
    held = frame.drop_duplicates("key").groupby("year")["key"].count()
    held_kind = frame.drop_duplicates(["key", "body_kind"]).groupby(["body_kind", "year"])["key"].count()

    def nested(series: pd.Series) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for (outer, year), value in series.items():
            out.setdefault(str(outer), {})[str(year)] = int(value)
        return out

    sexes = {sex: {str(y): int(v) for y, v in frame.groupby("year")[sex].sum().items()} for sex in SEXES}
    return [
        OutputIndicator(
            "OUT01", "persons", {str(y): int(v) for y, v in totals.items()}, nested(by_kind), sexes
        ),
        OutputIndicator("OUT02", "count", {str(y): int(v) for y, v in held.items()}, nested(held_kind), {}),
    ]
