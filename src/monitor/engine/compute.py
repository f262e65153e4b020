"""compute(): answers -> one tidy table of indicator results; the one function every output calls.

For each (survey, repeat) the responses are loaded once (frames.load_frame); every row gets a cell
code (territory at the requested level × period), each indicator's expressions are evaluated once,
vectorised, and the per-type aggregation (aggregate.py) runs on the cell codes, then again for each
declared disaggregation. Whatever does not depend on the level or period (the expressions' row
values, builtin fields, territory and period codes, disaggregation codes) is kept in the memo that
travels with the cached frame (frames.load_frame_memo), so computing a second level or period of the
same data only regroups: the first level pays for parsing and evaluating, the others for bincounts.
The next survey's frame is read in a background thread meanwhile. Then, in order: targets and % of
target, min-n suppression, the oversight
index (from the published component results), complementary suppression, status, change since the
previous period. The output is for the engine's callers; anything people see goes through
monitor.privacy.for_audience.

Privacy rules enforced here as well as in for_audience: an answer located only at a coarser level
than requested does not appear at the finer level (a raion-level answer is in no hromada row), and
survivor instruments give no raion or hromada rows at all.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache, partial
from typing import Any, TypeVar

import numpy as np
import orjson
import pandas as pd
from sqlalchemy.engine import Engine

from monitor import deadlines, expr, subsistence
from monitor.engine.aggregate import Cells, Rows, aggregate
from monitor.engine.frames import FrameMemo, ResponseSource, load_frame_memo, source_of
from monitor.engine.index import index_order, index_rows
from monitor.engine.periods import GRANULARITIES, Granularity, granularity_of, period_codes
from monitor.engine.smallcells import apply_min_n, complementary
from monitor.engine.targets import add_change, add_targets, statuses
from monitor.errors import MonitorError, issue
from monitor.framework.models import Framework, Indicator, QuestionType, SplitPart, Survey
from monitor.framework.params import CALENDAR_PARAM, SUBSISTENCE_PARAM, unverified_parameters
from monitor.geo import reference_dir
from monitor.i18n import t

Derived = TypeVar("Derived")

LEVELS: tuple[str, ...] = ("oblast", "raion", "hromada", "all")
TERRITORY_COLUMN = {"oblast": "oblast_code", "raion": "raion_code", "hromada": "hromada_code"}
ALL_CODE = "ALL"
SURVIVOR = "survivor"

COLUMNS = [
    "indicator", "theme", "type", "unit", "direction", "level", "territory_code", "territory_name",
    "territory_name_en", "oblast_code", "raion_code", "parent_code", "period", "dimension", "dimension_value",
    "n", "numerator", "denominator", "value", "ci_low", "ci_high", "ci_method", "se", "baseline", "target",
    "pct_of_target", "status", "previous_period", "previous_value", "change", "change_significant", "min_n",
    "suppressed", "suppression_reason", "definition_hash", "synthetic", "survey", "respondent", "index_missing",
    "unverified",
]
TEXT_COLUMNS = [
    "indicator", "theme", "type", "unit", "direction", "level", "territory_code", "territory_name",
    "territory_name_en", "oblast_code", "raion_code", "parent_code", "period", "dimension", "dimension_value",
    "ci_method", "status", "previous_period", "suppression_reason", "definition_hash", "survey", "respondent",
    "index_missing",
]
STAT_COLUMNS = ["n", "numerator", "denominator", "value", "ci_low", "ci_high", "se"]


@lru_cache(maxsize=2048)
def _parse(text: str) -> expr.Node:
    return expr.parse(text)


# --------------------------------------------------------------------------- arguments


def check_arguments(framework: Framework, level: str, period: str, indicators: Iterable[str] | None) -> list[str]:
    """The indicator ids to compute, or MonitorError (bilingual) for an unknown level/period/indicator."""
    if level not in LEVELS:
        raise MonitorError(issue("engine-unknown-level", level=level, known=", ".join(LEVELS)))
    if period not in GRANULARITIES:
        raise MonitorError(issue("engine-unknown-period", period=period, known=", ".join(GRANULARITIES)))
    if indicators is None:
        return list(framework.indicators)
    wanted = list(dict.fromkeys(indicators))
    unknown = [i for i in wanted if i not in framework.indicators]
    if unknown:
        raise MonitorError(
            [issue("engine-unknown-indicator", indicator=i, known=", ".join(sorted(framework.indicators))) for i in unknown]
        )
    return wanted


def _with_components(framework: Framework, wanted: Sequence[str]) -> list[str]:
    needed: list[str] = []

    def visit(indicator_id: str) -> None:
        if indicator_id in needed or indicator_id not in framework.indicators:
            return
        needed.append(indicator_id)
        for component in framework.indicators[indicator_id].components:
            visit(component.indicator)

    for indicator_id in wanted:
        visit(indicator_id)
    return needed


# --------------------------------------------------------------------------- cells


@dataclass
class Prepared:
    """One survey's frame cut into cells (territory × period) for one level and granularity."""

    frame: pd.DataFrame
    codes: np.ndarray  # cell per row, -1 when the row is not located at this level/period
    territory: np.ndarray  # per cell
    period: np.ndarray
    oblast: np.ndarray
    raion: np.ndarray
    synthetic: np.ndarray

    @property
    def ncells(self) -> int:
        return len(self.territory)


BUILTINS = ("_wave", "_oblast", "_raion", "_hromada", "_hromada_type", "_population")


def _add_builtins(
    frame: pd.DataFrame, territories: pd.DataFrame, wanted: set[str], memo: FrameMemo | None = None
) -> None:
    """Engine fields expressions may use: _population, _wave, _oblast, _raion, _hromada, _hromada_type.

    With a memo (the cached frame's), a field built once is reused as long as the territory table
    it was built from has the same content.
    """
    if memo is None:
        _build_builtins(frame, territories, wanted)
        return
    units = _territory_key(territories)
    missing = {name for name in wanted if name in BUILTINS and ("builtin", name, units) not in memo}
    if missing:
        scratch = frame[["wave", "oblast_code", "raion_code", "hromada_code"]].copy(deep=False)
        _build_builtins(scratch, territories, missing)
        for name in missing:
            memo.put(("builtin", name, units), scratch[name])
    for name in BUILTINS:
        if name in wanted:
            frame[name] = memo.value(("builtin", name, units))


def _territory_key(territories: pd.DataFrame) -> tuple[int, int]:
    """A cheap content key of what the builtins read from the territory table (a few thousand rows)."""
    if territories.empty:
        return (0, 0)
    columns = [c for c in ("code", "level", "kind", "population", "raion_code", "oblast_code") if c in territories]
    hashed = pd.util.hash_pandas_object(territories[columns].astype("object"), index=False)
    return (len(territories), int(hashed.sum()))


def _build_builtins(frame: pd.DataFrame, territories: pd.DataFrame, wanted: set[str]) -> None:
    simple = {"_wave": "wave", "_oblast": "oblast_code", "_raion": "raion_code", "_hromada": "hromada_code"}
    for name, column in simple.items():
        if name in wanted:
            frame[name] = frame[column]
    units = territories.drop_duplicates("code") if not territories.empty else territories
    hromadas = units[units["level"] == "hromada"] if not units.empty else units
    if "_hromada_type" in wanted:
        kinds = dict(zip(hromadas["code"], hromadas["kind"], strict=False)) if not hromadas.empty else {}
        frame["_hromada_type"] = frame["hromada_code"].map(kinds).astype("str")
    if "_population" in wanted:
        population = pd.to_numeric(hromadas["population"], errors="coerce") if not hromadas.empty else pd.Series()
        by_hromada = dict(zip(hromadas["code"], population, strict=False)) if not hromadas.empty else {}
        by_raion = population.groupby(hromadas["raion_code"]).sum(min_count=1).to_dict() if not hromadas.empty else {}
        by_oblast = population.groupby(hromadas["oblast_code"]).sum(min_count=1).to_dict() if not hromadas.empty else {}
        value = frame["hromada_code"].map(by_hromada).astype(float)
        value = value.fillna(frame["raion_code"].map(by_raion).astype(float))
        value = value.fillna(frame["oblast_code"].map(by_oblast).astype(float))
        frame["_population"] = value


def _memoised(memo: FrameMemo | None, key: tuple[Hashable, ...], build: Callable[[], Derived]) -> Derived:
    return build() if memo is None else memo.get(key, build)


def _territory_codes(frame: pd.DataFrame, level: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(code per row, territories, located) for a level; -1 / False where the row has no such territory."""
    if level == "all":
        located = frame["oblast_code"].notna().to_numpy()
        codes = np.where(located, 0, -1).astype(np.int64)
        return codes, np.array([ALL_CODE] if located.any() else [], dtype=object), located
    territory = frame[TERRITORY_COLUMN[level]]
    # Factorised as it is (Arrow's dictionary encoding for the text columns): no Python object per row.
    codes, unique = pd.factorize(territory)
    return codes.astype(np.int64), np.asarray(unique, dtype=object), codes >= 0


def _period_codes(frame: pd.DataFrame, granularity: Granularity) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    codes, unique = period_codes(frame["period_date"], frame["submitted_at"], frame["wave"], granularity)
    return codes, unique, codes >= 0


def prepare(
    frame: pd.DataFrame,
    level: str,
    granularity: Granularity,
    waves: Sequence[str],
    oblasts: Sequence[str] | None,
    memo: FrameMemo | None = None,
) -> Prepared:
    t_codes, t_unique, t_located = _memoised(memo, ("territory", level), lambda: _territory_codes(frame, level))
    p_codes, p_unique, p_located = _memoised(
        memo, ("period", granularity), lambda: _period_codes(frame, granularity)
    )
    located = t_located & p_located
    if oblasts:
        located &= frame["oblast_code"].isin(list(oblasts)).to_numpy()
    combined = t_codes.astype(np.int64) * max(len(p_unique), 1) + p_codes
    codes = np.full(len(frame), -1, dtype=np.int64)
    cells = np.array([], dtype=np.int64)
    if located.any():
        codes[located], cells = pd.factorize(combined[located], sort=True)
    first = np.zeros(len(cells), dtype=np.int64)
    if len(cells):
        located_rows = np.flatnonzero(located)
        _, where = np.unique(codes[located], return_index=True)
        first = located_rows[where]
    n_periods = max(len(p_unique), 1)
    synthetic = np.bincount(codes[located], weights=frame["synthetic"].to_numpy(bool)[located].astype(float),
                            minlength=len(cells))[: len(cells)] > 0
    return Prepared(
        frame=frame,
        codes=codes,
        territory=np.asarray(t_unique, dtype=object)[cells // n_periods] if len(cells) else np.array([], dtype=object),
        period=np.asarray(p_unique, dtype=object)[cells % n_periods] if len(cells) else np.array([], dtype=object),
        # A row carries only codes at or above its level (#13): finer codes of the cell's first answer are not its own.
        oblast=frame["oblast_code"].to_numpy(object)[first] if level != "all" else np.full(len(first), None, object),
        raion=frame["raion_code"].to_numpy(object)[first] if level in ("raion", "hromada") else np.full(len(first), None, object),
        synthetic=synthetic,
    )


# --------------------------------------------------------------------------- one indicator


def _numeric(series: pd.Series) -> np.ndarray:
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _truthy(text: str | None, frame: pd.DataFrame, ctx: expr.Bindings) -> np.ndarray:
    if not text:
        return np.ones(len(frame), dtype=bool)
    return expr.truthy(expr.evaluate(_parse(text), frame, ctx)).to_numpy(bool)


def _values(text: str | None, frame: pd.DataFrame, ctx: expr.Bindings, scope: np.ndarray) -> np.ndarray:
    if not text:
        return np.full(len(frame), np.nan)
    values = _numeric(expr.evaluate(_parse(text), frame, ctx))
    return np.where(scope, values, np.nan)


def _on_rows_date(indicator: Indicator, frame: pd.DataFrame, ctx: expr.Bindings) -> expr.Bindings:
    """ctx with each row's date set when the indicator uses a parameter whose value changed over time:
    its `parameter_date` (e.g. the application date), else the answer's date, else the submission's."""
    if not ctx.dated or not any(p in ctx.dated for p in _params_used(indicator)):
        return ctx
    on = pd.to_datetime(frame["period_date"], errors="coerce", format="ISO8601", utc=True).dt.tz_localize(None)
    on = on.fillna(pd.to_datetime(frame["submitted_at"], errors="coerce", format="ISO8601", utc=True).dt.tz_localize(None))
    if indicator.parameter_date:
        own = pd.to_datetime(expr.evaluate(_parse(indicator.parameter_date), frame, ctx), errors="coerce")
        on = own.where(own.notna(), on)
    return replace(ctx, on=on)


def _params_used(indicator: Indicator) -> set[str]:
    texts = (indicator.filter, indicator.numerator, indicator.denominator, indicator.value)
    return set().union(*(expr.params(_parse(t)) for t in texts if t))


def row_values(indicator: Indicator, frame: pd.DataFrame, ctx: expr.Bindings) -> Rows:
    """Evaluate an indicator's expressions over every row (vectorised)."""
    ctx = _on_rows_date(indicator, frame, ctx)
    scope = _truthy(indicator.filter, frame, ctx)
    kind = str(indicator.type)
    if kind == "share":
        in_den = scope & _truthy(indicator.denominator, frame, ctx)
        return Rows("share", in_den & _truthy(indicator.numerator, frame, ctx), in_den)
    if kind == "count":
        if indicator.numerator:
            return Rows("count", scope & _truthy(indicator.numerator, frame, ctx), scope)
        if indicator.value:
            return Rows("count", _values(indicator.value, frame, ctx, scope), scope)
        return Rows("count", scope.copy(), scope)
    if kind == "ratio":
        return Rows(
            "ratio",
            _values(indicator.numerator, frame, ctx, scope),
            _values(indicator.denominator, frame, ctx, scope) if indicator.denominator else np.where(scope, 1.0, np.nan),
            factor=indicator.factor,
        )
    return Rows(kind, _values(indicator.value, frame, ctx, scope))


def _expression_key(indicator: Indicator) -> tuple[Any, ...]:
    return (str(indicator.type), indicator.filter, indicator.numerator, indicator.denominator, indicator.value,
            indicator.factor, indicator.parameter_date)


def context_key(ctx: expr.Bindings) -> tuple[Any, ...]:
    """What an evaluation depends on besides the frame and the expressions (hashable)."""
    params = orjson.dumps(ctx.params, option=orjson.OPT_SORT_KEYS, default=str)
    dated = orjson.dumps(ctx.dated, option=orjson.OPT_SORT_KEYS, default=str)
    calendar = ctx.calendar.key if ctx.calendar is not None else None
    table = ctx.subsistence.key if ctx.subsistence is not None else None
    return (params, tuple(ctx.holidays), frozenset(ctx.multi), ctx.current, dated, calendar, table)


def memo_row_values(
    indicator: Indicator, frame: pd.DataFrame, ctx: expr.Bindings, memo: FrameMemo | None, ctx_key: Any
) -> Rows:
    """row_values, once per (frame, expressions, context): levels and periods only regroup them."""
    return _memoised(memo, ("rows", _expression_key(indicator), ctx_key), lambda: row_values(indicator, frame, ctx))


def _dimension_values(survey: Survey, frame: pd.DataFrame, name: str) -> tuple[list[str], bool]:
    """Declared choice codes of a disaggregation (in the survey's order), and whether it is select_multiple."""
    question = survey.question(name)
    if question is not None and question.type in (QuestionType.select_one, QuestionType.select_multiple):
        return [c.value for c in survey.choices_of(question)], question.type == QuestionType.select_multiple
    observed = frame[name].dropna().astype(str)
    return sorted(v for v in observed.unique() if v.strip()), False


def _cells_frame(cells: Cells, prepared: Prepared, dimension: str, values: Sequence[str]) -> pd.DataFrame:
    """Result rows for the cells × dimension values (values == [''] for totals); built in one go."""
    k = len(values)
    columns: dict[str, object] = {
        "territory_code": np.repeat(prepared.territory, k),
        "period": np.repeat(prepared.period, k),
        "oblast_code": np.repeat(prepared.oblast, k),
        "raion_code": np.repeat(prepared.raion, k),
        "synthetic": np.repeat(prepared.synthetic, k),
        "dimension": np.full(prepared.ncells * k, dimension, dtype=object),
        "dimension_value": np.tile(np.asarray(values, dtype=object), prepared.ncells),
    }
    for column in STAT_COLUMNS:
        columns[column] = getattr(cells, column)
    columns["ci_method"] = np.where(np.isnan(cells.ci_low), "", cells.ci_method).astype(object)
    return pd.DataFrame(columns)


def _members(column: pd.Series, values: Sequence[str]) -> list[np.ndarray]:
    """Per choice code, whether each row's select_multiple answer contains it (`code in text.split()`).

    Split once per distinct answer, not per row: a million answers hold a few hundred combinations.
    """
    codes, uniques = pd.factorize(column.fillna("").astype(str))
    tokens = [set(str(u).split()) for u in uniques]
    out = []
    for value in values:
        member = np.array([value in ts for ts in tokens] + [False], dtype=bool)
        out.append(member[codes])
    return out


def _choice_codes(column: pd.Series, values: Sequence[str]) -> np.ndarray:
    """Index of each row's answer in `values` (-1: missing or not a declared code)."""
    if isinstance(column.dtype, pd.StringDtype) and len(set(values)) == len(values):
        # Factorise the (Arrow) text once and look the few distinct answers up: same codes as
        # pd.Categorical(..., categories=values) without a per-row object conversion.
        codes, uniques = pd.factorize(column)
        lookup = {value: i for i, value in enumerate(values)}
        mapped = np.array([lookup.get(u, -1) for u in uniques] + [-1], dtype=np.int64)
        return mapped[codes]
    return pd.Categorical(column.astype("object"), categories=values).codes.astype(np.int64)


def _stacked(per_value: list[Cells]) -> Cells:
    """Cells per dimension value, interleaved as _cells_frame lays them out (cell-major, value-minor)."""
    def stacked(field: str) -> np.ndarray:
        return np.stack([getattr(c, field) for c in per_value], axis=1).ravel()

    return Cells(
        n=stacked("n"), numerator=stacked("numerator"), denominator=stacked("denominator"), value=stacked("value"),
        ci_low=stacked("ci_low"), ci_high=stacked("ci_high"), se=stacked("se"), ci_method=per_value[0].ci_method,
    )


def part_indicator(indicator: Indicator, part: SplitPart) -> Indicator:
    """The indicator summing one part of a split instead of its total (same scope, dates and type)."""
    return indicator.model_copy(update={"value": part.expression, "split_by": []})


def _rows(indicator: Indicator, frame: pd.DataFrame, ctx: expr.Bindings, memo: FrameMemo | None,
          ctx_key: Any) -> Rows:
    """row_values, through the memo when there is one."""
    if memo is None:
        return row_values(indicator, frame, ctx)
    return memo_row_values(indicator, frame, ctx, memo, context_key(ctx) if ctx_key is None else ctx_key)


def indicator_results(
    indicator: Indicator,
    survey: Survey,
    prepared: Prepared,
    ctx: expr.Bindings,
    disaggregate: bool,
    memo: FrameMemo | None = None,
    ctx_key: Any = None,
) -> pd.DataFrame:
    rows = _rows(indicator, prepared.frame, ctx, memo, ctx_key)
    codes = prepared.codes
    parts = [_cells_frame(aggregate(rows, codes, prepared.ncells), prepared, "", [""])]
    if disaggregate:
        for name in indicator.disaggregate_by:
            if name not in prepared.frame:
                continue
            values, multiple = _memoised(
                memo, ("dimension", survey.id, name), partial(_dimension_values, survey, prepared.frame, name)
            )
            if not values:
                continue
            column = prepared.frame[name]
            if multiple:
                # One pass per choice: a response selecting several codes counts in each of them.
                members = _memoised(memo, ("members", name, tuple(values)), partial(_members, column, values))
                cells = _stacked([aggregate(rows, np.where(member, codes, -1), prepared.ncells) for member in members])
            else:
                d_codes = _memoised(memo, ("choices", name, tuple(values)), partial(_choice_codes, column, values))
                k = len(values)
                combined = np.where((codes >= 0) & (d_codes >= 0), codes * k + d_codes, -1)
                cells = aggregate(rows, combined, prepared.ncells * k)
            parts.append(_cells_frame(cells, prepared, name, values))
        for split in indicator.split_by:
            per_part = [aggregate(_rows(part_indicator(indicator, part), prepared.frame, ctx, memo, ctx_key), codes,
                                  prepared.ncells) for part in split.parts]
            parts.append(_cells_frame(_stacked(per_part), prepared, split.name, [p.value for p in split.parts]))
    out = pd.concat(parts, ignore_index=True)
    out.insert(0, "indicator", indicator.id)
    return out


# --------------------------------------------------------------------------- the table


def _context(framework: Framework, surveys: Iterable[Survey]) -> expr.Bindings:
    params = framework.param_values()
    holidays = params.get("public_holidays") or ()
    multi = frozenset(
        q.name for s in surveys for q in s.all_questions() if q.type == QuestionType.select_multiple
    )
    return expr.Bindings(params=params, holidays=tuple(holidays) if isinstance(holidays, list) else (), multi=multi,
                         dated=framework.dated_params(), calendar=working_calendar(params),
                         subsistence=subsistence_table(params))


def subsistence_table(params: dict[str, object]) -> subsistence.SubsistenceTable | None:
    """The subsistence-minimum table the framework names (a file of data/reference), if any."""
    name = params.get(SUBSISTENCE_PARAM)
    return subsistence.load_table(reference_dir() / str(name)) if name else None


def working_calendar(params: dict[str, object]) -> deadlines.WorkCalendar | None:
    """The Ukrainian working-day calendar with the framework's martial-law rule; None for a framework that
    declares neither the rule nor a holiday list of its own (working-days() then counts Mon-Fri)."""
    rule = params.get(CALENDAR_PARAM)
    if rule is None:
        return None if "public_holidays" in params else deadlines.ukrainian_calendar()
    text = str(rule).strip().lower()
    return deadlines.ukrainian_calendar(None if text in ("", "none") else date.fromisoformat(text[:10]))


def _referenced(indicators: Iterable[Indicator]) -> set[str]:
    names: set[str] = set()
    for indicator in indicators:
        for text in (indicator.filter, indicator.numerator, indicator.denominator, indicator.value,
                     *indicator.split_expressions()):
            if text:
                names |= expr.names(_parse(text))
        names |= set(indicator.disaggregate_by)
    return names


FINENESS = {"hromada": 0, "raion": 1, "oblast": 2, "all": 3}


def too_fine(indicator: Indicator, level: str) -> bool:
    """Whether `level` is finer than the indicator's finest_level: no result there, not even a suppressed one
    (an official's own answer at hromada level would name the person who gave it)."""
    finest = indicator.finest_level
    return finest is not None and FINENESS.get(level, 3) < FINENESS[str(finest)]


def min_n_of(framework: Framework, indicator: Indicator) -> int:
    survey = framework.survey_of(indicator)
    base = framework.min_n(indicator) if survey is not None else (indicator.min_n or 1)
    if survey is not None and survey.respondent == SURVIVOR:
        return max(base, framework.settings.survivor_min_n)
    return base


def _decorate(results: pd.DataFrame, framework: Framework, level: str) -> pd.DataFrame:
    meta = {}
    for indicator_id in results["indicator"].unique():
        indicator = framework.indicators[indicator_id]
        survey = framework.survey_of(indicator)
        meta[indicator_id] = {
            "theme": indicator.theme,
            "type": str(indicator.type),
            "unit": indicator.unit,
            "direction": str(indicator.direction),
            "min_n": min_n_of(framework, indicator),
            "definition_hash": framework.indicator_hashes.get(indicator_id, ""),
            "survey": indicator.survey or "",
            "respondent": str(survey.respondent) if survey else "",
            "unverified": bool(unverified_parameters(framework, indicator_id)),
        }
    info = pd.DataFrame.from_dict(meta, orient="index")
    info.index.name = "indicator"
    results = results.join(info, on="indicator")
    # A sampling interval means something only for a probability sample (Survey.design): a census of bodies
    # has no sampling error and a convenience sample no sampling model. Without an interval, add_change
    # gives no significance test either.
    surveys_of = {i: framework.survey_of(framework.indicators[i]) for i in meta}
    sampled = {i: survey is not None and survey.inferential for i, survey in surveys_of.items()}
    no_sampling = ~results["indicator"].map(sampled).fillna(False).to_numpy(bool)
    if no_sampling.any():
        for column in ("ci_low", "ci_high", "se"):
            if column in results:
                results.loc[no_sampling, column] = np.nan
        if "ci_method" in results:
            results.loc[no_sampling, "ci_method"] = ""
    results["level"] = level
    parent = {"hromada": results["raion_code"], "raion": results["oblast_code"]}.get(level)
    if parent is not None:
        results["parent_code"] = parent
    else:
        results["parent_code"] = ALL_CODE if level == "oblast" else None
    return results


def _names(results: pd.DataFrame, territories: pd.DataFrame) -> pd.DataFrame:
    units = territories.drop_duplicates("code") if not territories.empty else territories
    uk = dict(zip(units["code"], units["name_uk"], strict=False)) if not units.empty else {}
    en = dict(zip(units["code"], units["name_en"], strict=False)) if not units.empty else {}
    uk[ALL_CODE], en[ALL_CODE] = t("engine.all_oblasts", "uk"), t("engine.all_oblasts", "en")
    codes = results["territory_code"]
    results["territory_name"] = codes.map(uk).fillna(codes).astype(object)
    results["territory_name_en"] = codes.map(en).fillna(codes).astype(object)
    return results


_SUPPRESSION_KEYS = (
    "indicator", "territory_code", "period", "dimension", "dimension_value", "level", "parent_code", "oblast_code",
)


def _complementary(results: pd.DataFrame) -> pd.DataFrame:
    """privacy.complementary, run only over the indicators that have a suppressed cell.

    Same marks as running it over everything: every group of its rules lies within one indicator and
    only a suppressed cell starts a chain, so an indicator without one is never touched. The keys go
    in as categoricals (grouping on integer codes, not strings); the rows keep their order, so the
    rules' tie-break on position picks the same cells. At hromada level on 1,000,000 responses this
    takes it from 1.3-2.4 s to ~0.8 s.
    """
    results = results.reset_index(drop=True)
    touched = results.groupby("indicator", sort=False)["suppressed"].transform("any").to_numpy(bool)
    if not touched.any():
        return results
    part = results[touched].copy(deep=False)
    for column in _SUPPRESSION_KEYS:
        if column in part:
            part[column] = part[column].astype("category")
    marked = complementary(part)
    suppressed = results["suppressed"].to_numpy(bool).copy()
    reason = results["suppression_reason"].to_numpy(object).copy()
    suppressed[touched] = marked["suppressed"].to_numpy(bool)
    reason[touched] = marked["suppression_reason"].to_numpy(object)
    results["suppressed"] = suppressed
    results["suppression_reason"] = reason
    return results


def empty_results() -> pd.DataFrame:
    return pd.DataFrame(
        {column: pd.Series(dtype="str" if column in TEXT_COLUMNS else "float64") for column in COLUMNS}
    )


GroupKey = tuple[str, str | None, str | None]


def indicator_groups(framework: Framework, indicator_ids: Iterable[str]) -> dict[GroupKey, list[Indicator]]:
    """Indicators by what they read: (survey, repeat, period_date). One frame read per (survey, repeat);
    indicators that date their rows by a step of their own get that frame with their own periods."""
    groups: dict[GroupKey, list[Indicator]] = {}
    for indicator_id in indicator_ids:
        indicator = framework.indicators[indicator_id]
        if indicator.type == "index" or indicator.survey not in framework.surveys:
            continue
        groups.setdefault((indicator.survey, indicator.repeat, indicator.period_date), []).append(indicator)
    return groups


def reported_rows(frame: pd.DataFrame, memo: FrameMemo, survey: Survey, repeat: str | None,
                  ctx: expr.Bindings) -> tuple[pd.DataFrame, FrameMemo]:
    """Only the repeat rows the instrument's reporting level sent (survey.reports): a case list from another
    level would count the same people twice, so the engine counts none of it (the import refuses it too)."""
    reporting = survey.reported_by(repeat)
    if reporting is None or frame.empty:
        return frame, memo
    keep = expr.truthy(expr.evaluate(_parse(reporting.reported_by), frame, ctx)).to_numpy(bool)
    if keep.all():
        return frame, memo
    return frame.loc[keep].reset_index(drop=True), FrameMemo()


def own_periods(frame: pd.DataFrame, memo: FrameMemo, period_date: str | None,
                ctx: expr.Bindings) -> tuple[pd.DataFrame, FrameMemo]:
    """The frame with `period_date` taken from the indicator's expression where it gives a date (the
    period of a case is the date of the step it measures), else the answer's date; a fresh memo, since
    periods and the rows' parameter dates differ from the shared frame's."""
    if not period_date or frame.empty:
        return frame, memo
    own = pd.to_datetime(expr.evaluate(_parse(period_date), frame, ctx), errors="coerce")
    if getattr(own.dt, "tz", None) is not None:
        own = own.dt.tz_localize(None)
    shared = pd.to_datetime(frame["period_date"], errors="coerce", format="ISO8601", utc=True).dt.tz_localize(None)
    dated = frame.copy(deep=False)
    dated["period_date"] = own.where(own.notna(), shared).to_numpy()
    return dated, FrameMemo()


def _frames_ahead(
    source: ResponseSource, todo: list[tuple[Survey, str | None, list[Indicator]]]
) -> Iterator[tuple[pd.DataFrame, FrameMemo]]:
    """The groups' frames in order, the next one read in a background thread while this one is computed.

    Reading is mostly Arrow (Parquet/JSON parsing in C++, without the GIL) and computing mostly
    numpy/pandas, so the two overlap; frames come out in the same order, identical either way.
    """
    if len(todo) < 2:
        for survey, repeat, _ in todo:
            yield load_frame_memo(source, survey, repeat)
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="monitor-frames") as pool:
        # One frame ahead only: more would hold frames the cache may already have let go.
        ahead = pool.submit(load_frame_memo, source, todo[0][0], todo[0][1])
        for survey, repeat, _ in todo[1:]:
            current = ahead.result()
            ahead = pool.submit(load_frame_memo, source, survey, repeat)
            yield current
        yield ahead.result()


def compute(
    engine: Engine | ResponseSource,
    framework: Framework,
    *,
    level: str = "oblast",
    period: str = "year",
    indicators: Iterable[str] | None = None,
    disaggregate: bool = True,
    oblasts: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Indicator results: one row per indicator × territory × period × (dimension, value); see COLUMNS.

    Suppression is marked (suppressed, suppression_reason) but values are still there: pass the
    table through monitor.privacy.for_audience before showing it to anyone.
    """
    wanted = check_arguments(framework, level, period, indicators)
    needed = _with_components(framework, wanted)
    source = source_of(engine)
    territories = source.territories()
    waves = framework.settings.waves
    granularity = granularity_of(period)  # check_arguments refused any other text

    groups = indicator_groups(framework, needed)
    ctx = _context(framework, [framework.surveys[s] for s, _, _ in groups])
    ctx_key = context_key(ctx)

    parts: list[pd.DataFrame] = []
    todo = [
        (framework.surveys[survey_id], repeat, members)
        for (survey_id, repeat, _), members in groups.items()
        # survivors are published per oblast at most (docs/domain/data-protection.md)
        if not (framework.surveys[survey_id].respondent == SURVIVOR and level in ("raion", "hromada"))
    ]
    for (survey, _repeat, members), (frame, memo) in zip(todo, _frames_ahead(source, todo), strict=True):
        if frame.empty:
            continue
        frame, memo = reported_rows(frame, memo, survey, _repeat, ctx)
        frame, memo = own_periods(frame, memo, members[0].period_date, ctx)
        _add_builtins(frame, territories, _referenced(members), memo)
        prepared = prepare(frame, level, granularity, waves, oblasts, memo)
        if prepared.ncells == 0:
            continue
        for indicator in members:
            if too_fine(indicator, level):
                continue
            parts.append(indicator_results(indicator, survey, prepared, ctx, disaggregate, memo, ctx_key))
    if not parts and not any(framework.indicators[i].type == "index" for i in needed):
        return empty_results()
    results = pd.concat(parts, ignore_index=True) if parts else empty_results().iloc[:0, :0]
    if not results.empty:
        results = _decorate(results, framework, level)
        results = add_targets(results, framework)
        results = apply_min_n(results)

    results = _with_index_rows(results, framework, needed, level)
    if results.empty:
        return empty_results()
    results = _complementary(results)
    results["status"] = statuses(results, framework)
    results = add_change(results, granularity, waves)
    results = results[results["indicator"].isin(wanted)]
    results = _names(results, territories)
    return _finish(results, wanted)


def _with_index_rows(results: pd.DataFrame, framework: Framework, needed: Sequence[str], level: str) -> pd.DataFrame:
    """Index rows from the components' results as marked: a suppressed component is left out."""
    for index_id in index_order(framework, list(needed)):
        indicator = framework.indicators[index_id]
        if results.empty:
            break
        rows = index_rows(indicator, results, framework.settings.index_excludes_unverified)
        if rows.empty:
            continue
        rows["indicator"] = index_id
        rows["dimension"] = ""
        rows["dimension_value"] = ""
        for column in ("numerator", "denominator", "ci_low", "ci_high", "se"):
            rows[column] = np.nan
        rows["ci_method"] = ""
        rows = _decorate(rows, framework, level)
        rows = add_targets(rows, framework)
        rows = apply_min_n(rows)
        results = pd.concat([results, rows], ignore_index=True)
    return results


def rederive(results: pd.DataFrame, framework: Framework, engine: Engine | ResponseSource) -> pd.DataFrame:
    """Values derived from other cells, again, after suppression changed: index, status, change.

    `results` holds several levels and granularities (a `granularity` column) without index rows;
    each index row is rebuilt from its components' published cells only, and a change is given only
    against a published previous value (privacy.protect calls this on the protected set).
    """
    territories = source_of(engine).territories()
    waves = framework.settings.waves
    wanted = list(framework.indicators)
    parts = []
    for (granularity, level), part in results.groupby(["granularity", "level"], sort=False):
        part = part.drop(columns="granularity").reset_index(drop=True)
        part = _with_index_rows(part, framework, wanted, str(level))
        part["status"] = statuses(part, framework)
        part = add_change(part, granularity, waves)
        part = _names(part, territories)
        if "index_missing" not in part:
            part["index_missing"] = ""
        part = _finish(part, wanted)
        part["granularity"] = granularity
        parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else results


def _finish(results: pd.DataFrame, wanted: Sequence[str]) -> pd.DataFrame:
    """Column order, row order and one dtype per column, whatever path filled them."""
    if "index_missing" not in results:
        results["index_missing"] = ""
    results["index_missing"] = results["index_missing"].fillna("").astype(object)
    if "unverified" not in results:  # a table from before the column existed: _decorate sets it
        results["unverified"] = False
    order = {indicator_id: i for i, indicator_id in enumerate(wanted)}
    results = results.assign(_order=results["indicator"].map(order)).sort_values(
        ["_order", "territory_code", "period", "dimension", "dimension_value"], kind="stable"
    )
    out = results[COLUMNS].reset_index(drop=True)
    out["n"] = out["n"].astype(float).astype("int64")
    out["suppressed"] = out["suppressed"].astype(bool)
    out["synthetic"] = out["synthetic"].astype(bool)
    out["change_significant"] = out["change_significant"].astype(bool)
    out["unverified"] = out["unverified"].fillna(False).astype(bool)
    out["min_n"] = out["min_n"].astype("int64")
    for column in TEXT_COLUMNS:  # one dtype per column, whatever path filled it (and after a Parquet round trip)
        out[column] = out[column].astype("str")
    return out
