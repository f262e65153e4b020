"""compute() for every indicator type and the edge cases, on SQLite and PostgreSQL (db_url)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from monitor.engine import compute
from monitor.errors import MonitorError

H1 = "UA35020010000028961"
H1_POPULATION = 21052
OBLAST = "UA35000000000016081"


def _rows(answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"hromada": H1, "date": "2022-03-01", "answers": a} for a in answers]


def _parents_with_children(children: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [
        {"hromada": H1, "date": "2022-03-01", "answers": {"focal": "yes"},
         "children": [{"repeat": "cases", "answers": c} for c in kids]}
        for kids in children
    ]


NAN = float("nan")

CASES = [
    # id, indicator, rows, expected n, numerator, denominator, value, ci_low, ci_high
    ("share", "share_focal", _rows([{"focal": "yes"}, {"focal": "no"}, {"focal": "yes"}, {"focal": "yes"}]),
     4, 3, 4, 0.75, 0.3006, 0.9544),
    ("share-missing-answer-is-not-yes", "share_focal", _rows([{"focal": "yes"}, {}, {"focal": "no"}]),
     3, 1, 3, 1 / 3, 0.0615, 0.7923),
    ("share-select-multiple", "share_medical",
     _rows([{"services": "legal medical"}, {"services": "shelter"}, {"services": "medical"}, {}]),
     3, 2, 3, 2 / 3, 0.2077, 0.9385),
    ("share-all-missing", "share_medical", _rows([{}, {}, {}]), 0, 0, 0, NAN, NAN, NAN),
    ("count", "count_yes", _rows([{"focal": "yes"}, {"focal": "no"}, {"focal": "yes"}]), 3, 2, NAN, 2, NAN, NAN),
    ("sum", "sum_spend", _rows([{"spend": 100}, {}, {"spend": 50.5}]), 2, 150.5, NAN, 150.5, NAN, NAN),
    ("sum-all-missing", "sum_spend", _rows([{}, {}]), 0, 0, NAN, NAN, NAN, NAN),
    # sd of 1..4 = 1.2910; t(3) = 3.1824; half-width 2.0543
    ("mean", "mean_events", _rows([{"events": v} for v in (1, 2, 3, 4)]), 4, 10, 4, 2.5, 0.4457, 4.5543),
    ("mean-one-response", "mean_events", _rows([{"events": 7}]), 1, 7, 1, 7.0, NAN, NAN),
    ("median-ties", "median_events", _rows([{"events": v} for v in (2, 2, 2, 5, 5, 9)]), 6, NAN, NAN, 3.5, 2, 9),
    ("median-small-no-interval", "median_events", _rows([{"events": v} for v in (1, 3, 3, 3, 8)]),
     5, NAN, NAN, 3.0, NAN, NAN),
    ("ratio-per-10000", "ratio_spend", _rows([{"spend": 100}, {"spend": 200}, {}]),
     2, 300, 2 * H1_POPULATION, 300 / (2 * H1_POPULATION) * 10000, NAN, NAN),
    ("repeat-duration", "days_granted",
     _parents_with_children([[{"decision": "granted", "days": 5}, {"decision": "refused", "days": 3}],
                             [{"decision": "granted", "days": 9}, {"decision": "granted", "days": 7}]]),
     3, NAN, NAN, 7.0, NAN, NAN),
    ("repeat-share", "share_granted",
     _parents_with_children([[{"decision": "granted"}, {"decision": "refused"}],
                             [{"decision": "granted"}, {"decision": "granted"}, {"decision": "pending"}]]),
     4, 3, 4, 0.75, 0.3006, 0.9544),
    ("zero-denominator", "share_granted", _parents_with_children([[{"decision": "pending"}]]), 0, 0, 0, NAN, NAN, NAN),
]


def _close(got: float, want: float, tol: float = 1e-4) -> bool:
    if isinstance(want, float) and math.isnan(want):
        return got is None or (isinstance(got, float) and math.isnan(got))
    return abs(float(got) - want) <= tol


@pytest.mark.parametrize(
    ("indicator", "rows", "n", "numerator", "denominator", "value", "low", "high"),
    [c[1:] for c in CASES], ids=[c[0] for c in CASES],
)
def test_indicator_types(make_engine, add_responses, framework, indicator, rows, n, numerator, denominator, value,
                         low, high) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    add_responses(engine, "hs", rows)
    results = compute(engine, framework, level="oblast", period="year", indicators=[indicator])
    total = results[results["dimension"] == ""]
    assert len(total) == 1
    row = total.iloc[0]
    assert row["territory_code"] == OBLAST and row["period"] == "2022"
    assert int(row["n"]) == n
    for column, want in (("numerator", numerator), ("denominator", denominator), ("value", value),
                         ("ci_low", low), ("ci_high", high)):
        assert _close(row[column], want), (column, row[column], want)
    if n == 0:
        assert row["status"] == "no-data" and not row["suppressed"]


def test_disaggregation_emits_empty_groups(make_engine, add_responses, framework) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    add_responses(engine, "hs", _rows([{"focal": "yes", "sex": "f"}, {"focal": "no", "sex": "f"}, {"focal": "yes"}]))
    results = compute(engine, framework, indicators=["share_focal"])
    sex = results[results["dimension"] == "sex"].set_index("dimension_value")
    assert list(sex.index) == ["f", "m"]  # in the choice list's order, the empty group included
    assert int(sex.loc["f", "n"]) == 2 and sex.loc["f", "value"] == 0.5
    assert int(sex.loc["m", "n"]) == 0 and sex.loc["m", "status"] == "no-data" and np.isnan(sex.loc["m", "value"])
    total = results[results["dimension"] == ""].iloc[0]
    assert int(total["n"]) == 3  # the answer without sex is in the total only


def test_select_multiple_disaggregation_counts_each_code(make_engine, add_responses, framework_factory) -> None:  # type: ignore[no-untyped-def]
    from monitor.framework.models import Indicator, Text

    by_service = Indicator(
        id="count_by_service", title=Text(uk="x", en="x"), description=Text(uk="x", en="x"), theme="t",
        survey="hs", type="count", direction="none", legal_basis=Text(uk="x", en="x"), disaggregate_by=["services"],
    )
    fw = framework_factory(count_by_service=by_service)
    engine = make_engine()
    add_responses(engine, "hs", _rows([{"services": "legal medical"}, {"services": "medical"}, {}]))
    results = compute(engine, fw, indicators=["count_by_service"])
    cells = results[results["dimension"] == "services"].set_index("dimension_value")["value"].to_dict()
    assert cells == {"legal": 1, "medical": 2, "shelter": 0}


def test_no_disaggregation_gives_totals_only(make_engine, add_responses, framework) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    add_responses(engine, "hs", _rows([{"focal": "yes", "sex": "f"}]))
    results = compute(engine, framework, indicators=["share_focal"], disaggregate=False)
    assert set(results["dimension"]) == {""}


def test_territory_without_answers_has_no_row_and_coarse_answers_stay_coarse(make_engine, add_responses, framework, geo) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    add_responses(engine, "hs", [{"hromada": geo.H1, "date": "2022-02-01", "answers": {"focal": "yes"}}] * 3)
    add_responses(engine, "hs", [{"raion": geo.RAION2, "date": "2022-02-01", "answers": {"focal": "no"}}] * 3)
    hromadas = compute(engine, framework, level="hromada", indicators=["count_yes"])
    assert list(hromadas["territory_code"]) == [geo.H1]  # H2.. have no answers; the raion answers are not in a hromada
    raions = compute(engine, framework, level="raion", indicators=["count_yes"]).set_index("territory_code")
    assert int(raions.loc[geo.RAION, "n"]) == 3 and int(raions.loc[geo.RAION2, "n"]) == 3
    oblast = compute(engine, framework, level="oblast", indicators=["count_yes"]).iloc[0]
    assert int(oblast["n"]) == 6 and oblast["value"] == 3
    everything = compute(engine, framework, level="all", indicators=["count_yes"]).iloc[0]
    assert everything["territory_code"] == "ALL" and everything["territory_name_en"] == "Four oblasts"
    assert everything["territory_name"] == "Чотири області"


def test_survivor_results_never_below_oblast(make_engine, add_responses, framework, geo) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    add_responses(engine, "sv", [{"raion": geo.RAION, "date": "2022-02-01", "answers": {"informed": "yes"}}] * 20)
    for level in ("raion", "hromada"):
        assert compute(engine, framework, level=level, indicators=["sv_informed"]).empty
    oblast = compute(engine, framework, level="oblast", indicators=["sv_informed"])
    assert len(oblast) == 1 and int(oblast.iloc[0]["min_n"]) == 11 and int(oblast.iloc[0]["n"]) == 20


def test_oblast_filter_and_names(make_engine, add_responses, framework, geo) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    add_responses(engine, "hs", [{"hromada": geo.H1, "date": "2022-02-01", "answers": {"focal": "yes"}}] * 3)
    add_responses(engine, "hs", [{"hromada": geo.H_P, "date": "2022-02-01", "answers": {"focal": "yes"}}] * 3)
    both = compute(engine, framework, indicators=["count_yes"])
    assert set(both["territory_code"]) == {geo.OBLAST, geo.OBLAST2}
    assert set(both["territory_name"]) == {"Кіровоградська", "Полтавська"}
    one = compute(engine, framework, indicators=["count_yes"], oblasts=[geo.OBLAST2])
    assert list(one["territory_code"]) == [geo.OBLAST2]
    everything = compute(engine, framework, level="all", indicators=["count_yes"], oblasts=[geo.OBLAST2]).iloc[0]
    assert int(everything["n"]) == 3


def test_periods_targets_status_and_change(make_engine, add_responses, framework) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    add_responses(engine, "hs", [{"hromada": H1, "date": "2021-05-01", "wave": "2021",
                                  "answers": {"focal": "yes" if i < 20 else "no"}} for i in range(100)])
    add_responses(engine, "hs", [{"hromada": H1, "date": "2022-08-01", "answers": {"focal": "yes" if i < 95 else "no"}}
                                 for i in range(100)], synthetic=True)
    years = compute(engine, framework, indicators=["share_focal"], disaggregate=False).set_index("period")
    assert list(years.index) == ["2021", "2022"]
    y22 = years.loc["2022"]
    assert y22["value"] == pytest.approx(0.95) and y22["status"] == "green" and y22["target"] == 0.8
    assert y22["pct_of_target"] == pytest.approx(0.95 / 0.8 * 100)
    assert y22["previous_period"] == "2021" and y22["previous_value"] == pytest.approx(0.2)
    assert y22["change"] == pytest.approx(0.75) and bool(y22["change_significant"])
    assert bool(y22["synthetic"]) and not bool(years.loc["2021", "synthetic"])
    y21 = years.loc["2021"]
    assert y21["status"] == "red" and np.isnan(y21["target"]) and np.isnan(y21["previous_value"])
    quarters = compute(engine, framework, period="quarter", indicators=["share_focal"], disaggregate=False)
    assert list(quarters["period"]) == ["2021-Q2", "2022-Q3"]
    assert quarters.iloc[1]["previous_period"] == "2022-Q2" and np.isnan(quarters.iloc[1]["previous_value"])
    waves = compute(engine, framework, period="wave", indicators=["share_focal"], disaggregate=False)
    assert list(waves["period"]) == ["2021", "2022"]


def test_small_change_is_not_significant(make_engine, add_responses, framework) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    add_responses(engine, "hs", [{"hromada": H1, "date": "2021-05-01", "answers": {"focal": "yes" if i < 5 else "no"}}
                                 for i in range(10)])
    add_responses(engine, "hs", [{"hromada": H1, "date": "2022-05-01", "answers": {"focal": "yes" if i < 6 else "no"}}
                                 for i in range(10)])
    y22 = compute(engine, framework, indicators=["share_focal"], disaggregate=False).set_index("period").loc["2022"]
    assert y22["change"] == pytest.approx(0.1) and not bool(y22["change_significant"])


def test_unknown_indicator_level_period(make_engine, framework) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    for kwargs, code in (({"indicators": ["nope"]}, "engine-unknown-indicator"), ({"level": "village"}, "engine-unknown-level"),
                         ({"period": "month"}, "engine-unknown-period")):
        with pytest.raises(MonitorError) as caught:
            compute(engine, framework, **kwargs)
        assert caught.value.issues[0].code == code
        assert caught.value.issues[0].message_uk != caught.value.issues[0].message_en


def test_empty_database_gives_empty_table_with_columns(make_engine, framework) -> None:  # type: ignore[no-untyped-def]
    from monitor.engine import COLUMNS

    results = compute(make_engine(), framework)
    assert results.empty and list(results.columns) == COLUMNS
