"""The reference list of bodies recommendations and requests are addressed to (data/reference/bodies.csv).

A body is valid over [valid_from, valid_to): an oblast state administration closed when its military
administration took over on 2022-02-24 (a successor row). Addressing a body on a day it did not exist
is an error, so a recommendation of 2022 names the body that could act on it.

Bodies below the oblast are not typed in: `local_rows` derives them from the territory reference
(raions.csv, hromadas.csv, the KATOTTG codifier), so every raion has its raion state administration
until 2022-02-24 and its raion military administration from then, and every hromada its council, each
with the territory it serves (`territory_code`). A row of bodies.csv with the same id replaces the
generated one (a hromada whose council's powers passed to a military administration, say).
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
FIELDS = (
    "name_uk", "name_en", "kind", "oblast_code", "territory_code", "valid_from", "valid_to", "successor_of",
    "source", "verified",
)
# The reference's common start (as for the oblast bodies of bodies.csv) and the day the military
# administrations took over (martial law, Law No. 2136-IX).
REFERENCE_START = date(2021, 1, 1)
MARTIAL_LAW = date(2022, 2, 24)
RAION_ADMINISTRATION = "raion_administration"
HROMADA_COUNCIL = "hromada_council"
_COUNCIL_EN = {"міська": "City Council", "селищна": "Settlement Council", "сільська": "Village Council"}
_RAION_SOURCE = (
    "Raion of the KATOTTG codifier (data/reference/PROVENANCE.md), its administration named after it; local "
    "state administrations, since 2022 often military administrations: docs/domain/referral-mechanism.md "
    "(kolrada.gov.ua, dnistrovska-rda.gov.ua); martial law from 24.02.2022, Law No. 2136-IX [S2]; the day each "
    "raion's military administration took over is not verified"
)
_COUNCIL_SOURCE = (
    "Hromada of the KATOTTG codifier (data/reference/PROVENANCE.md), its council named by the hromada's name "
    "and type; where a military administration took over a council's powers under martial law, its row in "
    "bodies.csv replaces this one (not verified hromada by hromada)"
)


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(reference_dir() / name, dtype=str, keep_default_na=False, encoding="utf-8")


def _feminine(adjective: str) -> str:
    """A raion's name is a masculine adjective (Голованівський район); its administration is feminine."""
    return adjective[:-2] + "а" if adjective.endswith("ий") else adjective


def _row(**values: object) -> dict[str, object]:
    return {"oblast_code": None, "territory_code": None, "valid_to": None, "successor_of": None, **values}


def local_rows(slugs: dict[str, str]) -> list[dict[str, object]]:
    """The raion administrations and hromada councils of the territory reference; `slugs` names each
    oblast in ids (its code → 'poltava', from the oblast administrations of bodies.csv)."""
    former = {r["katottg"]: r["former_name_uk"] for r in _csv("former_names.csv").to_dict("records")
              if r["level"] == "raion"}
    rows: list[dict[str, object]] = []
    for raion in _csv("raions.csv").to_dict("records"):
        oblast, code, name_uk, name_en = raion["oblast_katottg"], raion["katottg"], raion["name_uk"], raion["name_en"]
        stem = f"{slugs[oblast]}-{name_en.lower()}"
        before = former.get(code)  # renamed in 2024: the state administration bore the former name
        state_uk = _feminine(before or name_uk)
        military_uk = _feminine(name_uk) + (f" (до 2024 — {_feminine(before)})" if before else "")
        common = {"kind": RAION_ADMINISTRATION, "oblast_code": oblast, "territory_code": code,
                  "source": _RAION_SOURCE, "verified": False}
        rows.append(_row(id=f"{stem}-rda", name_uk=f"{state_uk} районна державна адміністрація",
                         name_en=f"{name_en} Raion State Administration", valid_from=REFERENCE_START,
                         valid_to=MARTIAL_LAW, **common))
        rows.append(_row(id=f"{stem}-rva", name_uk=f"{military_uk} районна військова адміністрація",
                         name_en=f"{name_en} Raion Military Administration", valid_from=MARTIAL_LAW,
                         successor_of=f"{stem}-rda", **common))
    for hromada in _csv("hromadas.csv").to_dict("records"):
        kind_uk = hromada["type"]
        rows.append(_row(
            id=f"{slugs[hromada['oblast_katottg']]}-{hromada['name_en'].lower()}-{hromada['type_en']}-rada",
            name_uk=f"{hromada['name_uk']} {kind_uk} рада", name_en=f"{hromada['name_en']} {_COUNCIL_EN[kind_uk]}",
            kind=HROMADA_COUNCIL, oblast_code=hromada["oblast_katottg"], territory_code=hromada["katottg"],
            valid_from=REFERENCE_START, source=_COUNCIL_SOURCE, verified=False,
        ))
    return rows


def reference_rows() -> list[dict[str, object]]:
    """bodies.csv and the local bodies generated from the territory reference (a CSV row wins on its id)."""
    frame = _csv(FILE)
    typed = []
    for record in frame.to_dict("records"):
        typed.append({
            "id": record["id"], "name_uk": record["name_uk"], "name_en": record["name_en"], "kind": record["kind"],
            "oblast_code": record["oblast_code"] or None,
            "territory_code": record.get("territory_code") or None,
            "valid_from": date.fromisoformat(record["valid_from"]),
            "valid_to": date.fromisoformat(record["valid_to"]) if record["valid_to"] else None,
            "successor_of": record["successor_of"] or None, "source": record["source"],
            "verified": record["verified"].lower() == "true",
        })
    slugs = {str(r["oblast_code"]): str(r["id"]).split("-")[0] for r in typed
             if r["kind"] == "oblast_administration" and r["successor_of"] is None}
    listed = {r["id"] for r in typed}
    return typed + [r for r in local_rows(slugs) if r["id"] not in listed]


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
