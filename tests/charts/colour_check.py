"""Read back the colour every value is drawn with, from a Plotly figure, and name its shade.

Shared by the figure-level tests (tests/charts) and the page tests (tests/dashboard), which rebuild
the figure from the spec Streamlit sends to the browser.
"""

from __future__ import annotations

import colorsys
from collections.abc import Iterator
from typing import Any

import plotly.graph_objects as go
from plotly.colors import find_intermediate_color, hex_to_rgb, unlabel_rgb

from monitor.i18n import t

STATUSES = ("green", "amber", "red", "none", "suppressed", "no-data")


def rgb(color: str) -> tuple[float, float, float]:
    color = color.strip()
    if color.startswith("#"):
        return tuple(float(c) for c in hex_to_rgb(color))  # type: ignore[return-value]
    return tuple(float(c) for c in unlabel_rgb(color))[:3]  # type: ignore[return-value]


def shade(color: str) -> str:
    """'green', 'red' or 'other' by hue (HSV), ignoring pale or grey colours."""
    r, g, b = (c / 255 for c in rgb(color))
    hue, sat, val = colorsys.rgb_to_hsv(r, g, b)
    degrees = hue * 360
    if sat < 0.3 or val < 0.15:
        return "other"
    if 75 <= degrees <= 175:
        return "green"
    if degrees <= 18 or degrees >= 335:
        return "red"
    return "other"


def status_from_label(text: str, lang: str) -> str | None:
    """The status a hover label names (labels may carry a leading symbol)."""
    for status in STATUSES:
        if text and text.endswith(t(f"dashboard.status.{status}", lang)):
            return status
    return None


def _at(scale: Any, fraction: float) -> str:
    stops = [(float(p), c) for p, c in scale]
    fraction = min(max(fraction, 0.0), 1.0)
    for (p0, c0), (p1, c1) in zip(stops, stops[1:], strict=False):
        if p0 <= fraction <= p1:
            share = 0.0 if p1 == p0 else (fraction - p0) / (p1 - p0)
            mixed = find_intermediate_color(rgb(c0), rgb(c1), share)
            return "rgb({:.0f},{:.0f},{:.0f})".format(*mixed)
    return stops[-1][1]


def _scale(trace: Any) -> list[Any]:
    scale = trace.colorscale
    if trace.reversescale:
        scale = [[1 - float(p), c] for p, c in reversed(scale)]
    return list(scale)


def _listed(value: Any, size: int) -> list[Any]:
    if value is None:
        return [None] * size
    if isinstance(value, str):
        return [value] * size
    return list(value)


def drawn(fig: go.Figure, lang: str) -> Iterator[tuple[str | None, str]]:
    """(status the hover names, colour it is painted with) for every value a figure draws."""
    for trace in fig.data:
        custom = trace.customdata
        if custom is None:
            continue
        if isinstance(trace, go.Heatmap):
            steps_lo, steps_hi = float(trace.zmin), float(trace.zmax)
            for z_row, c_row in zip(trace.z, custom, strict=True):
                for z, cell in zip(z_row, c_row, strict=True):
                    if z is None:
                        continue
                    fraction = (float(z) + 0.5 - steps_lo) / (steps_hi - steps_lo)
                    yield status_from_label(cell[4], lang), _at(_scale(trace), fraction)
        elif isinstance(trace, go.Choropleth):
            zs = [float(z) for z in trace.z]
            low = float(trace.zmin) if trace.zmin is not None else min(zs)
            high = float(trace.zmax) if trace.zmax is not None else max(zs)
            for z, cell in zip(zs, custom, strict=True):
                fraction = 0.5 if high == low else (z - low) / (high - low)
                yield status_from_label(cell[4], lang), _at(_scale(trace), fraction)
        elif isinstance(trace, go.Bar | go.Scatter):
            colors = _listed(trace.marker.color, len(custom))
            for color, cell in zip(colors, custom, strict=True):
                if color is None:
                    continue
                yield status_from_label(cell[4], lang), color


def assert_status_colours_honest(fig: go.Figure, lang: str) -> int:
    """No red-status value painted green, no green-status value painted red; returns values checked."""
    checked = 0
    for status, color in drawn(fig, lang):
        checked += 1
        if status == "red":
            assert shade(color) != "green", f"a critical value drawn green ({color})"
        if status == "green":
            assert shade(color) != "red", f"an on-track value drawn red ({color})"
        if status in ("none", "suppressed", "no-data"):
            # Context, hidden or absent values say nothing good or bad.
            assert shade(color) not in ("green", "red"), f"a {status} value drawn as a judgement ({color})"
    return checked
