"""The engine takes a parameter's value in force on each row's date, marks results that depend on an
unverified parameter, and leaves such components out of an index (framework switch, default on).

The deadlines here (10 days until 31.05.2021, 5 from 01.06.2021) are test values, not the law's.
"""

from __future__ import annotations

from datetime import date

import pytest

from monitor.engine import compute
from monitor.framework.models import Component, Parameter, ParameterValue, Text
from tests.engine.conftest import _ind, _q, build_framework

T = Text(uk="x", en="x")


def _deadline(verified: bool = True) -> Parameter:
    values = [ParameterValue(value=10, valid_to=date(2021, 5, 31)), ParameterValue(value=5, valid_from=date(2021, 6, 1))]
    return Parameter.model_validate({"label": T, "verified": verified, "source": "test", "values": values})


def _framework(verified: bool = True, excludes: bool = True, **indicators):  # type: ignore[no-untyped-def]
    on_time = _ind("on_time", "hs", "share", repeat="cases", numerator="days <= param('deadline')",
                   denominator="decision in ('granted', 'refused')", **indicators.pop("on_time_extra", {}))
    fw = build_framework(on_time=on_time, **indicators)
    # the test survey's cases get an application date (the date whose rules apply to a case)
    hs = fw.surveys["hs"]
    cases = next(q for q in hs.questions if q.name == "cases")
    cases = cases.model_copy(update={"questions": [*cases.questions, _q("applied", "date")]})
    fw.surveys["hs"] = hs.model_copy(update={"questions": [q if q.name != "cases" else cases for q in hs.questions]})
    params = {**fw.settings.parameters, "deadline": _deadline(verified)}
    fw.settings = fw.settings.model_copy(update={"parameters": params, "index_excludes_unverified": excludes})
    return fw


def _case(days: int, applied: str | None = None) -> dict:
    answers = {"decision": "granted", "days": days}
    if applied:
        answers["applied"] = applied
    return {"repeat": "cases", "answers": answers}


def test_value_in_force_on_the_answers_date(make_engine, add_responses, geo) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    # 7 days: on time under the 10-day rule (May 2021), late under the 5-day rule (June 2021 on).
    add_responses(engine, "hs", [
        {"hromada": geo.H1, "wave": "2021", "date": "2021-05-31", "children": [_case(7), _case(7), _case(7)]},
        {"hromada": geo.H1, "wave": "2021", "date": "2021-06-01", "children": [_case(7), _case(7), _case(4)]},
    ])
    results = compute(engine, _framework(), indicators=["on_time"], period="quarter", disaggregate=False)
    by_period = results.set_index("period")
    assert by_period.loc["2021-Q2", "numerator"] == 4  # 3 under the old rule + the 4-day case
    assert by_period.loc["2021-Q2", "denominator"] == 6


def test_parameter_date_expression_picks_the_rule(make_engine, add_responses, geo) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    # Form filled in on 10.06.2021, but the applications were received in May: the 10-day rule applies.
    add_responses(engine, "hs", [
        {"hromada": geo.H1, "wave": "2021", "date": "2021-06-10",
         "children": [_case(7, "2021-05-20"), _case(7, "2021-05-25"), _case(7, "2021-06-02")]},
    ])
    by_answer = compute(engine, _framework(), indicators=["on_time"], disaggregate=False).iloc[0]
    assert by_answer["numerator"] == 0  # all three judged by the form's date (June): late
    fw = _framework(on_time_extra={"parameter_date": "applied"})
    by_case = compute(engine, fw, indicators=["on_time"], disaggregate=False).iloc[0]
    assert by_case["numerator"] == 2  # the two May applications were on time under the 10-day rule


@pytest.mark.parametrize("verified", [True, False])
def test_unverified_column(make_engine, add_responses, geo, verified) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    add_responses(engine, "hs", [{"hromada": geo.H1, "date": "2022-03-01", "answers": {"focal": "yes"},
                                  "children": [_case(3)]} for _ in range(3)])
    results = compute(engine, _framework(verified), indicators=["on_time", "share_focal"])
    flags = results.groupby("indicator")["unverified"].unique().to_dict()
    assert list(flags["on_time"]) == [not verified]  # every row of it, disaggregations included
    assert list(flags["share_focal"]) == [False]
    assert results["unverified"].dtype == bool


@pytest.mark.parametrize(("excludes", "value", "missing", "flag"), [
    (True, 100.0, "on_time", False),  # left out until verified; the index itself is not unverified
    (False, (100 + 0) / 2, "", True),  # switch off: averaged in, and the index is marked unverified
])
def test_index_leaves_unverified_component_out(make_engine, add_responses, geo, excludes, value, missing, flag) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    add_responses(engine, "hs", [{"hromada": geo.H1, "date": "2022-03-01", "answers": {"focal": "yes"},
                                  "children": [_case(9)]} for _ in range(3)])  # 9 > 5 days: late
    index = _ind("idx_u", None, "index", unit="score", components=[
        Component(indicator="share_focal", weight=1), Component(indicator="on_time", weight=1)])
    fw = _framework(verified=False, excludes=excludes, idx_u=index)
    row = compute(engine, fw, indicators=["idx_u"]).iloc[0]
    assert row["value"] == pytest.approx(value)
    assert row["index_missing"] == missing
    assert bool(row["unverified"]) is flag


def test_thresholds_from_a_parameter_follow_the_period(make_engine, add_responses, geo) -> None:  # type: ignore[no-untyped-def]
    from monitor.framework.models import ParamRef, Thresholds
    from monitor.framework.params import resolve_param_refs

    fw = _framework()
    median = _ind("median_days", "hs", "duration", repeat="cases", value="days", unit="days",
                  direction="lower-is-better", min_n=1, targets={"2021": ParamRef(param="deadline")},
                  thresholds=Thresholds(green=ParamRef(param="deadline"), amber=ParamRef(param="deadline", times=2)))
    fw.indicators["median_days"] = resolve_param_refs(median, fw.settings)
    engine = make_engine()
    add_responses(engine, "hs", [
        {"hromada": geo.H1, "wave": "2021", "date": "2021-03-01", "children": [_case(7)]},
        {"hromada": geo.H1, "wave": "2021", "date": "2021-09-01", "children": [_case(7)]},
    ])
    results = compute(engine, fw, indicators=["median_days"], period="quarter", disaggregate=False).set_index("period")
    assert results.loc["2021-Q1", "status"] == "green"  # 7 <= 10, the deadline in force on 31.03.2021
    assert results.loc["2021-Q3", "status"] == "amber"  # 7 > 5 but <= 2 × 5, from 01.06.2021
    yearly = compute(engine, fw, indicators=["median_days"], disaggregate=False).iloc[0]
    assert yearly["target"] == 5  # the year's target: the value in force on 31.12.2021
    assert bool(yearly["unverified"]) is False  # the test parameter is verified
