"""The typed columnar copy (monitor.engine.columnar): read instead of the documents only while it matches
them, identical frames and results either way, and consistent whatever kills an import."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from engine_places import H1, H2, H4
from sqlalchemy.engine import Engine

from monitor.engine import columnar, compute, frames, refresh_copies
from monitor.framework.models import Framework

ROOT = Path(__file__).resolve().parents[2]


def _rows(count: int, start: int = 0) -> list[dict]:
    places = [H1, H2, H4]
    return [
        {"hromada": places[k % 3], "wave": "2022", "date": f"2022-0{1 + k % 6}-15",
         "answers": {"wave": "2022", "date": f"2022-0{1 + k % 6}-15", "focal": "yes" if k % 3 else "no",
                     "sex": "f" if k % 2 else "m", "spend": 100.0 + k, "events": k % 7, "services": "legal medical"},
         "children": [{"answers": {"decision": "granted" if k % 2 else "refused", "days": 3 + k % 9}}]}
        for k in range(start, start + count)
    ]


@pytest.fixture
def store(make_engine: Callable[[], Engine], framework: Framework, tmp_path: Path,
          monkeypatch: pytest.MonkeyPatch) -> Engine:
    # One folder for both databases: PostgreSQL has none of its own (engine_folder says why).
    monkeypatch.setenv("MONITOR_CACHE_DIR", str(tmp_path / "cache"))
    frames.clear_frames()
    return make_engine()


def _documents(engine: Engine, framework: Framework, repeat: str | None = None) -> pd.DataFrame:
    return frames.read_documents(frames.DbSource(engine), framework.surveys["hs"], repeat, fast=False)


@pytest.mark.parametrize("repeat", [None, "cases"])
def test_the_copy_is_written_on_first_read_and_read_instead_of_the_documents(
    store: Engine, framework: Framework, add_responses: Callable[..., int], repeat: str | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_responses(store, "hs", _rows(30))
    survey = framework.surveys["hs"]
    first = frames.load_frame(store, survey, repeat, reuse=False)
    fingerprint = frames.db_fingerprint(store)
    path = columnar.copy_path(columnar.engine_folder(store), str(fingerprint[0]), survey, repeat)  # type: ignore[arg-type]
    assert columnar.is_current(path, fingerprint)

    def no_documents(*_: object, **__: object) -> pd.DataFrame:
        raise AssertionError("the documents were parsed although the copy is current")

    monkeypatch.setattr(frames, "read_documents", no_documents)
    again = frames.load_frame(store, survey, repeat, reuse=False)
    monkeypatch.undo()
    pd.testing.assert_frame_equal(again, first)
    pd.testing.assert_frame_equal(again, _documents(store, framework, repeat))


def test_an_import_makes_the_copy_stale_and_the_new_rows_are_read(
    store: Engine, framework: Framework, add_responses: Callable[..., int],
) -> None:
    add_responses(store, "hs", _rows(20))
    survey = framework.surveys["hs"]
    assert len(frames.load_frame(store, survey, reuse=False)) == 20
    old = frames.db_fingerprint(store)
    add_responses(store, "hs", _rows(5, start=20))
    path = columnar.copy_path(columnar.engine_folder(store), str(old[0]), survey, None)  # type: ignore[arg-type]
    assert not columnar.is_current(path, frames.db_fingerprint(store))
    fresh = frames.load_frame(store, survey, reuse=False)
    assert len(fresh) == 25
    pd.testing.assert_frame_equal(fresh, _documents(store, framework))
    assert columnar.is_current(path, frames.db_fingerprint(store))  # and the next reader has a copy again


def test_results_are_identical_with_and_without_the_copy(
    store: Engine, framework: Framework, add_responses: Callable[..., int], monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_responses(store, "hs", _rows(60))
    written = refresh_copies(store, list(framework.surveys.values()))
    assert len(written) == 3  # hs, its repeat 'cases', sv (empty)
    assert refresh_copies(store, list(framework.surveys.values())) == []  # current copies are kept
    with_copy = {level: compute(store, framework, level=level, period="quarter") for level in ("oblast", "hromada")}
    monkeypatch.setenv("MONITOR_COLUMNAR", "0")
    frames.clear_frames()
    for level, results in with_copy.items():
        pd.testing.assert_frame_equal(compute(store, framework, level=level, period="quarter"), results)


def test_switched_off_or_unwritable_the_engine_reads_the_documents(
    store: Engine, framework: Framework, add_responses: Callable[..., int], monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    add_responses(store, "hs", _rows(10))
    survey = framework.surveys["hs"]
    monkeypatch.setenv("MONITOR_COLUMNAR", "off")
    frames.load_frame(store, survey, reuse=False)
    assert not (tmp_path / "cache" / columnar.SUBFOLDER).exists()
    monkeypatch.delenv("MONITOR_COLUMNAR")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / columnar.SUBFOLDER).write_text("a file where the folder would be")  # mkdir fails
    pd.testing.assert_frame_equal(frames.load_frame(store, survey, reuse=False), _documents(store, framework))


def test_a_postgresql_database_without_a_cache_folder_has_no_copy(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.store import db as store_db

    monkeypatch.delenv("MONITOR_CACHE_DIR", raising=False)
    assert columnar.engine_folder(store_db.connect(pg_url)) is None


def test_a_copy_of_another_definition_or_database_is_never_read(
    store: Engine, framework: Framework, add_responses: Callable[..., int], tmp_path: Path,
) -> None:
    add_responses(store, "hs", _rows(10))
    survey = framework.surveys["hs"]
    folder = columnar.engine_folder(store)
    assert folder is not None
    changed = survey.model_copy(update={"min_n": survey.min_n + 1})
    identity = frames.database_identity(store)
    assert columnar.copy_path(folder, identity, survey, None) != columnar.copy_path(folder, identity, changed, None)
    assert columnar.copy_path(folder, identity, survey, None) != columnar.copy_path(folder, "other", survey, None)
    # A copy moved under another database's state is refused by its fingerprint.
    frames.load_frame(store, survey, reuse=False)
    path = columnar.copy_path(folder, identity, survey, None)
    assert columnar.read_copy(path, ("other", *frames.db_fingerprint(store)[1:])) is None


def test_the_demo_gives_the_same_results_from_the_copy_as_from_the_documents(
    demo_copy: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from monitor.framework.loader import framework_or_raise
    from monitor.store import db as store_db

    monkeypatch.delenv("MONITOR_CACHE_DIR", raising=False)
    framework = framework_or_raise(ROOT)
    engine = store_db.connect(demo_copy)
    refresh_copies(engine, list(framework.surveys.values()))
    fingerprint = frames.db_fingerprint(engine)
    folder = columnar.engine_folder(engine)
    assert folder is not None
    for survey in framework.surveys.values():
        for repeat in frames.repeats_of(survey):
            path = columnar.copy_path(folder, str(fingerprint[0]), survey, repeat)
            documents = frames.read_documents(frames.DbSource(engine), survey, repeat, fast=False)
            pd.testing.assert_frame_equal(columnar.read_copy(path, fingerprint), documents)  # type: ignore[arg-type]
    frames.clear_frames()
    cases = [("oblast", "year"), ("hromada", "quarter"), ("all", "wave")]
    with_copy = [compute(engine, framework, level=level, period=period) for level, period in cases]
    monkeypatch.setenv("MONITOR_COLUMNAR", "0")
    frames.clear_frames()
    for (level, period), results in zip(cases, with_copy, strict=True):
        pd.testing.assert_frame_equal(compute(engine, framework, level=level, period=period), results)


# --------------------------------------------------------------------------- killed imports

_CHILD = """
import os, signal, sys
from pathlib import Path
from monitor.engine import columnar, refresh_copies
from monitor.framework.loader import framework_or_raise
from monitor.ingest import import_file
from monitor.store import db

url, export, mode = sys.argv[1:4]
if mode == "die-while-writing-the-copy":
    real = columnar.pq.write_table
    def half_then_die(table, where, **options):
        real(table.slice(0, max(1, len(table) // 2)), where, **options)  # a partial temporary file...
        os.kill(os.getpid(), signal.SIGKILL)  # ...and the process dies before the rename
    columnar.pq.write_table = half_then_die
engine = db.connect(url)
framework = framework_or_raise(Path(sys.argv[4]))
report = import_file(engine, framework, "hromada-officials", Path(export))
assert report.accepted, report.issues
refresh_copies(engine, [framework.surveys["hromada-officials"]])  # as the import worker does after the commit
print("finished", flush=True)
"""


def _export(path: Path, rows: int) -> Path:
    """A Kobo export of `rows` submissions, from the good fixture's rows with fresh submission ids."""
    source = ROOT / "tests" / "fixtures" / "exports" / "good" / "hromada-officials_kobo-xml-single.csv"
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        header, body = list(reader.fieldnames or []), list(reader)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, delimiter=";", quoting=csv.QUOTE_ALL)
        writer.writeheader()
        for k in range(rows):
            writer.writerow({**body[k % len(body)], "_id": str(10_000_000 + k), "_uuid": f"kill-{path.stem}-{k}"})
    return path


def _consistent(url: str, framework: Framework) -> tuple[int, bool]:
    """(responses, whether the copy was current): the engine's frame equals the documents either way."""
    from monitor.store import db as store_db

    engine = store_db.connect(url)
    survey = framework.surveys["hromada-officials"]
    fingerprint = frames.db_fingerprint(engine)
    folder = columnar.engine_folder(engine)
    assert folder is not None
    path = columnar.copy_path(folder, str(fingerprint[0]), survey, None)
    current = columnar.is_current(path, fingerprint)
    documents = frames.read_documents(frames.DbSource(engine), survey, None, fast=False)
    if current:
        pd.testing.assert_frame_equal(columnar.read_copy(path, fingerprint), documents)  # type: ignore[arg-type]
    frames.clear_frames()
    pd.testing.assert_frame_equal(frames.load_frame(engine, survey, reuse=False), documents)
    assert columnar.is_current(path, fingerprint)  # whatever was there, the next reader has a copy
    count = len(documents)
    store_db.close(url)
    return count, current


@pytest.mark.slow  # seven import processes, five of them killed
def test_a_kill_during_import_leaves_documents_and_copy_consistent(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.framework.loader import framework_or_raise
    from monitor.ingest import import_file
    from monitor.store import db as store_db

    monkeypatch.delenv("MONITOR_CACHE_DIR", raising=False)  # the copy beside each database file
    framework = framework_or_raise(ROOT)
    base = tmp_path / "base"
    base.mkdir()
    base_url = f"sqlite:///{base}/monitor.db"
    engine = store_db.connect(base_url)
    assert import_file(engine, framework, "hromada-officials", _export(tmp_path / "first.csv", 50)).accepted
    assert refresh_copies(engine, [framework.surveys["hromada-officials"]])
    store_db.close(base_url)
    with sqlite3.connect(base / "monitor.db") as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = _consistent(base_url, framework)
    assert before == (50, True)
    export = _export(tmp_path / "second.csv", 6000)
    script = tmp_path / "child.py"
    script.write_text(_CHILD, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}

    def run(name: str, mode: str, kill_after: float | None) -> tuple[str, float, str]:
        folder = tmp_path / name
        shutil.copytree(base, folder)
        url = f"sqlite:///{folder}/monitor.db"
        # A copy is keyed by its database's path: this one gets its own, current before the import.
        assert refresh_copies(store_db.connect(url), [framework.surveys["hromada-officials"]])
        store_db.close(url)
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, str(script), url, str(export), mode, str(ROOT)], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if kill_after is not None:
            try:
                child.wait(timeout=kill_after)
            except subprocess.TimeoutExpired:
                child.send_signal(signal.SIGKILL)
        out, err = child.communicate(timeout=300)
        return url, time.perf_counter() - started, out + err

    url, whole, output = run("whole", "normal", None)
    assert "finished" in output, output
    assert _consistent(url, framework) == (6050, True)

    outcomes = set()
    for fraction in (0.2, 0.4, 0.6, 0.8, 0.95):
        url, _, output = run(f"killed-{fraction}", "normal", whole * fraction)
        count, current = _consistent(url, framework)
        assert count in (50, 6050), (fraction, count)  # all or nothing
        outcomes.add((count, current, "finished" in output))
    # Killed in the window after the commit, during the copy's write: the old copy is stale and is not
    # read; the documents are, and a fresh copy is written for the next reader (checked in _consistent).
    url, _, output = run("killed-writing", "die-while-writing-the-copy", None)
    assert "finished" not in output
    folder = Path(url.removeprefix("sqlite:///")).parent / "cache" / columnar.SUBFOLDER
    assert list(folder.glob(".*.tmp")), "the killed write leaves its temporary file"
    assert _consistent(url, framework) == (6050, False)
    assert columnar.remove_leftovers(folder.parent, older_than_s=0) == 1
    assert (50, True, False) in outcomes, outcomes  # at least one kill landed before the commit


@pytest.mark.slow  # a generated 100,000-response database, every level computed twice
def test_the_copy_path_gives_the_documents_results_on_100k_responses(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import bench_engine
    finally:
        sys.path.remove(str(ROOT / "bench"))
    from monitor.framework.loader import framework_or_raise
    from monitor.store import db as store_db

    monkeypatch.delenv("MONITOR_CACHE_DIR", raising=False)
    path = tmp_path / "100k.db"
    bench_engine.generate(path, 100_000, seed=11)
    framework = framework_or_raise(ROOT)
    engine = store_db.connect(f"sqlite:///{path}")
    assert len(refresh_copies(engine, list(framework.surveys.values()))) >= len(framework.surveys)
    frames.clear_frames()
    with_copy = {level: compute(engine, framework, level=level, period="quarter") for level in ("oblast", "hromada")}
    monkeypatch.setenv("MONITOR_COLUMNAR", "0")
    frames.clear_frames()
    for level, results in with_copy.items():
        assert len(results) > 1000
        pd.testing.assert_frame_equal(compute(engine, framework, level=level, period="quarter"), results)
    store_db.close(f"sqlite:///{path}")


def test_monitor_columnar_rebuild_writes_every_copy_again(demo_copy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from monitor.cli import _register
    from monitor.cli.app import app

    monkeypatch.delenv("MONITOR_CACHE_DIR", raising=False)
    _register()
    folder = Path(demo_copy.removeprefix("sqlite:///")).parent / "cache" / columnar.SUBFOLDER
    stale = folder / ".left-by-a-killed-write.tmp"
    folder.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(b"half a file")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    result = CliRunner().invoke(app, ["columnar", "rebuild", "--db", demo_copy, "--framework", str(ROOT)])
    assert result.exit_code == 0, result.output
    from monitor.framework.loader import framework_or_raise

    expected = sum(len(frames.repeats_of(s)) for s in framework_or_raise(ROOT).surveys.values())
    written = sorted(folder.glob("*.parquet"))
    assert len(written) == expected == 8  # seven instruments and the status procedure's cases
    assert f"{expected} copies written" in result.output and f"Записано копій: {expected}" in result.output
    assert not stale.exists()
    mtimes = {p: p.stat().st_mtime_ns for p in written}
    again = CliRunner().invoke(app, ["columnar", "rebuild", "--db", demo_copy, "--framework", str(ROOT)])
    assert again.exit_code == 0 and all(p.stat().st_mtime_ns != m for p, m in mtimes.items())


def test_the_copy_is_owner_only_and_never_written_through_a_planted_link(
    store: Engine, framework: Framework, add_responses: Callable[..., int], tmp_path: Path,
) -> None:
    import stat

    add_responses(store, "hs", _rows(10))
    survey = framework.surveys["hs"]
    fingerprint = frames.db_fingerprint(store)
    folder = columnar.engine_folder(store)
    assert folder is not None
    path = columnar.copy_path(folder, str(fingerprint[0]), survey, None)
    path.parent.mkdir(parents=True, mode=0o700)
    victim = tmp_path / "elsewhere.txt"
    victim.write_text("not the monitor's to overwrite")
    path.symlink_to(victim)
    frames.load_frame(store, survey, reuse=False)
    assert victim.read_text() == "not the monitor's to overwrite"
    assert not path.is_symlink() and columnar.is_current(path, fingerprint)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
