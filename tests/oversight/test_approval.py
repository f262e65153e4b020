"""An approved round refuses a re-import and a change of its answers, with a bilingual message; an
admin's unlock, with its reason, is in the audit log; nobody else may unlock."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from oversight_kit import make_framework, official_rows, prepare, round_spec, table_state, write_csv

from monitor.auth import audit
from monitor.auth.guard import import_as
from monitor.auth.oversight import approve_round, unlock_round
from monitor.errors import MonitorError, render_issue
from monitor.ingest.pipeline import import_file
from monitor.oversight.rounds import define_round
from monitor.store.db import connect

ADMIN = SimpleNamespace(name="olena", role="admin", oblasts=[], disabled=False)
COORDINATOR = SimpleNamespace(name="petro", role="coordinator", oblasts=["UA35000000000016081"], disabled=False)


@pytest.fixture
def world(db_url, tmp_path):  # type: ignore[no-untyped-def]
    engine = prepare(connect(db_url))
    framework = make_framework(tmp_path / "fw")
    first = write_csv(tmp_path / "officials-1.csv", official_rows(3))
    report = import_file(engine, framework, "officials", first)
    assert report.status == "imported", [render_issue(i) for i in report.issues]
    return engine, framework, tmp_path


def approve(engine, user=ADMIN):  # type: ignore[no-untyped-def]
    approve_round(engine, user, "R2022", "under-review")
    approve_round(engine, user, "R2022", "approved")


def test_an_approved_round_refuses_new_answers_in_both_languages_and_writes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    engine, framework, tmp = world
    approve(engine)
    more = write_csv(tmp / "officials-2.csv", official_rows(2, start=10))
    before = table_state(engine)
    report = import_file(engine, framework, "officials", more)
    assert report.status == "refused"
    problem = next(i for i in report.issues if i.code == "round-approved")
    assert "R2022" in problem.message_en and "cannot be imported or changed" in problem.message_en
    assert "затверджено" in problem.message_uk and "не можна імпортувати" in problem.message_uk
    assert table_state(engine) == before


def test_a_reimport_of_the_same_rows_under_another_name_is_refused_too(world) -> None:  # type: ignore[no-untyped-def]
    engine, framework, tmp = world
    approve(engine)
    again = write_csv(tmp / "officials-copy.csv", official_rows(3) + official_rows(1, start=20))
    report = import_file(engine, framework, "officials", again)
    assert report.status == "refused" and report.issues[0].code == "round-approved"


def test_another_rounds_answers_still_import(world) -> None:  # type: ignore[no-untyped-def]
    engine, framework, tmp = world
    approve(engine)
    rows = [dict(r, wave="2021", date="14.03.2021") for r in official_rows(2, start=30)]
    report = import_file(engine, framework, "officials", write_csv(tmp / "officials-2021.csv", rows))
    assert report.status == "imported"


def test_the_definition_of_an_approved_round_cannot_change(world) -> None:  # type: ignore[no-untyped-def]
    engine, _, _ = world
    approve(engine)
    changed = round_spec("2022", instruments=("officials", "police"))
    with pytest.raises(MonitorError) as caught:
        define_round(engine, changed)
    assert caught.value.issues[0].code == "round-locked"
    assert "затверджено" in caught.value.issues[0].message_uk
    assert define_round(engine, round_spec("2022")) is False  # the same definition is not a change


def test_an_admin_unlock_is_audited_with_its_reason_and_opens_the_round(world) -> None:  # type: ignore[no-untyped-def]
    engine, framework, tmp = world
    approve(engine)
    reason = "Poltava resubmitted corrected answers (letter 12.01.2023)"
    unlock_round(engine, ADMIN, "R2022", reason)
    entry = audit.entries(engine, 5, action="round-unlock")[0]
    assert entry.actor == "olena" and entry.outcome == "ok" and entry.target == "round R2022"
    assert entry.detail["reason"].startswith("Poltava resubmitted") and entry.detail["from"] == "approved"
    steps = [e.action for e in audit.entries(engine, 10)]
    assert {"round-under-review", "round-approved", "round-unlock"} <= set(steps)
    report = import_file(engine, framework, "officials", write_csv(tmp / "officials-3.csv", official_rows(2, 40)))
    assert report.status == "imported"


def test_an_unlock_needs_an_admin_and_a_reason(world) -> None:  # type: ignore[no-untyped-def]
    engine, _, _ = world
    approve(engine)
    with pytest.raises(MonitorError) as caught:
        unlock_round(engine, COORDINATOR, "R2022", "a good enough reason")
    assert caught.value.issues[0].code == "forbidden"
    refused = audit.entries(engine, 1)[0]
    assert refused.outcome == "refused" and refused.actor == "petro"
    with pytest.raises(MonitorError) as caught:
        unlock_round(engine, ADMIN, "R2022", "oops")
    assert caught.value.issues[0].code == "unlock-reason"
    with pytest.raises(MonitorError):
        approve_round(engine, COORDINATOR, "R2021", "under-review")


def test_the_guard_import_path_refuses_as_well(world) -> None:  # type: ignore[no-untyped-def]
    engine, framework, tmp = world
    approve(engine)
    report = import_as(engine, framework, ADMIN, "officials", write_csv(tmp / "o4.csv", official_rows(2, 50)))
    assert report.status == "refused" and report.issues[0].code == "round-approved"


def test_steps_go_in_order(world) -> None:  # type: ignore[no-untyped-def]
    engine, _, _ = world
    with pytest.raises(MonitorError) as caught:
        approve_round(engine, ADMIN, "R2021", "approved")  # a draft is reviewed first
    assert caught.value.issues[0].code == "round-bad-step"
    assert "чернетка" in caught.value.issues[0].message_uk
