"""The committed fixtures (tests/fixtures/exports): every good export imports, every broken one is refused cleanly.

Runs on SQLite and, with MONITOR_TEST_PG_URL, on PostgreSQL (the `db_url` fixture of tests/conftest.py).
The committed files must equal a fresh `build_fixtures.build()` (CSV and zip byte for byte, XLSX by content).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import MetaData, func, select
from sqlalchemy.engine import Engine

from monitor.framework.loader import framework_or_raise
from monitor.framework.models import Framework
from monitor.ingest.pipeline import import_file
from monitor.store.db import connect
from monitor.store.models import Response
from monitor.store.territory import load_reference

ROOT = Path(__file__).resolve().parents[2]
EXPORTS = ROOT / "tests" / "fixtures" / "exports"
MANIFEST: list[dict[str, Any]] = json.loads((EXPORTS / "manifest.json").read_text(encoding="utf-8"))
GOOD = [m for m in MANIFEST if m["expect"] == "imported"]
BROKEN = [m for m in MANIFEST if m["expect"] != "imported"]


def _builder():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_fixtures", ROOT / "tests" / "fixtures" / "build_fixtures.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def framework() -> Framework:
    return framework_or_raise(ROOT)


@pytest.fixture
def engine(db_url: str) -> Engine:
    engine = connect(db_url)
    load_reference(engine)
    return engine


def _fingerprint(engine: Engine) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every table: equal fingerprints mean nothing was written."""
    metadata = MetaData()
    metadata.reflect(engine)
    out = {}
    with engine.connect() as connection:
        for name, table in sorted(metadata.tables.items()):
            if name == "alembic_version":
                continue
            rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return out


SURVEYS = sorted({m["survey"] for m in GOOD})


@pytest.mark.parametrize("survey_id", SURVEYS)
def test_good_fixtures_import(engine: Engine, framework: Framework, survey_id: str) -> None:
    """Every format of one instrument into one database (each format holds different answers)."""
    failures = []
    for entry in (m for m in GOOD if m["survey"] == survey_id):
        report = import_file(engine, framework, survey_id, EXPORTS / entry["file"], synthetic=True)
        got = (report.status, report.accepted, report.rejected, report.repeat_rows, [i.code for i in report.errors])
        want = ("imported", entry["accepted"], 0, entry["repeat_rows"], [])
        if got != want:
            failures.append(f"{entry['file']}: got {got}, want {want}; "
                            f"{[i.message_en for i in report.issues]} {report.rejected_rows[:2]}")
            continue
        again = import_file(engine, framework, survey_id, EXPORTS / entry["file"], synthetic=True)
        if (again.status, again.accepted) != ("already-imported", 0):
            failures.append(f"{entry['file']}: second import gave {again.status}, {again.accepted} accepted")
    assert not failures, "\n".join(failures)
    with engine.connect() as connection:
        stored = connection.execute(select(func.count()).select_from(Response).where(
            Response.instrument_id == survey_id, Response.parent_id.is_(None))).scalar_one()  # type: ignore[union-attr]
    assert stored == sum(m["accepted"] for m in GOOD if m["survey"] == survey_id)


def test_broken_fixtures_are_refused_cleanly(engine: Engine, framework: Framework) -> None:
    failures = []
    for entry in BROKEN:
        before = _fingerprint(engine)
        report = import_file(engine, framework, entry["survey"], EXPORTS / entry["file"])
        codes = [i.code for i in report.issues]
        problems = []
        if "ingest-internal" in codes:  # a known problem, never "something went wrong"
            problems.append("internal error")
        if not report.issues and not report.rejected_rows:
            problems.append("no message at all")
        if entry["code"] and entry["code"] not in codes:
            problems.append(f"expected {entry['code']}")
        if entry["expect"] == "refused" and (report.status != "refused" or report.batch is not None
                                             or _fingerprint(engine) != before):
            problems.append(f"not refused whole ({report.status}, batch {report.batch})")
        if problems:
            failures.append(f"{entry['file']}: {'; '.join(problems)}; issues: {codes}")
    assert not failures, "\n".join(failures)


def test_ten_megabyte_cell_gets_a_message(tmp_path: Path, engine: Engine, framework: Framework) -> None:
    """Generated here, never committed: a Kobo CSV whose free-text answer is 10 MB long."""
    source = (EXPORTS / "good" / "hromada-officials_kobo-xml-both.csv").read_text(encoding="utf-8")
    header, first, *rest = source.splitlines()
    cells = first.split(";")
    cells[header.split(";").index('"interviewer_org"')] = '"' + "Б" * (5 * 1024 * 1024) + '"'
    path = tmp_path / "huge_cell.csv"
    path.write_text("\n".join([header, ";".join(cells), *rest]) + "\n", encoding="utf-8")
    assert path.stat().st_size > 10 * 1024 * 1024
    before = _fingerprint(engine)
    report = import_file(engine, framework, "hromada-officials", path)
    assert "ingest-internal" not in [i.code for i in report.issues]
    assert report.issues or report.rejected_rows, "the huge cell gets a message"
    if report.status == "refused":
        assert _fingerprint(engine) == before
    else:  # the row with the huge cell is rejected, the others are taken
        assert report.rejected >= 1
        with engine.connect() as connection:
            stored = connection.execute(select(func.count()).select_from(Response)).scalar_one()
        assert stored == report.accepted


# --------------------------------------------------------------------------- committed == fresh build


def _xlsx_content(path: Path) -> list[tuple[str, list[tuple[Any, ...]]]]:
    book = openpyxl.load_workbook(path)
    return [(sheet.title, list(sheet.iter_rows(values_only=True))) for sheet in book.worksheets]


def _zip_content(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in sorted(archive.namelist())}


def test_committed_fixtures_equal_a_fresh_build(tmp_path: Path, framework: Framework) -> None:
    fresh = _builder().build(tmp_path, framework)
    assert fresh == MANIFEST
    for entry in MANIFEST:
        committed, built = EXPORTS / entry["file"], tmp_path / entry["file"]
        if committed.suffix == ".xlsx" and entry["expect"] == "imported":
            assert _xlsx_content(committed) == _xlsx_content(built), entry["file"]
        elif committed.suffix == ".zip":
            assert _zip_content(committed) == _zip_content(built), entry["file"]
        else:
            assert committed.read_bytes() == built.read_bytes(), entry["file"]


def test_fixtures_stay_small_and_cover_every_instrument_and_format(framework: Framework) -> None:
    size = sum(p.stat().st_size for p in EXPORTS.rglob("*") if p.is_file())
    assert size < 2 * 1024 * 1024
    formats = set(_builder().FORMATS)
    covered = {(m["survey"], m["format"]) for m in GOOD}
    assert covered == {(s, f) for s in framework.surveys for f in formats}
    assert len(BROKEN) >= 20
