"""The lean write path: column-wise rows, the DB-API's executemany, the public plan/write pair.

What must not change with it: the stored rows read back exactly as the ORM wrote them before, the
content hash is the canonical one (so files stored by earlier versions are still recognised), a
failure anywhere in the write leaves the database as it was, and a re-import adds nothing.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import orjson
import pytest
from ingest_kit import OBLAST, official_rows, table_state, write_csv
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitor.errors import MonitorError
from monitor.framework.models import Framework
from monitor.ingest import pipeline
from monitor.ingest.pipeline import import_file, json_sha256, plan_import, write_plan
from monitor.ingest.readers import read_export
from monitor.ingest.report import ImportReport
from monitor.store.db import close, connect
from monitor.store.models import Response


def _plan(engine: Engine, framework: Framework, path: Path) -> tuple[pipeline.Plan, ImportReport]:
    report = ImportReport(survey="officials", file=path.name)
    report.sha256 = pipeline.file_sha256(path)
    table = read_export(path)
    report.rows = len(table.rows)
    return plan_import(engine, framework, framework.surveys["officials"], table, report, False), report


def test_rows_read_back_as_the_orm_wrote_them(engine: Engine, framework: Framework, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "officials.csv", official_rows(6))
    report = import_file(engine, framework, "officials", path)
    assert report.status == "imported" and report.accepted == 6
    with Session(engine) as session:
        stored = session.exec(select(Response).order_by(Response.id)).scalars().all()  # type: ignore[call-overload]
    assert len(stored) == 6
    for row in stored:
        assert isinstance(row.answers, dict) and row.answers["consent"] == "yes"
        assert row.period_date == date(2022, 3, 14)
        assert row.synthetic is False and row.batch_id == report.batch and row.oblast_code == OBLAST
        # The canonical hash of earlier versions: sorted-key JSON of [answers, oblast, raion, hromada, wave].
        assert row.content_hash == json_sha256([row.answers, row.oblast_code, row.raion_code, row.hromada_code,
                                                row.wave])


def test_documents_are_stored_as_json_text(sqlite_url: str, framework: Framework, tmp_path: Path) -> None:
    engine = connect(sqlite_url)
    with engine.connect() as connection:
        default_cache = connection.execute(text("PRAGMA cache_size")).scalar()
    import_file(engine, framework, "officials", write_csv(tmp_path / "officials.csv", official_rows(2)))
    with engine.connect() as connection:
        documents = connection.execute(text("SELECT answers, json_valid(answers) FROM response")).all()
        cache = connection.execute(text("PRAGMA cache_size")).scalar()
    assert documents and all(valid == 1 for _, valid in documents)
    assert all(json.loads(doc) == orjson.loads(doc) for doc, _ in documents)
    assert cache == default_cache  # the import's larger page cache was given back to the pooled connection


def test_plan_then_write_is_the_public_pair(engine: Engine, framework: Framework, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "officials.csv", official_rows(4))
    plan, report = _plan(engine, framework, path)
    assert len(plan) == report.accepted == 4 and plan.oblasts() == {OBLAST}
    assert len(set(plan.external_ids())) == 4
    batch = write_plan(engine, framework, framework.surveys["officials"], report, plan, "test", False)
    with engine.connect() as connection:
        count = connection.execute(select(Response.__table__.c.id).where(Response.__table__.c.batch_id == batch)).all()
    assert len(count) == 4


def test_failure_inside_the_write_leaves_the_database_as_it_was(engine: Engine, framework: Framework,
                                                               tmp_path: Path) -> None:
    import_file(engine, framework, "officials", write_csv(tmp_path / "first.csv", official_rows(2)))
    before = table_state(engine)
    plan, report = _plan(engine, framework, write_csv(tmp_path / "second.csv", official_rows(5, start=10)))

    def fail(_session: Session, _batch: int) -> None:
        raise RuntimeError("disk full")  # after every response row of the batch went in

    with pytest.raises(RuntimeError):
        write_plan(engine, framework, framework.surveys["officials"], report, plan, "test", False, also=fail)
    assert table_state(engine) == before


def test_reimport_of_the_same_rows_adds_nothing(engine: Engine, framework: Framework, tmp_path: Path) -> None:
    rows = official_rows(5)
    first = import_file(engine, framework, "officials", write_csv(tmp_path / "a.csv", rows))
    before = table_state(engine)
    again = import_file(engine, framework, "officials", write_csv(tmp_path / "b.csv", rows, sep=";"))
    assert first.accepted == 5
    assert again.accepted == 0 and again.duplicates == 5
    after = table_state(engine)
    assert after["response"] == before["response"]  # only the batch row that records the duplicates is new
    assert after["importbatch"][0] == before["importbatch"][0] + 1
    with pytest.raises(MonitorError):  # and planning alone says so too: nothing to add
        _plan(engine, framework, write_csv(tmp_path / "c.csv", []))


def test_copy_on_postgresql_stores_what_insert_stores(pg_url: str, framework: Framework, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      request: pytest.FixtureRequest) -> None:
    """COPY FROM STDIN (PostgreSQL, 100 rows or more) and the INSERT path store the same values, submission
    times with an offset included."""
    # A session time zone other than UTC: where the two paths would differ if COPY ignored the offset.
    kyiv = pg_url + ("&" if "?" in pg_url else "?") + "options=-c%20timezone%3DEurope%2FKyiv"
    request.addfinalizer(lambda: close(kyiv))  # before the fixture drops the database
    engine = connect(kyiv)
    with engine.connect() as connection:
        assert connection.execute(text("SHOW TimeZone")).scalar() == "Europe/Kyiv"
    rows = official_rows(150)
    for i, row in enumerate(rows):
        row["_submission_time"] = ("2022-03-14T23:15:00+03:00", "2022-03-15T01:00:00", "")[i % 3]
    path = write_csv(tmp_path / "officials.csv", rows)

    def stored_and_cleared() -> list[tuple[str, ...]]:
        columns = [c for c in Response.__table__.c if c.name not in {"id", "batch_id", "parent_id"}]
        with engine.begin() as connection:
            found = sorted(tuple(map(str, r)) for r in connection.execute(select(*columns)).all())
            connection.execute(text("DELETE FROM rejectedrow"))
            connection.execute(text("DELETE FROM response"))
            connection.execute(text("DELETE FROM importbatch"))
        return found

    copied: list[int] = []
    real_copy = pipeline._copy_rows_postgres
    monkeypatch.setattr(pipeline, "_copy_rows_postgres", lambda *a: (copied.append(1), real_copy(*a))[1])
    assert import_file(engine, framework, "officials", path).accepted == 150
    by_copy = stored_and_cleared()
    monkeypatch.setattr(pipeline, "COPY_FROM_ROWS", 10**9)
    assert import_file(engine, framework, "officials", path).accepted == 150
    by_insert = stored_and_cleared()
    assert copied == [1]
    assert by_copy == by_insert
    assert any("2022-03-14" in value for row in by_copy for value in row)
