"""Numbers and dates as each language writes them.

Ukrainian: decimal comma, thin (narrow no-break) space between thousands, a no-break space before
'%' ('12,5 %'), dates 28.11.2026. English: '12.5%', '1,234', dates 28 Nov 2026. Shares are stored
as 0..1 and shown in percent; % of target is already 0..100.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

THIN = "\u202f"  # narrow no-break space: Ukrainian thousands separator
NBSP = "\u00a0"
MINUS = "\u2212"
PERCENT_UNITS = frozenset({"percent", "share"})
INTEGER_UNITS = frozenset({"count", "persons", "uah"})
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DASH = "—"


def missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
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


def percent(number_0_100: Any, lang: str, decimals: int = 1) -> str:
    """A percentage already on the 0..100 scale: '12,5 %' / '12.5%'."""
    if missing(number_0_100):
        return DASH
    text = decimal(float(number_0_100), lang, decimals)
    return f"{text}{NBSP}%" if lang == "uk" else f"{text}%"


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
    return DASH if missing(number) else decimal(float(number), lang, 0)


def day(d: date, lang: str) -> str:
    if lang == "uk":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"


def moment(dt: datetime, lang: str) -> str:
    """Date and time (UTC offset kept) for the provenance stamp."""
    offset = dt.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else ""
    return f"{day(dt.date(), lang)} {dt:%H:%M:%S} {zone}".strip()
