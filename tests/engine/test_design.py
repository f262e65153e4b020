"""Statistics that fit the design (Survey.design): sampling intervals and significance tests only for a
probability sample; a census of bodies or a convenience sample gets neither, whatever the indicator type."""

from __future__ import annotations

import numpy as np
import pytest
from engine_places import H1

from monitor.engine import compute


def _answers(add_responses, engine) -> None:  # type: ignore[no-untyped-def]
    # 20 % then 95 % 'yes': a change a two-proportion test calls significant; events give means and medians
    add_responses(engine, "hs", [{"hromada": H1, "date": "2021-05-01", "wave": "2021",
                                  "answers": {"focal": "yes" if i < 20 else "no", "events": i % 7}} for i in range(100)])
    add_responses(engine, "hs", [{"hromada": H1, "date": "2022-05-01",
                                  "answers": {"focal": "yes" if i < 95 else "no", "events": 3 + i % 9}} for i in range(100)])


WANTED = ["share_focal", "mean_events", "median_events"]


@pytest.mark.parametrize(("design", "inferential"), [("probability", True), (None, True), ("census", False),
                                                      ("convenience", False)])
def test_intervals_and_tests_follow_the_design(make_engine, add_responses, framework_factory, design, inferential) -> None:  # type: ignore[no-untyped-def]
    framework = framework_factory()
    framework.surveys["hs"] = framework.surveys["hs"].model_copy(update={"design": design})
    engine = make_engine()
    _answers(add_responses, engine)
    got = compute(engine, framework, indicators=WANTED, disaggregate=False).set_index(["indicator", "period"])
    for ident in WANTED:
        row = got.loc[(ident, "2022")]
        assert not np.isnan(row["value"]) and not np.isnan(row["change"])  # the values and the change stay
        assert (row["ci_method"] != "") is inferential, (ident, design)
        assert (not np.isnan(row["ci_low"])) is inferential and (not np.isnan(row["ci_high"])) is inferential
    assert bool(got.loc[("share_focal", "2022"), "change_significant"]) is inferential
    if not inferential:
        assert not got["change_significant"].any() and got["se"].isna().all()


def test_shipped_instruments_declare_their_design() -> None:
    from monitor.framework.loader import framework_or_raise

    surveys = framework_or_raise().surveys
    assert {s.id: s.design for s in surveys.values()} == {
        "employment-centres": "census", "hromada-officials": "census", "information-requests": "census",
        "job-seekers": "convenience", "police": "census", "status-procedure": "census", "survivors": "convenience",
    }
    # none is a probability sample, so no shipped result claims a sampling interval
    assert not any(s.inferential for s in surveys.values())
