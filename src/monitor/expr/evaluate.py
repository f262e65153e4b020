"""Tree -> values: the evaluator, column-at-a-time over a pandas DataFrame with numpy, never row by row.

The semantics (missing values, comparison domains, functions) are described in the package
docstring (monitor.expr).
"""

from __future__ import annotations

import datetime as _dt
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from monitor import deadlines
from monitor.expr import nodes
from monitor.expr.parser import parse

__all__ = ["Bindings", "evaluate", "truthy"]

# ------------------------------------------------------------------------------------- value handling
# Internally a value is either a pandas Series aligned with the frame or a Python scalar (literals and
# parameters), so constants are never materialised as million-row columns. Series are kept in one
# canonical dtype per kind: float64 (num), "boolean" (bool), datetime64 (date), "str" (text).

_TRUE_WORDS = ["true", "yes", "1"]
_FALSE_WORDS = ["false", "no", "0"]
_NUMERIC_TEXT_RE = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*\Z")
_TZ_SUFFIX = r"(?:Z|[+-][0-9][0-9]:?[0-9][0-9])$"


@dataclass
class Bindings:
    """What the names of an expression are bound to besides the data's columns: parameter values
    (possibly dated), the column '.' stands for, the holidays working-days() skips, the multi-select
    columns."""

    params: dict[str, object] = field(default_factory=dict)  # param('x') values
    holidays: list[str] | tuple[Any, ...] = ()  # ISO dates excluded by working-days() when no calendar
    # monitor.deadlines.WorkCalendar: working days for working-days() and request-status() (the engine
    # sets the Ukrainian calendar; without one working-days() counts Mon-Fri minus `holidays`)
    calendar: Any = None
    # monitor.subsistence.SubsistenceTable for subsistence-minimum() (the engine loads data/reference's table)
    subsistence: Any = None
    # select_multiple columns; informational: selected()/count-selected() tokenise any column anyway
    multi: frozenset[str] = frozenset()
    current: str | None = None  # column that "." refers to
    # Parameters whose value changed over time: name -> ((valid_from, valid_to, value), ...), both
    # days included, None = open. With `on` (each row's date) param() gives the value in force on it.
    dated: dict[str, tuple[tuple[Any, Any, Any], ...]] = field(default_factory=dict)
    on: pd.Series | None = None


def _is_missing_scalar(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, float | np.floating):
        return math.isnan(v)
    return isinstance(v, str) and v.strip() == ""


def _kind(v: Any) -> str:
    if isinstance(v, pd.Series):
        dtype = v.dtype
        if ptypes.is_bool_dtype(dtype):
            return "bool"
        if ptypes.is_numeric_dtype(dtype):
            return "num"
        if ptypes.is_datetime64_any_dtype(dtype):
            return "date"
        return "str"
    if v is None or v is pd.NA:
        return "null"
    if isinstance(v, bool | np.bool_):
        return "bool"
    if isinstance(v, int | float | np.number):
        return "num"
    if isinstance(v, str):
        return "str"
    if isinstance(v, pd.Timestamp | _dt.date | np.datetime64) or v is pd.NaT:
        return "date"
    raise TypeError(f"unsupported value in expression: {v!r}")


def _text_series(s: pd.Series) -> pd.Series:
    """Text in the default "str" dtype with empty or blank strings turned into missing values."""
    t = s.astype("str")
    return t.where(t.str.strip() != "")


def _tidy(s: pd.Series) -> pd.Series:
    """One canonical dtype per kind, whatever the column was read as."""
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        s = s.astype(object)
        dtype = s.dtype
    if ptypes.is_bool_dtype(dtype):
        return s if dtype == "boolean" else s.astype("boolean")
    if ptypes.is_numeric_dtype(dtype):
        if dtype == np.float64:
            return s
        return pd.Series(s.to_numpy(dtype="float64", na_value=np.nan), index=s.index, name=s.name)
    if ptypes.is_datetime64_any_dtype(dtype):
        return s
    if ptypes.is_timedelta64_dtype(dtype):
        return s.dt.total_seconds() / 86400.0
    if ptypes.is_object_dtype(dtype):
        inferred = ptypes.infer_dtype(s, skipna=True)
        if inferred in ("integer", "floating", "mixed-integer-float", "decimal"):
            return pd.Series(
                pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan),
                index=s.index,
                name=s.name,
            )
        if inferred == "boolean":
            return s.astype("boolean")
        if inferred in ("datetime", "datetime64", "date"):
            return pd.to_datetime(s, errors="coerce")
    return _text_series(s)


def _parse_date_text(s: pd.Series) -> np.ndarray:
    """ISO text to naive datetime64 keeping the wall-clock time (offsets dropped, not converted)."""
    try:
        d = pd.to_datetime(s, errors="coerce", format="ISO8601")
    except (ValueError, TypeError):  # mixed offsets, or offsets mixed with naive values
        d = pd.to_datetime(s.str.replace(_TZ_SUFFIX, "", regex=True), errors="coerce", format="ISO8601")
    if getattr(d.dt, "tz", None) is not None:
        d = d.dt.tz_localize(None)
    return d.to_numpy()


def _num_text_scalar(v: str) -> float:
    return float(v) if _NUMERIC_TEXT_RE.match(v) else math.nan


def _to_num(v: Any) -> Any:
    """float64 ndarray for a Series, a float for a scalar; NaN where missing or not a number."""
    kind = _kind(v)
    if isinstance(v, pd.Series):
        if kind == "num":
            return v.to_numpy(dtype="float64", na_value=np.nan)
        if kind == "bool":
            return v.to_numpy(dtype="float64", na_value=np.nan)
        if kind == "str":
            return pd.to_numeric(v, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        raise TypeError("dates cannot be used as numbers; use days() for differences between dates")
    if kind == "null":
        return math.nan
    if kind in ("num", "bool"):
        return float(v)
    if kind == "str":
        return _num_text_scalar(v)
    raise TypeError("dates cannot be used as numbers; use days() for differences between dates")


def _to_bool(v: Any) -> tuple[np.ndarray, np.ndarray]:
    """(values, missing-mask) as numpy arrays (0-d for scalars); see the module docstring."""
    kind = _kind(v)
    if isinstance(v, pd.Series):
        if kind == "bool":
            return v.to_numpy(dtype=bool, na_value=False), v.isna().to_numpy()
        if kind == "num":
            x = v.to_numpy(dtype="float64", na_value=np.nan)
            return x != 0, np.isnan(x)
        if kind == "date":
            return np.ones(len(v), dtype=bool), v.isna().to_numpy()
        low = v.str.strip().str.lower()
        is_true = low.isin(_TRUE_WORDS).to_numpy()
        is_false = low.isin(_FALSE_WORDS).to_numpy()
        x = pd.to_numeric(low, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        known = is_true | is_false | ~np.isnan(x)
        return is_true | (~np.isnan(x) & (x != 0)), ~known
    if kind == "null" or _is_missing_scalar(v):
        return np.array(False), np.array(True)
    if kind == "bool":
        return np.array(bool(v)), np.array(False)
    if kind == "num":
        return np.array(v != 0), np.array(False)
    if kind == "date":
        return np.array(True), np.array(False)
    low = v.strip().lower()
    if low in _TRUE_WORDS or low in _FALSE_WORDS:
        return np.array(low in _TRUE_WORDS), np.array(False)
    x = _num_text_scalar(low)
    return np.array(not math.isnan(x) and x != 0), np.array(math.isnan(x))


def _to_dates(v: Any) -> Any:
    """datetime64 ndarray for a Series, a numpy datetime64 for a scalar; NaT where missing."""
    kind = _kind(v)
    if isinstance(v, pd.Series):
        if kind == "date":
            if getattr(v.dt, "tz", None) is not None:
                v = v.dt.tz_localize(None)
            return v.to_numpy()
        if kind == "str":
            return _parse_date_text(v)
        raise TypeError("expected dates (a date column or ISO text such as '2024-01-31')")
    if kind == "null" or _is_missing_scalar(v):
        return np.datetime64("NaT")
    if kind == "str":
        ts = pd.to_datetime(v.strip(), errors="coerce", format="ISO8601")
    elif kind == "date":
        ts = pd.Timestamp(v)
    else:
        raise TypeError("expected dates (a date column or ISO text such as '2024-01-31')")
    if ts is pd.NaT or pd.isna(ts):
        return np.datetime64("NaT")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.to_datetime64()


def _num_to_text(x: np.ndarray, index: pd.Index) -> pd.Series:
    """Numbers as choice-code text: 3.0 -> '3' (codes stored as numbers by a spreadsheet)."""
    missing = np.isnan(x)
    integral = ~missing & (np.abs(x) < 2.0**53) & (x == np.floor(x))
    as_int = pd.Series(np.where(integral, x, 0).astype(np.int64), index=index).astype("str")
    as_float = pd.Series(x, index=index).astype("str")
    return as_int.where(integral, as_float).where(~missing)


def _to_text(v: Any, index: pd.Index) -> Any:
    if not isinstance(v, pd.Series):
        return v
    kind = _kind(v)
    if kind == "str":
        return v
    if kind == "num":
        return _num_to_text(v.to_numpy(dtype="float64", na_value=np.nan), index)
    if kind == "bool":
        values, mask = _to_bool(v)
        return pd.Series(np.where(values, "true", "false"), index=index, dtype="str").where(~mask)
    return pd.Series(v.dt.strftime("%Y-%m-%d"), index=index, dtype="str")


def _missing(v: Any) -> np.ndarray:
    """Missing-mask (0-d for scalars); blank text counts as missing (text Series hold no blanks)."""
    if isinstance(v, pd.Series):
        return v.isna().to_numpy()
    return np.array(_is_missing_scalar(v))


_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def truthy(values: pd.Series) -> pd.Series:
    """A plain bool Series: missing is false, numbers are true when non-zero (see the module docstring)."""
    v, mask = _to_bool(_tidy(values))
    return pd.Series(v & ~mask, index=values.index, dtype=bool)


# ----------------------------------------------------------------------------------------- evaluation


class _Evaluator:
    def __init__(self, frame: pd.DataFrame, ctx: Bindings) -> None:
        self.frame = frame
        self.ctx = ctx
        self.index = frame.index
        self.n = len(frame)
        self.columns: dict[str, pd.Series] = {}
        self.raw_text: dict[str, pd.Series] = {}
        # Conversions of the same column repeat within one expression (q >= 1 and q <= 5): memoise
        # them by object identity, holding the Series so the id stays valid.
        self.memo: dict[tuple[str, int], tuple[pd.Series, Any]] = {}
        self._holidays: np.ndarray | None = None

    # columns --------------------------------------------------------------------------------------

    def column_name(self, node: nodes.Name | nodes.Current) -> str:
        if isinstance(node, nodes.Name):
            return node.name
        if self.ctx.current is None:
            raise ValueError("'.' (the current answer) needs Bindings.current")
        return self.ctx.current

    def raw(self, name: str) -> pd.Series:
        if name not in self.frame.columns:
            raise KeyError(name)
        s = self.frame[name]
        if isinstance(s, pd.DataFrame):
            raise ValueError(f"column {name!r} appears more than once")
        return s

    def column(self, name: str) -> pd.Series:
        if name not in self.columns:
            self.columns[name] = _tidy(self.raw(name))
        return self.columns[name]

    def codes(self, name: str) -> pd.Series:
        """Choice codes as text, keeping '' (answered, nothing selected) apart from missing."""
        if name not in self.raw_text:
            s = self.raw(name)
            if ptypes.is_object_dtype(s.dtype):
                plain = ptypes.infer_dtype(s, skipna=True) in ("string", "empty")
            else:
                plain = ptypes.is_string_dtype(s.dtype)
            t = s.astype("str") if plain else _to_text(_tidy(s), self.index)
            self.raw_text[name] = t.str.strip()
        return self.raw_text[name]

    def convert(self, tag: str, v: Any, fn: Callable[[Any], Any]) -> Any:
        if not isinstance(v, pd.Series):
            return fn(v)
        key = (tag, id(v))
        if key not in self.memo:
            self.memo[key] = (v, fn(v))
        return self.memo[key][1]

    def num(self, v: Any) -> Any:
        return self.convert("num", v, _to_num)

    def dates(self, v: Any) -> Any:
        return self.convert("date", v, _to_dates)

    def boolean(self, v: Any) -> tuple[np.ndarray, np.ndarray]:
        return self.convert("bool", v, _to_bool)

    # results --------------------------------------------------------------------------------------

    def wrap_num(self, x: Any) -> Any:
        x = np.asarray(x, dtype="float64")
        if x.ndim == 0:
            return float(x)
        return pd.Series(x, index=self.index)

    def wrap_bool(self, values: Any, mask: Any) -> Any:
        values, mask = np.asarray(values, dtype=bool), np.asarray(mask, dtype=bool)
        if values.ndim == 0 and mask.ndim == 0:
            return None if mask else bool(values)
        values = np.broadcast_to(values, (self.n,)) & ~np.broadcast_to(mask, (self.n,))
        mask = np.array(np.broadcast_to(mask, (self.n,)))
        return pd.Series(pd.arrays.BooleanArray(values, mask), index=self.index)

    def broadcast(self, v: Any) -> pd.Series:
        if isinstance(v, pd.Series):
            return v
        kind = _kind(v)
        if kind in ("null", "bool"):
            values, mask = _to_bool(v)
            return self.wrap_bool(np.full(self.n, values), np.full(self.n, mask))
        if kind == "num":
            return pd.Series(np.full(self.n, float(v)), index=self.index)
        if kind == "str":
            return pd.Series(v, index=self.index, dtype="str")
        return pd.Series(np.full(self.n, _to_dates(v)), index=self.index)

    # nodes ----------------------------------------------------------------------------------------

    def compute(self, node: nodes.Node) -> Any:
        if isinstance(node, nodes.Number | nodes.String | nodes.Boolean):
            return float(node.value) if isinstance(node, nodes.Number) else node.value
        if isinstance(node, nodes.Name | nodes.Current):
            return self.column(self.column_name(node))
        if isinstance(node, nodes.Neg):
            return self.wrap_num(-np.asarray(self.num(self.compute(node.operand))))
        if isinstance(node, nodes.Not):
            values, mask = self.boolean(self.compute(node.operand))
            return self.wrap_bool(~values, mask)
        if isinstance(node, nodes.Logic):
            return self.logic(node.op, self.compute(node.left), self.compute(node.right))
        if isinstance(node, nodes.Arith):
            return self.arith(node.op, self.compute(node.left), self.compute(node.right))
        if isinstance(node, nodes.Compare):
            for side, other in ((node.left, node.right), (node.right, node.left)):
                if isinstance(other, nodes.String) and other.value == "" and node.op in ("=", "!="):
                    empty = _missing(self.compute(side))  # XLSForm's "q = ''" is an emptiness test
                    return self.wrap_bool(empty if node.op == "=" else ~empty, False)
            return self.compare(node.op, self.compute(node.left), self.compute(node.right))
        if isinstance(node, nodes.In):
            operand = self.compute(node.operand)
            result: Any = False
            for option in node.options:
                result = self.logic("or", result, self.compare("=", operand, self.compute(option)))
            if node.negated:
                values, mask = self.boolean(result)
                return self.wrap_bool(~values, mask)
            return result
        if isinstance(node, nodes.Call):
            return self.call(node)
        raise TypeError(f"not an expression node: {node!r}")

    def logic(self, op: str, left: Any, right: Any) -> Any:
        lv, lm = self.boolean(left)
        rv, rm = self.boolean(right)
        l_true, l_false = lv & ~lm, ~lv & ~lm
        r_true, r_false = rv & ~rm, ~rv & ~rm
        if op == "and":
            true, false = l_true & r_true, l_false | r_false
        else:
            true, false = l_true | r_true, l_false & r_false
        return self.wrap_bool(true, ~(true | false))

    def arith(self, op: str, left: Any, right: Any) -> Any:
        a, b = np.asarray(self.num(left)), np.asarray(self.num(right))
        with np.errstate(all="ignore"):
            if op == "+":
                res = a + b
            elif op == "-":
                res = a - b
            elif op == "*":
                res = a * b
            elif op in ("/", "div"):
                res = np.where(b == 0, np.nan, a / b)
            else:  # mod
                res = np.where(b == 0, np.nan, np.fmod(a, b))
        return self.wrap_num(res)

    def compare(self, op: str, left: Any, right: Any) -> Any:
        kinds = {_kind(left), _kind(right)}
        fn = _OPS[op]
        if "null" in kinds:
            return None
        if kinds == {"str"} and op not in ("=", "!="):
            # "rating >= '4'": an ordering against a number written as text compares numbers.
            scalars = [v for v in (left, right) if isinstance(v, str)]
            if scalars and all(_NUMERIC_TEXT_RE.match(s) for s in scalars):
                kinds = {"num"}
        if "date" in kinds:
            a, b = np.asarray(self.dates(left)), np.asarray(self.dates(right))
            mask = np.isnat(a) | np.isnat(b)
            with np.errstate(all="ignore"):
                res = fn(a, b)
        elif "num" in kinds:
            a, b = np.asarray(self.num(left)), np.asarray(self.num(right))
            mask = np.isnan(a) | np.isnan(b)
            with np.errstate(all="ignore"):
                res = fn(a, b)
        elif "bool" in kinds:
            (av, am), (bv, bm) = self.boolean(left), self.boolean(right)
            mask = am | bm
            res = fn(av.astype(np.int8), bv.astype(np.int8))
        else:
            res = fn(left, right)
            if isinstance(res, pd.Series):
                res = res.to_numpy(dtype=bool, na_value=False)
            mask = _missing(left) | _missing(right)
        return self.wrap_bool(res, mask)

    # functions ------------------------------------------------------------------------------------

    def call(self, node: nodes.Call) -> Any:
        func, args = node.func, node.args
        if func == "param":
            return self.param(nodes.text_arg(node, 0))
        if func == "selected":
            codes = self.codes(self.column_name(nodes.question_arg(node, 0)))
            code = nodes.text_arg(node, 1).strip()
            hit = (" " + codes + " ").str.contains(f" {code} ", regex=False)
            return self.wrap_bool(hit.to_numpy(dtype=bool, na_value=False), codes.isna().to_numpy())
        if func == "count-selected":
            codes = self.codes(self.column_name(nodes.question_arg(node, 0)))
            count = codes.str.count(r"\s+") + (codes.str.len() > 0)
            return self.wrap_num(count.to_numpy(dtype="float64", na_value=np.nan))
        if func == "days":
            a, b = self.day_arrays(args)
            mask = np.isnat(a) | np.isnat(b)
            epoch = np.datetime64(0, "D")  # placeholder for missing dates; masked out below
            diff = (np.where(mask, epoch, b) - np.where(mask, epoch, a)).astype("float64")
            return self.wrap_num(np.where(mask, np.nan, diff))
        if func == "working-days" and self.ctx.calendar is not None:
            a, b = self.day_arrays(args)
            return self.wrap_num(self.ctx.calendar.working_days(a, b))
        if func == "request-status":
            return self.request_status(args)
        if func == "subsistence-minimum":
            if self.ctx.subsistence is None:
                raise ValueError("subsistence-minimum() needs the reference table (Bindings.subsistence)")
            categories = np.broadcast_to(np.asarray(self.broadcast(self.codes_of(args[0])), dtype=object), (self.n,))
            days = np.broadcast_to(np.asarray(self.dates(self.compute(args[1]))).astype("datetime64[D]"), (self.n,))
            return self.wrap_num(self.ctx.subsistence.lookup(categories, days))
        if func == "step-status":
            start, end, as_of = (np.asarray(self.dates(self.compute(a))).astype("datetime64[D]") for a in args[:3])
            days = np.broadcast_to(np.asarray(self.num(self.compute(args[3])), dtype="float64"), start.shape)
            deadline = np.full(start.shape, np.datetime64("NaT"), dtype="datetime64[D]")
            known = ~np.isnat(start) & ~np.isnan(days)
            deadline[known] = start[known] + days[known].astype("timedelta64[D]")
            return self.wrap_text(deadlines.verdicts(end, as_of, deadline))
        if func == "working-days":
            a, b = self.day_arrays(args)
            mask = np.isnat(a) | np.isnat(b)
            epoch = np.datetime64(0, "D")  # placeholder for missing dates; masked out below
            count = np.busday_count(
                np.where(mask, epoch, a), np.where(mask, epoch, b), holidays=self.holidays()
            )
            return self.wrap_num(np.where(mask, np.nan, count))
        if func == "if":
            values, mask = self.boolean(self.compute(args[0]))
            return self.choose(values & ~mask, self.compute(args[1]), self.compute(args[2]))
        if func == "coalesce":
            result = self.compute(args[0])
            for arg in args[1:]:
                result = self.choose(~_missing(result), result, self.compute(arg))
            return result
        if func in ("is-empty", "not-empty"):
            empty = _missing(self.compute(args[0]))
            return self.wrap_bool(empty if func == "is-empty" else ~empty, False)
        if func in ("min", "max"):
            pick = np.minimum if func == "min" else np.maximum
            result = np.asarray(self.num(self.compute(args[0])))
            for arg in args[1:]:
                result = pick(result, np.asarray(self.num(self.compute(arg))))
            return self.wrap_num(result)
        if func == "round":
            digits = int(nodes.number_arg(node, 1)) if len(args) == 2 else 0
            x = np.asarray(self.num(self.compute(args[0])))
            scale = 10.0**digits
            with np.errstate(all="ignore"):
                # Half away from zero as in XLSForm (numpy rounds half to even); rounding the scaled
                # value to 9 decimals first absorbs binary noise such as 2.675 * 100 = 267.49999...
                scaled = np.round(np.abs(x) * scale, 9)
                return self.wrap_num(np.sign(x) * np.floor(scaled + 0.5) / scale)
        raise TypeError(f"function {func}() cannot be evaluated")  # parse() rejects unknown functions

    def param(self, name: str) -> Any:
        if name not in self.ctx.params:
            raise KeyError(name)
        if name in self.ctx.dated and self.ctx.on is not None:
            return self._dated_param(name)
        value = self.ctx.params[name]
        if isinstance(value, _dt.date | np.datetime64):
            return pd.Timestamp(value)
        if isinstance(value, int | np.integer) and not isinstance(value, bool):
            return float(value)
        return value

    def _dated_param(self, name: str) -> pd.Series:
        """Per row, the value in force on the row's date; missing where no value is (or no date)."""
        rows_on = self.ctx.on
        if rows_on is None:  # param() only comes here when the rows' dates are given
            raise ValueError(f"param('{name}') has dated values but the rows have no dates")
        on = pd.to_datetime(rows_on, errors="coerce").to_numpy("datetime64[D]")
        periods = self.ctx.dated[name]
        numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for _, _, v in periods)
        out = np.full(len(on), np.nan) if numeric else np.full(len(on), None, dtype=object)
        for start, end, value in periods:
            mask = ~np.isnat(on)
            if start is not None:
                mask &= on >= np.datetime64(start, "D")
            if end is not None:
                mask &= on <= np.datetime64(end, "D")
            out[mask] = float(value) if numeric else value
        index = rows_on.index
        return pd.Series(out, index=index, dtype="float64") if numeric else pd.Series(out, index=index, dtype="str")

    def request_status(self, args: tuple[nodes.Node, ...]) -> pd.Series:
        """request-status(received, answered, as_of, urgent, extension_notice, days, extended_days, urgent_hours)."""
        if self.ctx.calendar is None:
            raise ValueError("request-status() needs a working-day calendar (Bindings.calendar)")
        received, answered, as_of = (np.asarray(self.dates(self.compute(a))).astype("datetime64[D]") for a in args[:3])
        received = np.broadcast_to(received, (self.n,))
        urgent, urgent_mask = self.boolean(self.compute(args[3]))
        notice = np.broadcast_to(np.asarray(self.dates(self.compute(args[4]))).astype("datetime64[D]"), (self.n,))
        terms = [np.asarray(self.num(self.compute(a)), dtype="float64") for a in args[5:]]
        if any(t.ndim or np.isnan(t) for t in terms):
            raise ValueError("request-status() takes its terms as numbers (param('...'))")
        days, extended, hours = (int(t) for t in terms)
        deadline = deadlines.request_deadlines(
            received, notice, np.broadcast_to(np.asarray(urgent, bool) & ~np.asarray(urgent_mask, bool), (self.n,)),
            calendar=self.ctx.calendar, terms=deadlines.RequestTerms(days, extended, hours),
        )
        return self.wrap_text(deadlines.verdicts(np.broadcast_to(answered, (self.n,)),
                                                 np.broadcast_to(as_of, (self.n,)), deadline))

    def codes_of(self, node: nodes.Node) -> Any:
        """A choice column's codes as text (a literal stays a literal)."""
        if isinstance(node, nodes.Name | nodes.Current):
            return self.codes(self.column_name(node))
        return self.compute(node)

    def wrap_text(self, values: np.ndarray) -> pd.Series:
        return pd.Series(np.broadcast_to(values, (self.n,)), index=self.index, dtype="str")

    def holidays(self) -> np.ndarray:
        if self._holidays is None:
            self._holidays = np.array([str(h)[:10] for h in self.ctx.holidays], dtype="datetime64[D]")
        return self._holidays

    def day_arrays(self, args: tuple[nodes.Node, ...]) -> tuple[np.ndarray, np.ndarray]:
        a = np.asarray(self.dates(self.compute(args[0]))).astype("datetime64[D]")
        b = np.asarray(self.dates(self.compute(args[1]))).astype("datetime64[D]")
        return a, b

    def choose(self, pick: Any, a: Any, b: Any) -> Any:
        """Element-wise ``a if pick else b``, unifying the kinds of a and b."""
        pick = np.asarray(pick, dtype=bool)
        if pick.ndim == 0 and not isinstance(a, pd.Series) and not isinstance(b, pd.Series):
            return a if pick else b
        kinds = {_kind(a), _kind(b)} - {"null"}
        if not kinds:
            return None
        if len(kinds) == 1:
            kind = kinds.pop()
        elif kinds == {"num", "bool"}:
            kind = "num"
        elif kinds == {"date", "str"}:
            kind = "date"
        else:
            kind = "str"
        if kind == "num":
            return self.wrap_num(np.where(pick, self.num(a), self.num(b)))
        if kind == "bool":
            (av, am), (bv, bm) = self.boolean(a), self.boolean(b)
            return self.wrap_bool(np.where(pick, av, bv), np.where(pick, am, bm))
        if kind == "date":
            chosen = np.where(pick, self.dates(a), self.dates(b))
            return pd.Series(np.array(np.broadcast_to(chosen, (self.n,))), index=self.index)
        ta = _to_text(self.broadcast(a), self.index)
        tb = _to_text(self.broadcast(b), self.index)
        # Keep the invariant of text Series: blanks are missing (if(c, '', x) then is-empty works).
        return _text_series(ta.where(np.broadcast_to(pick, (self.n,)), tb))


def evaluate(node: nodes.Node | str, frame: pd.DataFrame, ctx: Bindings | None = None) -> pd.Series:
    """Evaluate over every row of ``frame`` at once; the result has ``frame.index``.

    Boolean expressions give a nullable "boolean" Series (missing = unknown), numeric ones float64
    with NaN, text ones "str". Text is accepted and parsed (cached) for convenience.
    """
    if isinstance(node, str):
        node = parse(node)
    evaluator = _Evaluator(frame, ctx or Bindings())
    return evaluator.broadcast(evaluator.compute(node))
