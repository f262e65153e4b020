"""Every cell of the permission matrix, enforced on the data layer with real users in a real database.

For each role × action the real guarded function runs twice: in the user's own oblast (UA53) and in
another (UA35). 'yes' must pass both, 'scoped' only the own oblast, 'no' neither; every refusal must
raise 'forbidden' and be in the audit log.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from auth_kit import OTHER, OWN, PASSWORD, World, refused_and_logged, rows_in, write_export

from monitor.auth import accounts, guard
from monitor.auth.models import ROLES
from monitor.auth.roles import ACTIONS, MATRIX
from monitor.errors import MonitorError

HROMADA = {OWN: "UA53020010000035494", OTHER: "UA35020010000028961"}
_names = itertools.count(1)


def shown_to(w: World, user: Any, level: str) -> pd.DataFrame:
    """Results as the dashboard's one door (guard.results_for) hands them to this person."""
    return guard.results_for(w.engine, w.framework, user, level=level, period="wave")


def _visible(frame: pd.DataFrame, level: str, oblast: str) -> bool:
    return bool(((frame["level"] == level) & (frame["oblast_code"] == oblast)).any())


def probe_aggregates(w: World, user: Any, oblast: str) -> None:
    guard.authorize(w.engine, user, "view-aggregates", oblast)
    assert _visible(shown_to(w, user, "oblast"), "oblast", oblast)


def probe_detail(w: World, user: Any, oblast: str) -> None:
    shown = shown_to(w, user, "hromada")
    try:
        guard.authorize(w.engine, user, "view-detail", oblast)
    except MonitorError:
        assert not _visible(shown, "hromada", oblast), "refused detail still reached the results"
        raise
    assert _visible(shown, "hromada", oblast)
    small = shown[(shown["level"] == "hromada") & (shown["oblast_code"] == oblast) & shown["suppressed"]]
    assert small["value"].notna().all(), "staff with detail rights see the internal values"


def probe_responses(w: World, user: Any, oblast: str) -> None:
    frame = guard.responses_for_view(w.engine, user, "hromada-officials", oblast)
    assert not frame.empty and set(frame["oblast_code"]) == {oblast}


def probe_rejected(w: World, user: Any, oblast: str) -> None:
    frame = guard.rejected_rows(w.engine, user, w.batch_own if oblast == OWN else w.batch_other)
    assert len(frame) == 1


def probe_import(w: World, user: Any, oblast: str) -> None:
    path = write_export(w.folder / f"probe-{next(_names)}.csv", rows_in(oblast))
    report = guard.import_as(w.engine, w.framework, user, "hromada-officials", path)
    assert report.status == "imported", report.to_dict()


def probe_export_report(w: World, user: Any, oblast: str) -> None:
    guard.authorize(w.engine, user, "export-report", oblast)
    # What a report may contain comes through the same door: never a suppressed value in public rows.
    shown = shown_to(w, user, "oblast")
    if shown.attrs["audience"] == "public":
        assert shown.loc[shown["suppressed"].astype(bool), "value"].isna().all()


def probe_raw(w: World, user: Any, oblast: str) -> None:
    frame = guard.read_responses(w.engine, user, "hromada-officials", oblast)
    assert not frame.empty and set(frame["oblast_code"]) == {oblast}


def probe_users(w: World, user: Any, oblast: str) -> None:
    accounts.add_user(w.engine, user, f"new-{next(_names)}", "monitor", PASSWORD, [oblast])


def probe_framework(w: World, user: Any, oblast: str) -> None:
    guard.authorize(w.engine, user, "manage-framework", oblast)


def probe_audit(w: World, user: Any, oblast: str) -> None:
    assert guard.audit_entries(w.engine, user, 5)


PROBES: dict[str, Callable[[World, Any, str], None]] = {
    "view-aggregates": probe_aggregates,
    "view-detail": probe_detail,
    "view-responses": probe_responses,
    "view-rejected-rows": probe_rejected,
    "import": probe_import,
    "export-report": probe_export_report,
    "export-raw-responses": probe_raw,
    "manage-users": probe_users,
    "manage-framework": probe_framework,
    "view-audit": probe_audit,
}
CELLS = [(role, action, MATRIX[role][action]) for role in ROLES for action in ACTIONS]


def test_every_action_has_a_probe() -> None:
    assert set(PROBES) == set(ACTIONS)


@pytest.mark.parametrize(("role", "action", "grant"), CELLS, ids=[f"{r}-{a}" for r, a, _ in CELLS])
def test_cell_on_the_data_layer(world: World, role: str, action: str, grant: str) -> None:
    user = world.user(role)
    probe = PROBES[action]
    for oblast, expected in ((OWN, grant in ("yes", "scoped")), (OTHER, grant == "yes")):
        if expected:
            probe(world, user, oblast)
        else:
            error = refused_and_logged(world.engine, lambda o=oblast: probe(world, user, o))
            assert error.issues[0].code == "forbidden"
            assert error.issues[0].message("uk") and error.issues[0].message("en")


@pytest.mark.parametrize("action", ACTIONS)
def test_anonymous_gets_what_a_viewer_gets(world: World, action: str) -> None:
    assert guard.allowed(None, action, OWN) == (MATRIX["viewer"][action] == "yes")


@pytest.mark.parametrize("role", ROLES)
def test_a_disabled_account_may_do_nothing(world: World, role: str) -> None:
    user = world.user(role).model_copy(update={"disabled": True})
    assert not any(guard.allowed(user, action, OWN) for action in ACTIONS)
    error = refused_and_logged(world.engine, lambda: guard.authorize(world.engine, user, "view-aggregates"))
    assert error.issues[0].code == "forbidden"


def test_a_coordinator_on_an_empty_database_gets_an_empty_table(tmp_path: Any) -> None:
    """A new installation: no answers yet. The sidebar asks for results and must get none, not an error."""
    from monitor.framework.loader import framework_or_raise
    from monitor.store import db as store_db
    from monitor.store.territory import load_reference

    engine = store_db.connect(f"sqlite:///{tmp_path / 'empty.db'}")
    load_reference(engine)
    coordinator = accounts.add_user(engine, None, "c-empty", "coordinator", PASSWORD, [OWN])
    shown = guard.results_for(engine, framework_or_raise(None), coordinator, level="oblast", period="year")
    assert shown.empty
