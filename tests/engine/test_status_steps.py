"""S01's steps of Procedure 417 on hand-built cases, computed by the engine from a real database with the
shipped framework: each step against its own (placeholder, unverified) deadline, pending before the
deadline, and a case in the period of the step it measures, not of the form's date.

Deadlines of the shipped framework (unverified placeholders): interview 3 days, decision 10, total 30.
The cases run across 24.02.2022 (martial law) and the forms are dated 01.03.2022 and 10.01.2022.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from monitor.engine import compute
from monitor.framework.loader import framework_or_raise

FRAMEWORK = framework_or_raise(Path(__file__).resolve().parents[2])


def _case(**answers: str) -> dict:
    return {"repeat": "cases", "answers": {"applicant_sex": "female", "applicant_age_group": "18_plus", **answers}}


# Form of 01.03.2022: the case list as it stood that day.
MARCH = [
    # decided in 9 days (20.02 -> 01.03.2022, across 24.02): on time; interview after 3 days: on time;
    # certificate 5 days later: whole procedure in 14 days, on time
    _case(decision="granted", application_date="2022-02-20", interview="held", interview_date="2022-02-23",
          file_sent_date="2022-02-25", decision_date="2022-03-01", certificate_date="2022-03-01"),
    # decided in 12 days: late; interview after 4 days: late
    _case(decision="refused", application_date="2022-02-15", interview="held", interview_date="2022-02-19",
          file_sent_date="2022-02-20", decision_date="2022-02-27"),
    # open for 4 days: the decision is pending (10), the interview late (no interview after 4 days > 3)
    _case(decision="pending", application_date="2022-02-25", interview="not_yet"),
    # open for 2 days: pending for the decision and the interview
    _case(decision="pending", application_date="2022-02-27", interview="not_yet"),
    # open for 28 days: the decision is late (10), the whole procedure still pending (30)
    _case(decision="pending", application_date="2022-02-01", interview="not_required"),
    # withdrawn: no step is judged
    _case(decision="withdrawn", application_date="2022-02-02"),
]
# Form of 10.01.2022 (answer date in 2022): a case decided on 28.12.2021 belongs to 2021.
JANUARY = [
    _case(decision="granted", application_date="2021-12-20", interview="held", interview_date="2021-12-21",
          file_sent_date="2021-12-22", decision_date="2021-12-28", certificate_date="2022-01-04"),
]


@pytest.fixture
def results(make_engine, add_responses, geo) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    engine = make_engine()
    add_responses(engine, "status-procedure", [
        {"raion": geo.RAION, "wave": "2022", "date": "2022-03-01", "answers": {"date": "2022-03-01", "body": "raion_administration"},
         "children": MARCH},
        {"raion": geo.RAION, "wave": "2022", "date": "2022-01-10", "answers": {"date": "2022-01-10", "body": "raion_administration"},
         "children": JANUARY},
    ])
    out = compute(engine, FRAMEWORK, level="oblast", period="year", indicators=["S01", "S01A", "S01B", "S02"],
                  disaggregate=False)
    return out.set_index(["indicator", "period"])


@pytest.mark.parametrize(("indicator", "period", "numerator", "denominator"), [
    # decision step: 2022 has the 9-day case (on time), the 12-day case and the 28-day open case (late);
    # the two open cases of 4 and 2 days are pending and left out
    ("S01", "2022", 1, 3),
    # 2021: the case decided on 28.12.2021, reported on a form of January 2022 (8 days: on time)
    ("S01", "2021", 1, 1),
    # interview step: 3 days on time, 4 days late, not held after 4 days late, not held after 2 days pending;
    # the 2021 interview (1 day) belongs to 2021; "not required" is left out
    ("S01A", "2022", 1, 3),
    ("S01A", "2021", 1, 1),
    # whole procedure (30 days): the certificate after 9 days and the refusal after 12 are on time; the
    # open cases (28, 4, 2 days) are pending; the 2021 case ended with its certificate on 04.01.2022
    ("S01B", "2022", 3, 3),
])
def test_steps_on_time(results: pd.DataFrame, indicator: str, period: str, numerator: int, denominator: int) -> None:
    row = results.loc[(indicator, period)]
    assert (row["numerator"], row["denominator"]) == (numerator, denominator)


def test_s02_dates_a_case_by_its_decision(results: pd.DataFrame) -> None:
    assert results.loc[("S02", "2021"), "value"] == 8  # 20.12 -> 28.12.2021, reported in January 2022
    assert results.loc[("S02", "2022"), "value"] == 10.5  # median of 9 and 12 days


def test_the_steps_are_marked_unverified(results: pd.DataFrame) -> None:
    assert results.loc[["S01", "S01A", "S01B"], "unverified"].all()
