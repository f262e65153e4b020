"""The same submissions imported from the server and from the equivalent export give identical answers.

Synthetic answers of a shipped instrument with a repeat (status-procedure: `cases`) are written as the
KoboToolbox XLSX export and served as the Kobo data endpoint's JSON; and as ODK Central's "Download all"
zip and served as its OData feed. Each pair goes into its own database; every stored response, repeat
rows included, must be the same (ids, answers, places, wave, dates).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sources_kit import ASSET, FORM, PROJECT, Stand, fast_limits
from sqlalchemy import select
from sqlalchemy.engine import Engine

from monitor.demo import reference_territories, synth_answers
from monitor.demo.formats import _kobo_id, _kobo_version, kobo_xlsx_labels, odk_zip
from monitor.framework.loader import framework_or_raise
from monitor.framework.models import Framework, Question, QuestionType, Survey
from monitor.ingest.pipeline import import_file
from monitor.ingest.sources.config import SourceSpec
from monitor.ingest.sources.registry import add_source
from monitor.ingest.sources.sync import sync_source
from monitor.store.db import close, connect
from monitor.store.models import Response

ROOT = Path(__file__).resolve().parents[3]
SURVEY = "status-procedure"


@pytest.fixture(scope="module")
def shipped() -> Framework:
    return framework_or_raise(ROOT)


@pytest.fixture(scope="module")
def frame(shipped: Framework) -> pd.DataFrame:
    survey = shipped.surveys[SURVEY]
    answers = synth_answers(survey, reference_territories(), "2022", np.random.default_rng(11), n=40)
    assert len(answers.attrs["repeats"]["cases"]) > 10
    return answers


def _blank(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def _value(question: Question, value: Any, typed: bool) -> Any:
    """An answer as the server's JSON carries it: Kobo sends text; ODK numbers as numbers."""
    if question.type == QuestionType.date:
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if question.type in (QuestionType.integer, QuestionType.decimal):
        number = float(value)
        if typed:
            return int(number) if question.type == QuestionType.integer else number
        return str(int(number)) if number.is_integer() else repr(number)
    return str(value)


def _path(question: Question) -> str:
    return f"{question.group}/{question.name}" if question.group else question.name


def kobo_records(survey: Survey, frame: pd.DataFrame) -> list[dict[str, Any]]:
    kids = frame.attrs["repeats"]
    records = []
    for i in range(len(frame)):
        row = frame.iloc[i]
        record: dict[str, Any] = {"_id": _kobo_id(survey) + i, "formhub/uuid": "0f3c", "__version__": _kobo_version(survey),
                                  "meta/instanceID": f"uuid:{row['_uuid']}", "_uuid": row["_uuid"],
                                  "_submission_time": pd.Timestamp(row["_submitted_at"]).strftime("%Y-%m-%dT%H:%M:%S"),
                                  "_attachments": [], "_status": "submitted_via_web", "_geolocation": [None, None],
                                  "_tags": [], "_notes": [], "_validation_status": {}, "_submitted_by": None}
        for q in survey.questions:
            if q.type == QuestionType.repeat:
                items = kids[q.name][kids[q.name]["_parent_uuid"] == row["_uuid"]].sort_values("_position")
                key = _path(q)
                if len(items):
                    record[key] = [{f"{key}/{c.name}": _value(c, item[c.name], False) for c in q.questions
                                    if not _blank(item[c.name])} for _, item in items.iterrows()]
            elif q.name in frame and not _blank(row[q.name]):
                record[_path(q)] = _value(q, row[q.name], False)  # Kobo leaves unanswered questions out
        records.append(record)
    return records


def odk_records(survey: Survey, frame: pd.DataFrame) -> list[dict[str, Any]]:
    kids = frame.attrs["repeats"]
    records = []
    for i in range(len(frame)):
        row = frame.iloc[i]
        key = f"uuid:{row['_uuid']}"
        submitted = pd.Timestamp(row["_submitted_at"]).strftime("%Y-%m-%dT%H:%M:%S.") + f"{i * 37 % 1000:03d}Z"
        record: dict[str, Any] = {"__id": key, "__system": {"submissionDate": submitted, "updatedAt": None,
                                                            "edits": 0, "formVersion": "2021090101"},
                                  "meta": {"instanceID": key}}
        for q in survey.questions:
            node = record.setdefault(q.group, {}) if q.group else record
            if q.type == QuestionType.repeat:
                items = kids[q.name][kids[q.name]["_parent_uuid"] == row["_uuid"]].sort_values("_position")
                node[q.name] = [{**{c.name: None if _blank(item[c.name]) else _value(c, item[c.name], True)
                                    for c in q.questions}, "__id": f"{n:040x}"}
                                for n, (_, item) in enumerate(items.iterrows())]
                node[f"{q.name}@odata.navigationLink"] = f"Submissions('{key}')/{q.name}"
            elif q.name in frame:
                node[q.name] = None if _blank(row[q.name]) else _value(q, row[q.name], True)
        records.append(record)
    return records


def _stored(engine: Engine) -> list[tuple[Any, ...]]:
    column = Response.__table__.c
    with engine.connect() as connection:
        parents = dict(connection.execute(select(column.id, column.external_id)).all())
        rows = connection.execute(select(column.parent_id, column.repeat, column.external_id, column.answers,
                                         column.oblast_code, column.raion_code, column.hromada_code, column.wave,
                                         column.period_date, column.submitted_at, column.content_hash)).all()
    return sorted(((parents.get(r.parent_id), r.repeat, r.external_id, repr(sorted(r.answers.items())),
                    r.oblast_code, r.raion_code, r.hromada_code, r.wave, r.period_date, r.submitted_at, r.content_hash)
                   for r in rows), key=repr)


@pytest.mark.parametrize("kind", ["kobo", "odk"])
def test_server_and_export_give_identical_answers(kind: str, shipped: Framework, frame: pd.DataFrame,
                                                  tmp_path: Path) -> None:
    survey = shipped.surveys[SURVEY]
    file_url, server_url = f"sqlite:///{tmp_path}/file.db", f"sqlite:///{tmp_path}/server.db"
    export = (kobo_xlsx_labels(tmp_path / "export.xlsx", survey, frame) if kind == "kobo"
              else odk_zip(tmp_path / "export.zip", survey, frame))
    from_file = import_file(connect(file_url), shipped, SURVEY, export)
    assert from_file.status == "imported" and from_file.repeat_rows > 10

    stand = Stand(kind)
    try:
        stand.submissions = kobo_records(survey, frame) if kind == "kobo" else odk_records(survey, frame)
        spec = SourceSpec(name="src", kind=kind, survey_id=SURVEY, url=stand.url, form=ASSET if kind == "kobo" else FORM,
                          project=None if kind == "kobo" else PROJECT, page_size=15,
                          token_ref="env:KOBO_TOKEN" if kind == "kobo" else "env:ODK_PASSWORD",
                          username=None if kind == "kobo" else "sync@coalition.example")
        engine = connect(server_url)
        add_source(engine, spec)
        report = sync_source(engine, shipped, "src", limits=fast_limits())
    finally:
        stand.close()
    assert report.status == "ok" and report.pages == 3
    assert (report.imported, report.rejected, report.consent_refused) == (
        from_file.accepted, from_file.rejected, from_file.consent_refused)
    file_rows, server_rows = _stored(connect(file_url)), _stored(connect(server_url))
    assert len(file_rows) == from_file.accepted + from_file.repeat_rows
    assert server_rows == file_rows
    close(file_url)
    close(server_url)
