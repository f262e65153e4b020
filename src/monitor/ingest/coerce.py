"""Text cells → typed answers, a whole column at a time.

Each function takes the raw text column (pandas `str`, '' for missing) and returns the values in
the storage conventions of docs/storage.md (missing = NA: None or NaN, test with `isna`) plus a boolean Series marking
cells that were present but could not be read. Work is done on unique values or with vectorised
string operations, never cell by cell in Python: an export repeats the same few values 100,000 times.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from monitor.ingest.mapping import norm

MAX_TEXT = 10_000  # characters; longer cells are rejected rather than stored
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
TRUE_WORDS = {"1", "1.0", "true", "yes", "так", "x", "✓", "✔"}
FALSE_WORDS = {"0", "0.0", "false", "no", "ні", ""}


@dataclass
class Coerced:
    values: pd.Series  # object dtype, None where missing
    bad: pd.Series  # bool: present but unreadable
    token: pd.Series | None = None  # for choices: the offending part of the cell (for the message)


def clean(raw: pd.Series) -> pd.Series:
    return raw.astype(str).str.replace("\u00a0", " ", regex=False).str.strip()


def per_unique(text: pd.Series, convert: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """`convert` applied once per distinct cell, spread back to every row (exports repeat values a lot)."""
    codes, uniques = pd.factorize(text.to_numpy(), use_na_sentinel=False)
    if len(uniques) > len(text) // 2:
        return convert(text)
    converted = convert(pd.Series(uniques, dtype=str)).to_numpy()
    return pd.Series(converted[codes], index=text.index)


def _result(values: pd.Series, present: pd.Series) -> Coerced:
    ok = values.notna()
    out = values.astype(object).where(ok, None)
    return Coerced(out, present & ~ok)


# ------------------------------------------------------------------------------------- numbers


def _numbers(text: pd.Series) -> pd.Series:
    compact = text.str.replace(r"[\s\u00a0\u202f']", "", regex=True)
    has_comma = compact.str.contains(",", regex=False)
    has_dot = compact.str.contains(".", regex=False)
    # "12,5" is a decimal comma; "1,234.5" uses the comma for thousands.
    compact = compact.where(~(has_comma & has_dot), compact.str.replace(",", "", regex=False))
    compact = compact.str.replace(",", ".", regex=False)
    return pd.to_numeric(compact.where(compact != "", None), errors="coerce")


def to_integer(raw: pd.Series) -> Coerced:
    text = clean(raw)
    present = text != ""
    numbers = per_unique(text, _numbers).astype(float)
    integral = numbers.notna() & np.isfinite(numbers) & (numbers % 1 == 0) & (numbers.abs() < 2**53)
    values = pd.Series([None] * len(text), index=text.index, dtype=object)
    if integral.any():
        values[integral] = numbers[integral].astype("int64").astype(object)
    return Coerced(values, present & ~integral)


def to_decimal(raw: pd.Series) -> Coerced:
    text = clean(raw)
    numbers = per_unique(text, _numbers).astype(float)
    numbers = numbers.where(np.isfinite(numbers))
    return _result(numbers.astype(float), text != "")


# ------------------------------------------------------------------------------------- dates

_DATE_PATTERNS: list[tuple[str, tuple[str, str, str]]] = [
    (r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:[T ].*)?$", ("y", "m", "d")),
    (r"^(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>\d{4})(?:[T ,].*)?$", ("y", "m", "d")),
]
_TIME = re.compile(r"[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?")


def _date_parts(text: pd.Series) -> pd.Series:
    """datetime64 (NaT where unreadable) from ISO, dd.mm.yyyy, dd/mm/yyyy, yyyy/mm/dd or an Excel serial."""
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for pattern, _ in _DATE_PATTERNS:
        todo = result.isna() & (text != "")
        if not todo.any():
            break
        parts = text[todo].str.extract(pattern)
        found = parts["y"].notna()
        if not found.any():
            continue
        numbers = parts[found].astype(float).astype(int)
        dates = pd.to_datetime(
            pd.DataFrame({"year": numbers["y"], "month": numbers["m"], "day": numbers["d"]}), errors="coerce"
        )
        result.loc[dates.index] = dates
    todo = result.isna() & text.str.fullmatch(r"\d{5}(?:\.\d+)?")
    if todo.any():
        serial = pd.to_numeric(text[todo], errors="coerce")
        serial = serial[(serial >= 20000) & (serial <= 80000)]  # 1954..2119: plausible survey dates only
        result.loc[serial.index] = EXCEL_EPOCH + pd.to_timedelta(np.floor(serial), unit="D")
    return result


def to_date(raw: pd.Series) -> Coerced:
    text = clean(raw)

    def iso(unique: pd.Series) -> pd.Series:
        dates = _date_parts(unique)
        return dates.dt.strftime("%Y-%m-%d").where(dates.notna())

    return _result(per_unique(text, iso), text != "")


_ZONE = r"(?:(?P<z>Z)|(?:GMT|UTC)?(?P<sign>[+-])(?P<zh>\d{1,2}):?(?P<zm>\d{2})?)\s*$"


def to_datetime(raw: pd.Series) -> pd.Series:
    """Submission timestamps (Kobo, ODK, Google Forms styles) as UTC-aware datetimes, None when unreadable.

    'Z', '+02:00' and 'GMT+2' suffixes are honoured; a time without a zone is taken as UTC (Kobo's
    `_submission_time` is UTC). Periods come from the answer's own date, this only orders submissions.
    """
    text = clean(raw)
    # Most exports write ISO 8601 (Kobo, ODK): pandas' C parser; the rest by the patterns below.
    fast = pd.to_datetime(text.where(text.str.match(r"\d{4}-\d{2}-\d{2}")), format="ISO8601", utc=True,
                          errors="coerce")
    rest = fast.isna() & (text != "")
    if not rest.any():
        values = pd.Series(fast.array.to_pydatetime(), index=text.index, dtype=object)
        return values.where(fast.notna(), None)
    dates = _date_parts(text)
    times = text.str.extract(_TIME.pattern).astype(float).fillna(0)
    seconds = times["H"] * 3600 + times["M"] * 60 + times["S"]
    zone = text.str.extract(r"\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?\s*" + _ZONE)  # a zone only after a time
    sign = zone["sign"].map({"+": 1.0, "-": -1.0}).astype(float).fillna(0.0)
    offset = sign * (zone["zh"].astype(float).fillna(0) * 3600 + zone["zm"].astype(float).fillna(0) * 60)
    stamp = (dates + pd.to_timedelta(seconds - offset, unit="s")).dt.tz_localize("UTC")
    stamp = fast.where(fast.notna(), stamp)
    values = pd.Series(stamp.array.to_pydatetime(), index=text.index, dtype=object)
    return values.where(stamp.notna(), None)


# ------------------------------------------------------------------------------------- choices


def _map_unique(text: pd.Series, parse: Callable[[str], tuple[str | None, str | None]]) -> Coerced:
    uniques = pd.unique(text.to_numpy())
    parsed = {u: parse(u) if u != "" else (None, None) for u in uniques}
    # Series.map with a dict is a hash join, not a Python call per cell.
    values = text.astype(object).map({u: p[0] for u, p in parsed.items()})
    token = text.astype(object).map({u: p[1] for u, p in parsed.items()})
    bad = (text != "") & values.isna()
    values = values.where(values.notna(), None)
    return Coerced(values, bad, token)


def to_choice(raw: pd.Series, index: dict[str, str]) -> Coerced:
    def parse(value: str) -> tuple[str | None, str | None]:
        code = index.get(norm(value))
        if code is None and re.fullmatch(r"\d+\.0", value):
            code = index.get(value[:-2])  # a code typed as a number in Excel
        return (code, None) if code else (None, value)

    return _map_unique(clean(raw), parse)


def split_multiple(value: str, index: dict[str, str]) -> tuple[list[str], str | None]:
    """Codes in a select_multiple cell: space-separated codes, or labels joined by ', ' (Google Forms)
    or spaces (Kobo label exports). Labels may themselves hold commas or spaces, so adjacent parts are
    joined greedily, longest first. Returns (codes, first unreadable part)."""
    whole = index.get(norm(value))
    if whole is not None:
        return [whole], None
    first_bad = None
    # Labels joined by ", " (Google Forms) first, then by spaces (Kobo label exports, codes).
    splits = [([p.strip() for p in re.split(r"[,;\n]", value)], ", ")] if re.search(r"[,;\n]", value) else []
    splits.append((value.split(), " "))
    for parts, glue in splits:
        codes, bad = _greedy([p for p in parts if p], glue, index)
        if bad is None:
            return codes, None
        first_bad = first_bad or bad
    return [], first_bad


def _greedy(parts: list[str], glue: str, index: dict[str, str]) -> tuple[list[str], str | None]:
    codes: list[str] = []
    i = 0
    while i < len(parts):
        for j in range(len(parts), i, -1):
            code = index.get(norm(glue.join(parts[i:j])))
            if code is not None:
                codes.append(code)
                i = j
                break
        else:
            return [], parts[i]
    return codes, None


def to_multiple(raw: pd.Series, index: dict[str, str], order: list[str]) -> Coerced:
    rank = {code: i for i, code in enumerate(order)}

    def parse(value: str) -> tuple[str | None, str | None]:
        codes, bad = split_multiple(value, index)
        if bad is not None:
            return None, bad
        return " ".join(sorted(set(codes), key=lambda c: rank.get(c, len(rank)))), None

    return _map_unique(clean(raw), parse)


def from_choice_columns(columns: dict[str, pd.Series], order: list[str], index: pd.Index) -> Coerced:
    """One 0/1 column per choice (Kobo `question/choice`) → space-separated codes in choice-list order."""
    joined = pd.Series("", index=index, dtype=object)
    answered = pd.Series(False, index=index)
    bad = pd.Series(False, index=index)
    for code in order:
        if code not in columns:
            continue
        text = clean(columns[code]).str.lower()
        on = ~text.isin(FALSE_WORDS)
        bad |= on & ~text.isin(TRUE_WORDS | {code.lower()})
        answered |= text != ""
        joined = joined + np.where(on, code + " ", "")
    joined = joined.str.strip()
    values = joined.where(answered & (joined != ""), None)
    return Coerced(values.astype(object).where(values.notna(), None), bad)


# ------------------------------------------------------------------------------------- text


def to_text(raw: pd.Series) -> Coerced:
    text = clean(raw)
    return _result(text.where(text != ""), text != "")


def too_long(raw: pd.Series, limit: int = MAX_TEXT) -> pd.Series:
    return raw.astype(str).str.len() > limit
