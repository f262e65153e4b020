"""Parameters as indicators use them: numbers taken from parameters, the date a value is in force, and
which indicators depend on an unverified parameter.

A target or threshold may be written `{param: status_decision_days, times: 2}` instead of a literal
(S02: target and thresholds are the Procedure 417 deadline and twice it). The loader resolves it to
a number here, so every output reads plain numbers: a period's target takes the value in force on
the period's last day; thresholds and the life-of-project target take the latest value. The engine
re-resolves thresholds per period (thresholds_on) where the parameter changed over time.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from monitor import expr
from monitor.framework.models import Framework, FrameworkSettings, Indicator, ParamRef, Thresholds

# working-days() and request-status() count against the working-day calendar (monitor.deadlines), whose one
# framework decision is this parameter, the martial-law rule (engine.compute._context): they depend on it.
CALENDAR_PARAM = "martial_law_holidays_suspended_from"
CALENDAR_FUNCTIONS = frozenset({"working-days", "request-status"})
HOLIDAYS_PARAM = CALENDAR_PARAM  # the former name (a list of holidays in framework.yaml)
# subsistence-minimum() reads the reference table this parameter names (and vouches for, or not).
SUBSISTENCE_PARAM = "subsistence_minimum_table"
# The parameter each such function depends on: results using the function carry its verified flag.
FUNCTION_PARAMS = {**dict.fromkeys(CALENDAR_FUNCTIONS, CALENDAR_PARAM), "subsistence-minimum": SUBSISTENCE_PARAM}

_YEAR = re.compile(r"^(\d{4})$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def period_end(period: str) -> date | None:
    """Last day of a period key ('2022', '2022-H1', '2022-Q3'; a wave named as a year); None otherwise."""
    if m := _YEAR.match(period):
        return date(int(m.group(1)), 12, 31)
    if m := _HALF.match(period):
        year = int(m.group(1))
        return date(year, 6, 30) if m.group(2) == "1" else date(year, 12, 31)
    if m := _QUARTER.match(period):
        year, quarter = int(m.group(1)), int(m.group(2))
        return date(year, 3 * quarter, (31, 30, 30, 31)[quarter - 1])
    return None


def ref_value(ref: ParamRef, settings: FrameworkSettings, day: date | None = None) -> float | None:
    """The number a reference stands for on `day` (None: the latest value); None if not a number."""
    parameter = settings.parameters.get(ref.param)
    if parameter is None:
        return None
    value = parameter.value_on(day)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) * ref.times


def param_refs(indicator: Indicator) -> dict[str, ParamRef]:
    """Where an indicator takes a number from a parameter: 'targets.2022', 'lop_target', 'thresholds.green'."""
    out: dict[str, ParamRef] = {}
    for period, target in indicator.targets.items():
        if isinstance(target, ParamRef):
            out[f"targets.{period}"] = target
    if isinstance(indicator.lop_target, ParamRef):
        out["lop_target"] = indicator.lop_target
    if indicator.thresholds is not None:
        for name in ("green", "amber"):
            if isinstance(getattr(indicator.thresholds, name), ParamRef):
                out[f"thresholds.{name}"] = getattr(indicator.thresholds, name)
    return out


def resolve_param_refs(indicator: Indicator, settings: FrameworkSettings) -> Indicator:
    """The indicator with every parameter reference replaced by its number (refs kept in `param_refs`).

    Resolving again (after a parameter changed) uses the kept refs. An unknown or non-numeric
    parameter is left as the reference: checks.py reports it.
    """
    refs = {**indicator.param_refs, **param_refs(indicator)}
    if not refs:
        return indicator

    def number(key: str, current: Any, day: date | None = None) -> Any:
        ref = refs.get(key)
        if ref is None:
            return current
        value = ref_value(ref, settings, day)
        return ref if value is None else value

    update: dict[str, Any] = {
        "targets": {p: number(f"targets.{p}", v, period_end(p)) for p, v in indicator.targets.items()},
        "lop_target": number("lop_target", indicator.lop_target),
        "param_refs": refs,
    }
    if indicator.thresholds is not None:
        update["thresholds"] = Thresholds(green=number("thresholds.green", indicator.thresholds.green),
                                          amber=number("thresholds.amber", indicator.thresholds.amber))
    return indicator.model_copy(update=update)


def thresholds_on(indicator: Indicator, settings: FrameworkSettings, period: str) -> tuple[float, float] | None:
    """(green, amber) for a period: a threshold taken from a parameter uses the value in force at its end."""
    thresholds = indicator.thresholds
    if thresholds is None:
        return None
    day = period_end(period)
    out = []
    for name in ("green", "amber"):
        ref = indicator.param_refs.get(f"thresholds.{name}")
        value = ref_value(ref, settings, day) if ref is not None and day is not None else None
        out.append(float(value) if value is not None else float(getattr(thresholds, name)))
    return out[0], out[1]


# --------------------------------------------------------------------------- dependencies


def _expressions(indicator: Indicator) -> list[str]:
    return [t for t in (indicator.filter, indicator.numerator, indicator.denominator, indicator.value,
                        indicator.parameter_date, indicator.period_date) if t]


def parameters_of(indicator: Indicator) -> set[str]:
    """Parameters an indicator's own definition uses: param() in its expressions, the working-day
    calendar's rule (working-days(), request-status()), and parameters its targets or thresholds are taken from."""
    names: set[str] = set()
    for text in _expressions(indicator):
        node = expr.parse(text)
        names |= expr.params(node)
        names |= {FUNCTION_PARAMS[n.func] for n in expr.walk(node) if isinstance(n, expr.Call) and n.func in FUNCTION_PARAMS}
    names |= {ref.param for ref in param_refs(indicator).values()}
    names |= {ref.param for ref in indicator.param_refs.values()}
    return names


def unverified_parameters(framework: Framework, indicator_id: str, _trail: tuple[str, ...] = ()) -> set[str]:
    """The unverified parameters an indicator's values depend on.

    An index depends on its components' parameters, except when the framework leaves components
    that depend on unverified parameters out of the index (index_excludes_unverified, default on).
    """
    indicator = framework.indicators[indicator_id]
    parameters = framework.settings.parameters
    own = {p for p in parameters_of(indicator) if p in parameters and not parameters[p].verified}
    if indicator.type != "index" or framework.settings.index_excludes_unverified:
        return own
    for component in indicator.components:
        if component.indicator in framework.indicators and component.indicator not in _trail:
            own |= unverified_parameters(framework, component.indicator, (*_trail, indicator_id))
    return own


def unverified_indicators(framework: Framework) -> dict[str, bool]:
    """indicator id -> whether any value of it depends on an unverified parameter."""
    return {i: bool(unverified_parameters(framework, i)) for i in framework.indicators}
