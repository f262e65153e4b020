"""Legal deadlines: the Ukrainian working-day calendar and the verdict on one term (on time, late, pending).

One home for how a term is counted, used by the expression language (working-days(), request-status(),
step-status(): R01 and S01) and by anything else that judges a deadline, e.g. a request tracker:

    from monitor.deadlines import request_verdict, ukrainian_calendar, RequestTerms
    request_verdict(received, answered, as_of, calendar=ukrainian_calendar(), terms=RequestTerms())

Decisions, with their sources (docs/domain/public-information.md, "Working days"):
- Working days come from the `holidays` package's Ukrainian calendar: public holidays of Labour Code
  art. 73, the day off moved to the next working day when a holiday falls on a weekend (art. 67(3):
  2021-05-03, 05-04, 05-10, 06-21, 12-27, 2022-01-03) and the Cabinet's transfers of days off with
  working Saturdays (2021-01-08 off, 2021-01-16 worked; ...). A working Saturday counts as a working day.
- Martial law: from MARTIAL_LAW_FROM (24.02.2022, the day martial law began; under it, Law No. 2136-IX,
  public holidays were not days off: a secondary source only, hence verified: false) public holidays and
  moved days off are not days off, and no Saturday is worked in their place: only Saturdays and Sundays are days off. The
  `holidays` package dates the rule from 15.03.2022 instead, so it still keeps 7 and 8 March 2022 as
  days off (and 12 March 2022 as a working Saturday); this project does not. The date is the framework
  parameter `martial_law_holidays_suspended_from` (verified: false: the rule has a secondary source only).
- A term of N working days "from receipt" (Law No. 2939-VI art. 20: "з дня отримання запиту") runs from
  the day after receipt: the deadline is the N-th working day after the day the request was received,
  and an answer dated on that day is on time.
- 48 hours (a request needed to protect life or liberty) are counted on dates: the answer is on time when
  dated no later than two calendar days after receipt (the log holds dates, not hours).
- A term without an end date yet is "pending" while the day the log was last updated (`as_of`) is not past
  the deadline, and "late" after it: an unanswered request is never late before its deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

import holidays
import numpy as np

__all__ = [
    "LATE", "MARTIAL_LAW_FROM", "ON_TIME", "PENDING", "RequestTerms", "Verdict", "WorkCalendar",
    "request_deadline", "request_deadlines", "request_verdict", "step_verdict", "ukrainian_calendar", "verdicts",
]

MARTIAL_LAW_FROM = date(2022, 2, 24)
Verdict = Literal["on_time", "late", "pending"]
ON_TIME: Verdict = "on_time"
LATE: Verdict = "late"
PENDING: Verdict = "pending"

# The span the calendar covers; a date outside it has no working-day count (missing, never a guess).
_FIRST_YEAR, _LAST_YEAR = 2010, 2035
_EPOCH = np.datetime64(f"{_FIRST_YEAR}-01-01", "D")
_END = np.datetime64(f"{_LAST_YEAR + 1}-01-01", "D")


@dataclass(frozen=True)
class WorkCalendar:
    """Working days as a running count: `cumulative[i]` = working days from the epoch up to day i included."""

    cumulative: np.ndarray  # int64, one entry per day from _EPOCH to _END (excluded)
    days_off: frozenset[date]  # weekdays that are not working days (holidays, moved days off)
    working_weekend_days: frozenset[date]  # Saturdays worked in exchange for a moved day off
    martial_law_from: date | None

    @property
    def key(self) -> tuple[object, ...]:
        """Hashable identity for result caches."""
        return ("UA", self.martial_law_from, len(self.days_off), len(self.working_weekend_days))

    def is_working_day(self, day: date) -> bool:
        if day in self.working_weekend_days:
            return True
        return day.weekday() < 5 and day not in self.days_off

    def working_days(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Working days in (start, end] per element (negative when end is before start); NaN where a date
        is missing or outside the calendar."""
        a, b = _index(start), _index(end)
        ok = (a >= 0) & (b >= 0)
        out = np.full(a.shape, np.nan)
        out[ok] = self.cumulative[b[ok]] - self.cumulative[a[ok]]
        return out

    def add_working_days(self, start: np.ndarray, n: np.ndarray) -> np.ndarray:
        """The n-th working day after `start` (start itself not counted), per element; NaT where unknown."""
        a = _index(start)
        count = np.asarray(n, dtype="float64")
        count = np.broadcast_to(count, a.shape)
        ok = (a >= 0) & ~np.isnan(count)
        out = np.full(a.shape, np.datetime64("NaT"), dtype="datetime64[D]")
        if ok.any():
            target = self.cumulative[a[ok]] + count[ok].astype(np.int64)
            found = np.searchsorted(self.cumulative, target, side="left")
            inside = found < len(self.cumulative)
            days = np.full(found.shape, np.datetime64("NaT"), dtype="datetime64[D]")
            days[inside] = _EPOCH + found[inside]
            out[ok] = days
        return out

    def add_working_days_to(self, start: date, n: int) -> date:
        """Scalar add_working_days: the n-th working day after `start`."""
        (day,) = self.add_working_days(np.array([start], dtype="datetime64[D]"), np.array([n]))
        if np.isnat(day):
            raise ValueError(f"{start} + {n} working days is outside the calendar ({_FIRST_YEAR}-{_LAST_YEAR})")
        return date.fromisoformat(str(day))


def _index(values: np.ndarray) -> np.ndarray:
    days = np.asarray(values, dtype="datetime64[D]")
    index = (days - _EPOCH).astype(np.int64)
    bad = np.isnat(days) | (days < _EPOCH) | (days >= _END)
    return np.where(bad, -1, index)


@lru_cache(maxsize=8)
def ukrainian_calendar(martial_law_from: date | None = MARTIAL_LAW_FROM) -> WorkCalendar:
    """Ukraine's working days from the `holidays` package, with the martial-law rule (module docstring).

    `martial_law_from=None` keeps every holiday and transfer the package knows (also those it suspends
    under martial law, which it files under the "workday" category)."""
    years = range(_FIRST_YEAR, _LAST_YEAR + 1)
    public = holidays.country_holidays("UA", years=years)
    suspended = holidays.country_holidays("UA", years=years, categories=("workday",))
    candidates = set(public) | (set(suspended) if martial_law_from is None else set())
    working_weekends = set(public.weekend_workdays)

    def before_martial_law(day: date) -> bool:
        return martial_law_from is None or day < martial_law_from

    days_off = frozenset(d for d in candidates if d.weekday() < 5 and before_martial_law(d))
    worked = frozenset(d for d in working_weekends if before_martial_law(d))
    span = np.arange(_EPOCH, _END, dtype="datetime64[D]")
    weekday = (span.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday (3 with Monday = 0)
    working = weekday < 5
    offsets = lambda days: np.array(sorted(days), dtype="datetime64[D]") - _EPOCH  # noqa: E731
    if days_off:
        working[offsets(days_off).astype(np.int64)] = False
    if worked:
        working[offsets(worked).astype(np.int64)] = True
    return WorkCalendar(np.cumsum(working, dtype=np.int64), days_off, worked, martial_law_from)


# --------------------------------------------------------------------------- verdicts


@dataclass(frozen=True)
class RequestTerms:
    """Law No. 2939-VI art. 20 (framework parameters request_answer_working_days, request_extended_working_days,
    request_urgent_hours)."""

    answer_days: int = 5
    extended_days: int = 20
    urgent_hours: int = 48


def request_deadline(received: date, *, calendar: WorkCalendar, terms: RequestTerms = RequestTerms(),
                     urgent: bool = False, extension_notice: date | None = None) -> date:
    """The last day an answer is on time: 48 hours (as dates) when urgent; else 5 working days after receipt,
    or 20 when an extension notice was given within the 5."""
    if urgent:
        return received + timedelta(days=-(-terms.urgent_hours // 24))
    base = calendar.add_working_days_to(received, terms.answer_days)
    if extension_notice is not None and extension_notice <= base:
        return calendar.add_working_days_to(received, terms.extended_days)
    return base


def request_verdict(received: date | None, answered: date | None, as_of: date | None, *,
                    calendar: WorkCalendar, terms: RequestTerms = RequestTerms(), urgent: bool = False,
                    extension_notice: date | None = None) -> Verdict | None:
    """on_time / late / pending for one request; None when it cannot be judged (no receipt date, or no
    answer and no date the log was last updated)."""
    if received is None:
        return None
    deadline = request_deadline(received, calendar=calendar, terms=terms, urgent=urgent,
                                extension_notice=extension_notice)
    return _verdict(answered, as_of, deadline)


def step_verdict(start: date | None, end: date | None, as_of: date | None, days: float | None) -> Verdict | None:
    """A step with a deadline in calendar days (Procedure 417): on time when it ended within `days` of its
    start; pending while it has not ended and `as_of` is within the deadline; None when unknown."""
    if start is None or days is None:
        return None
    return _verdict(end, as_of, start + timedelta(days=int(days)))


def _verdict(end: date | None, as_of: date | None, deadline: date) -> Verdict | None:
    if end is not None:
        return ON_TIME if end <= deadline else LATE
    if as_of is None:
        return None
    return LATE if as_of > deadline else PENDING


def verdicts(end: np.ndarray, as_of: np.ndarray, deadline: np.ndarray) -> np.ndarray:
    """Vectorised _verdict over datetime64[D] arrays: object array of on_time / late / pending / None."""
    end, as_of, deadline = (np.asarray(x, dtype="datetime64[D]") for x in (end, as_of, deadline))
    out = np.full(end.shape, None, dtype=object)
    known = ~np.isnat(deadline)
    ended = known & ~np.isnat(end)
    out[ended & (end <= deadline)] = ON_TIME
    out[ended & (end > deadline)] = LATE
    open_ = known & np.isnat(end) & ~np.isnat(as_of)
    out[open_ & (as_of > deadline)] = LATE
    out[open_ & (as_of <= deadline)] = PENDING
    return out


def request_deadlines(received: np.ndarray, extension_notice: np.ndarray, urgent: np.ndarray, *,
                      calendar: WorkCalendar, terms: RequestTerms = RequestTerms()) -> np.ndarray:
    """Vectorised request_deadline over arrays (datetime64[D], datetime64[D], bool)."""
    received = np.asarray(received, dtype="datetime64[D]")
    notice = np.asarray(extension_notice, dtype="datetime64[D]")
    base = calendar.add_working_days(received, np.full(received.shape, terms.answer_days))
    extended = calendar.add_working_days(received, np.full(received.shape, terms.extended_days))
    with np.errstate(invalid="ignore"):
        noticed = ~np.isnat(notice) & ~np.isnat(base) & (notice <= base)
    urgent_deadline = received + np.timedelta64(-(-terms.urgent_hours // 24), "D")
    return np.where(np.asarray(urgent, dtype=bool), urgent_deadline, np.where(noticed, extended, base))
