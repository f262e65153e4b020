"""monitor.deadlines: the Ukrainian working-day calendar and the verdicts on legal terms, on hand-built cases.

The dates cross the days off moved under Labour Code art. 67 (3-4 and 10 May 2021), a working Saturday
(16 Jan 2021) and the start of martial law (24.02.2022), after which 7 and 8 March 2022 are working days.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from monitor import expr
from monitor.deadlines import (
    LATE,
    ON_TIME,
    PENDING,
    RequestTerms,
    request_deadline,
    request_verdict,
    step_verdict,
    ukrainian_calendar,
)

D = date.fromisoformat
CAL = ukrainian_calendar()


@pytest.mark.parametrize(("day", "working"), [
    ("2021-01-08", False),  # Cabinet transfer: day off ...
    ("2021-01-16", True),   # ... worked on this Saturday
    ("2021-05-03", False),  # Labour Day fell on a Saturday: moved (art. 67(3))
    ("2021-05-04", False),  # Easter fell on a Sunday: moved
    ("2021-05-10", False),  # Victory Day fell on a Sunday: moved
    ("2021-06-21", False),  # Trinity fell on a Sunday: moved
    ("2021-12-27", False),  # Christmas fell on a Saturday: moved
    ("2022-01-03", False),  # New Year fell on a Saturday: moved
    ("2022-02-23", True),
    ("2022-03-07", True),   # a transfer the Cabinet set before the war: not applied under martial law
    ("2022-03-08", True),   # a public holiday under martial law: a working day
    ("2022-03-12", False),  # the Saturday that would have been worked for 7 March stays a day off
    ("2022-05-09", True),
])
def test_working_days_of_the_calendar(day: str, working: bool) -> None:
    assert CAL.is_working_day(D(day)) is working


def test_without_the_martial_law_rule_march_2022_holidays_are_days_off() -> None:
    peace = ukrainian_calendar(None)
    assert not peace.is_working_day(D("2022-03-08")) and not peace.is_working_day(D("2022-05-09"))


# (received, answered, as_of, urgent, extension notice) -> verdict
REQUESTS = [
    # 5 working days from receipt skip the moved days off 3-4 May: the deadline is Fri 7 May, not Wed 5 May.
    ("2021-04-28", "2021-05-07", None, False, None, ON_TIME),
    ("2021-04-28", "2021-05-11", None, False, None, LATE),
    # still inside the term on the day the log was checked: pending, not late (also on the deadline day)
    ("2021-04-28", None, "2021-05-06", False, None, PENDING),
    ("2021-04-28", None, "2021-05-07", False, None, PENDING),
    ("2021-04-28", None, "2021-05-11", False, None, LATE),
    # the working Saturday 16 Jan 2021 counts: 15, 16, 18, 19, 20 Jan
    ("2021-01-14", "2021-01-20", None, False, None, ON_TIME),
    ("2021-01-14", "2021-01-21", None, False, None, LATE),
    # the term runs across 24.02.2022: 22, 23, 24, 25, 28 Feb
    ("2022-02-21", "2022-02-28", None, False, None, ON_TIME),
    ("2022-02-21", "2022-03-01", None, False, None, LATE),
    # under martial law 7 and 8 March 2022 are working days: 3, 4, 7, 8, 9 March
    ("2022-03-02", "2022-03-09", None, False, None, ON_TIME),
    ("2022-03-02", "2022-03-10", None, False, None, LATE),
    ("2022-03-02", None, "2022-03-08", False, None, PENDING),
    ("2022-03-02", None, "2022-03-10", False, None, LATE),
    # an extension notice within the 5 working days: 20 working days from receipt (30 March)
    ("2022-03-02", "2022-03-30", None, False, "2022-03-09", ON_TIME),
    ("2022-03-02", "2022-03-31", None, False, "2022-03-09", LATE),
    ("2022-03-02", None, "2022-03-25", False, "2022-03-04", PENDING),
    # a notice after the 5 working days does not extend the term
    ("2022-03-02", "2022-03-30", None, False, "2022-03-10", LATE),
    # 48 hours where life or liberty is at stake, holidays or not
    ("2021-05-01", "2021-05-03", None, True, None, ON_TIME),
    ("2021-05-01", "2021-05-04", None, True, None, LATE),
    ("2021-05-01", None, "2021-05-02", True, None, PENDING),
    # cannot be judged: no answer and no date the log was brought up to date
    ("2021-04-28", None, None, False, None, None),
]


def _day(text: str | None) -> date | None:
    return D(text) if text else None


@pytest.mark.parametrize(("received", "answered", "as_of", "urgent", "notice", "verdict"), REQUESTS)
def test_request_verdicts(received: str, answered: str | None, as_of: str | None, urgent: bool,
                          notice: str | None, verdict: str | None) -> None:
    got = request_verdict(D(received), _day(answered), _day(as_of), calendar=CAL, urgent=urgent,
                          extension_notice=_day(notice))
    assert got == verdict


def test_request_deadline_uses_the_terms_given() -> None:
    assert request_deadline(D("2021-04-28"), calendar=CAL) == D("2021-05-07")
    assert request_deadline(D("2021-04-28"), calendar=CAL, terms=RequestTerms(answer_days=1)) == D("2021-04-29")
    # without the martial-law rule 7-8 March 2022 are days off and the term ends on 11 March
    assert request_deadline(D("2022-03-02"), calendar=ukrainian_calendar(None)) == D("2022-03-11")


def test_the_expression_function_agrees_with_the_python_function() -> None:
    """request-status() (R01's formula) gives the same verdict as request_verdict() on every case above."""
    frame = pd.DataFrame([
        {"received": r, "answered": a, "as_of": o, "urgent": "yes" if u else "no", "notice": n}
        for r, a, o, u, n, _ in REQUESTS
    ])
    ctx = expr.Bindings(calendar=CAL)
    text = "request-status(received, answered, as_of, urgent = 'yes', notice, 5, 20, 48)"
    got = expr.evaluate(expr.parse(text), frame, ctx)
    want = [v for *_, v in REQUESTS]
    assert [None if pd.isna(g) else g for g in got] == want


# (start, end, as_of, deadline days) -> verdict; calendar days (Procedure 417)
STEPS = [
    ("2022-02-20", "2022-03-02", None, 10, ON_TIME),
    ("2022-02-20", "2022-03-03", None, 10, LATE),
    ("2022-02-20", None, "2022-03-02", 10, PENDING),
    ("2022-02-20", None, "2022-03-03", 10, LATE),
    ("2022-02-20", None, None, 10, None),
    (None, "2022-03-03", None, 10, None),
    ("2022-02-20", "2022-03-03", None, None, None),  # no deadline known: no verdict
]


@pytest.mark.parametrize(("start", "end", "as_of", "days", "verdict"), STEPS)
def test_step_verdicts(start: str | None, end: str | None, as_of: str | None, days: int | None,
                       verdict: str | None) -> None:
    assert step_verdict(_day(start), _day(end), _day(as_of), days) == verdict


def test_step_status_expression_agrees() -> None:
    frame = pd.DataFrame([{"s": s, "e": e, "o": o, "d": np.nan if d is None else d} for s, e, o, d, _ in STEPS])
    got = expr.evaluate(expr.parse("step-status(s, e, o, d)"), frame, expr.Bindings())
    assert [None if pd.isna(g) else g for g in got] == [v for *_, v in STEPS]


def test_working_days_counts_from_the_day_after() -> None:
    frame = pd.DataFrame({"a": ["2021-04-28", "2021-05-01", "2022-03-02"], "b": ["2021-05-07", "2021-05-07", "2022-03-09"]})
    got = expr.evaluate(expr.parse("working-days(a, b)"), frame, expr.Bindings(calendar=CAL))
    assert got.tolist() == [5.0, 3.0, 5.0]  # (1 May, 7 May]: 3-4 May are moved days off
