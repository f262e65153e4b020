"""The territory reference: oblasts, raions and hromadas with validity dates.

`load_reference` copies data/reference/*.csv (see PROVENANCE.md there) into the Territory table;
`territories` reads back the units valid on a day. A later reform adds successor rows with their own
`valid_from` and closes the old ones with `valid_to` (exclusive), so old periods keep their units.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import insert, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from monitor.geo import LEVELS, reference_dir
from monitor.store.models import Territory, table_of

# Verkhovna Rada resolution No. 3650-IX of 17.07.2020 "Про утворення та ліквідацію районів" created
# the 18 raions these hromadas belong to; it is the first day the whole hierarchy existed.
REFORM_2020 = date(2020, 7, 17)

COLUMNS = [
    "code", "level", "name_uk", "name_en", "full_name_uk", "full_name_en", "parent_code", "oblast_code",
    "raion_code", "kind", "centre_uk", "centre_en", "population", "former_names", "valid_from", "valid_to",
]
# Fields the reference owns; valid_to is not among them so a reload never reopens a closed unit.
_REFERENCE_FIELDS = [c for c in COLUMNS if c not in ("code", "valid_from", "valid_to")]
# The 2020 file writes a plain ' where the codifier has ’; that is the same name, not a former one.
_APOSTROPHES = str.maketrans({"'": "’", "ʼ": "’", "`": "’", "‘": "’"})
# Type words in the 2020 boundary file's names ("Знам'янська міська громада", "Лубенський район").
_TYPE_WORDS = {"міська", "селищна", "сільська", "територіальна", "громада", "район"}


def _csv(directory: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(directory / name, dtype=str, keep_default_na=False, encoding="utf-8")


def _base_name(source_name: str) -> str:
    words = source_name.split()
    while words and words[-1] in _TYPE_WORDS:
        words.pop()
    return " ".join(words)


def _former_names(directory: Path) -> dict[str, list[str]]:
    """Former names per code: 2020 boundary names that differ, plus the documented 2024 renames."""
    former: dict[str, list[str]] = {}

    def add(code: str, name: str, current: str | None = None) -> None:
        name = name.strip()
        if name and name.translate(_APOSTROPHES) != current and name not in former.setdefault(code, []):
            former[code].append(name)

    for level in ("raion", "hromada"):
        features = json.loads((directory / "geo" / f"{level}s.geojson").read_text(encoding="utf-8"))["features"]
        for feature in features:
            props = feature["properties"]
            if props.get("source_name_2020"):
                add(props["katottg"], _base_name(props["source_name_2020"]), props["name_uk"])
    # The renamed raion and the 4 centres renamed in 2024; a former *centre* name is kept on its hromada
    # so that an old export naming the centre ("Красноград") still finds the hromada.
    for row in _csv(directory, "former_names.csv").itertuples():
        add(row.katottg, row.former_name_uk)
    for names in former.values():
        names.sort()
    return {code: names for code, names in former.items() if names}


def _population(value: str) -> int | None:
    return int(value) if value.strip() else None


_REFERENCE_FILES = ("oblasts.csv", "raions.csv", "hromadas.csv", "former_names.csv", "geo/raions.geojson",
                    "geo/hromadas.geojson")


def reference_rows(directory: Path | None = None) -> list[dict[str, Any]]:
    """One dict per unit in the reference CSVs, shaped like the Territory table (without id).

    Read once per process while the files are unchanged (every `store.db.connect` upserts the reference,
    and parsing the boundary files for former names took ~0.1 s a time); callers get their own dicts."""
    directory = (directory or reference_dir()).resolve()
    stamps: list[tuple[str, int | None, int | None]] = []
    for name in _REFERENCE_FILES:
        try:
            stat = (directory / name).stat()
            stamps.append((name, stat.st_mtime_ns, stat.st_size))
        except OSError:
            stamps.append((name, None, None))
    return [dict(row, former_names=list(row["former_names"])) for row in _reference_rows(directory, tuple(stamps))]


@lru_cache(maxsize=8)
def _reference_rows(directory: Path, _stamps: tuple[tuple[str, int | None, int | None], ...]) -> list[dict[str, Any]]:
    oblasts = _csv(directory, "oblasts.csv")
    raions = _csv(directory, "raions.csv")
    hromadas = _csv(directory, "hromadas.csv")
    former = _former_names(directory)
    population = hromadas.assign(p=hromadas["population"].map(_population))
    by_raion = population.groupby("raion_katottg")["p"].sum(min_count=1)
    by_oblast = population.groupby("oblast_katottg")["p"].sum(min_count=1)

    def unit(**values: Any) -> dict[str, Any]:
        row: dict[str, Any] = dict.fromkeys(COLUMNS)
        row.update(values, former_names=former.get(values["code"], []), valid_from=REFORM_2020, valid_to=None)
        return row

    rows = [
        unit(code=o.katottg, level="oblast", name_uk=o.name_uk, name_en=o.name_en,
             full_name_uk=f"{o.name_uk} область", full_name_en=f"{o.name_en} oblast",
             oblast_code=o.katottg, population=_int(by_oblast.get(o.katottg)))
        for o in oblasts.itertuples()
    ]
    rows += [
        unit(code=r.katottg, level="raion", name_uk=r.name_uk, name_en=r.name_en,
             full_name_uk=f"{r.name_uk} район", full_name_en=f"{r.name_en} raion",
             parent_code=r.oblast_katottg, oblast_code=r.oblast_katottg, raion_code=r.katottg,
             population=_int(by_raion.get(r.katottg)))
        for r in raions.itertuples()
    ]
    rows += [
        unit(code=h.katottg, level="hromada", name_uk=h.name_uk, name_en=h.name_en,
             full_name_uk=h.full_name_uk, full_name_en=h.full_name_en, parent_code=h.raion_katottg,
             oblast_code=h.oblast_katottg, raion_code=h.raion_katottg, kind=h.type,
             centre_uk=h.center_uk or None, centre_en=h.center_en or None, population=_population(h.population))
        for h in hromadas.itertuples()
    ]
    return rows


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def load_reference(engine: Engine, directory: Path | None = None) -> int:
    """Upsert the reference units (by code and valid_from) in one transaction; return how many were inserted.

    A second call inserts nothing; it updates names, populations and former names that changed in the CSVs.
    """
    rows = reference_rows(directory)
    table = table_of(Territory)
    with Session(engine) as session, session.begin():
        existing = {
            (r.code, r.valid_from): r
            for r in session.execute(select(table).where(table.c.valid_from == REFORM_2020)).mappings()
        }
        new = [row for row in rows if (row["code"], row["valid_from"]) not in existing]
        changed = []
        for row in rows:
            old = existing.get((row["code"], row["valid_from"]))
            if old is not None and any(old[f] != row[f] for f in _REFERENCE_FIELDS):
                changed.append({"id": old["id"], **{f: row[f] for f in _REFERENCE_FIELDS}})
        if new:
            session.execute(insert(Territory), new)
        if changed:
            session.execute(update(Territory), changed)
    clear_cache()
    return len(new)


@lru_cache(maxsize=64)
def _frame(url: str, on: date) -> pd.DataFrame:
    engine = _ENGINES[url]
    table = table_of(Territory)
    query = (
        select(*[table.c[c] for c in COLUMNS])
        .where(table.c.valid_from <= on, or_(table.c.valid_to.is_(None), table.c.valid_to > on))
        .order_by(table.c.code)
    )
    with engine.connect() as connection:
        records = [dict(r) for r in connection.execute(query).mappings()]
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    frame["population"] = frame["population"].astype("Int64")
    frame["former_names"] = frame["former_names"].map(lambda v: list(v or []))
    return frame


# The latest engine per URL, so the cache can be keyed on the URL text alone.
_ENGINES: dict[str, Engine] = {}


def territories(engine: Engine, level: str | None = None, on: date | None = None) -> pd.DataFrame:
    """Units valid on `on` (default today), optionally of one level, ordered by code. Cached: see clear_cache."""
    if level is not None and level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    url = str(engine.url)
    _ENGINES[url] = engine
    frame = _frame(url, on or date.today())
    if level is not None:
        frame = frame[frame["level"] == level]
    return frame.reset_index(drop=True).copy()


def clear_cache() -> None:
    """Forget cached reads (called by load_reference; call it after editing the table by hand)."""
    _frame.cache_clear()


def counts(engine: Engine, on: date | None = None) -> dict[str, Any]:
    """Units per level and hromadas per oblast code, e.g. {'oblast': 4, ..., 'hromada_by_oblast': {...}}."""
    frame = territories(engine, on=on)
    result: dict[str, Any] = {level: int((frame["level"] == level).sum()) for level in LEVELS}
    hromadas = frame[frame["level"] == "hromada"]
    result["hromada_by_oblast"] = {str(k): int(v) for k, v in hromadas.groupby("oblast_code").size().items()}
    return result
