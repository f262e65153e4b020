"""Reporting periods: which year, half, quarter or wave an answer belongs to, and the period before it.

The period of an answer comes from `period_date` (the date the answer refers to), else from
`submitted_at`, else from the wave. A wave that looks like a year ('2021') gives that year; an
answer with only a non-year wave has no year/half/quarter and is left out of those periods
(it still counts in the wave view). Keys are text: '2022', '2022-H1', '2022-Q3', or the wave itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

Granularity = Literal["year", "half", "quarter", "wave"]
GRANULARITIES: tuple[Granularity, ...] = ("year", "half", "quarter", "wave")


def granularity_of(text: str) -> Granularity:
    """A period option given as text (CLI, URL) as a Granularity; ValueError for anything else."""
    for known in GRANULARITIES:
        if text == known:
            return known
    raise ValueError(f"granularity must be one of {', '.join(GRANULARITIES)}, not {text!r}")

_YEAR = re.compile(r"^\d{4}$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def _as_datetime(values: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        out = values
    else:
        out = pd.to_datetime(values, errors="coerce", format="ISO8601", utc=True)
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_localize(None)
    return out


def period_keys(
    period_date: pd.Series, submitted_at: pd.Series, wave: pd.Series, granularity: Granularity
) -> pd.Series:
    """One period key per answer (missing where the answer has no such period); vectorised."""
    wave_text = wave.astype("object").where(wave.notna(), None)
    if granularity == "wave":
        return pd.Series(wave_text, index=wave.index, dtype="str")
    when = _as_datetime(period_date)
    when = when.fillna(_as_datetime(submitted_at))
    year = when.dt.year
    if granularity == "year":
        keys = year.astype("Int64").astype("str")
        keys = keys.where(when.notna(), None)
        wave_year = wave_text.where(wave_text.astype("str").str.fullmatch(r"\d{4}").fillna(False), None)
        keys = keys.where(keys.notna(), wave_year)
        return pd.Series(keys, index=wave.index, dtype="str")
    if granularity == "half":
        suffix = np.where(when.dt.month <= 6, "-H1", "-H2")
    elif granularity == "quarter":
        quarter = ((when.dt.month.fillna(1) - 1) // 3 + 1).astype(int).astype(str)
        suffix = "-Q" + quarter
    else:
        raise ValueError(f"unknown period granularity {granularity!r}")
    keys = year.astype("Int64").astype("str") + pd.Series(suffix, index=wave.index)
    return pd.Series(keys.where(when.notna(), None), index=wave.index, dtype="str")


def period_codes(
    period_date: pd.Series, submitted_at: pd.Series, wave: pd.Series, granularity: Granularity
) -> tuple[np.ndarray, np.ndarray]:
    """`pd.factorize(period_keys(...))` without a text key per answer: (code per answer, -1 where it has
    no such period; the keys, in order of first appearance).

    Year, half and quarter are integers per answer (year, 2·year + half, 4·year + quarter), factorised
    as numbers; only the distinct periods become text. The same codes and keys as factorising the text
    keys, since the two are one-to-one and factorize numbers its values in order of first appearance
    (tests/engine/test_periods.py compares them)."""
    if granularity == "wave":
        codes, unique = pd.factorize(wave.astype("object").where(wave.notna(), None))
        return codes.astype(np.int64), np.asarray(unique, dtype=object)
    when = _as_datetime(period_date)
    when = when.fillna(_as_datetime(submitted_at))
    year = when.dt.year.to_numpy(dtype=float, na_value=np.nan)
    if granularity == "year":
        key = year
        if np.isnan(key).any():
            wave_text = wave.astype("object").where(wave.notna(), None)
            years = wave_text.where(wave_text.astype("str").str.fullmatch(r"\d{4}").fillna(False))
            if years.dropna().astype("str").str.startswith("0").any():  # '0999' is not the number 999
                keys = period_keys(period_date, submitted_at, wave, granularity)
                codes, unique = pd.factorize(keys.astype("object"))
                return codes.astype(np.int64), np.asarray(unique, dtype=object)
            wave_year = pd.to_numeric(years, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            key = np.where(np.isnan(key), wave_year, key)
    elif granularity in ("half", "quarter"):
        month = when.dt.month.to_numpy(dtype=float, na_value=np.nan)
        key = year * 2 + (month > 6) if granularity == "half" else year * 4 + (month - 1) // 3
    else:
        raise ValueError(f"unknown period granularity {granularity!r}")
    codes, unique = pd.factorize(key)  # NaN (no period) -> -1
    whole = unique.astype(np.int64)
    if granularity == "year":
        labels = [str(v) for v in whole]
    elif granularity == "half":
        labels = [f"{v // 2}-H{v % 2 + 1}" for v in whole]
    else:
        labels = [f"{v // 4}-Q{v % 4 + 1}" for v in whole]
    return codes.astype(np.int64), np.asarray(labels, dtype=object)


def previous_period(key: str, granularity: Granularity, waves: Sequence[str] = ()) -> str | None:
    """The period before `key` of the same granularity (None when there is none)."""
    if granularity == "wave":
        order = list(waves)
        if key in order:
            position = order.index(key)
            return order[position - 1] if position > 0 else None
        return str(int(key) - 1) if _YEAR.match(key) else None
    if granularity == "year" and _YEAR.match(key):
        return str(int(key) - 1)
    if granularity == "half" and (m := _HALF.match(key)):
        year, half = int(m.group(1)), int(m.group(2))
        return f"{year}-H1" if half == 2 else f"{year - 1}-H2"
    if granularity == "quarter" and (m := _QUARTER.match(key)):
        year, quarter = int(m.group(1)), int(m.group(2))
        return f"{year}-Q{quarter - 1}" if quarter > 1 else f"{year - 1}-Q4"
    return None


def period_year(key: str) -> str | None:
    """The calendar year a period key falls in ('2022-Q3' -> '2022'); targets are set per year."""
    if key and len(key) >= 4 and key[:4].isdigit():
        return key[:4]
    return None
