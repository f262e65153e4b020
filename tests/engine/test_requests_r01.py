"""R01 computed by the engine from a real database with the shipped framework, on hand-built requests whose
terms cross the moved days off of May 2021 and the start of martial law (24.02.2022): 5 working days from
receipt, 20 with an extension notice within the 5, 48 hours when urgent, pending (left out) before the deadline."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from monitor.engine import compute
from monitor.framework.loader import framework_or_raise

FRAMEWORK = framework_or_raise(Path(__file__).resolve().parents[2])


def _request(sent: str, received: str | None, answered: str | None, checked: str, **extra: str) -> dict:
    answers = {"date_sent": sent, "date_received": received, "date_answered": answered, "checked_on": checked,
               "extension_notice": "yes" if "extension_date" in extra else "no", "urgent": "no",
               "addressee_body": "nssu_regional", "completeness": "full" if answered else "none", **extra}
    return {"answers": {k: v for k, v in answers.items() if v is not None}, "date": sent}


REQUESTS_2021 = [
    _request("2021-04-28", "2021-04-28", "2021-05-07", "2021-06-01"),  # 5th working day after 3-4 May off: on time
    _request("2021-04-28", "2021-04-28", "2021-05-11", "2021-06-01"),  # late (10 May was a moved day off too)
    _request("2021-05-01", "2021-05-01", "2021-05-03", "2021-06-01", urgent="yes"),  # 48 hours: on time
    _request("2021-04-20", None, "2021-04-23", "2021-06-01"),  # no receipt date: not judged
]
REQUESTS_2022 = [
    _request("2022-02-21", "2022-02-21", "2022-02-28", "2022-03-10"),  # across 24.02.2022: on time
    _request("2022-03-02", "2022-03-02", "2022-03-10", "2022-03-10"),  # 7-8 March worked under martial law: late
    _request("2022-03-02", "2022-03-02", "2022-03-30", "2022-04-01", extension_date="2022-03-09"),  # extended: on time
    _request("2022-03-07", "2022-03-07", None, "2022-03-10"),  # unanswered, inside the term: pending
    _request("2022-02-01", "2022-02-01", None, "2022-03-10"),  # unanswered after the term: late
]


@pytest.fixture
def r01(make_engine, add_responses, geo) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    engine = make_engine()
    rows = [{"oblast": geo.OBLAST, "wave": r["date"][:4], **r} for r in REQUESTS_2021 + REQUESTS_2022]
    add_responses(engine, "information-requests", rows)
    out = compute(engine, FRAMEWORK, level="oblast", period="year", indicators=["R01"], disaggregate=False)
    return out.set_index("period")


def test_r01_on_time_late_and_pending(r01: pd.DataFrame) -> None:
    assert (r01.loc["2021", "numerator"], r01.loc["2021", "denominator"]) == (2, 3)
    assert (r01.loc["2022", "numerator"], r01.loc["2022", "denominator"]) == (2, 4)  # the pending one left out
    assert r01["unverified"].all()  # the calendar's martial-law rule is a secondary source
