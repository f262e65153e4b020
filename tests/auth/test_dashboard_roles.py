"""The permission matrix through the dashboard (AppTest): log in as each role and look at what appears.

The database holds real (non-synthetic) imports, so every page asks for a login first.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from auth_kit import OTHER, OWN, PASSWORD, World, audit_count
from streamlit.testing.v1 import AppTest

from monitor.auth import audit
from monitor.auth.models import ROLES
from monitor.auth.roles import ACTIONS, MATRIX
from monitor.i18n import t

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
DATA_PAGE = "src/monitor/dashboard/pages/data.py"
NAMES = {"admin": "admin", "coordinator": "coord53", "monitor": "monitor53", "viewer": "donor"}


@pytest.fixture
def app(world: World, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("MONITOR_DB", world.url)
    monkeypatch.setenv("MONITOR_FRAMEWORK", str(ROOT))
    monkeypatch.delenv("MONITOR_REQUIRE_LOGIN", raising=False)
    return AppTest.from_file(APP, default_timeout=120)


def log_in(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    next(b for b in at.button if b.key and b.key.startswith("FormSubmitter:login_form")).click()
    return at.run()


def shows_login(at: AppTest) -> bool:
    return any(t.key == "login_password" for t in at.text_input)


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_a_database_with_real_imports_asks_for_a_login_and_shows_nothing_else(app: AppTest) -> None:
    app.run()
    no_exception(app)
    assert shows_login(app)
    assert not app.dataframe and not app.get("plotly_chart") and not app.metric


@pytest.mark.parametrize("params", [{"role": "admin"}, {"user": "admin"}, {"role": "admin", "user": "admin", "oblast": OTHER}])
def test_role_escalation_through_query_parameters_is_ignored_and_logged(app: AppTest, world: World,
                                                                        params: dict[str, str]) -> None:
    before = audit_count(world.engine)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    no_exception(app)
    assert shows_login(app) and not app.dataframe
    entry = next(e for e in audit.entries(world.engine, audit_count(world.engine) - before) if e.action == "url-parameter")
    assert entry.outcome == "refused"
    # Logged in as a viewer with ?role=admin: still a viewer (no import form).
    log_in(app, "donor")
    no_exception(app)
    app.switch_page(DATA_PAGE).run()
    assert not app.get("file_uploader")


def test_wrong_password_is_refused_on_the_page_and_logged(app: AppTest, world: World) -> None:
    app.run()
    log_in(app, "donor", "not the password")
    no_exception(app)
    assert shows_login(app) and app.error and not app.dataframe
    entry = audit.entries(world.engine, 1)[0]
    assert (entry.actor, entry.action, entry.outcome) == ("donor", "login", "failed")


@pytest.mark.parametrize("role", ROLES)
def test_each_role_logs_in_and_sees_what_the_matrix_allows(app: AppTest, world: World, role: str) -> None:
    app.run()
    log_in(app, NAMES[role])
    no_exception(app)
    assert not shows_login(app)
    assert app.session_state["auth_user_id"] == world.user(role).id
    # view-aggregates: every role gets the overview's charts.
    assert app.get("plotly_chart")
    app.switch_page(DATA_PAGE).run()
    no_exception(app)
    # import: the upload form only for roles that may import.
    assert bool(app.get("file_uploader")) == (MATRIX[role]["import"] != "no")
    # import history: file names and who imported only for roles that import or see rejected rows.
    details = MATRIX[role]["import"] != "no" or MATRIX[role]["view-rejected-rows"] != "no"
    when = t("dashboard.col.when", "uk")
    histories = [frame.value for frame in app.dataframe if when in frame.value.columns]
    assert histories, "the import history table is shown to every role"
    assert (t("dashboard.col.file", "uk") in histories[0].columns) == details
    assert (t("dashboard.col.by", "uk") in histories[0].columns) == details


def _access_probe() -> None:
    """A one-widget app: the dashboard's door asked about every action, in the own and the other oblast."""
    import streamlit as st

    from monitor.auth.roles import ACTIONS
    from monitor.dashboard import access

    user = access.require()
    st.session_state["probe"] = {
        "role": access.role(),
        "audience": access.audience(),
        "own": {a: access.can(a, "UA53000000000028050") for a in ACTIONS},
        "other": {a: access.can(a, "UA35000000000016081") for a in ACTIONS},
        "user": None if user is None else user.name,
    }
    st.write("probe done")


@pytest.mark.parametrize("role", ROLES)
def test_every_cell_through_the_dashboards_door(world: World, monkeypatch: pytest.MonkeyPatch, role: str) -> None:
    monkeypatch.setenv("MONITOR_DB", world.url)
    monkeypatch.setenv("MONITOR_FRAMEWORK", str(ROOT))
    at = AppTest.from_function(_access_probe, default_timeout=60).run()
    assert shows_login(at) and "probe" not in at.session_state
    log_in(at, NAMES[role])
    no_exception(at)
    probe = at.session_state["probe"]
    assert probe["role"] == role and probe["user"] == NAMES[role]
    # The audience key names what the person may see (data.principal turns it into the user guard.results_for reads with).
    if MATRIX[role]["view-detail"] == "yes":
        assert probe["audience"] == "internal"
    else:
        assert probe["audience"].startswith(f"{role}:")
        assert (OWN in probe["audience"]) == (MATRIX[role]["view-detail"] == "scoped")
    for action in ACTIONS:
        assert probe["own"][action] == (MATRIX[role][action] in ("yes", "scoped")), (role, action)
        assert probe["other"][action] == (MATRIX[role][action] == "yes"), (role, action)


def test_session_times_out(app: AppTest, world: World) -> None:
    app.run()
    log_in(app, "admin")
    assert not shows_login(app)
    app.session_state["auth_last_seen"] = app.session_state["auth_last_seen"] - timedelta(minutes=31)
    app.run()
    no_exception(app)
    assert shows_login(app) and app.warning
    entry = audit.entries(world.engine, 1)[0]
    assert (entry.actor, entry.action) == ("admin", "session-expired")


def test_open_demo_needs_no_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database without real imports (here: empty) runs open; MONITOR_REQUIRE_LOGIN=1 closes it."""
    monkeypatch.setenv("MONITOR_DB", f"sqlite:///{tmp_path}/empty.db")
    monkeypatch.setenv("MONITOR_FRAMEWORK", str(ROOT))
    at = AppTest.from_function(_access_probe, default_timeout=60).run()
    no_exception(at)
    assert not shows_login(at)
    assert at.session_state["probe"]["role"] == "demo" and at.session_state["probe"]["audience"] == "public"
    monkeypatch.setenv("MONITOR_REQUIRE_LOGIN", "1")
    at = AppTest.from_function(_access_probe, default_timeout=60).run()
    assert shows_login(at) and "probe" not in at.session_state


@pytest.mark.parametrize("role", ROLES)
def test_rejected_rows_on_the_data_page_follow_the_matrix(app: AppTest, world: World, role: str) -> None:
    app.run()
    log_in(app, NAMES[role])
    app.switch_page(DATA_PAGE).run()
    no_exception(app)
    picker = [s for s in app.selectbox if s.key == "batch_pick"]
    grant = MATRIX[role]["view-rejected-rows"]
    if grant == "no":
        assert not picker
        return
    assert picker
    options = set(picker[0].options)
    assert f"#{world.batch_own}" in " ".join(options)
    assert (f"#{world.batch_other} " in " ".join(options)) == (grant == "yes")


HROMADA_PAGE = "src/monitor/dashboard/pages/hromada.py"
OTHER_HROMADA = "UA35020010000028961"


# The hromada page reads results through guard.results_for and answers through the matrix.
@pytest.mark.parametrize("role", ["viewer", "monitor", "coordinator"])
def test_no_answers_of_another_oblasts_hromada_by_url(app: AppTest, role: str) -> None:
    app.query_params["hromada"] = OTHER_HROMADA
    app.query_params["oblast"] = OTHER
    app.run()
    log_in(app, NAMES[role])
    app.switch_page(HROMADA_PAGE).run()
    no_exception(app)
    assert not app.table, "answers or hromada detail of UA35 reached a user without that right"


@pytest.mark.parametrize("role", ROLES)
def test_audit_log_tab_only_for_admins(app: AppTest, world: World, role: str) -> None:
    app.run()
    log_in(app, NAMES[role])
    app.switch_page(DATA_PAGE).run()
    no_exception(app)
    audit_tables = [d for d in app.dataframe if {"actor", "action", "outcome"} <= set(d.value.columns)]
    labels = [tab.label for tab in app.tabs]
    assert (("Журнал аудиту" in labels) or ("Audit log" in labels)) == (MATRIX[role]["view-audit"] == "yes")
    if MATRIX[role]["view-audit"] == "yes":
        assert audit_tables and len(audit_tables[0].value) > 0
    else:
        assert not audit_tables
