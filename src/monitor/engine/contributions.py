"""What each answer contributes to the published counts: the raw material of the disclosure audit.

Every count the engine publishes (a cell's n, the numerator of a share, a sum of people) is a sum over
answers. Grouping the answers by everything that decides which cells they fall in — finest territory,
quarter, half, year, wave and the value of every disaggregation — gives *atoms*: each published
cell is the sum of the atoms it contains, whatever the level, period or disaggregation. The privacy
audit (monitor.privacy.audit) uses the atoms as the unknowns of an attacker's linear program.

Quantities, per indicator (see aggregate.py for what n means per type):
- `n` for every type but index: a count of answers (rows), so 0 <= numerator <= n where the numerator
  is a count of a subset of the same answers (share, count of a condition);
- `numerator`: for share and count-of-a-condition a count of answers; for sum, ratio, mean and count
  of a number, a sum of values — kept only when it is a number of people (`counts_people`), since a
  sum of other values does not bound any count of people;
- `denominator` of a ratio: a sum of values, kept only when it is a number of people.

Only atoms and quantities with a positive total are kept: an attacker who knew which combinations are
empty would know more than one who does not, so leaving them out can only make the audit stricter.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from monitor import expr
from monitor.engine.compute import (
    SURVIVOR,
    _add_builtins,
    _context,
    _parse,
    _referenced,
    context_key,
    indicator_groups,
    memo_row_values,
    own_periods,
    part_indicator,
    reported_rows,
)
from monitor.engine.frames import ResponseSource, load_frame_memo, source_of
from monitor.engine.periods import Granularity, period_keys
from monitor.framework.models import Framework, Indicator, QuestionType, Survey

TERRITORY_KEYS = ("oblast_code", "raion_code", "hromada_code")
PERIOD_KEYS: tuple[Granularity, ...] = ("quarter", "half", "year", "wave")
PEOPLE_UNITS = frozenset({"case"})


@dataclass(frozen=True)
class Quantity:
    """One additive statistic of one indicator: which result column it is and how it is protected."""

    indicator: str
    stat: str  # "n" | "numerator" | "denominator" (the result column it is published in)
    rows: bool  # a count of answers (True) or a sum of answer values (False)
    people: bool  # a number of people affected by trafficking: the survivor threshold applies
    part: str = ""  # a split's part ('sex=female'; 'sex=*' the rest of the total no part holds), '' the total


@dataclass
class Contributions:
    """The atoms of one (survey, repeat): key columns, then one column per quantity (`q0`, `q1`, …)."""

    survey: str
    repeat: str | None
    atoms: pd.DataFrame
    quantities: list[Quantity]
    dimensions: dict[str, bool]  # disaggregation -> select_multiple
    splits: set[str] = field(default_factory=set)  # names of splits across columns (dimension of their rows)
    composed: dict[int, list[int]] = field(default_factory=dict)  # a total -> the part quantities it is the sum of
    same: dict[int, int] = field(default_factory=dict)  # quantity -> the first quantity with identical rows
    within: list[tuple[int, int]] = field(default_factory=list)  # (i, j): i's answers are a subset of j's

    def column(self, index: int) -> str:
        return f"q{index}"


def people_names(survey: Survey) -> set[str]:
    return {q.name for q in survey.all_questions() if q.counts_people}


def rows_are_people(framework: Framework, indicator: Indicator) -> bool:
    """Whether each answer counted in n is one person affected by trafficking."""
    survey = framework.survey_of(indicator)
    if survey is None:
        return False
    if survey.respondent == SURVIVOR or survey.unit in PEOPLE_UNITS:
        return True
    if indicator.repeat:
        repeat = survey.question(indicator.repeat)
        return bool(repeat is not None and repeat.counts_people)
    return False


def _mentions(text: str | None, names: set[str]) -> bool:
    return bool(text) and bool(expr.names(_parse(text)) & names)


def quantities_of(framework: Framework, indicator: Indicator) -> list[Quantity]:
    """The additive quantities an indicator publishes (see the module docstring)."""
    survey = framework.survey_of(indicator)
    kind = str(indicator.type)
    if survey is None or kind == "index":
        return []
    people_rows = rows_are_people(framework, indicator)
    names = people_names(survey)
    out = [Quantity(indicator.id, "n", True, people_rows)]
    if kind == "share" or (kind == "count" and (indicator.numerator or not indicator.value)):
        out.append(Quantity(indicator.id, "numerator", True, people_rows))
    elif kind in ("sum", "mean", "count") and _mentions(indicator.value, names):
        out.append(Quantity(indicator.id, "numerator", False, True))
    elif kind == "ratio":
        if _mentions(indicator.numerator, names):
            out.append(Quantity(indicator.id, "numerator", False, True))
        if _mentions(indicator.denominator, names):
            out.append(Quantity(indicator.id, "denominator", False, True))
    for split in indicator.split_by:
        for part in split.parts:
            key = f"{split.name}={part.value}"
            out.append(Quantity(indicator.id, "n", True, people_rows, part=key))
            if _mentions(part.expression, names):
                out.append(Quantity(indicator.id, "numerator", False, True, part=key))
    return out


def _row_quantity(quantity: Quantity, kind: str, a: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    """Per answer: 1/0 for a count of answers, the value (0 when missing) for a sum."""
    if kind == "share":
        assert b is not None
        mask = b if quantity.stat == "n" else (b & a)
        return mask.astype(float)
    if kind == "count":
        assert b is not None
        if quantity.stat == "n":
            return b.astype(float)
        if a.dtype == bool:
            return (b & a).astype(float)
        return np.where(b & ~np.isnan(a), a, 0.0)
    if kind == "ratio":
        assert b is not None
        has = ~np.isnan(a) & ~np.isnan(b)
        if quantity.stat == "n":
            return has.astype(float)
        return np.where(has, a if quantity.stat == "numerator" else b, 0.0)
    has = ~np.isnan(a)
    if quantity.stat == "n":
        return has.astype(float)
    return np.where(has, a, 0.0)


def _selection_key(column: pd.Series) -> pd.Series:
    """A select_multiple answer as a canonical text (sorted codes), so equal selections are one atom."""
    codes, uniques = pd.factorize(column.fillna("").astype(str))
    canonical = np.array([" ".join(sorted(set(str(u).split()))) for u in uniques] + [""], dtype=object)
    return pd.Series(canonical[codes], index=column.index)


def contributions(
    engine: Engine | ResponseSource, framework: Framework, indicator_ids: list[str] | None = None
) -> Iterator[Contributions]:
    """The atoms of every (survey, repeat) that the indicators read (one frame read per group)."""
    source = source_of(engine)
    territories = source.territories()
    wanted = list(framework.indicators) if indicator_ids is None else indicator_ids
    groups = indicator_groups(framework, wanted)
    ctx = _context(framework, [framework.surveys[s] for s, _, _ in groups])
    ctx_key = context_key(ctx)
    for (survey_id, repeat, period_date), members in groups.items():
        survey = framework.surveys[survey_id]
        frame, memo = load_frame_memo(source, survey, repeat)
        if frame.empty:
            continue
        frame, memo = reported_rows(frame, memo, survey, repeat, ctx)
        frame, memo = own_periods(frame, memo, period_date, ctx)
        _add_builtins(frame, territories, _referenced(members), memo)
        keys: dict[str, object] = {}
        for column in TERRITORY_KEYS:
            keys[column] = frame[column].astype("object").where(frame[column].notna(), "").to_numpy()
        for granularity in PERIOD_KEYS:
            values = period_keys(frame["period_date"], frame["submitted_at"], frame["wave"], granularity)
            keys[granularity] = values.astype("object").where(values.notna(), "").to_numpy()
        dimensions: dict[str, bool] = {}
        for indicator in members:
            for name in indicator.disaggregate_by:
                if name in frame and name not in dimensions:
                    question = survey.question(name)
                    dimensions[name] = question is not None and question.type == QuestionType.select_multiple
        for name, multiple in dimensions.items():
            column = frame[name]
            text = _selection_key(column) if multiple else column.astype("object").where(column.notna(), "")
            keys[f"d:{name}"] = text.astype(str).to_numpy()
        quantities: list[Quantity] = []
        columns: list[np.ndarray] = []
        composed: dict[int, list[int]] = {}
        for indicator in members:
            rows = memo_row_values(indicator, frame, ctx, memo, ctx_key)
            parts = {f"{s.name}={p.value}": part_indicator(indicator, p) for s in indicator.split_by for p in s.parts}
            first = len(quantities)
            for quantity in quantities_of(framework, indicator):
                # a split's part: the rows of its own expression
                own = memo_row_values(parts[quantity.part], frame, ctx, memo, ctx_key) if quantity.part else rows
                quantities.append(quantity)
                columns.append(_row_quantity(quantity, own.kind, own.a, own.b))
            _compose_splits(indicator, quantities, columns, first, composed)
        if not quantities:
            continue
        table = pd.DataFrame(keys)
        values = np.column_stack(columns)
        located = table["oblast_code"].to_numpy() != ""
        table, values = table[located], values[located]
        same, within = _relations(quantities, values, set(composed))
        for i in range(len(quantities)):
            table[f"q{i}"] = values[:, i]
        atoms = table.groupby(list(keys), sort=True, as_index=False).sum()
        keep = np.abs(atoms[[f"q{i}" for i in range(len(quantities))]].to_numpy(float)).sum(axis=1) != 0
        yield Contributions(
            survey=survey_id, repeat=repeat, atoms=atoms[keep].reset_index(drop=True), quantities=quantities,
            dimensions=dimensions, splits={s.name for i in members for s in i.split_by}, composed=composed,
            same=same, within=within,
        )


def _compose_splits(indicator: Indicator, quantities: list[Quantity], columns: list[np.ndarray], first: int,
                    composed: dict[int, list[int]]) -> None:
    """A total that is a number of people is the sum of its split's parts and of what no part holds.

    The attacker may take the total to be the sum of the parts, so the audit must: the total gets no
    unknowns of its own, its cells are sums of the parts' unknowns, plus a rest (total minus the parts,
    kept only where it is not zero: where the parts add up, the attacker knows they do)."""
    own = {(q.stat, q.part): first + i for i, q in enumerate(quantities[first:])}
    total = own.get(("numerator", ""))
    for split in indicator.split_by:
        keys = [f"{split.name}={p.value}" for p in split.parts]
        members = [own.get(("numerator", key)) for key in keys]
        if total is None or any(m is None for m in members):
            continue
        parts = [m for m in members if m is not None]
        rest = columns[total] - np.sum([columns[m] for m in parts], axis=0)
        if np.any(rest != 0):
            quantities.append(Quantity(indicator.id, "numerator", False, True, part=f"{split.name}=*"))
            columns.append(rest)
            parts.append(len(quantities) - 1)
        composed[total] = parts


def _relations(quantities: list[Quantity], values: np.ndarray,
               composed: frozenset[int] | set[int] = frozenset()) -> tuple[dict[int, int], list[tuple[int, int]]]:
    """Counts of the same answers (identical masks) and counts of a subset of another's answers.

    Read off the data, not the definitions: a coincidence in the data is treated as knowledge, which
    can only make the audit stricter.
    """
    same: dict[int, int] = {}
    within: list[tuple[int, int]] = []
    counted = [i for i, q in enumerate(quantities) if q.rows]
    masks = {i: values[:, i] > 0 for i in counted}
    for position, i in enumerate(counted):
        for j in counted[:position]:
            if j in same:
                continue
            if np.array_equal(masks[i], masks[j]):
                same[i] = j
                break
        if i in same:
            continue
        for j in counted:
            if j == i or j in same:
                continue
            if not np.any(masks[i] & ~masks[j]) and np.any(masks[j] & ~masks[i]):
                within.append((i, j))
    sums = [i for i, q in enumerate(quantities) if not q.rows and i not in composed]  # a composed total has no unknowns
    for position, i in enumerate(sums):
        for j in sums[:position]:
            if j not in same and np.array_equal(values[:, i], values[:, j]):
                same[i] = j
                break
    return same, within
