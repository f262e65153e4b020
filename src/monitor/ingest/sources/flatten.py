"""JSON submissions → the RawTable every reader yields, so a server's answers go through the file pipeline.

KoboToolbox (`/api/v2/assets/{uid}/data/`) sends flat keys with group paths (`group/question`), a
select_multiple as space-separated codes, a repeat as a list of objects whose keys carry the repeat's
path, and system fields starting with `_`. ODK Central's OData feed (`$expand=*`) nests groups as
objects, repeats as lists, numbers as numbers, and puts the system fields under `__system`.
Both become the columns an export of the same form would have (`_uuid`, `_submission_time`, `_index`
for Kobo; `SubmissionDate`, `meta/instanceID`, `KEY` for ODK), with a column for every question of the
instrument even when no submission of the page answered it. Attachments, geodata and notes are dropped.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

import orjson
import pandas as pd

from monitor.framework.models import Question, QuestionType, Survey
from monitor.ingest.mapping import META_COLUMNS, Lookup, resolve
from monitor.ingest.readers.table import RawTable

NAVIGATION = "@odata.navigationLink"
KOBO_DROPPED = {"_attachments", "_geolocation", "_tags", "_notes", "_validation_status", "_supplementalDetails"}


@dataclass
class Submission:
    """What the server says about one submission, beside its answers."""

    server_key: str  # stable across edits: Kobo `_id`, ODK `__id`
    version: str  # this version's instanceID
    answers_hash: str  # hash of the answers (system fields excluded): a change means an edit
    external_id: str | None  # the submission id the pipeline stores (`_uuid` / `meta/instanceID`)
    earlier_ids: list[str] = field(default_factory=list)  # meta/deprecatedID, with and without `uuid:`
    submitted: str | None = None  # the server's submission time, as sent
    updated: str | None = None  # ODK's __system/updatedAt


@dataclass
class Flat:
    row: dict[str, str]
    repeats: dict[str, list[dict[str, str]]]  # repeat path → its rows


def text(value: Any) -> str:
    """A JSON scalar as the text a file export would show (7 not 7.0, true as 1)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else format(value, ".15g")
    if isinstance(value, str):
        return value
    return ""


def _hash(value: Any) -> str:
    return hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _is_system(key: str) -> bool:
    last = key.rsplit("/", 1)[-1]
    return key in META_COLUMNS or last.startswith("_") or key.startswith(("meta/", "formhub/"))


# ------------------------------------------------------------------------------------------ Kobo


def _kobo_flat(record: dict[str, Any]) -> Flat:
    row: dict[str, str] = {}
    repeats: dict[str, list[dict[str, str]]] = {}
    for key, value in record.items():
        if key in KOBO_DROPPED:
            continue
        if isinstance(value, list) and (not value or isinstance(value[0], dict)):
            if key.startswith("_"):
                continue
            repeats[key] = [_kobo_child(key, item) for item in value if isinstance(item, dict)]
        elif isinstance(value, dict | list):
            continue
        else:
            row[key] = text(value)
    return Flat(row, repeats)


def _kobo_child(path: str, item: dict[str, Any]) -> dict[str, str]:
    out = {}
    for key, value in item.items():
        if isinstance(value, dict | list):
            continue  # a repeat inside a repeat is not part of the framework's model
        name = key[len(path) + 1:] if key.startswith(path + "/") else key
        out[name] = text(value)
    return out


def kobo_submission(record: dict[str, Any], flat: Flat) -> Submission:
    uuid = flat.row.get("_uuid") or flat.row.get("meta/instanceID", "").removeprefix("uuid:")
    server_key = flat.row.get("_id") or uuid
    version = flat.row.get("meta/instanceID") or uuid
    deprecated = flat.row.get("meta/deprecatedID", "")
    earlier = [deprecated, deprecated.removeprefix("uuid:")] if deprecated else []
    return Submission(server_key=server_key, version=version, answers_hash=_answers_hash(flat),
                      external_id=uuid or None, earlier_ids=earlier, submitted=flat.row.get("_submission_time"))


# ------------------------------------------------------------------------------------------ ODK


def _odk_flat(record: dict[str, Any]) -> Flat:
    row: dict[str, str] = {}
    repeats: dict[str, list[dict[str, str]]] = {}
    key = text(record.get("__id"))
    raw_system = record.get("__system")
    system: dict[str, Any] = raw_system if isinstance(raw_system, dict) else {}
    row["SubmissionDate"] = text(system.get("submissionDate"))
    row["KEY"] = key
    _odk_walk(record, "", row, repeats, key)
    return Flat(row, repeats)


def _odk_walk(node: dict[str, Any], prefix: str, row: dict[str, str], repeats: dict[str, list[dict[str, str]]],
              key: str) -> None:
    for name, value in node.items():
        if name.startswith("__") or name.endswith(NAVIGATION):
            continue
        path = f"{prefix}{name}"
        if isinstance(value, dict):
            if "type" in value and "coordinates" in value:
                continue  # GeoJSON geopoint/geotrace: not part of the framework's model
            _odk_walk(value, path + "/", row, repeats, key)
        elif isinstance(value, list):
            rows = []
            for n, item in enumerate((i for i in value if isinstance(i, dict)), start=1):
                child: dict[str, str] = {}
                _odk_walk(item, "", child, {}, key)
                child["PARENT_KEY"] = key
                child["KEY"] = f"{key}/{path}[{n}]"
                rows.append(child)
            repeats[path] = rows
        else:
            row[path] = text(value)


def odk_submission(record: dict[str, Any], flat: Flat) -> Submission:
    raw_system = record.get("__system")
    system: dict[str, Any] = raw_system if isinstance(raw_system, dict) else {}
    key = flat.row.get("KEY", "")
    version = flat.row.get("meta/instanceID") or key
    deprecated = flat.row.get("meta/deprecatedID", "")
    earlier = [deprecated, deprecated.removeprefix("uuid:")] if deprecated else []
    return Submission(server_key=key, version=version, answers_hash=_answers_hash(flat),
                      external_id=(flat.row.get("meta/instanceID") or key) or None, earlier_ids=earlier,
                      submitted=flat.row.get("SubmissionDate") or None, updated=text(system.get("updatedAt")) or None)


def _answers_hash(flat: Flat) -> str:
    answers = {k: v for k, v in flat.row.items() if not _is_system(k) and k not in {"KEY", "SubmissionDate"} and v}
    kids = {path: [{k: v for k, v in r.items() if not _is_system(k) and k not in {"KEY", "PARENT_KEY"} and v}
                   for r in rows] for path, rows in flat.repeats.items()}
    return _hash([answers, kids])


# ------------------------------------------------------------------------------------------ tables


def flatten(kind: str, records: list[dict[str, Any]]) -> tuple[list[Flat], list[Submission]]:
    """Each record flattened and described; the last copy of a submission wins if a page repeats it."""
    flats: dict[str, tuple[Flat, Submission]] = {}
    for record in records:
        if kind == "kobo":
            flat = _kobo_flat(record)
            sub = kobo_submission(record, flat)
        else:
            flat = _odk_flat(record)
            sub = odk_submission(record, flat)
        flats.pop(sub.server_key, None)
        flats[sub.server_key] = (flat, sub)
    return [f for f, _ in flats.values()], [s for _, s in flats.values()]


def to_table(kind: str, survey: Survey, flats: list[Flat], name: str) -> RawTable:
    """One RawTable (children for repeats) shaped like the form's file export."""
    rows = [dict(f.row) for f in flats]
    if kind == "kobo":
        for position, row in enumerate(rows, start=1):
            row["_index"] = str(position)
    main = _table(rows, [q for q in survey.questions if q.type != QuestionType.repeat], survey, f"{kind}-api", name)
    main.key_column = "_index" if kind == "kobo" else "KEY"
    for repeat in survey.repeats():
        kids: list[dict[str, str]] = []
        for position, flat in enumerate(flats, start=1):
            for path, items in flat.repeats.items():
                if path.rsplit("/", 1)[-1] != repeat.name:
                    continue
                for item in items:
                    kids.append({**item, "_parent_index": str(position)} if kind == "kobo" else dict(item))
        child = _table(kids, repeat.questions, survey, f"{kind}-api", repeat.name)
        child.parent_key_column = "_parent_index" if kind == "kobo" else "PARENT_KEY"
        child.key_column = None if kind == "kobo" else "KEY"
        if kids:
            main.children[repeat.name] = child
    return main


def _table(rows: list[dict[str, str]], questions: list[Question], survey: Survey, fmt: str, name: str) -> RawTable:
    columns: list[str] = []
    seen: set[str] = set()
    for row in rows:
        for key in row:
            if key not in seen:
                seen.add(key)
                columns.append(key)
    # A column for every question, as an export has, even if nobody on this page answered it.
    lookup = Lookup(questions)
    found = {hit[0].name for header in columns if (hit := resolve(header, lookup, survey)) is not None}
    columns += [q.name for q in questions if q.name not in found and q.name not in seen]
    frame = pd.DataFrame({i: pd.Series([row.get(c, "") for row in rows], dtype=str) for i, c in enumerate(columns)})
    if frame.empty and not len(frame.columns):
        frame = pd.DataFrame({i: pd.Series([], dtype=str) for i in range(len(columns))})
    return RawTable(columns=columns, rows=frame, format=fmt, name=name, first_row=1)
