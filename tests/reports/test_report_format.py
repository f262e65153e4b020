"""Numbers and dates per language."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from monitor.reports import format as fmt

NB, THIN, MINUS = "\u00a0", "\u202f", "\u2212"


@pytest.mark.parametrize(("number", "unit", "lang", "expected"), [
    (0.125, "percent", "uk", f"12,5{NB}%"),
    (0.125, "percent", "en", "12.5%"),
    (1.0, "percent", "en", "100.0%"),
    (1234.0, "count", "uk", f"1{THIN}234"),
    (1234.0, "count", "en", "1,234"),
    (6842.51, "uah", "en", "6,842.5"),
    (18.5, "days", "uk", "18,5"),
    (3.0, "score", "en", "3.0"),
    (None, "percent", "en", "—"),
    (float("nan"), "count", "uk", "—"),
])
def test_value(number, unit: str, lang: str, expected: str) -> None:
    assert fmt.value(number, unit, lang) == expected


@pytest.mark.parametrize(("change", "unit", "lang", "expected"), [
    (0.052, "percent", "uk", f"+5,2{NB}в.{NB}п."),
    (-0.052, "percent", "en", f"{MINUS}5.2{NB}pp"),
    (0.0, "days", "en", "±0.0"),
    (-1330.0, "uah", "en", f"{MINUS}1,330"),
])
def test_change(change: float, unit: str, lang: str, expected: str) -> None:
    assert fmt.change(change, unit, lang) == expected


@pytest.mark.parametrize(("number", "lang", "expected"), [
    (-0.04, "en", "0.0"), (-0.06, "en", f"{MINUS}0.1"), (12345.678, "uk", f"12{THIN}345,7"),
])
def test_decimal_has_no_negative_zero(number: float, lang: str, expected: str) -> None:
    assert fmt.decimal(number, lang, 1) == expected


@pytest.mark.parametrize(("lang", "expected"), [("uk", "28.11.2026"), ("en", "28 Nov 2026")])
def test_day(lang: str, expected: str) -> None:
    assert fmt.day(date(2026, 11, 28), lang) == expected


def test_moment_keeps_the_offset() -> None:
    moment = datetime(2026, 11, 28, 9, 5, 7, tzinfo=timezone(timedelta(hours=2)))
    assert fmt.moment(moment, "uk") == "28.11.2026 09:05:07 UTC+02:00"
