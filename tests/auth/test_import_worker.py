"""Dashboard imports run in a memory-limited worker process (monitor.auth.import_worker): the guard's
rules hold there (scope, audit), and a worker that runs out of memory fails its own import with the
bilingual `ingest-too-big` while the calling process (the dashboard server) carries on."""

from __future__ import annotations

from pathlib import Path

import pytest
from auth_kit import OTHER, OWN, ROOT, World, audit_count, last_entry, rows_in, write_export
from sqlalchemy import func, select
from sqlmodel import Session

from monitor.auth.import_worker import import_in_worker
from monitor.errors import MonitorError
from monitor.store.models import Response


def responses(world: World) -> int:
    with Session(world.engine) as session:
        return int(session.exec(select(func.count()).select_from(Response)).one()[0])


def test_admin_dry_run_in_the_worker_reads_the_file_and_writes_nothing(world: World, tmp_path: Path) -> None:
    before = responses(world)
    path = write_export(tmp_path / "again.csv", rows_in(OWN))
    report = import_in_worker(world.url, str(ROOT), world.user("admin").id, "hromada-officials", path, dry_run=True)
    assert report.rows == len(rows_in(OWN)) and not report.refused
    assert responses(world) == before


def test_the_guard_holds_inside_the_worker(world: World, tmp_path: Path) -> None:
    before = audit_count(world.engine)
    path = write_export(tmp_path / "elsewhere.csv", rows_in(OTHER))
    with pytest.raises(MonitorError) as refused:
        import_in_worker(world.url, str(ROOT), world.user("coordinator").id, "hromada-officials", path)
    assert refused.value.issues[0].code == "forbidden"
    assert audit_count(world.engine) == before + 1
    entry = last_entry(world.engine)
    assert (entry.actor, entry.action, entry.outcome) == ("coord53", "import", "refused")


@pytest.mark.slow  # writes and reads 60,000 rows
def test_a_worker_out_of_memory_fails_its_own_import(world: World, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # 60,000 rows (within every reader cap) need a few hundred MB of working memory; allow 32.
    monkeypatch.setenv("MONITOR_IMPORT_MEMORY_MB", "32")
    before = responses(world)
    rows = rows_in(OWN)
    many = [{**rows[k % len(rows)], "_uuid": f"bulk-{k}"} for k in range(60_000)]
    path = write_export(tmp_path / "many.csv", many)
    report = import_in_worker(world.url, str(ROOT), world.user("admin").id, "hromada-officials", path)
    assert report.refused and [i.code for i in report.issues] == ["ingest-too-big"]
    assert "Nothing was imported" in report.issues[0].message_en
    assert "Нічого не імпортовано" in report.issues[0].message_uk
    assert responses(world) == before
    # The caller is unharmed: the next import, with the default limit, works.
    monkeypatch.delenv("MONITOR_IMPORT_MEMORY_MB")
    small = write_export(tmp_path / "small.csv", rows_in(OWN))
    again = import_in_worker(world.url, str(ROOT), world.user("admin").id, "hromada-officials", small, dry_run=True)
    assert not again.refused


@pytest.mark.slow  # a 40,000-row import in the worker
@pytest.mark.usefixtures("production_argon2")  # real logins: each spends its hash time as a user's would
def test_logins_keep_working_while_an_import_writes(tmp_path: Path) -> None:
    """A 40,000-row import runs in the worker; meanwhile people log in, each within a few seconds."""
    import threading
    import time

    from auth_kit import PASSWORD, build_world

    from monitor.auth import sessions

    world = build_world(f"sqlite:///{tmp_path}/busy.db", tmp_path)
    rows = rows_in(OWN)
    path = write_export(tmp_path / "busy.csv", [rows[k % len(rows)] for k in range(40_000)])
    done: dict[str, object] = {}

    def run_import() -> None:
        done["report"] = import_in_worker(world.url, str(ROOT), world.user("admin").id, "hromada-officials", path)

    worker = threading.Thread(target=run_import)
    worker.start()
    waits = []
    while worker.is_alive():
        started = time.perf_counter()
        assert sessions.login(world.engine, "donor", PASSWORD, "192.0.2.7", sleep=lambda _: None).name == "donor"
        waits.append(time.perf_counter() - started)
        time.sleep(0.2)
    worker.join()
    report = done["report"]
    assert not report.refused and report.accepted > 30_000  # type: ignore[attr-defined]
    assert len(waits) >= 3 and max(waits) < 10.0, waits
