"""Findings: what a round found in a territory (optionally about one body), with the indicators that
are its evidence and its text in Ukrainian and English. A finding's `key` is stable, so importing the
same spreadsheet again adds nothing."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitor.errors import Issue
from monitor.oversight import bodies, checks
from monitor.oversight.checks import Where
from monitor.oversight.records import add_one
from monitor.store.models import Territory
from monitor.store.oversight import Finding

COLUMNS = ("key", "round", "territory", "body", "indicators", "text_uk", "text_en")


@dataclass(frozen=True)
class FindingIn:
    key: str
    round_id: str
    territory_code: str
    text_uk: str
    text_en: str
    indicators: tuple[str, ...] = ()
    body_id: str | None = None


def check(session: Session, raw: dict[str, object], known_indicators: Collection[str] | None,
          where: Where = checks.NOWHERE) -> tuple[FindingIn | None, list[Issue]]:
    """Parse one finding (a spreadsheet row or a direct call's values); every problem found, not the first."""
    problems = checks.Problems()
    keep = problems.keep
    key = keep(checks.required(raw.get("key"), where, "key"))
    found_round = keep(checks.round_of(session, raw.get("round"), where))
    place = keep(checks.territory(session, raw.get("territory"), where, "territory"))
    body_id = checks.text(raw.get("body")) or None
    if body_id and found_round is not None:
        keep(bodies.check_body(session, body_id, found_round.period_end, where))
    indicators = checks.split_list(raw.get("indicators"))
    for ind in indicators:
        if known_indicators is not None and ind not in known_indicators:
            problems.append(where.at("oversight-unknown-indicator", "indicators", value=ind))
    text_uk = keep(checks.required(raw.get("text_uk"), where, "text_uk"))
    text_en = keep(checks.required(raw.get("text_en"), where, "text_en"))
    if problems or place is None or found_round is None:
        return None, problems
    return FindingIn(key, found_round.id, place.code, text_uk, text_en, tuple(indicators), body_id), []


def same(session: Session, row: Finding, item: FindingIn) -> bool:
    return (row.round_id, row.territory_code, row.body_id, list(row.indicators), row.text_uk, row.text_en) == (
        item.round_id, item.territory_code, item.body_id, list(item.indicators), item.text_uk, item.text_en)


def insert(session: Session, item: FindingIn, actor: str) -> Finding:
    oblast = item.territory_code
    place = session.scalars(select(Territory).where(Territory.code == item.territory_code).limit(1)).first()
    if place is not None:
        oblast = place.oblast_code
    row = Finding(key=item.key, round_id=item.round_id, territory_code=item.territory_code, oblast_code=oblast,
                  body_id=item.body_id, indicators=list(item.indicators), text_uk=item.text_uk,
                  text_en=item.text_en, created_by=actor)
    session.add(row)
    session.flush()
    return row


def add_finding(engine: Engine, raw: dict[str, object], known_indicators: Collection[str] | None = None,
                actor: str = "cli") -> int:
    """Record one finding; its id (the existing one when the same key with the same content exists)."""
    return add_one(engine, raw, lambda session, values: check(session, values, known_indicators), Finding, same,
                   insert, actor)


def findings(engine: Engine, oblasts: Collection[str] | None = None) -> pd.DataFrame:
    query = select(Finding).order_by(Finding.round_id, Finding.oblast_code, Finding.key)
    if oblasts is not None:
        query = query.where(Finding.oblast_code.in_(sorted(oblasts)))  # type: ignore[attr-defined]
    with Session(engine) as session:
        rows = session.scalars(query).all()
    columns = ["id", "key", "round_id", "territory_code", "oblast_code", "body_id", "indicators", "text_uk",
               "text_en", "created_by", "created_at"]
    return pd.DataFrame([r.model_dump() for r in rows], columns=columns)
