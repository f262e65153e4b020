"""The request tracker: the deadline of Law No. 2939-VI art. 20 in working days, on both sides of a
deadline that crosses a weekend and a public holiday (24.08.2021, Independence Day).

The rules are tested on a calendar given here (weekends + Independence Day), so they hold whichever
calendar the project uses by default (the framework's placeholder now, monitor.deadlines once merged,
which also knows the Cabinet's transfer of 23.08.2021)."""

from __future__ import annotations

from datetime import date

import pytest
from oversight_kit import prepare

from monitor.oversight.tracker import add_request, requests, track, working_deadline
from monitor.store.db import connect

INDEPENDENCE_DAY = date(2021, 8, 24)  # a Tuesday, a public holiday
CALENDAR = (INDEPENDENCE_DAY,)
THURSDAY = date(2021, 8, 19)  # received: Fri 20, [Sat, Sun], Mon 23, [Tue 24 holiday], Wed 25, Thu 26, Fri 27
DEADLINE = date(2021, 8, 27)


def test_the_default_calendar_counts_the_holiday_too() -> None:
    # Whichever calendar is the default, Independence Day is not a working day: the term ends after the 26th.
    assert working_deadline(THURSDAY, 5) >= date(2021, 8, 27)


@pytest.mark.parametrize(("received", "days", "expected"), [
    (THURSDAY, 5, DEADLINE),
    (date(2021, 8, 21), 5, date(2021, 8, 30)),  # received on a Saturday: counted from Monday
    (INDEPENDENCE_DAY, 5, date(2021, 8, 31)),  # received on the holiday itself
    (date(2021, 8, 16), 5, date(2021, 8, 23)),  # the term ends just before the holiday
    (THURSDAY, 20, date(2021, 9, 17)),  # an extended term crosses the holiday and four weekends
])
def test_working_deadline(received, days, expected) -> None:  # type: ignore[no-untyped-def]
    assert working_deadline(received, days, CALENDAR) == expected


def test_without_the_holiday_the_deadline_would_be_a_day_earlier() -> None:
    assert working_deadline(THURSDAY, 5, holidays=[]) == date(2021, 8, 26)


@pytest.mark.parametrize(("reply", "outcome", "as_of", "state", "overdue"), [
    (None, None, DEADLINE, "pending", 0),  # the last day is still in time
    (None, None, date(2021, 8, 28), "no-answer", 1),  # the day after
    (None, None, date(2021, 9, 6), "no-answer", 10),
    (DEADLINE, "full", date(2021, 9, 6), "answered-on-time", 0),
    (date(2021, 8, 30), "partial", date(2021, 9, 6), "late", 3),  # the first working day after is late
    (date(2021, 8, 26), "refused", date(2021, 9, 6), "refused", 0),
])
def test_states_on_both_sides_of_the_deadline(reply, outcome, as_of, state, overdue) -> None:  # type: ignore[no-untyped-def]
    tracked = track(THURSDAY, None, reply, outcome, as_of, CALENDAR)
    assert tracked.deadline == DEADLINE and (tracked.state, tracked.days_overdue) == (state, overdue)


def test_an_extension_counts_only_when_noticed_within_the_first_term() -> None:
    in_time = track(THURSDAY, DEADLINE, date(2021, 9, 10), "full", date(2021, 9, 20), CALENDAR)
    assert in_time.extended and in_time.deadline == date(2021, 9, 17) and in_time.state == "answered-on-time"
    too_late = track(THURSDAY, date(2021, 8, 30), date(2021, 9, 10), "full", date(2021, 9, 20), CALENDAR)
    assert not too_late.extended and too_late.state == "late" and too_late.days_overdue == 14


@pytest.mark.parametrize(("reply", "as_of", "state", "overdue"), [
    (None, date(2021, 8, 22), "pending", 0),  # received Friday 20.08: 48 hours end on the Sunday
    (None, date(2021, 8, 23), "no-answer", 1),  # the weekend does not stretch an urgent term
    (date(2021, 8, 22), date(2021, 9, 6), "answered-on-time", 0),
    (date(2021, 8, 23), date(2021, 9, 6), "late", 1),
])
def test_an_urgent_request_has_48_hours(reply, as_of, state, overdue) -> None:  # type: ignore[no-untyped-def]
    # An extension notice does not extend an urgent request (art. 20(2) has no extension).
    tracked = track(date(2021, 8, 20), date(2021, 8, 21), reply, "full" if reply else None, as_of, CALENDAR,
                    urgent=True)
    assert (tracked.deadline, tracked.extended) == (date(2021, 8, 22), False)
    assert (tracked.state, tracked.days_overdue) == (state, overdue)


def test_requests_in_the_store(db_url) -> None:  # type: ignore[no-untyped-def]
    engine = prepare(connect(db_url))
    base = {"round": "R2021", "body": "poltava-nssu", "subject": "Status applications", "channel": "email",
            "date_sent": "2021-08-18", "date_received": "2021-08-19"}
    add_request(engine, {**base, "key": "Q-on-time", "reply_date": "2021-08-27", "outcome": "full"})
    add_request(engine, {**base, "key": "Q-late", "reply_date": "2021-08-30", "outcome": "partial"})
    add_request(engine, {**base, "key": "Q-open"})
    add_request(engine, {**base, "key": "Q-open"})  # the same again adds nothing
    add_request(engine, {**base, "key": "Q-urgent", "urgent": "так", "reply_date": "2021-08-23", "outcome": "full"})
    frame = requests(engine, as_of=date(2021, 8, 31), holidays=CALENDAR).set_index("key")
    assert len(frame) == 4
    assert (frame.loc["Q-urgent", "state"], frame.loc["Q-urgent", "deadline"]) == ("late", date(2021, 8, 21))
    assert frame.loc["Q-on-time", "state"] == "answered-on-time"
    assert (frame.loc["Q-late", "state"], frame.loc["Q-late", "days_overdue"]) == ("late", 3)
    assert (frame.loc["Q-open", "state"], frame.loc["Q-open", "days_overdue"]) == ("no-answer", 4)
    assert frame.loc["Q-open", "deadline"] == DEADLINE
