"""The reference list of bodies recommendations and requests are addressed to (data/reference/bodies.csv).

A body is valid over [valid_from, valid_to): an oblast state administration closed when its military
administration took over on 2022-02-24 (a successor row). Addressing a body on a day it did not exist
is an error, so a recommendation of 2022 names the body that could act on it.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitor.errors import Issue
from monitor.geo import reference_dir
from monitor.oversight.checks import NOWHERE, Where
from monitor.store.oversight import Body

FILE = "bodies.csv"
FIELDS = ("name_uk", "name_en", "kind", "oblast_code", "valid_from", "valid_to", "successor_of", "source", "verified")


def reference_rows() -> list[dict[str, object]]:
    frame = pd.read_csv(reference_dir() / FILE, dtype=str, keep_default_na=False, encoding="utf-8")
    rows = []
    for record in frame.to_dict("records"):
        rows.append({
            "id": record["id"], "name_uk": record["name_uk"], "name_en": record["name_en"], "kind": record["kind"],
            "oblast_code": record["oblast_code"] or None,
            "valid_from": date.fromisoformat(record["valid_from"]),
            "valid_to": date.fromisoformat(record["valid_to"]) if record["valid_to"] else None,
            "successor_of": record["successor_of"] or None, "source": record["source"],
            "verified": record["verified"].lower() == "true",
        })
    return rows


def load_bodies(engine: Engine) -> int:
    """Upsert the reference (idempotent: a second call inserts nothing); return how many were inserted."""
    rows = reference_rows()
    with Session(engine) as session, session.begin():
        existing = {b.id: b for b in session.scalars(select(Body))}
        new = [r for r in rows if r["id"] not in existing]
        changed = [r for r in rows if r["id"] in existing
                   and any(getattr(existing[str(r["id"])], f) != r[f] for f in FIELDS)]
        if new:
            session.execute(insert(Body), new)
        if changed:
            session.execute(update(Body), changed)
    return len(new)


def bodies(engine: Engine, on: date | None = None) -> pd.DataFrame:
    """The bodies (valid on `on`, when given), national ones first, then by oblast and id."""
    with Session(engine) as session:
        rows = session.scalars(select(Body)).all()
    frame = pd.DataFrame([r.model_dump() for r in rows], columns=["id", *FIELDS])
    if on is not None and not frame.empty:
        frame = frame[(frame["valid_from"] <= on) & (frame["valid_to"].isna() | (frame["valid_to"] > on))]
    return frame.sort_values(["oblast_code", "id"], na_position="first").reset_index(drop=True)


def check_body(session: Session, body_id: str, on: date, where: Where = NOWHERE) -> tuple[Body | None, Issue | None]:
    """The body, or the issue that refuses it: unknown, or not in existence on `on`."""
    body = session.get(Body, body_id)
    if body is None:
        return None, where.at("oversight-unknown-body", "body", value=body_id)
    if body.valid_from > on or (body.valid_to is not None and body.valid_to <= on):
        valid = f"{body.valid_from}–{body.valid_to or '…'}"
        return None, where.at("oversight-body-not-valid", "body", value=body_id, on=on.isoformat(), valid=valid)
    return body, None
