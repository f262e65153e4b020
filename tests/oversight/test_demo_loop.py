"""The demo's loop for both rounds, on the real synthetic demo: findings from the 2021 results,
recommendations some implemented by 2022 and some ignored, requests on time, late and refused; the
2021 round approved (its answers locked), the 2022 round under review; a second run adds nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from oversight_kit import table_state

from monitor.demo.run import run_demo
from monitor.framework.loader import framework_or_raise
from monitor.oversight.demo_loop import load_demo_loop
from monitor.oversight.findings import findings
from monitor.oversight.recommendations import recommendations
from monitor.oversight.rounds import rounds
from monitor.oversight.tracker import requests
from monitor.store import db as store_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("oversight-demo")
    url = f"sqlite:///{folder}/demo.db"
    engine = store_db.connect(url)
    fw = framework_or_raise(ROOT)
    run_demo(engine, fw, out_dir=folder / "files")
    made = load_demo_loop(engine, fw)
    yield engine, fw, made
    store_db.close(url)


def test_both_rounds_and_their_states(demo) -> None:  # type: ignore[no-untyped-def]
    engine, _, _ = demo
    states = dict(zip(rounds(engine)["id"], rounds(engine)["state"], strict=True))
    assert states == {"R2021": "approved", "R2022": "under-review"}


def test_findings_come_from_the_results_and_recommendations_have_outcomes(demo) -> None:  # type: ignore[no-untyped-def]
    engine, fw, made = demo
    found = findings(engine)
    assert set(found["round_id"]) == {"R2021", "R2022"} and made["findings"] == len(found) >= 8
    assert all(ind in fw.indicators for inds in found["indicators"] for ind in inds)
    recs = recommendations(engine, as_of=date(2023, 1, 31))
    old = recs[recs["round_id"] == "R2021"]
    assert {"implemented", "rejected", "no-answer"} <= set(old["status"])
    assert old["overdue"].any() and (old["status"] == "implemented").any()
    assert (recs[recs["round_id"] == "R2022"]["status"] == "sent").all()


def test_requests_on_time_late_and_refused(demo) -> None:  # type: ignore[no-untyped-def]
    engine, _, _ = demo
    states = set(requests(engine, as_of=date(2023, 1, 31))["state"])
    assert {"answered-on-time", "late", "refused", "no-answer"} <= states


def test_a_second_run_adds_nothing(demo) -> None:  # type: ignore[no-untyped-def]
    engine, fw, _ = demo
    before = table_state(engine)
    load_demo_loop(engine, fw)
    assert table_state(engine) == before


def test_trainings_and_approved_stories_for_both_rounds(demo) -> None:  # type: ignore[no-untyped-def]
    from monitor.oversight.stories import publishable, stories
    from monitor.oversight.trainings import output_indicators, trainings

    engine, _, made = demo
    held = trainings(engine)
    assert set(held["round_id"]) == {"R2021", "R2022"} and made["trainings"] == held["key"].nunique() == 16
    assert held["oblast_code"].nunique() == 4 and (held["women"] + held["men"] > 0).all()
    out01 = output_indicators(engine)[0]
    assert set(out01.totals) == {"2021", "2022"} and all(v > 0 for v in out01.totals.values())
    assert {"social_protection", "nssu_regional", "employment_centre", "police", "oblast_administration"} <= set(
        out01.by_kind)
    for year in (2021, 2022):
        shown = publishable(engine, None, date(year, 1, 1), date(year, 12, 31))
        assert len(shown) >= 2 and set(shown["round_id"]) == {f"R{year}"}
    told = stories(engine)
    assert (told["state"] == "draft").sum() == 1 and made["stories"] == len(told)
