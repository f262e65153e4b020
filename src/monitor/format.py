"""Numbers and dates as each language writes them: the one formatter of charts, reports and dashboard.

Ukrainian: decimal comma, narrow no-break space between thousands, a no-break space before '%'
('12,5 %'), dates 28.11.2026. English: '12.5%', '1,234', dates 28 Nov 2026. Shares are stored as
0..1 and shown in percent; % of target is already 0..100. Nothing else in the project writes a
percent sign after a number by hand (tests/test_format.py checks that).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

__all__ = [
    "DASH",
    "INTEGER_UNITS",
    "PERCENT_UNITS",
    "change",
    "count",
    "day",
    "decimal",
    "integer",
    "interval",
    "minute",
    "missing",
    "moment",
    "percent",
    "percent_sign",
    "plotly_separators",
    "ratio",
    "share",
    "value",
]

THIN = "\u202f"  # narrow no-break space: Ukrainian thousands separator
NBSP = "\u00a0"
MINUS = "\u2212"
PERCENT_UNITS = frozenset({"percent", "share"})
INTEGER_UNITS = frozenset({"count", "persons", "uah"})
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DASH = "—"


def missing(number: Any) -> bool:
    """None, NaN, pandas' NA and anything that is not a number: shown as a dash."""
    if number is None:
        return True
    try:
        return math.isnan(float(number))
    except (TypeError, ValueError):
        return True


def decimal(number: float, lang: str, decimals: int = 1) -> str:
    """A plain number: '1 234,5' (uk) or '1,234.5' (en); a true minus sign for negatives."""
    text = f"{abs(number):,.{decimals}f}"
    if lang == "uk":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", THIN)
    if round(number, decimals) < 0:  # no '−0,0'
        text = MINUS + text
    return text


def percent_sign(lang: str) -> str:
    """What follows a number in percent: ' %' (no-break space, Ukrainian typography) or '%'.

    Also the tick suffix of a percent axis, so axes and labels agree."""
    return f"{NBSP}%" if lang == "uk" else "%"


def percent(number_0_100: Any, lang: str, decimals: int = 1) -> str:
    """A percentage already on the 0..100 scale: '12,5 %' / '12.5%'."""
    if missing(number_0_100):
        return DASH
    return decimal(float(number_0_100), lang, decimals) + percent_sign(lang)


def share(number_0_1: Any, lang: str, decimals: int = 1) -> str:
    """A share stored as 0..1, shown in percent: 0.125 -> '12,5 %' / '12.5%'."""
    return DASH if missing(number_0_1) else percent(float(number_0_1) * 100, lang, decimals)


def value(number: Any, unit: str | None, lang: str) -> str:
    """An indicator value in its unit: shares in percent, counts as integers, others one decimal."""
    if missing(number):
        return DASH
    x = float(number)
    if unit in PERCENT_UNITS:
        return percent(x * 100, lang)
    if unit in INTEGER_UNITS and x == round(x):
        return decimal(x, lang, 0)
    return decimal(x, lang, 1)


def interval(low: Any, high: Any, unit: str | None, lang: str) -> str:
    """A confidence interval in the value's unit: '80,0 % – 95,5 %'."""
    if missing(low) or missing(high):
        return DASH
    return f"{value(low, unit, lang)} – {value(high, unit, lang)}"


def change(number: Any, unit: str | None, lang: str) -> str:
    """A signed change: shares in percentage points ('+5,2 в. п.' / '+5.2 pp'), others in their unit."""
    if missing(number):
        return DASH
    x = float(number)
    if unit in PERCENT_UNITS:
        body = decimal(abs(x) * 100, lang, 1) + (f"{NBSP}в.{NBSP}п." if lang == "uk" else f"{NBSP}pp")
    else:
        body = value(abs(x), unit, lang)
    sign = "+" if x > 0 else (MINUS if x < 0 else "±")
    return sign + body


def integer(number: Any, lang: str) -> str:
    """A whole number with the language's thousands separator: '1 234' / '1,234'."""
    return DASH if missing(number) else decimal(float(number), lang, 0)


count = integer  # a count of people, answers or files reads as an integer


def ratio(part: Any, whole: Any, lang: str) -> str:
    """'received of expected' as two counts: '12/40', '1 200/1 500'."""
    return f"{integer(part, lang)}/{integer(whole, lang)}"


def plotly_separators(lang: str) -> str:
    """Plotly's `layout.separators` (decimal mark, then thousands) so axis ticks match the labels."""
    return f",{THIN}" if lang == "uk" else ".,"


def day(d: date, lang: str) -> str:
    """A date: '28.11.2026' (uk) or '28 Nov 2026' (en)."""
    if lang == "uk":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"


def minute(dt: datetime, lang: str) -> str:
    """Date and time to the minute, for 'last import' and 'last sync' lines: '28.11.2026 09:05'."""
    return f"{day(dt.date(), lang)} {dt:%H:%M}"


def moment(dt: datetime, lang: str) -> str:
    """Date and time (UTC offset kept) for the provenance stamp."""
    offset = dt.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else ""
    return f"{day(dt.date(), lang)} {dt:%H:%M:%S} {zone}".strip()
