"""The old request-log survey into the tracker, and the must-show of issue 11: R01 and R02 computed from
the tracker equal R01 and R02 the engine computes from the same data imported as the old survey, per
oblast and wave — on requests answered on time, late, after an extension, refused, unanswered past
their term and still pending, with deadlines across a weekend, a holiday and a moved day off (the
project's calendar). A log the tracker cannot hold is refused whole, row by row, and changes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from oversight_kit import prepare, table_state

from monitor.engine import compute_cached
from monitor.errors import MonitorError
from monitor.framework.loader import framework_or_raise
from monitor.ingest.pipeline import import_file
from monitor.oversight.request_log import import_request_log, tracker_indicators
from monitor.oversight.tracker import requests
from monitor.store.db import connect

ROOT = Path(__file__).resolve().parents[2]
# A Kobo export of the request log, kept as it is (not rebuilt with the demo's fixtures): the tests name its rows.
FIXTURE = ROOT / "tests/oversight/data/request-log.csv"
AS_OF = date(2022, 12, 23)  # the day the log was last brought up to date (its checked_on)
HOLDABLE = [3, 4, 5, 6, 7, 8, 10, 11]  # fixture rows whose addressee has a body and whose receipt date is known
# Poltava 2021 (received Thursday 19.08.2021: the term runs over the weekend, Independence Day on
# Tuesday 24.08 and the day off moved from Monday 23.08 to Saturday 28.08): (answered, completeness,
# extension notice, checked on).
POLTAVA_2021 = [
    ("2021-08-27", "full", "", "2021-12-31"),  # on time
    ("2021-08-28", "full", "", "2021-12-31"),  # on time: Saturday 28.08.2021 was a working day
    ("2021-08-31", "partial", "", "2021-12-31"),  # late
    ("2021-09-14", "full", "2021-08-20", "2021-12-31"),  # extended to 20 working days: on time
    ("2021-08-26", "refusal", "", "2021-12-31"),  # refused on time
    ("", "none", "", "2021-12-31"),  # no answer, past its term when the log was checked
]


def log_rows() -> pd.DataFrame:
    fixture = pd.read_csv(FIXTURE, sep=";", dtype=str, keep_default_na=False)
    rows = [fixture.iloc[HOLDABLE]]
    template = fixture.iloc[3]
    for i, (answered, completeness, notice, checked) in enumerate(POLTAVA_2021):
        row = template.copy()
        row.update(
            {
                "wave": "2021",
                "oblast": "UA53000000000028050",
                "addressee_body": "nssu_regional",
                "date_sent": "2021-08-18",
                "date_received": "2021-08-19",
                "date_answered": answered,
                "completeness": completeness,
                "extension_notice": "yes" if notice else "no",
                "extension_date": notice,
                "refusal_ground": "art22" if completeness == "refusal" else "",
                "checked_on": checked,
                "_id": f"99{i}",
                "_uuid": f"poltava-2021-{i}",
                "_index": str(100 + i),
            }
        )
        rows.append(row.to_frame().T)
    pending = template.copy()  # received 20.12.2022, unanswered on 23.12: pending, in neither count
    pending.update(
        {
            "addressee_body": "oblast_administration",
            "oblast": "UA35000000000016081",
            "date_sent": "2022-12-20",
            "date_received": "2022-12-20",
            "date_answered": "",
            "completeness": "none",
            "extension_notice": "no",
            "extension_date": "",
            "checked_on": "2022-12-23",
            "_id": "999",
            "_uuid": "kirovohrad-pending",
            "_index": "200",
        }
    )
    rows.append(pending.to_frame().T)
    # Urgent (48 hours, counted on dates): received Friday 16.12.2022, due Sunday 18.12 whatever the
    # weekend; answered on the Sunday (on time) and on the Monday (late).
    for i, answered in enumerate(("2022-12-18", "2022-12-19")):
        urgent = pending.copy()
        urgent.update({"urgent": "yes", "date_sent": "2022-12-16", "date_received": "2022-12-16",
                       "date_answered": answered, "completeness": "full", "_id": f"98{i}",
                       "_uuid": f"kirovohrad-urgent-{i}", "_index": str(300 + i)})
        rows.append(urgent.to_frame().T)
    return pd.concat(rows, ignore_index=True)


@pytest.fixture
def world(db_url, tmp_path):  # type: ignore[no-untyped-def]
    engine = prepare(connect(db_url))
    fw = framework_or_raise(ROOT)
    path = tmp_path / "log.csv"
    log_rows().to_csv(path, sep=";", index=False)
    assert import_file(engine, fw, "information-requests", path).status == "imported"
    return engine, fw


def test_r01_r02_from_the_tracker_equal_them_from_the_survey(world) -> None:  # type: ignore[no-untyped-def]
    engine, fw = world
    assert import_request_log(engine) == {"added": 17, "unchanged": 0}
    states = requests(engine, AS_OF)["state"].value_counts().to_dict()
    assert {"answered-on-time", "late", "refused", "no-answer", "pending"} <= set(states)
    engine_results = compute_cached(engine, fw, level="oblast", period="wave", disaggregate=False)
    survey = engine_results[engine_results["indicator"].isin(["R01", "R02"])]
    survey = survey[survey["denominator"] > 0].set_index(["indicator", "territory_code", "period"])
    tracked = tracker_indicators(engine, AS_OF)
    tracked = tracked[tracked["denominator"] > 0].set_index(["indicator", "oblast_code", "wave"])
    assert sorted(tracked.index) == sorted(survey.index) and len(tracked) >= 6
    for key, row in tracked.iterrows():
        assert (row["numerator"], row["denominator"]) == (
            survey.loc[key, "numerator"],
            survey.loc[key, "denominator"],
        ), key
        assert row["share"] == pytest.approx(survey.loc[key, "value"]), key
    urgent = requests(engine, AS_OF).set_index("key")
    urgent = urgent[urgent["urgent"]]
    assert sorted(urgent["state"]) == ["answered-on-time", "late"]
    assert set(urgent["deadline"]) == {date(2022, 12, 18)}
    poltava = tracked.loc[("R01", "UA53000000000028050", "2021")]
    assert (poltava["numerator"], poltava["denominator"]) == (4, 6)  # the calendar's Saturday counts


def test_importing_the_log_again_adds_nothing(world) -> None:  # type: ignore[no-untyped-def]
    engine, _ = world
    import_request_log(engine)
    state = table_state(engine)
    assert import_request_log(engine) == {"added": 0, "unchanged": 17}
    assert table_state(engine) == state


def test_a_log_the_tracker_cannot_hold_is_refused_whole(db_url) -> None:  # type: ignore[no-untyped-def]
    engine = prepare(connect(db_url))
    fw = framework_or_raise(ROOT)
    assert import_file(engine, fw, "information-requests", FIXTURE).status == "imported"
    before = table_state(engine)
    with pytest.raises(MonitorError) as caught:
        import_request_log(engine)
    found = {(i.line, i.code, i.params.get("field")) for i in caught.value.issues}
    # Rows 1, 2, 10: raion administrations without the raion that says which one; row 3: no receipt date.
    assert found == {
        (1, "request-log-no-place", "raion"), (2, "request-log-no-place", "raion"),
        (3, "request-log-no-receipt", "date_received"), (10, "request-log-no-place", "raion"),
        (None, "oversight-file-refused", None),
    }
    assert any(i.code == "oversight-file-refused" for i in caught.value.issues)
    raion = next(i for i in caught.value.issues if i.line == 1)
    assert "raion_administration" in raion.message_uk and "raion_administration" in raion.message_en
    assert "район" in raion.message_uk and "raion" in raion.message_en
    assert table_state(engine) == before


def local_log() -> pd.DataFrame:
    """Requests to bodies below the oblast, in Kirovohrad oblast: a raion state administration before
    24.02.2022, a raion military administration after it, a hromada council."""
    template = pd.read_csv(FIXTURE, sep=";", dtype=str, keep_default_na=False).iloc[3]
    rows = []
    for i, (addressee, raion, hromada, sent) in enumerate([
        ("raion_administration", "Новоукраїнський", "", "2022-02-10"),
        ("raion_administration", "UA35020000000074289", "", "2022-05-10"),
        ("hromada", "Голованівський", "Благовіщенська", "2021-09-01"),
    ]):
        rows.append({**template.to_dict(), "wave": sent[:4], "addressee_body": addressee, "raion": raion,
                     "hromada": hromada, "date_sent": sent, "date_received": sent, "date_answered": "",
                     "completeness": "none", "_id": f"97{i}", "_uuid": f"kirovohrad-local-{i}",
                     "_index": str(400 + i)})
    return pd.DataFrame(rows)


def test_requests_to_raion_administrations_and_hromada_councils_find_their_body(db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = prepare(connect(db_url))
    path = tmp_path / "local.csv"
    local_log().to_csv(path, sep=";", index=False)
    assert import_file(engine, framework_or_raise(ROOT), "information-requests", path).status == "imported"
    assert import_request_log(engine) == {"added": 3, "unchanged": 0}
    tracked = requests(engine, AS_OF).set_index("key")["body_id"].to_dict()
    assert tracked == {
        "LOG-kirovohrad-local-0": "kirovohrad-novoukrainskyi-rda",  # the state administration, before martial law
        "LOG-kirovohrad-local-1": "kirovohrad-holovanivskyi-rva",  # its successor, the military administration
        "LOG-kirovohrad-local-2": "kirovohrad-blahovishchenska-miska-rada",
    }
    assert import_request_log(engine) == {"added": 0, "unchanged": 3}


def test_an_addressee_with_no_body_or_no_place_is_refused(db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = prepare(connect(db_url))
    log = local_log()
    log.loc[0, "addressee_body"] = "other"
    log.loc[2, "hromada"] = ""  # a council, but which one?
    path = tmp_path / "other.csv"
    log.to_csv(path, sep=";", index=False)
    assert import_file(engine, framework_or_raise(ROOT), "information-requests", path).status == "imported"
    before = table_state(engine)
    with pytest.raises(MonitorError) as caught:
        import_request_log(engine)
    assert [(i.line, i.code) for i in caught.value.issues if i.line] == [
        (1, "request-log-no-body"), (3, "request-log-no-place")
    ]
    council = caught.value.issues[1]
    assert "громада" in council.message_uk and "hromada" in council.message_en
    assert table_state(engine) == before


def test_the_command_line_imports_the_log(world, db_url) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from monitor.cli import _register
    from monitor.cli.app import app

    _register()
    result = CliRunner().invoke(app, ["oversight", "import-log", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "+17" in result.output and len(requests(world[0], AS_OF)) == 17
