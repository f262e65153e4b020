"""A large text export streams in chunks (readers/stream.py, pipeline._import_streamed).

The promise: a streamed file gives exactly what the same file read at once gives (rows stored, counts,
rejected rows with the file's row numbers, issues said once), all or nothing across chunks, duplicates
found across chunks, and the caller's scope check sees every chunk before it is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ingest_kit import OBLAST, official_rows, table_state, write_csv
from sqlalchemy import MetaData, select
from sqlalchemy.engine import Engine

from monitor.framework.models import Framework
from monitor.ingest import pipeline
from monitor.ingest.pipeline import OutsideScope, import_file
from monitor.ingest.readers import read_export, stream_export
from monitor.store.db import connect

CHUNK = 7
OTHER_OBLAST = "UA53000000000028050"  # Poltava


@pytest.fixture
def streaming(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "STREAM_FROM_BYTES", 0)
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", CHUNK)


def messy_rows() -> list[dict[str, str]]:
    """30 rows: valid ones, a refused consent, bad values, and repeats of earlier rows a chunk or two later."""
    rows = official_rows(24)
    rows[3]["consent"] = "no"
    rows[9]["events"] = "many"
    rows[16]["spending"] = "-5"
    rows[20]["oblast"] = "Atlantis"
    return rows + [dict(rows[1]), dict(rows[2]), dict(rows[12]), dict(rows[5]), dict(rows[18]), dict(rows[0])]


def stored(engine: Engine) -> list[tuple[Any, ...]]:
    """The responses without their ids, batch ids or times: what must not depend on how the file was read."""
    metadata = MetaData()
    metadata.reflect(engine)
    table = metadata.tables["response"]
    columns = [c for c in table.c if c.name not in {"id", "batch_id", "parent_id"}]
    with engine.connect() as connection:
        return sorted(tuple(map(str, row)) for row in connection.execute(select(*columns)).all())


def summary(report: pipeline.ImportReport) -> dict[str, Any]:
    return {"status": report.status, "rows": report.rows, "accepted": report.accepted, "rejected": report.rejected,
            "duplicates": report.duplicates, "consent_refused": report.consent_refused,
            "rejected_rows": [(r["row"], r["column"], r["code"]) for r in report.rejected_rows],
            "issues": sorted((i.code, str(sorted(i.params.items()))) for i in report.issues)}


def test_a_streamed_file_stores_what_the_whole_file_stores(framework: Framework, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_csv(tmp_path / "officials.csv", messy_rows())
    whole_engine, streamed_engine = (connect(f"sqlite:///{tmp_path / name}.db") for name in ("whole", "streamed"))
    whole = import_file(whole_engine, framework, "officials", path)
    monkeypatch.setattr(pipeline, "STREAM_FROM_BYTES", 0)
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", CHUNK)
    assert stream_export(path, CHUNK) is not None
    streamed = import_file(streamed_engine, framework, "officials", path)
    assert whole.status == "imported", [i.code for i in whole.issues]
    assert whole.rejected >= 3 and whole.consent_refused == 1
    assert whole.duplicates == 6  # the repeats sit in later chunks than the rows they repeat
    assert summary(streamed) == summary(whole)
    assert stored(streamed_engine) == stored(whole_engine)


def test_the_chunks_are_the_whole_table_in_pieces(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "officials.csv", official_rows(20))
    whole = read_export(path)
    stream = stream_export(path, CHUNK)
    assert stream is not None and stream.rows == 20
    pieces = list(stream.tables())
    assert [len(p) for p in pieces] == [7, 7, 6]
    assert all(p.columns == whole.columns and p.format == whole.format for p in pieces)
    assert [n for p in pieces for n in p.row_numbers()] == list(whole.row_numbers())
    for piece in pieces:
        assert piece.rows.equals(whole.rows.loc[piece.rows.index])


@pytest.mark.usefixtures("streaming")
def test_a_failure_in_a_late_chunk_writes_nothing(engine: Engine, framework: Framework, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import_file(engine, framework, "officials", write_csv(tmp_path / "first.csv", official_rows(3, start=100)))
    before = table_state(engine)
    written = pipeline._write_part
    calls: list[int] = []

    def fail_third(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk full")  # two chunks are already in the open transaction
        written(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_write_part", fail_third)
    report = import_file(engine, framework, "officials", write_csv(tmp_path / "big.csv", official_rows(30)))
    assert report.status == "refused" and [i.code for i in report.errors] == ["ingest-internal"]
    assert len(calls) == 3
    assert table_state(engine) == before


@pytest.mark.usefixtures("streaming")
def test_answers_outside_the_scope_stop_the_file_in_any_chunk(engine: Engine, framework: Framework,
                                                              tmp_path: Path) -> None:
    before = table_state(engine)
    rows = official_rows(20)
    rows[17].update(oblast="Полтавська", hromada="Глобинська")  # in the third chunk: two are written by then
    path = write_csv(tmp_path / "big.csv", rows)
    with pytest.raises(OutsideScope) as raised:
        import_file(engine, framework, "officials", path, scope=frozenset({OBLAST}))
    assert raised.value.oblasts == {OTHER_OBLAST}
    assert table_state(engine) == before
    report = import_file(engine, framework, "officials", path, scope=frozenset({OBLAST, OTHER_OBLAST}))
    assert report.status == "imported" and report.accepted == 20


@pytest.mark.usefixtures("streaming")
def test_dry_run_and_reimport(engine: Engine, framework: Framework, tmp_path: Path) -> None:
    rows = messy_rows()
    path = write_csv(tmp_path / "officials.csv", rows)
    before = table_state(engine)
    dry = import_file(engine, framework, "officials", path, dry_run=True)
    assert dry.status == "dry-run" and dry.accepted > 0
    assert table_state(engine) == before
    first = import_file(engine, framework, "officials", path)
    assert first.status == "imported" and first.accepted == dry.accepted and first.duplicates == dry.duplicates
    again = import_file(engine, framework, "officials", path)
    assert again.status == "already-imported"
    copy = import_file(engine, framework, "officials", write_csv(tmp_path / "copy.csv", rows, sep=";"))
    assert copy.accepted == 0 and copy.duplicates == first.accepted + first.duplicates


@pytest.mark.usefixtures("streaming")
def test_progress_counts_the_rows(engine: Engine, framework: Framework, tmp_path: Path) -> None:
    steps: list[tuple[int, int]] = []
    import_file(engine, framework, "officials", write_csv(tmp_path / "big.csv", official_rows(20)),
                progress=lambda done, total: steps.append((done, total)))
    assert steps[0] == (0, 20) and steps[-1] == (20, 20)
    assert [done for done, _ in steps] == sorted(done for done, _ in steps) and (14, 20) in steps


@pytest.mark.parametrize("encoding", ["cp1251"])
def test_other_encodings_take_the_whole_file_reader(tmp_path: Path, encoding: str) -> None:
    rows = official_rows(5)
    rows[0]["comment"] = "Полтава"
    path = write_csv(tmp_path / "officials.csv", rows, encoding=encoding)
    assert stream_export(path, CHUNK) is None
    assert read_export(path).encoding == encoding
