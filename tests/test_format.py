"""monitor.format, the one formatter of numbers and dates (charts, report tables, dashboard).

One parametrised table per function, and a check that no other module writes a percent by hand.
"""

from __future__ import annotations

import ast
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from monitor import format as fmt
from monitor.charts import figures

NB, THIN, MINUS = "\u00a0", "\u202f", "\u2212"
SRC = Path(__file__).resolve().parents[1] / "src" / "monitor"


@pytest.mark.parametrize(("call", "expected"), [
    # value: an indicator value in its unit
    (lambda: fmt.value(0.125, "percent", "uk"), f"12,5{NB}%"),
    (lambda: fmt.value(0.125, "percent", "en"), "12.5%"),
    (lambda: fmt.value(1.0, "share", "en"), "100.0%"),
    (lambda: fmt.value(1234.0, "count", "uk"), f"1{THIN}234"),
    (lambda: fmt.value(1234.0, "count", "en"), "1,234"),
    (lambda: fmt.value(6842.51, "uah", "en"), "6,842.5"),
    (lambda: fmt.value(18.5, "days", "uk"), "18,5"),
    (lambda: fmt.value(3.0, "score", "en"), "3.0"),
    (lambda: fmt.value(None, "percent", "en"), "—"),
    (lambda: fmt.value(float("nan"), "count", "uk"), "—"),
    # percent (0..100) and share (0..1)
    (lambda: fmt.percent(87.5, "uk", 0), f"88{NB}%"),
    (lambda: fmt.percent(87.5, "en"), "87.5%"),
    (lambda: fmt.percent(None, "uk"), "—"),
    (lambda: fmt.share(0.5, "uk", 0), f"50{NB}%"),
    (lambda: fmt.share(float("nan"), "en"), "—"),
    # count and ratio
    (lambda: fmt.count(12345, "uk"), f"12{THIN}345"),
    (lambda: fmt.integer(None, "en"), "—"),
    (lambda: fmt.ratio(1200, 1500, "uk"), f"1{THIN}200/1{THIN}500"),
    (lambda: fmt.ratio(12, 40, "en"), "12/40"),
    # interval
    (lambda: fmt.interval(0.8, 0.955, "percent", "uk"), f"80,0{NB}% – 95,5{NB}%"),
    (lambda: fmt.interval(1.5, 2.25, "days", "en"), "1.5 – 2.2"),
    (lambda: fmt.interval(None, 0.5, "percent", "en"), "—"),
    # change: percentage points for shares, signed, a true minus
    (lambda: fmt.change(0.052, "percent", "uk"), f"+5,2{NB}в.{NB}п."),
    (lambda: fmt.change(-0.052, "percent", "en"), f"{MINUS}5.2{NB}pp"),
    (lambda: fmt.change(0.0, "days", "en"), "±0.0"),
    (lambda: fmt.change(-1330.0, "uah", "en"), f"{MINUS}1,330"),
    # decimal: no negative zero
    (lambda: fmt.decimal(-0.04, "en", 1), "0.0"),
    (lambda: fmt.decimal(-0.06, "en", 1), f"{MINUS}0.1"),
    (lambda: fmt.decimal(12345.678, "uk", 1), f"12{THIN}345,7"),
    # dates
    (lambda: fmt.day(date(2026, 11, 28), "uk"), "28.11.2026"),
    (lambda: fmt.day(date(2026, 11, 28), "en"), "28 Nov 2026"),
    (lambda: fmt.minute(datetime(2026, 11, 28, 9, 5, 7), "uk"), "28.11.2026 09:05"),
    (lambda: fmt.minute(datetime(2026, 11, 28, 9, 5, 7), "en"), "28 Nov 2026 09:05"),
    (lambda: fmt.moment(datetime(2026, 11, 28, 9, 5, 7, tzinfo=timezone(timedelta(hours=2))), "uk"),
     "28.11.2026 09:05:07 UTC+02:00"),
    # axes agree with labels
    (lambda: fmt.percent_sign("uk"), f"{NB}%"),
    (lambda: fmt.plotly_separators("uk"), f",{THIN}"),
    (lambda: fmt.plotly_separators("en"), ".,"),
    # the charts (and so the dashboard) write what the report tables write
    (lambda: figures.format_value(0.125, "percent", "uk"), f"12,5{NB}%"),
    (lambda: figures.format_change(-0.1, "percent", "uk"), f"{MINUS}10,0{NB}в.{NB}п."),
], ids=lambda v: v if isinstance(v, str) else None)
def test_formats(call, expected: str) -> None:
    assert call() == expected


# A number followed by a percent sign, written by hand: f"{x:.0f}%", f"{x} %", f"{x:.0%}", a Plotly
# template '%{x:.1f}%', or a bare '%' tick suffix. Only monitor/format.py may write those.
_PLOTLY_PERCENT = re.compile(r"%\{[^}]*\}\s*%(?!\{)")


def _hand_percents(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = node.values
            for before, after in zip(parts, parts[1:], strict=False):
                if (isinstance(before, ast.FormattedValue) and isinstance(after, ast.Constant)
                        and isinstance(after.value, str) and after.value.lstrip(" \u00a0\u202f").startswith("%")):
                    lines.append(node.lineno)
            for part in parts:
                spec = part.format_spec if isinstance(part, ast.FormattedValue) else None
                if spec is not None and any(isinstance(s, ast.Constant) and str(s.value).endswith("%")
                                            for s in spec.values):
                    lines.append(node.lineno)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _PLOTLY_PERCENT.search(node.value) or isinstance(node, ast.keyword) and node.arg == "ticksuffix" and isinstance(node.value, ast.Constant) \
                and "%" in str(node.value.value):
            lines.append(node.lineno)
    return lines


def test_no_module_formats_a_percent_by_hand() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path == SRC / "format.py":
            continue
        found += [f"{path.relative_to(SRC)}:{line}" for line in _hand_percents(ast.parse(path.read_text("utf-8")))]
    assert found == [], "format percents with monitor.format (percent, share, value, percent_sign): " + ", ".join(found)


@pytest.mark.parametrize(("source", "caught"), [
    ('f"{x:.0f}%"', True),
    ('f"{x * 100:.1f} %"', True),
    ('f"{x:.0%}"', True),
    ('"%{y}<br>%{x:.0f}%<extra></extra>"', True),
    ('fig.update_xaxes(ticksuffix="%")', True),
    ('"%{y}<br>%{customdata[0]}<extra></extra>"', False),
    ('f"{i * 37 % 1000:03d}"', False),
    ('fmt.percent(x, lang)', False),
])
def test_the_check_catches_hand_percents(source: str, caught: bool) -> None:
    assert bool(_hand_percents(ast.parse(source))) is caught
