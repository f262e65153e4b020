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
FIXTURE = ROOT / "tests/fixtures/exports/good/information-requests_kobo-xml-single.csv"
AS_OF = date(2022, 12, 23)  # the day the log was last brought up to date (its checked_on)
HOLDABLE = [3, 4, 5, 8, 10, 11]  # fixture rows whose addressee has a body and whose receipt date is known
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
    assert import_request_log(engine) == {"added": 15, "unchanged": 0}
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
    assert import_request_log(engine) == {"added": 0, "unchanged": 15}
    assert table_state(engine) == state


def test_a_log_the_tracker_cannot_hold_is_refused_whole(db_url) -> None:  # type: ignore[no-untyped-def]
    engine = prepare(connect(db_url))
    fw = framework_or_raise(ROOT)
    assert import_file(engine, fw, "information-requests", FIXTURE).status == "imported"
    before = table_state(engine)
    with pytest.raises(MonitorError) as caught:
        import_request_log(engine)
    found = {(i.line, i.code) for i in caught.value.issues}
    assert {(1, "request-log-no-body"), (3, "request-log-no-receipt"), (7, "request-log-no-body")} <= found
    assert any(i.code == "oversight-file-refused" for i in caught.value.issues)
    raion = next(i for i in caught.value.issues if i.line == 1)
    assert "raion_administration" in raion.message_uk and "raion_administration" in raion.message_en
    assert table_state(engine) == before


def test_the_command_line_imports_the_log(world, db_url) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from monitor.cli import _register
    from monitor.cli.app import app

    _register()
    result = CliRunner().invoke(app, ["oversight", "import-log", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "+15" in result.output and len(requests(world[0], AS_OF)) == 15
