"""The Data page's collection-server panel: "sync now" only for those who may import into the source's
oblast (roles as for imports), through the guard, logged; the guard refuses anyone else."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from auth_kit import OTHER, OWN, PASSWORD, World, last_entry
from streamlit.testing.v1 import AppTest

from monitor.auth import guard
from monitor.auth.models import ROLES
from monitor.auth.roles import MATRIX
from monitor.errors import MonitorError
from monitor.i18n import t
from monitor.ingest.sources.config import SourceSpec
from monitor.ingest.sources.registry import add_source, get_source, list_sources, remove_source
from monitor.store.db import connect

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "ingest" / "sources"))
from sources_kit import ASSET, KOBO_TOKEN, Stand  # noqa: E402

APP = str(ROOT / "app.py")
DATA_PAGE = "src/monitor/dashboard/pages/data.py"
NAMES = {"admin": "admin", "coordinator": "coord53", "monitor": "monitor53", "viewer": "donor"}


@pytest.fixture
def servers(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stand]:
    stand = Stand("kobo")
    engine = connect(world.url)
    for name, oblast in (("kobo-own", OWN), ("kobo-other", OTHER), ("kobo-nowhere", None)):
        add_source(engine, SourceSpec(name=name, kind="kobo", survey_id="hromada-officials", url=stand.url,
                                      form=ASSET, token_ref="env:KOBO_TOKEN", oblast_code=oblast))
    monkeypatch.setenv("KOBO_TOKEN", KOBO_TOKEN)
    yield stand
    for name in ("kobo-own", "kobo-other", "kobo-nowhere"):
        remove_source(engine, name)
    stand.close()


@pytest.fixture
def app(world: World, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("MONITOR_DB", world.url)
    monkeypatch.setenv("MONITOR_FRAMEWORK", str(ROOT))
    monkeypatch.delenv("MONITOR_REQUIRE_LOGIN", raising=False)
    return AppTest.from_file(APP, default_timeout=120)


def log_in(at: AppTest, name: str) -> AppTest:
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(PASSWORD)
    next(b for b in at.button if b.key and b.key.startswith("FormSubmitter:login_form")).click()
    return at.run()


EXPECTED = {"admin": {"kobo-own", "kobo-other", "kobo-nowhere"}, "coordinator": {"kobo-own"},
            "monitor": {"kobo-own"}, "viewer": set()}


@pytest.mark.parametrize("role", ROLES)
def test_sync_now_only_for_the_sources_of_ones_oblasts(app: AppTest, world: World, servers: Stand, role: str) -> None:
    app.run()
    log_in(app, NAMES[role])
    app.switch_page(DATA_PAGE).run()
    assert not app.exception
    table = next(d.value for d in app.dataframe if t("sources.kind", "uk") in d.value.columns)
    assert set(table.iloc[:, 0]) == {"kobo-own", "kobo-other", "kobo-nowhere"}
    picker = [s for s in app.selectbox if s.key == "sources_pick"]
    offered = set(picker[0].options) if picker else set()
    assert offered == EXPECTED[role]
    assert bool(offered) == (MATRIX[role]["import"] != "no")
    if role != "coordinator":
        return
    picker[0].select("kobo-own")
    next(b for b in app.button if b.key == "sources_sync").click()
    app.run()
    assert not app.exception and app.success
    assert get_source(connect(world.url), "kobo-own").cursor is None  # the server has no submissions yet
    assert next(s for s in list_sources(connect(world.url)) if s["name"] == "kobo-own")["last_status"] == "ok"
    entry = last_entry(connect(world.url))
    assert (entry.actor, entry.action, entry.target, entry.outcome) == ("coord53", "source-sync", "kobo-own", "ok")
    assert KOBO_TOKEN not in repr(entry.detail)


@pytest.mark.parametrize("source", ["kobo-other", "kobo-nowhere"])
def test_the_guard_refuses_a_source_of_another_oblast(world: World, servers: Stand, source: str) -> None:
    engine = connect(world.url)
    with pytest.raises(MonitorError) as refused:
        guard.sync_as(engine, world.framework, world.user("coordinator"), source)
    assert refused.value.issues[0].code == "forbidden"
    entry = last_entry(engine)
    assert (entry.actor, entry.outcome, entry.target) == ("coord53", "refused", source)
    assert not servers.requests  # nothing reached the server
