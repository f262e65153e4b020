"""The protected set: one table of everything a non-staff audience may see, protected together.

Each output suppressing on its own is not enough: a Poltava-only report, a quarter table and the
national year table can each be safe and still, combined, give a hidden cell away by subtraction.
So every public output — viewer and public dashboard views, every report format, open data, chart
downloads, `monitor compute` for the public — reads this one set, built over every territory level
(hromada, raion, oblast, the four oblasts) × every period granularity (quarter, half, year, wave) ×
every disaggregation, and a report for one oblast or one period *filters* it; it never suppresses again.

Building it:
1. primary suppression: a cell with 0 < n < its threshold (min_n; survivor instruments at least the
   survivor threshold), and a cell where a number of people (survivors, presumed victims, status
   holders: `counts_people`, status cases) is 0 < count < the survivor threshold (reason 'people');
2. the quick complementary rules of suppress.py per granularity (lone hidden cell in a parent or a
   disaggregation);
3. linked secondary suppression (audit.py), reason 'linked': first, without a solver, while a primary
   cell can be worked out exactly by adding and subtracting published cells (a chain of sums across
   territory, time and disaggregation), the cheapest published cell on that chain is suppressed; then
   the attacker's LP over the whole set: while a primary cell's interval is narrower than its protection
   width, the cheapest published cell among those that bind it (non-zero dual) is suppressed, and the
   audit runs again. The LP has the last word: the first pass only saves it rounds;
4. derived values from published components only: the oversight index, status, change since the
   previous period (a change against a hidden previous value would give it away);
5. the public gate (suppress.for_audience): suppressed cells keep only their labels.

The set is stored (Parquet, next to the database, private file) under a key made of the data's
fingerprint, the framework's hash and PROTECTION_VERSION, so it is rebuilt when data, framework or
rules change; the audit's result is stored beside it.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson
import pandas as pd
from sqlalchemy.engine import Engine

from monitor.engine import (
    GRANULARITIES,
    LEVELS,
    Contributions,
    ResponseSource,
    apply_min_n,
    complementary,
    compute_cached,
    contributions,
    default_cache_dir,
    framework_key,
    quantities_of,
    rederive,
    source_of,
)
from monitor.framework.models import Framework
from monitor.privacy.audit import GroupProgram, Interval, Target, intervals_of, map_groups, report_frame
from monitor.privacy.gate import for_audience

PROTECTION_VERSION = "linked-lp-4"  # 2: public rows no longer say why a cell is withheld (gate.PUBLIC_REASON);
# 3: nor bound its n ("<11"): every withheld n is gate.WITHHELD; 4: exact derivations are broken before the LP
MAX_ROUNDS = 200
_MEMORY: OrderedDict[str, ProtectedSet] = OrderedDict()
MEMORY_ENTRIES = 4


@dataclass
class ProtectedSet:
    """The public table (after the gate) and the audit that proves it."""

    key: str
    public: pd.DataFrame  # for_audience(..., 'public') + `granularity`
    audit: pd.DataFrame  # audit.report_frame: one row per protected quantity of a primary cell
    rounds: int
    seconds: float

    @property
    def failures(self) -> pd.DataFrame:
        return self.audit[~self.audit["ok"].astype(bool)] if not self.audit.empty else self.audit


def _union(engine: Engine | ResponseSource, framework: Framework) -> pd.DataFrame:
    """Engine results at every level × granularity, fresh marks, index rows left for later."""
    parts = []
    for granularity in GRANULARITIES:
        for level in LEVELS:
            part = compute_cached(engine, framework, level=level, period=granularity, disaggregate=True)
            if part.empty:
                continue
            part = part[part["type"] != "index"].copy()
            part["granularity"] = granularity
            parts.append(part)
    if not parts:
        return pd.DataFrame()
    union = pd.concat(parts, ignore_index=True)
    union["suppressed"] = False
    union["suppression_reason"] = ""
    return union


def mark_primary(results: pd.DataFrame, framework: Framework) -> list[Target]:
    """Primary suppression (min-n and people) and the quantities each primary cell must keep hidden."""
    results = apply_min_n(results)
    survivor_threshold = float(framework.settings.survivor_min_n)
    targets: list[Target] = []
    suppressed = results["suppressed"].to_numpy(bool).copy()
    reason = results["suppression_reason"].to_numpy(object).copy()
    min_n = results["min_n"].to_numpy(float)
    for indicator_id, where in results.groupby("indicator", sort=False).indices.items():
        quantities = quantities_of(framework, framework.indicators[str(indicator_id)])
        stats = {q.stat: q for q in quantities}
        for position in where:
            row = int(results.index[position])
            if suppressed[position] and reason[position] == "min-n":
                targets.append(Target(row, "n", float(min_n[position])))
                if "numerator" in stats and stats["numerator"].rows:
                    targets.append(Target(row, "numerator", 0.0, not_exact=True))
        for stat in sorted({q.stat for q in quantities if q.people}):  # a split's parts share their total's stats
            values = results[stat].to_numpy(float)[where]
            small = (values > 0) & (values < survivor_threshold)
            for position in np.asarray(where)[small]:
                row = int(results.index[position])
                if not suppressed[position]:
                    suppressed[position] = True
                    reason[position] = "people"
                targets.append(Target(row, stat, survivor_threshold))
    results["suppressed"] = suppressed
    results["suppression_reason"] = reason
    # one target per (row, stat): the widest requirement
    best: dict[tuple[int, str], Target] = {}
    for target in targets:
        key = (target.row, target.stat)
        if key not in best or (not target.not_exact and target.width > best[key].width):
            best[key] = target
    return list(best.values())


def _quick_complementary(results: pd.DataFrame) -> None:
    """suppress.complementary per granularity (its groups do not know that '2021' is a year and a wave)."""
    for _granularity, where in results.groupby("granularity", sort=False).indices.items():
        part = results.iloc[where].copy()
        if not part["suppressed"].any():
            continue
        marked = complementary(part.reset_index(drop=True))
        results.loc[part.index, "suppressed"] = marked["suppressed"].to_numpy(bool)
        results.loc[part.index, "suppression_reason"] = marked["suppression_reason"].to_numpy(object)


@dataclass
class _GroupOutcome:
    intervals: list[Interval]
    rounds: int
    hidden: list[int]  # result rows this group suppressed ('linked'), in the order chosen


def _suppress_group(
    group: Contributions, mine: list[Target], results: pd.DataFrame, hidden_before: np.ndarray, cost: np.ndarray,
    max_rounds: int,
) -> _GroupOutcome:
    """The audit-driven suppression of one group (survey × repeat). It reads `results` and writes nothing:
    a group's programs hold only its own indicators' rows, so groups are independent."""
    program = GroupProgram(group, results)
    hidden = hidden_before.copy()
    pending = mine
    final: dict[tuple[int, str], Interval] = {}
    # First the disclosures by plain addition and subtraction (no solver), then the LP for the rest.
    chosen_all: list[int] = [row for row in program.break_derivations(mine, cost) if not hidden[row]]
    hidden[chosen_all] = True
    rounds = 0
    for _ in range(max_rounds):
        rounds += 1
        checked = intervals_of(program, pending, full=False)
        for item in checked:
            final[(item.target.row, item.target.stat)] = item
        failing = [item for item in checked if not item.ok]
        if not failing:
            break
        chosen: set[int] = set()
        for item in failing:
            candidates = [r for r in item.binding if not hidden[r] and r not in chosen]
            if candidates:
                chosen.add(min(candidates, key=lambda r: (cost[r], r)))
        if not chosen:
            break
        for row in chosen:
            hidden[row] = True
            chosen_all.append(row)
            program.hide(row)
        # Hiding a cell removes an equation: intervals can only widen, so a target that passed
        # stays passed and only the failing ones are solved again.
        pending = [item.target for item in failing]
    return _GroupOutcome(list(final.values()), rounds, chosen_all)


def secondary(
    results: pd.DataFrame, groups: list[Contributions], targets: list[Target], max_rounds: int = MAX_ROUNDS
) -> tuple[list[Interval], int]:
    """Linked secondary suppression driven by the audit (step 3 of the module docstring), in place.

    Groups whose indicators are disjoint (every group of a framework: an indicator reads one survey) are
    solved in parallel threads; the suppressions are applied afterwards in group order, so the result is
    the same as one after another."""
    by_indicator: dict[str, list[Target]] = {}
    indicator_of = results["indicator"].astype(str).to_numpy()
    for target in targets:
        by_indicator.setdefault(str(indicator_of[target.row]), []).append(target)
    hidden = results["suppressed"].to_numpy(bool).copy()
    cost = results["n"].astype(float).fillna(0).to_numpy() + 1.0  # a zero cell still costs a little: it was a fact
    work: list[tuple[Contributions, list[Target]]] = []
    for group in groups:
        mine = [t for i in dict.fromkeys(q.indicator for q in group.quantities) for t in by_indicator.get(i, [])]
        if mine:
            work.append((group, mine))
    indicator_sets = [{q.indicator for q in group.quantities} for group, _ in work]
    disjoint = sum(len(i) for i in indicator_sets) == len(set().union(*indicator_sets)) if work else True
    intervals: list[Interval] = []
    rounds = 0
    if disjoint:  # in threads; applied in group order once all are solved
        outcomes = map_groups(lambda item: _suppress_group(item[0], item[1], results, hidden, cost, max_rounds), work)
        for outcome in outcomes:
            _apply(results, hidden, outcome.hidden)
    else:  # one after another, each seeing the suppressions of those before it
        outcomes = []
        for group, mine in work:
            outcome = _suppress_group(group, mine, results, hidden, cost, max_rounds)
            _apply(results, hidden, outcome.hidden)
            outcomes.append(outcome)
    for outcome in outcomes:
        intervals.extend(outcome.intervals)
        rounds += outcome.rounds
    return intervals, rounds


def _apply(results: pd.DataFrame, hidden: np.ndarray, rows: list[int]) -> None:
    for row in rows:
        hidden[row] = True
        results.at[row, "suppressed"] = True
        results.at[row, "suppression_reason"] = "linked"


def _blank_derived(results: pd.DataFrame) -> None:
    """Previous value and change only where the previous cell is published (rederive did it); guard anyway."""
    if "previous_value" in results:
        missing = results["previous_value"].isna().to_numpy()
        results.loc[missing, "change"] = np.nan
        results.loc[missing, "change_significant"] = False


def build(engine: Engine | ResponseSource, framework: Framework) -> ProtectedSet:
    """Build the protected set from the database (no storage; see protected_set)."""
    started = time.perf_counter()
    union = _union(engine, framework)
    if union.empty:
        return ProtectedSet("", union, report_frame(union, []), 0, 0.0)
    targets = mark_primary(union, framework)
    _quick_complementary(union)
    groups = list(contributions(engine, framework))
    intervals, rounds = secondary(union, groups, targets)
    audit_table = report_frame(union, intervals)
    final = rederive(union, framework, engine)
    _blank_derived(final)
    public = for_audience(final, "public")
    return ProtectedSet("", public, audit_table, rounds, time.perf_counter() - started)


def set_key(engine: Engine | ResponseSource, framework: Framework) -> str:
    payload = orjson.dumps(
        [list(source_of(engine).fingerprint()), framework_key(framework), PROTECTION_VERSION], default=str
    )
    return hashlib.sha256(payload).hexdigest()[:32]


def _private_write(frame: pd.DataFrame, path: Path) -> None:
    """Write a Parquet file readable by its owner only, atomically (never through a planted link)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        frame.to_parquet(handle, index=False)
    partial.replace(path)


def _paths(engine: Engine | ResponseSource, key: str, cache_dir: Path | None) -> tuple[Path, Path] | None:
    folder = cache_dir or default_cache_dir(engine)
    if folder is None:
        return None
    return folder / f"protected-{key}.parquet", folder / f"protected-{key}-audit.parquet"


def is_stored(engine: Engine | ResponseSource, framework: Framework, cache_dir: Path | None = None) -> bool:
    """Whether the protected set for the data's current state is in memory or stored (reading it is quick)."""
    key = set_key(engine, framework)
    paths = _paths(engine, key, cache_dir)
    return key in _MEMORY or (paths is not None and paths[0].is_file() and paths[1].is_file())


def protected_set(
    engine: Engine | ResponseSource, framework: Framework, *, rebuild: bool = False, cache_dir: Path | None = None
) -> ProtectedSet:
    """The protected set for the database's current state: from memory, the stored copy, or built now."""
    key = set_key(engine, framework)
    if not rebuild and key in _MEMORY:
        _MEMORY.move_to_end(key)
        return _MEMORY[key]
    paths = _paths(engine, key, cache_dir)
    public_path, audit_path = paths if paths is not None else (None, None)
    if not rebuild and public_path is not None and audit_path is not None and public_path.is_file() and audit_path.is_file():
        result = ProtectedSet(key, pd.read_parquet(public_path), pd.read_parquet(audit_path), 0, 0.0)
    else:
        result = build(engine, framework)
        result.key = key
        if public_path is not None and audit_path is not None:
            _private_write(result.public, public_path)
            _private_write(result.audit, audit_path)
    _MEMORY[key] = result
    _MEMORY.move_to_end(key)
    while len(_MEMORY) > MEMORY_ENTRIES:
        _MEMORY.popitem(last=False)
    return result


# --------------------------------------------------------------------------- reading it


ADDITIVE_TYPES = ("share", "count", "sum", "ratio", "mean")


def _subset_total(rows: pd.DataFrame, oblasts: Sequence[str]) -> pd.DataFrame:
    """The total over a subset of oblasts, from the published oblast rows only (nothing new is revealed).

    Published only where every oblast of the subset is published and the type adds up (share, count,
    sum, ratio, mean); a median over several oblasts cannot be derived: it is left empty.
    """
    keys = ["indicator", "period", "dimension", "dimension_value"]
    part = rows[(rows["level"] == "oblast") & rows["territory_code"].isin(list(oblasts))]
    if part.empty:
        return part
    grouped = part.groupby(keys, sort=False, dropna=False)
    first = grouped.head(1).set_index(keys)
    out = first.copy()
    hidden = grouped["suppressed"].any()
    count = grouped.size()
    # Plain floats (NaN for none): a nullable Int64 n would make Float64 arrays that float64 columns refuse.
    sums = part[keys].join(part[["n", "numerator", "denominator"]].astype(float)).groupby(
        keys, sort=False, dropna=False).sum(min_count=1)
    out["n"] = sums["n"]
    out["numerator"] = sums["numerator"]
    out["denominator"] = sums["denominator"]
    kind = out["type"].astype(str)
    single = count == 1
    value = pd.Series(np.nan, index=out.index)
    value[kind == "share"] = out["numerator"] / out["denominator"]
    value[kind.isin(["count", "sum"])] = out["numerator"]
    value[kind == "mean"] = out["numerator"] / out["n"]
    ratio = kind == "ratio"
    if ratio.any():
        scale = first["value"].astype(float) / (first["numerator"].astype(float) / first["denominator"].astype(float))
        value[ratio] = (out["numerator"] / out["denominator"] * scale)[ratio]
    value[single] = first["value"].astype(float)[single]
    derivable = kind.isin(ADDITIVE_TYPES) | single
    out["value"] = value
    blank = hidden | ~derivable
    for column in ("value", "numerator", "denominator", "ci_low", "ci_high", "se", "pct_of_target",
                   "previous_value", "change"):
        if column in out:
            out[column] = out[column].astype(float).mask(blank)
    for column in ("ci_low", "ci_high", "se", "previous_value", "change", "pct_of_target"):
        if column in out:
            out[column] = out[column].where(single)
    out["n"] = out["n"].astype("Float64").mask(blank).astype("Int64")
    out["suppressed"] = hidden.to_numpy() | ~derivable.to_numpy()
    out["suppression_reason"] = np.where(hidden, "subset", np.where(~derivable, "not-additive", ""))
    out["status"] = np.where(blank, "suppressed", out["status"].where(single, ""))
    out["n_display"] = np.where(blank, "—", out["n"].astype(str))
    out = out.reset_index()
    out["level"] = "all"
    out["territory_code"] = "SUBSET:" + ",".join(sorted(oblasts))
    out["oblast_code"] = None
    out["raion_code"] = None
    out["parent_code"] = None
    return out[rows.columns]


def public_results(
    engine: Engine | ResponseSource,
    framework: Framework,
    *,
    level: str = "oblast",
    period: str = "year",
    indicators: Sequence[str] | None = None,
    disaggregate: bool = True,
    oblasts: Sequence[str] | None = None,
) -> pd.DataFrame:
    """What the public may see of one level × granularity: a filter of the protected set."""
    rows = protected_set(engine, framework).public
    if rows.empty:
        return rows
    rows = rows[rows["granularity"] == period]
    if indicators is not None:
        rows = rows[rows["indicator"].isin(list(indicators))]
    if not disaggregate:
        rows = rows[rows["dimension"] == ""]
    every = set(rows.loc[rows["level"] == "oblast", "territory_code"].unique())
    subset = oblasts is not None and not every.issubset(set(oblasts))
    if level == "all" and subset:
        assert oblasts is not None
        out = _subset_total(rows, oblasts)
    else:
        out = rows[rows["level"] == level]
        if oblasts is not None and level != "all":
            out = out[out["oblast_code"].isin(list(oblasts))]
    out = out.reset_index(drop=True)
    out.attrs["audience"] = "public"
    return out


# --------------------------------------------------------------------------- the audit, from outside

CELL_KEY = ["indicator", "level", "territory_code", "granularity", "period", "dimension", "dimension_value"]


def audit_public(
    engine: Engine | ResponseSource, framework: Framework, public: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The interval attack on a public table (default: the stored protected set), as an outsider runs it.

    The attacker's equations come from `public` alone (what was published, nothing else); the data is
    read only to know which cells are primary and to lay out the atoms. Returns audit.report_frame
    rows, one per protected quantity of a primary cell that `public` contains.
    """
    if public is None:
        public = protected_set(engine, framework).public
    union = _union(engine, framework)
    if union.empty or public.empty:
        return report_frame(union, [])
    targets = mark_primary(union, framework)
    table = public.reset_index(drop=True)
    position = pd.Series(np.arange(len(table)), index=pd.MultiIndex.from_frame(table[CELL_KEY].astype(str)))
    where = union[CELL_KEY].astype(str).apply(tuple, axis=1).map(lambda k: position.get(k, -1))
    moved = []
    for target in targets:
        row = int(where.at[target.row])
        if row >= 0:
            moved.append(Target(row, target.stat, target.width, target.not_exact))
    groups = list(contributions(engine, framework))
    from monitor.privacy.audit import audit

    return report_frame(table, audit(table, groups, moved))
