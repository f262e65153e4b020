"""S06 follows the people granted status (a cohort) and S06A checks the amount paid against 3 x the subsistence
minimum of the person's category on the application date, from data/reference/subsistence_minimum.csv.
Hand-built cases computed by the engine from a real database with the shipped framework."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from monitor.engine import compute
from monitor.engine.compute import subsistence_table
from monitor.framework.loader import framework_or_raise

FRAMEWORK = framework_or_raise(Path(__file__).resolve().parents[2])
TABLE = subsistence_table(FRAMEWORK.param_values())


def _minimum(category: str, day: str) -> float:
    return float(TABLE.lookup([category], [day])[0])


def _granted(decided: str, **answers: object) -> dict:
    return {"repeat": "cases", "answers": {
        "applicant_sex": "male", "applicant_age_group": "18_plus", "decision": "granted",
        "application_date": "2022-01-10", "decision_date": decided, "person_category": "able_bodied", **answers}}


FULL = 3 * 2481.0  # able-bodied minimum from 01.01.2022 (Law No. 1928-IX art. 7, per the reference table)
CASES = [
    # granted in 2022, applied 01.02, paid 25.02 (24 days, in full): on time
    _granted("2022-01-20", payment_applied_date="2022-02-01", payment_date="2022-02-25", payment_amount=FULL),
    # paid after 40 days: late (in the cohort, not in the numerator)
    _granted("2022-01-21", payment_applied_date="2022-02-01", payment_date="2022-03-13", payment_amount=FULL),
    # never applied: in the cohort, not paid
    _granted("2022-01-22"),
    # applied 10 days before the form's date, not paid yet: pending, left out
    _granted("2022-02-10", payment_applied_date="2022-02-19"),
    # applied 40 days before the form's date, not paid: late
    _granted("2022-01-05", payment_applied_date="2022-01-20"),
    # paid on time but one minimum instead of three: counted by S06, flagged by S06A
    _granted("2022-01-23", payment_applied_date="2022-02-02", payment_date="2022-02-20", payment_amount=2481.0),
    # one hryvnia short of three minimums of a child aged 6-18: flagged
    _granted("2022-01-24", person_category="child_6_17", payment_applied_date="2022-02-03",
             payment_date="2022-02-21", payment_amount=3 * 2618.0 - 1),
    # refused: not in the cohort
    {"repeat": "cases", "answers": {"applicant_sex": "male", "applicant_age_group": "18_plus", "decision": "refused",
                                    "application_date": "2022-01-10", "decision_date": "2022-01-25"}},
]


@pytest.fixture
def results(make_engine, add_responses, geo) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    engine = make_engine()
    add_responses(engine, "status-procedure", [
        {"raion": geo.RAION, "wave": "2022", "date": "2022-03-01",
         "answers": {"date": "2022-03-01", "body": "raion_administration"}, "children": CASES},
        # The oblast department's copy of the same people: the instrument says raion administrations report
        # the case list, so the engine counts none of it (the import would reject it).
        {"raion": geo.RAION2, "wave": "2022", "date": "2022-03-01",
         "answers": {"date": "2022-03-01", "body": "oblast_department"}, "children": CASES},
    ])
    out = compute(engine, FRAMEWORK, level="oblast", period="year", indicators=["S06", "S06A"], disaggregate=False)
    return out.set_index(["indicator", "period"])


def test_the_reference_table_gives_the_minimum_in_force() -> None:
    assert _minimum("able_bodied", "2022-01-01") == 2481 and _minimum("able_bodied", "2022-07-01") == 2600
    assert _minimum("child_under_6", "2021-06-30") == 1921 and _minimum("child_under_6", "2021-07-01") == 2013
    assert pd.isna(_minimum("able_bodied", "2019-05-01"))  # not in the table: no minimum, never a guess


def test_s06_is_a_cohort_of_people_granted_status(results: pd.DataFrame) -> None:
    row = results.loc[("S06", "2022")]
    # cohort: 7 granted, less 1 pending = 6; paid within the month: the two on-time payments + the 1x and the
    # short one (S06 counts time, S06A the amount); the oblast department's copy is not counted
    assert (row["numerator"], row["denominator"]) == (3, 6)
    assert row["value"] <= 1


def test_the_amount_check_flags_payments_below_three_minimums(results: pd.DataFrame) -> None:
    row = results.loc[("S06A", "2022")]
    # four payments made: two in full, one of a single minimum, one a hryvnia short
    assert (row["numerator"], row["denominator"]) == (2, 4)
    assert bool(row["unverified"])  # the table comes from secondary sources (parameter subsistence_minimum_table)
