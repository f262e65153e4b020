"""A change of an approved round's answers through a server sync (an edit taken with on_edit=replace) is
refused as a re-import is: the stored answers stay as they were; after an unlock the edit goes in."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ingest" / "sources"))

from oversight_kit import prepare, round_spec, table_state
from sources_kit import KOBO_TOKEN, Stand, fast_limits, kobo_spec, make_framework

from monitor.auth.oversight import approve_round, unlock_round
from monitor.ingest.sources.registry import add_source
from monitor.ingest.sources.sync import sync_source
from monitor.oversight.rounds import define_round
from monitor.store.db import connect

ADMIN = SimpleNamespace(name="olena", role="admin", oblasts=[], disabled=False)


@pytest.fixture
def stand(monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KOBO_TOKEN", KOBO_TOKEN)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    server = Stand("kobo")
    yield server
    server.close()


def test_a_sync_edit_of_an_approved_round_is_refused(stand, sqlite_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = prepare(connect(sqlite_url))
    framework = make_framework(tmp_path / "fw")
    define_round(engine, round_spec("2022"))
    stand.add(3)
    name = add_source(engine, kobo_spec(stand, on_edit="replace")).name
    first = sync_source(engine, framework, name, limits=fast_limits())
    assert first.imported == 3
    approve_round(engine, ADMIN, "R2022", "under-review")
    approve_round(engine, ADMIN, "R2022", "approved")
    stand.edit(1, events="3")
    before = {k: v for k, v in table_state(engine).items() if k not in ("auditlog", "source")}
    refused = sync_source(engine, framework, name, limits=fast_limits())
    assert "round-approved" in {i.code for i in refused.issues}
    problem = next(i for i in refused.issues if i.code == "round-approved")
    assert "R2022" in problem.message_en and "затверджено" in problem.message_uk
    after = {k: v for k, v in table_state(engine).items() if k not in ("auditlog", "source")}
    assert after["response"] == before["response"]
    unlock_round(engine, ADMIN, "R2022", "The hromada corrected its answer on the server")
    taken = sync_source(engine, framework, name, limits=fast_limits())
    assert taken.replaced == 1
