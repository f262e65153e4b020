"""`monitor demo`: synthetic exports for every instrument, imported through the real pipeline."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from monitor.cli import _register
from monitor.cli.app import app
from monitor.demo.run import ensure_demo, run_demo, write_demo_files
from monitor.errors import MonitorError
from monitor.framework.loader import framework_or_raise
from monitor.framework.models import Framework
from monitor.ingest.pipeline import import_file
from monitor.store.db import connect
from monitor.store.models import ImportBatch, RejectedRow, Response
from monitor.store.territory import load_reference

ROOT = Path(__file__).resolve().parents[2]
GOOD_FIXTURE = ROOT / "tests" / "fixtures" / "exports" / "good" / "police_excel-cp1251.csv"


@pytest.fixture(scope="module")
def framework() -> Framework:
    return framework_or_raise(ROOT)


def _count(engine: Engine, model: type, *where: object) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model).where(*where)).scalar_one())


def test_demo_loads_every_instrument_with_deliberate_errors(db_url: str, tmp_path: Path,
                                                            framework: Framework) -> None:
    engine = connect(db_url)
    started = time.perf_counter()
    reports = run_demo(engine, framework, seed=2021, out_dir=tmp_path / "demo")
    seconds = time.perf_counter() - started
    assert seconds < 60

    files = sorted(p.name for p in (tmp_path / "demo").iterdir())
    assert len(files) == 2 * len(framework.surveys)
    assert {name.split("_")[0] for name in files} == set(framework.surveys)
    assert {name.split("_")[1] for name in files} == {"2021", "2022"}
    assert {p.rsplit(".", 1)[1] for p in files} == {"xlsx", "csv", "zip"}
    assert not [r.file for r in reports if r.status != "imported"]

    by_file = {r.file: r for r in reports}
    officials_2021 = by_file["hromada-officials_2021_kobo-labels.xlsx"]
    assert (officials_2021.rejected, officials_2021.duplicates) == (3, 1)
    assert all(row["code"].endswith("territory-unknown") for row in officials_2021.rejected_rows)
    assert {row["code"] for row in by_file["hromada-officials_2022_kobo-csv.csv"].rejected_rows} == {"ingest-constraint"}
    assert {row["code"] for row in by_file["job-seekers_2022_google-forms-en.csv"].rejected_rows} == {"ingest-required"}
    # real volumes (47-64 status grants a year in all Ukraine): a handful of cases in four oblasts, not hundreds
    assert 5 <= by_file["status-procedure_2022_odk-central.zip"].repeat_rows <= 40
    assert sum(r.consent_refused for r in reports) > 0

    stored = _count(engine, Response)
    assert stored == sum(r.accepted + r.repeat_rows for r in reports)
    assert _count(engine, Response, Response.synthetic.is_(False)) == 0  # type: ignore[attr-defined]
    assert _count(engine, ImportBatch, ImportBatch.synthetic.is_(False)) == 0  # type: ignore[attr-defined]

    # Idempotent: the same seed writes the same bytes, recognised as already imported.
    again = run_demo(engine, framework, seed=2021, out_dir=tmp_path / "demo")
    assert {r.status for r in again} == {"already-imported"}
    assert _count(engine, Response) == stored


def test_demo_refuses_a_database_with_real_imports(sqlite_url: str, tmp_path: Path, framework: Framework) -> None:
    engine = connect(sqlite_url)
    load_reference(engine)
    real = import_file(engine, framework, "police", GOOD_FIXTURE)
    assert real.status == "imported"
    before = (_count(engine, Response), _count(engine, ImportBatch), _count(engine, RejectedRow))
    with pytest.raises(MonitorError) as refused:
        run_demo(engine, framework, out_dir=tmp_path / "demo")
    assert refused.value.issues[0].code == "demo-real-data"
    assert (_count(engine, Response), _count(engine, ImportBatch), _count(engine, RejectedRow)) == before
    assert not (tmp_path / "demo").exists()


def test_demo_files_are_deterministic(tmp_path: Path, framework: Framework) -> None:
    def contents(seed: int, folder: str) -> list[bytes]:
        return [path.read_bytes() for _, path in write_demo_files(framework, seed, tmp_path / folder)]

    first = contents(7, "a")
    assert contents(7, "b") == first
    assert all(a != b for a, b in zip(contents(8, "c"), first, strict=True))


def test_old_demo_files_are_replaced(tmp_path: Path, framework: Framework) -> None:
    out = tmp_path / "demo"
    out.mkdir()
    (out / "police_2019_old.csv").write_text("old", encoding="utf-8")
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    write_demo_files(framework, 1, out)
    assert not (out / "police_2019_old.csv").exists()
    assert (out / "notes.txt").exists()


def test_ensure_demo_fills_only_an_empty_database(sqlite_url: str, tmp_path: Path, framework: Framework) -> None:
    engine = connect(sqlite_url)
    first = ensure_demo(engine, framework, out_dir=tmp_path / "demo")
    assert first and _count(engine, Response) > 0
    assert ensure_demo(engine, framework, out_dir=tmp_path / "demo") == []


def test_cli_demo_loads_an_empty_database_and_asks_for_the_public_tables(
        sqlite_url: str, tmp_path: Path, framework: Framework, monkeypatch: pytest.MonkeyPatch) -> None:
    """`monitor demo` on an empty database: the export files, their import, the oversight loop, and then the
    protected public tables, through `prepare_public_tables` — the very function `monitor serve`'s first run
    calls, through which this session's shared demo is built and its protected set audited
    (tests/demo_kit.py, tests/dashboard/test_server_config.py). Building a second set here would prove
    nothing more and cost a minute of the suite, so the call is recorded instead."""
    from monitor.cli import privacy as cli_privacy

    asked: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(cli_privacy, "prepare_public_tables",
                        lambda engine, loaded, quiet=False: asked.append((str(engine.url), sorted(loaded.surveys))))
    _register()
    result = CliRunner().invoke(app, ["demo", "--seed", "3", "--db", sqlite_url, "--framework", str(ROOT),
                                      "--out", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert "Демонстраційні (синтетичні) дані" in result.output and "Demo (synthetic) data" in result.output
    assert asked == [(sqlite_url, sorted(framework.surveys))]  # once, after the import, for this database
    assert len(list((tmp_path / "demo").iterdir())) == 2 * len(framework.surveys)
    engine = connect(sqlite_url)
    assert _count(engine, Response) > 0 and _count(engine, Response, Response.synthetic.is_(False)) == 0  # type: ignore[attr-defined]


def test_cli_demo_refuses_a_database_with_real_imports(sqlite_url: str, tmp_path: Path) -> None:
    _register()
    engine = connect(sqlite_url)
    load_reference(engine)
    import_file(engine, framework_or_raise(ROOT), "police", GOOD_FIXTURE)
    result = CliRunner().invoke(app, ["demo", "--seed", "3", "--db", sqlite_url, "--framework", str(ROOT),
                                      "--out", str(tmp_path / "demo")])
    assert result.exit_code == 1, result.output
    assert "demo-real-data" in result.output
    assert "справжніх" in result.output  # the refusal is bilingual
