"""One recommendation walked from a finding to "implemented" through the data layer and the guard."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from oversight_kit import HROMADA, OBLAST, POLTAVA, prepare

from monitor.auth import audit
from monitor.auth.oversight import add_finding_as, add_recommendation_as, set_status_as
from monitor.errors import MonitorError
from monitor.oversight.bodies import bodies, load_bodies
from monitor.oversight.findings import findings
from monitor.oversight.recommendations import history, recommendations
from monitor.store.db import connect

ADMIN = SimpleNamespace(name="olena", role="admin", oblasts=[], disabled=False)
KIROVOHRAD = SimpleNamespace(name="petro", role="coordinator", oblasts=[OBLAST], disabled=False)
POLTAVA_COORD = SimpleNamespace(name="iryna", role="coordinator", oblasts=[POLTAVA], disabled=False)
VIEWER = SimpleNamespace(name="donor", role="viewer", oblasts=[], disabled=False)

FINDING = {"key": "F-2021-UA35-01", "round": "R2021", "territory": HROMADA, "body": "kirovohrad-social",
           "indicators": "S01; H02", "text_uk": "Заяви про статус не реєструють у журналі",
           "text_en": "Status applications are not registered in the journal"}
RECOMMENDATION = {"key": "R-2021-UA35-01", "round": "R2021", "body": "kirovohrad-osa", "findings": "F-2021-UA35-01",
                  "text_uk": "Призначити відповідальну посадову особу", "text_en": "Designate a responsible official",
                  "date_sent": "2021-11-15", "due_date": "2022-02-15"}


@pytest.fixture
def engine(db_url):  # type: ignore[no-untyped-def]
    return prepare(connect(db_url))


def test_a_recommendation_walks_from_finding_to_implemented(engine) -> None:  # type: ignore[no-untyped-def]
    finding_id = add_finding_as(engine, KIROVOHRAD, FINDING, known_indicators={"S01", "H02"})
    rec_id = add_recommendation_as(engine, KIROVOHRAD, RECOMMENDATION)
    steps = [("acknowledged", "2021-11-22", "Letter No. 01-12/345"), ("accepted", "2021-12-10", "Order No. 88"),
             ("partly-implemented", "2022-03-01", "Official named; journal not yet kept"),
             ("implemented", "2022-09-30", "Journal seen at the 2022 visit")]
    for status, on, evidence in steps:
        assert set_status_as(engine, KIROVOHRAD, {"recommendation": RECOMMENDATION["key"], "status": status,
                                                  "date": on, "evidence": evidence})
    assert not set_status_as(engine, KIROVOHRAD, {"recommendation": RECOMMENDATION["key"], "status": "implemented",
                                                  "date": "2022-09-30", "evidence": "again"})  # no second copy
    rec = recommendations(engine, as_of=date(2022, 12, 1)).set_index("id").loc[rec_id]
    assert rec["status"] == "implemented" and rec["status_date"] == date(2022, 9, 30)
    assert rec["findings"] == ["F-2021-UA35-01"] and not rec["overdue"]
    assert rec["oblast_code"] == OBLAST  # from the body addressed
    walked = history(engine, [rec_id])
    assert list(walked["status"]) == ["sent", "acknowledged", "accepted", "partly-implemented", "implemented"]
    assert walked["evidence"].iloc[-1] == "Journal seen at the 2022 visit"
    found = findings(engine).set_index("id").loc[finding_id]
    assert found["indicators"] == ["S01", "H02"] and found["oblast_code"] == OBLAST
    actions = [e.action for e in audit.entries(engine, 20)]
    assert actions.count("oversight-status") == 5 and "oversight-recommendation" in actions


def test_an_unanswered_recommendation_is_overdue_after_its_due_date(engine) -> None:  # type: ignore[no-untyped-def]
    add_finding_as(engine, ADMIN, FINDING)
    add_recommendation_as(engine, ADMIN, RECOMMENDATION)
    before = recommendations(engine, as_of=date(2022, 2, 15)).iloc[0]
    after = recommendations(engine, as_of=date(2022, 3, 1)).iloc[0]
    assert not before["overdue"] and after["overdue"] and after["days_overdue"] == 14


@pytest.mark.parametrize(("user", "allowed"), [(ADMIN, True), (KIROVOHRAD, True), (POLTAVA_COORD, False),
                                               (VIEWER, False), (None, False)])
def test_roles_as_for_answers(engine, user, allowed) -> None:  # type: ignore[no-untyped-def]
    if allowed:
        assert add_finding_as(engine, user, FINDING) > 0
        return
    with pytest.raises(MonitorError) as caught:
        add_finding_as(engine, user, FINDING)
    assert caught.value.issues[0].code == "forbidden"
    assert findings(engine).empty


def test_a_coordinator_cannot_address_a_national_body(engine) -> None:  # type: ignore[no-untyped-def]
    add_finding_as(engine, KIROVOHRAD, FINDING)
    with pytest.raises(MonitorError) as caught:
        add_recommendation_as(engine, KIROVOHRAD, {**RECOMMENDATION, "body": "msp"})
    assert caught.value.issues[0].code == "forbidden"
    assert add_recommendation_as(engine, ADMIN, {**RECOMMENDATION, "body": "msp"}) > 0


def test_a_body_is_addressed_only_while_it_exists(engine) -> None:  # type: ignore[no-untyped-def]
    add_finding_as(engine, ADMIN, FINDING)
    with pytest.raises(MonitorError) as caught:
        add_recommendation_as(engine, ADMIN, {**RECOMMENDATION, "date_sent": "2022-03-01", "due_date": "2022-06-01"})
    assert caught.value.issues[0].code == "oversight-body-not-valid"
    assert "kirovohrad-osa" in caught.value.issues[0].message_uk
    assert add_recommendation_as(engine, ADMIN, {**RECOMMENDATION, "body": "kirovohrad-ova", "date_sent": "2022-03-01",
                                                 "due_date": "2022-06-01"}) > 0


def test_bad_values_are_all_reported_in_both_languages(engine) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MonitorError) as caught:
        add_finding_as(engine, ADMIN, {**FINDING, "round": "R1999", "indicators": "S01; X99", "text_en": ""},
                       known_indicators={"S01"})
    codes = sorted(i.code for i in caught.value.issues)
    assert codes == ["oversight-missing", "oversight-unknown-indicator", "round-unknown"]
    assert all(i.message_uk and i.message_en and i.message_uk != i.message_en for i in caught.value.issues)


def test_the_bodies_reference_loads_once_and_knows_validity(engine) -> None:  # type: ignore[no-untyped-def]
    assert load_bodies(engine) == 0
    before, after = bodies(engine, date(2022, 2, 23)), bodies(engine, date(2022, 2, 24))
    assert "poltava-osa" in set(before["id"]) and "poltava-osa" not in set(after["id"])
    assert "poltava-ova" in set(after["id"]) and "poltava-ova" not in set(before["id"])
    every = bodies(engine)
    assert set(every["oblast_code"].dropna()) == {OBLAST, POLTAVA, "UA63000000000041885", "UA73000000000044923"}
    assert every["source"].str.len().min() > 10
