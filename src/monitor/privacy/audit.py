"""The disclosure audit: an interval attack by linear programming over everything public at once.

The attacker knows every published number of the protected set — every territory level (hromada,
raion, oblast, the four oblasts), every period granularity (quarter, half, year, wave) and every
disaggregation — and that each of them is a sum of *atoms* (engine.contributions: answers grouped by
everything that decides which cells they fall in). The unknowns are the atoms' counts (≥ 0; for a
share, the numerator's atoms no larger than n's); each published cell is one equation. For every
suppressed cell that needs protection (a primary cell: n below its threshold, or a number of people
below the survivor threshold) the audit solves two linear programs, min and max of that cell, with
HiGHS; the integer interval [ceil(min), floor(max)] is what the attacker can learn. A cell fails when
that interval is narrower than its protection width (by default its threshold), or, for the
numerator of a hidden share, when it is a single value other than a known zero.

The LP relaxation can only be wider than the integer problem's hull, so the rounded bounds are
valid; leaving empty atoms out (contributions.py) gives the attacker knowledge it may not have, which
can only narrow intervals: the audit errs on the strict side.

The same solver drives the secondary suppression (protect.py): the constraints that bind a failing
cell's interval (non-zero duals) are the published cells that give it away, and the cheapest of them
is suppressed next.
"""

from __future__ import annotations

import hashlib
import math
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import highspy
import numpy as np
import pandas as pd

from monitor.engine import Contributions

TOLERANCE = 1e-6
Item = TypeVar("Item")
Solved = TypeVar("Solved")
STATS = ("n", "numerator", "denominator")
BlockKey = tuple[int, str]  # a block's root variable and a digest of its rows in their reduced forms
TERRITORY_COLUMN = {"oblast": "oblast_code", "raion": "raion_code", "hromada": "hromada_code"}
_BANNER_SILENCED = False


def _solver() -> highspy.Highs:
    """A quiet HiGHS instance (its one-time banner goes to the C stdout, so it is muted at fd level)."""
    global _BANNER_SILENCED
    if _BANNER_SILENCED:
        solver = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with Path(os.devnull).open("w") as devnull:
                os.dup2(devnull.fileno(), 1)
                solver = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _BANNER_SILENCED = True
    solver.setOptionValue("output_flag", False)
    # Only the objective changes between solves: the basis stays primal feasible, so primal simplex
    # restarts from it (3-4x faster than the default here).
    solver.setOptionValue("simplex_strategy", 4)
    return solver


@dataclass(frozen=True)
class Target:
    """A protected quantity of a primary cell: `row` of the results table, which statistic, how wide."""

    row: int
    stat: str
    width: float  # the interval must be at least this wide (0 with `not_exact`)
    not_exact: bool = False  # the numerator of a hidden share: any interval of two values or more


@dataclass
class Interval:
    target: Target
    true_value: float
    lower: float
    upper: float
    binding: list[int] = field(default_factory=list)  # result rows of published cells that bind it
    lower_known: bool = True  # False: only the upper side was solved; `lower` is the true value, a bound


    @property
    def width(self) -> float:
        return self.upper - self.lower

    @property
    def ok(self) -> bool:
        if self.target.not_exact:
            return self.width >= 1 or self.upper <= 0
        return self.width >= self.target.width


SUBSET = "SUBSET:"


def _atom_territories(atoms: pd.DataFrame, level: str, codes: Sequence[str]) -> pd.DataFrame:
    """(atom, territory_code) for a level; at level 'all' also any 'SUBSET:a,b' total over some oblasts."""
    if level != "all":
        return pd.DataFrame({"atom": np.arange(len(atoms)), "territory_code": atoms[TERRITORY_COLUMN[level]].to_numpy()})
    oblast = atoms["oblast_code"].to_numpy()
    parts = [pd.DataFrame({"atom": np.arange(len(atoms)), "territory_code": np.where(oblast != "", "ALL", "")})]
    for code in codes:
        if code.startswith(SUBSET):
            inside = np.isin(oblast, code[len(SUBSET):].split(","))
            parts.append(pd.DataFrame({"atom": np.flatnonzero(inside), "territory_code": code}))
    return pd.concat(parts, ignore_index=True)


def _atom_cells(
    atoms: pd.DataFrame, level: str, granularity: str, dimension: str, multiple: bool, codes: Sequence[str] = ()
) -> pd.DataFrame:
    """Each atom's cell at one level × granularity × dimension: (atom, territory_code, period, dimension_value)."""
    out = _atom_territories(atoms, level, codes)
    out["period"] = atoms[granularity].to_numpy()[out["atom"].to_numpy()]
    if not dimension:
        out["dimension_value"] = ""
        return out
    values = atoms[f"d:{dimension}"].iloc[out["atom"].to_numpy()]
    if multiple:
        out["dimension_value"] = values.str.split(" ").to_numpy()
        out = out.explode("dimension_value")
    else:
        out["dimension_value"] = values.to_numpy()
    return out[(out["dimension_value"] != "") & out["dimension_value"].notna()]


class _Component:
    """One independent block of the attacker's program: its variables, its rows, a HiGHS model."""

    def __init__(
        self, program: GroupProgram, variables: np.ndarray, rows: list[int], pairs: np.ndarray, key: BlockKey
    ) -> None:
        self.variables = variables
        self.rows = rows
        self.key = key
        self.local = {int(v): i for i, v in enumerate(variables)}
        self.solver: highspy.Highs | None = None
        if not rows:
            return  # no equation: every variable is free above its floor
        solver = _solver()
        solver.addVars(len(variables), program.lower[variables], np.full(len(variables), highspy.kHighsInf))
        starts, flat, lower, upper = [0], [], [], []
        for k in rows:
            row_vars, value = program.reduced[k]
            local = [self.local[int(v)] for v in row_vars]
            flat.extend(local)
            starts.append(starts[-1] + len(local))
            lower.append(value)
            upper.append(value)
        solver.addRows(len(rows), np.array(lower), np.array(upper), len(flat), np.array(starts[:-1], dtype=np.int32),
                       np.array(flat, dtype=np.int32), np.ones(len(flat)))
        if len(pairs):
            count = len(pairs)
            local_pairs = np.array([[self.local[int(a)], self.local[int(b)]] for a, b in pairs], dtype=np.int32)
            solver.addRows(count, np.full(count, -highspy.kHighsInf), np.zeros(count), 2 * count,
                           np.arange(0, 2 * count, 2, dtype=np.int32), local_pairs.ravel(), np.tile([1.0, -1.0], count))
        # The true counts are a feasible point: starting from them (crossover to a basis) instead of from
        # nothing, the first solve of a 7,000-unknown block takes 1.3 s instead of 8.4 s.
        start = highspy.HighsSolution()
        start.col_value = program.true[variables].tolist()
        start.value_valid = True
        solver.setSolution(start)
        self.solver = solver

    def optimum(self, variables: np.ndarray, sense: highspy.ObjSense) -> tuple[float, list[int]]:
        """(optimum, binding global LP rows) of the sum of `variables` (all in this component)."""
        if self.solver is None:
            if sense == highspy.ObjSense.kMaximize:
                return math.inf, []
            return 0.0, []
        local = np.array([self.local[int(v)] for v in variables], dtype=np.int32)
        solver = self.solver
        solver.changeObjectiveSense(sense)
        solver.changeColsCost(int(local.size), local, np.ones(local.size))
        solver.run()
        status = solver.getModelStatus()
        try:
            if status == highspy.HighsModelStatus.kUnbounded:
                return (math.inf if sense == highspy.ObjSense.kMaximize else -math.inf), []
            if status != highspy.HighsModelStatus.kOptimal:
                raise RuntimeError(f"disclosure audit: the solver ended with {solver.modelStatusToString(status)}")
            value = float(solver.getInfo().objective_function_value)
            duals = np.asarray(solver.getSolution().row_dual)[: len(self.rows)]
            return value, [self.rows[i] for i in np.flatnonzero(np.abs(duals) > TOLERANCE)]
        finally:
            solver.changeColsCost(int(local.size), local, np.zeros(local.size))


class _Sets:
    """Union-find over variable ids."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


FINER_LEVEL = {"all": "oblast", "oblast": "raion", "raion": "hromada"}


class GroupProgram:
    """The attacker's linear program for one (survey, repeat): atoms × quantities, one row per cell statistic.

    Solved in independent blocks: a published cell that is exactly the sum of published finer cells
    (an oblast of its raions, a year of its halves, a total of its sexes) adds nothing the finer cells
    do not say, so it is left out; one whose finer cells are partly published is reduced to the sum of
    the hidden ones (`_reduce`). What remains falls apart into blocks (often one raion or one oblast
    each) whose programs are small. Neither step changes what the equations allow, so no optimum changes.
    """

    def __init__(self, contributions: Contributions, results: pd.DataFrame) -> None:
        if not isinstance(results.index, pd.RangeIndex) or (len(results) and results.index[0] != 0):
            raise ValueError("results must have a RangeIndex starting at 0 (rows are positions)")
        self.contributions = contributions
        atoms = contributions.atoms
        quantities = contributions.quantities
        self.representative = [contributions.same.get(i, i) for i in range(len(quantities))]
        self.index = {(q.indicator, q.stat, q.part): i for i, q in enumerate(quantities)}
        composed = contributions.composed  # a total that is the sum of its split's parts has no unknowns
        self.variables: dict[int, np.ndarray] = {}  # rep -> var id per atom (-1: none)
        lower: list[float] = []
        count = 0
        for rep in sorted(set(self.representative) - set(composed)):
            values = atoms[contributions.column(rep)].to_numpy(float)
            ids = np.full(len(atoms), -1, dtype=np.int64)
            present = values != 0
            ids[present] = np.arange(count, count + int(present.sum()))
            count += int(present.sum())
            self.variables[rep] = ids
            floor = 0.0 if (values >= 0).all() else -highspy.kHighsInf
            lower.extend([floor] * int(present.sum()))
        self.count = count
        self.lower = np.array(lower, dtype=float)
        self.true = np.zeros(count)
        for rep, ids in self.variables.items():
            values = atoms[contributions.column(rep)].to_numpy(float)
            self.true[ids[ids >= 0]] = values[ids >= 0]
        self.cell_vars: dict[tuple[int, str], np.ndarray] = {}
        self.lp_row: dict[tuple[int, str], int] = {}  # (result row, stat) -> LP row
        self.row_vars: list[np.ndarray] = []  # LP row -> sorted variable ids
        self.row_value: list[float] = []
        self.published_members: list[set[int]] = []  # LP row -> result rows with these atoms, still published
        self.by_signature: dict[bytes, int] = {}
        self.pairs = np.zeros((0, 2), dtype=np.int64)
        self.decompositions: list[list[tuple[int, ...]]] = []
        self._build_cells(results, atoms)
        self._build_subsets()
        self._build_decompositions(results)
        self._blocks: tuple[np.ndarray, dict[int, _Component]] | None = None
        self._components: dict[BlockKey, _Component] = {}
        self.reduced: dict[int, tuple[np.ndarray, float]] = {}  # kept LP row -> (unknowns, value) after substitution
        self._known: dict[tuple[BlockKey, bytes, bool], tuple[float, list[int]]] = {}

    # ------------------------------------------------------------------ construction

    def _build_cells(self, results: pd.DataFrame, atoms: pd.DataFrame) -> None:
        indicators = {q.indicator for q in self.contributions.quantities}
        mine = results[results["indicator"].isin(indicators)]
        if mine.empty or atoms.empty:
            return
        indicator_of = results["indicator"].astype(str).to_numpy()
        suppressed_of = results["suppressed"].astype(bool).to_numpy()
        stat_values = {stat: results[stat].to_numpy(float) for stat in STATS if stat in results}
        value_of = results["dimension_value"].astype(str).to_numpy()
        for (level, granularity, dimension), cells in mine.groupby(["level", "granularity", "dimension"], sort=False):
            multiple = bool(self.contributions.dimensions.get(str(dimension), False))
            # a split across columns: every answer is in each part's cell, with that part's own quantities
            split = str(dimension) in self.contributions.splits
            if dimension and not split and f"d:{dimension}" not in atoms:
                continue
            codes = [c for c in cells["territory_code"].unique() if str(c).startswith(SUBSET)]
            where = _atom_cells(atoms, str(level), str(granularity), "" if split else str(dimension), multiple, codes)
            on = ["territory_code", "period"] if split else ["territory_code", "period", "dimension_value"]
            keyed = cells[["territory_code", "period", "dimension_value"]].assign(_row=cells.index.to_numpy())
            pairs = keyed.merge(where.drop(columns="dimension_value") if split else where, on=on, how="inner")
            if pairs.empty:
                continue
            pairs = pairs.sort_values(["_row", "atom"], kind="stable")
            rows = pairs["_row"].to_numpy()
            atom_ids = pairs["atom"].to_numpy()
            boundaries = np.flatnonzero(np.diff(rows)) + 1
            row_starts = np.concatenate([[0], boundaries])
            row_ends = np.concatenate([boundaries, [len(rows)]])
            for start, end in zip(row_starts, row_ends, strict=True):
                row = int(rows[start])
                members = atom_ids[start:end]
                indicator = indicator_of[row]
                part = f"{dimension}={value_of[row]}" if split else ""
                for stat in STATS:
                    q = self.index.get((indicator, stat, part))
                    if q is None:
                        continue
                    ids = self._ids(q, members)
                    self.cell_vars[(row, stat)] = ids
                    if ids.size == 0:
                        continue
                    value = stat_values[stat][row]
                    published = not suppressed_of[row] and not math.isnan(value)
                    signature = ids.tobytes()
                    shared = self.by_signature.get(signature)
                    if shared is None:
                        # Same atoms as a row already there (a year that is also a wave, a quarter that is
                        # the whole half, two indicators counting the same answers): one LP row serves all
                        # of them, and it binds while any of them is published.
                        shared = len(self.row_vars)
                        self.by_signature[signature] = shared
                        self.row_vars.append(ids)
                        self.row_value.append(math.nan)
                        self.published_members.append(set())
                    self.lp_row[(row, stat)] = shared
                    if published:
                        self.row_value[shared] = float(value)
                        self.published_members[shared].add(row)

    def _ids(self, quantity: int, members: np.ndarray) -> np.ndarray:
        """The sorted unknowns of a quantity over some atoms (a composed total: its parts' unknowns)."""
        sources = self.contributions.composed.get(quantity, [quantity])
        ids = np.concatenate([self.variables[self.representative[q]][members] for q in sources])
        return np.sort(ids[ids >= 0])

    def _build_subsets(self) -> None:
        """x(i, atom) <= x(j, atom) where i's answers are a subset of j's (a numerator within its n)."""
        pairs = []
        for i, j in self.contributions.within:
            a, b = self.variables[self.representative[i]], self.variables[self.representative[j]]
            both = (a >= 0) & (b >= 0)
            pairs.append(np.column_stack([a[both], b[both]]))
        if pairs:
            self.pairs = np.concatenate(pairs).astype(np.int64)

    def _build_decompositions(self, results: pd.DataFrame) -> None:
        """For each LP row, the sets of finer LP rows whose atoms add up to exactly its atoms."""
        self.decompositions = [[] for _ in self.row_vars]
        if not self.row_vars:
            return
        positions = sorted({row for row, _ in self.lp_row})
        cells = results.loc[positions, ["indicator", "level", "territory_code", "parent_code", "granularity", "period",
                                        "dimension", "dimension_value"]].astype(str)
        cells["_row"] = positions
        relations: list[tuple[pd.DataFrame, pd.DataFrame]] = []
        # territory: a cell is the sum of the cells one level down whose parent it is
        child = cells[cells["level"].isin(["oblast", "raion", "hromada"])].copy()
        child["p_level"] = child["level"].map({"oblast": "all", "raion": "oblast", "hromada": "raion"})
        child["p_territory"] = child["parent_code"]
        parent = cells.rename(columns={"level": "p_level", "territory_code": "p_territory"})
        relations.append((child, parent[["p_level", "p_territory", "indicator", "granularity", "period", "dimension",
                                         "dimension_value", "_row"]]))
        # time: a year is the sum of its halves, a half of its quarters
        child = cells[cells["granularity"].isin(["half", "quarter"])].copy()
        quarter = child["granularity"] == "quarter"
        child["p_granularity"] = np.where(quarter, "half", "year")
        q_number = pd.to_numeric(child["period"].str[-1], errors="coerce").fillna(0)
        child["p_period"] = np.where(quarter, child["period"].str[:4] + "-H" + np.where(q_number <= 2, "1", "2"),
                                     child["period"].str[:4])
        parent = cells.rename(columns={"granularity": "p_granularity", "period": "p_period"})
        relations.append((child, parent[["p_granularity", "p_period", "indicator", "level", "territory_code",
                                         "dimension", "dimension_value", "_row"]]))
        # disaggregation: a total is the sum of one dimension's values
        child = cells[cells["dimension"] != ""].copy()
        child["p_dimension"] = ""
        child["p_value"] = ""
        parent = cells.rename(columns={"dimension": "p_dimension", "dimension_value": "p_value"})
        relations.append((child, parent[["p_dimension", "p_value", "indicator", "level", "territory_code",
                                         "granularity", "period", "_row"]]))
        for index, (children, parents) in enumerate(relations):
            keys = [c for c in parents.columns if c != "_row"]
            matched = children.merge(parents, on=keys, suffixes=("", "_parent"))
            split = ["_row_parent", "dimension"] if index == 2 else ["_row_parent"]
            for key, group in matched.groupby(split, sort=False):
                parent_row = int(key[0] if isinstance(key, tuple) else key)
                for stat in STATS:
                    k = self.lp_row.get((parent_row, stat))
                    if k is None:
                        continue
                    parts = tuple(sorted({self.lp_row[(int(r), stat)] for r in group["_row"]
                                          if (int(r), stat) in self.lp_row}))
                    if not parts or k in parts:
                        continue
                    joined = np.sort(np.concatenate([self.row_vars[c] for c in parts]))
                    if np.array_equal(joined, self.row_vars[k]) and parts not in self.decompositions[k]:
                        self.decompositions[k].append(parts)

    # ------------------------------------------------------------------ blocks

    def _reduce(self) -> dict[int, tuple[np.ndarray, float]]:
        """The published LP rows the attacker's program needs, each reduced by its published parts.

        A row with a decomposition whose parts are all published says nothing new and is left out. A row
        with some parts published is replaced by itself minus those parts (its half minus the published
        quarter: the hidden quarters' sum), which holds the same knowledge: each part's own equation
        is in the program or follows from smaller ones (parts are strict subsets, so this never goes round
        in a circle). The reduced row reads only the hidden parts' unknowns, so an oblast total no longer
        ties every raion into one block, only those with a hidden cell."""
        active = [bool(m) for m in self.published_members]
        reduced: dict[int, tuple[np.ndarray, float]] = {}
        for k, on in enumerate(active):
            if not on:
                continue
            best: tuple[int, list[int]] | None = None
            implied = False
            for parts in self.decompositions[k]:
                published = [c for c in parts if active[c]]
                if len(published) == len(parts):
                    implied = True
                    break
                covered = sum(int(self.row_vars[c].size) for c in published)
                if published and (best is None or covered > best[0]):
                    best = (covered, published)
            if implied:
                continue
            if best is None:
                reduced[k] = (self.row_vars[k], self.row_value[k])
                continue
            removed = np.concatenate([self.row_vars[c] for c in best[1]])
            remaining = np.setdiff1d(self.row_vars[k], removed, assume_unique=True)
            reduced[k] = (remaining, self.row_value[k] - sum(self.row_value[c] for c in best[1]))
        return reduced

    def _blocks_now(self) -> tuple[np.ndarray, dict[int, _Component]]:
        if self._blocks is not None:
            return self._blocks
        self.reduced = self._reduce()
        kept = list(self.reduced)
        sets = _Sets(self.count)
        for k in kept:
            ids = self.reduced[k][0]
            first = int(ids[0])
            for v in ids[1:]:
                sets.union(first, int(v))
        for a, b in self.pairs:
            sets.union(int(a), int(b))
        roots = np.array([sets.find(v) for v in range(self.count)], dtype=np.int64)
        rows_of: dict[int, list[int]] = {}
        for k in kept:
            rows_of.setdefault(int(roots[int(self.reduced[k][0][0])]), []).append(k)
        pairs_of: dict[int, list[int]] = {}
        for position, (a, _) in enumerate(self.pairs):
            pairs_of.setdefault(int(roots[int(a)]), []).append(position)
        members: dict[int, list[int]] = {}
        for v, root in enumerate(roots):
            members.setdefault(int(root), []).append(v)
        components: dict[int, _Component] = {}
        fresh: dict[BlockKey, _Component] = {}
        for root, variables in members.items():
            rows = rows_of.get(root, [])
            # a row's reduced form changes when one of its parts is hidden: it is part of the block's identity
            shape = np.array(rows, dtype=np.int64).tobytes() + b"".join(self.reduced[k][0].tobytes() for k in rows)
            key: BlockKey = (root, hashlib.blake2b(shape, digest_size=16).hexdigest())
            component = self._components.get(key)
            if component is None:
                component = _Component(self, np.array(variables), rows, self.pairs[pairs_of.get(root, [])], key)
            fresh[key] = component
            components[root] = component
        self._components = fresh
        self._blocks = (roots, components)
        return self._blocks

    # ------------------------------------------------------------------ exact derivations

    def derivable(self) -> dict[int, tuple[int, ...]]:
        """Which LP rows an attacker knows exactly by adding and subtracting published cells, without LP.

        Every decomposition is a relation (a row equals the sum of its parts); a relation with one unknown
        member gives that member away, and what it gives away counts as known for the next relation (a
        quarter from its half and sibling, then a hromada from its raion with that quarter). Returns, for
        each row derived (known but not published), the relation that gave it.
        Cheap (no solver): it finds the obvious disclosures before the LP looks for the subtle ones."""
        known = np.array([bool(m) for m in self.published_members], dtype=bool)
        relations = [(k, *parts) for k, found in enumerate(self.decompositions) for parts in found]
        if not relations:
            return {}
        holding: dict[int, list[int]] = {}
        unknown = np.zeros(len(relations), dtype=np.int64)
        for position, members in enumerate(relations):
            for member in members:
                holding.setdefault(member, []).append(position)
                if not known[member]:
                    unknown[position] += 1
        queue = [position for position in range(len(relations)) if unknown[position] == 1]
        derived_by: dict[int, tuple[int, ...]] = {}
        while queue:
            position = queue.pop()
            if unknown[position] != 1:
                continue
            members = relations[position]
            missing = next(m for m in members if not known[m])
            known[missing] = True
            derived_by[missing] = members
            for other in holding[missing]:
                unknown[other] -= 1
                if unknown[other] == 1:
                    queue.append(other)
        return derived_by

    def break_derivations(self, targets: Sequence[Target], cost: np.ndarray, max_rounds: int = 200) -> list[int]:
        """Hide published cells until no target is exactly derivable (see `derivable`); the result rows hidden.

        For each target given away, the cheapest published cell on the chain of sums that gave it away is
        hidden (all result rows sharing that LP row: while one of them is published, the sum still holds),
        then the derivations are traced again. A heuristic first pattern: the LP loop that follows decides."""
        wanted: set[int] = set()  # LP rows to keep from being derived (a known zero numerator gives nothing away)
        for target in targets:
            k = self.lp_row.get((target.row, target.stat))
            if k is None:
                continue
            ids = self.cell_vars[(target.row, target.stat)]
            exact_zero_ok = target.not_exact and float(self.true[ids].sum()) <= 0
            if not exact_zero_ok and (target.not_exact or target.width > 0):
                wanted.add(k)
        hidden_rows: list[int] = []
        for _ in range(max_rounds):
            derived_by = self.derivable()
            given_away = sorted(k for k in wanted if k in derived_by)
            if not given_away:
                break
            chosen: set[int] = set()
            for k in given_away:
                best = self._cheapest_source(k, derived_by, cost)
                if best is not None:
                    chosen.add(best)
            if not chosen:
                break
            for k in sorted(chosen):
                for row in sorted(self.published_members[k]):
                    hidden_rows.append(row)
                    self.hide(row)  # every statistic of the row: its other LP rows lose it too
        return hidden_rows

    def _cheapest_source(self, k: int, derived_by: dict[int, tuple[int, ...]], cost: np.ndarray) -> int | None:
        """The cheapest published LP row among those the derivation of row k reads, nearest first (walking
        back through rows that were themselves derived). A primary cell is never published, so never chosen."""
        best: tuple[float, int] | None = None
        seen = {k}
        frontier = [k]
        while frontier and best is None:
            following = []
            for row in frontier:
                for member in derived_by.get(row, ()):
                    if member in seen:
                        continue
                    seen.add(member)
                    published = self.published_members[member]
                    if published:
                        price = float(sum(cost[r] for r in published))
                        if best is None or (price, member) < best:
                            best = (price, member)
                    else:
                        following.append(member)
            frontier = following
        return None if best is None else best[1]

    # ------------------------------------------------------------------ use

    def hide(self, row: int) -> None:
        """Suppress a cell: its equations no longer hold anything the attacker knows.

        An LP row shared with other published cells (same atoms) still holds while one of them is
        published: `binding` then names those cells too, so the next round hides them.
        """
        for stat in STATS:
            position = self.lp_row.get((row, stat))
            if position is None:
                continue
            members = self.published_members[position]
            if row in members:
                members.discard(row)
                if not members:
                    self._blocks = None

    def _component_optimum(self, component: _Component, ids: np.ndarray, sense: highspy.ObjSense) -> tuple[float, list[int]]:
        key = (component.key, ids.tobytes(), sense == highspy.ObjSense.kMaximize)
        if key not in self._known:
            self._known[key] = component.optimum(ids, sense)
        return self._known[key]

    def interval(self, target: Target, full: bool = True) -> Interval:
        """The target's narrowest feasible interval. With full=False (the suppression loop) the upper side
        is solved first and, when it alone decides (the protection holds since lower <= true, or fails
        since lower >= 0), the lower side is not solved: half the programs, the same verdict."""
        ids = self.cell_vars.get((target.row, target.stat), np.array([], dtype=np.int64))
        true_value = float(self.true[ids].sum()) if ids.size else 0.0
        if ids.size == 0:
            return Interval(target, true_value, 0.0, 0.0)
        roots, components = self._blocks_now()
        cell_roots = roots[ids]
        parts = [(components[int(root)], ids[cell_roots == root]) for root in np.unique(cell_roots)]
        binding: set[int] = set()

        def side(sense: highspy.ObjSense) -> float:
            total = 0.0
            for component, part in parts:
                value, rows = self._component_optimum(component, part, sense)
                total += value
                for k in rows:
                    binding.update(self.published_members[k])
            return total

        high = side(highspy.ObjSense.kMaximize)
        upper = math.floor(high + TOLERANCE) if math.isfinite(high) else math.inf
        if not full:
            quick = Interval(target, true_value, true_value, float(upper), [], lower_known=False)
            if quick.ok:
                return quick
            if not target.not_exact and (self.lower[ids] >= 0).all() and upper < target.width:
                # Not even [0, upper] is wide enough: it fails whatever the lower side, and what binds the
                # upper side is what must give way. Half the programs for a failing count.
                return Interval(target, true_value, true_value, float(upper), sorted(binding), lower_known=False)
        low = side(highspy.ObjSense.kMinimize)
        lower = math.ceil(low - TOLERANCE) if math.isfinite(low) else -math.inf
        return Interval(target, true_value, float(lower), float(upper), sorted(binding))


def _by_block(program: GroupProgram, targets: Sequence[Target]) -> tuple[list[list[int]], list[int]]:
    """Target positions grouped by the one block holding all their unknowns, and those spread over several."""
    roots, _ = program._blocks_now()
    buckets: dict[int, list[int]] = {}
    spread: list[int] = []
    for position, target in enumerate(targets):
        ids = program.cell_vars.get((target.row, target.stat))
        if ids is None or ids.size == 0:
            spread.append(position)
            continue
        cell_roots = np.unique(roots[ids])
        if cell_roots.size == 1:
            buckets.setdefault(int(cell_roots[0]), []).append(position)
        else:
            spread.append(position)
    return list(buckets.values()), spread


def intervals_of(program: GroupProgram, targets: Sequence[Target], full: bool = True) -> list[Interval]:
    """`program.interval` of each target, the blocks solved side by side in threads.

    A block's HiGHS model is used by one thread only; each block sees its targets in the given order
    and a target spanning several blocks is solved after all of them, in one thread or several alike,
    so the warm starts, and with them the binding cells reported, do not depend on the threads."""
    buckets, spread = _by_block(program, targets)
    found: dict[int, Interval] = {}

    def solve(bucket: list[int]) -> list[tuple[int, Interval]]:
        return [(position, program.interval(targets[position], full)) for position in bucket]

    for solved in map_groups(solve, buckets):
        for position, interval in solved:
            found[position] = interval
    for position in spread:
        found[position] = program.interval(targets[position], full)
    return [found[position] for position in range(len(targets))]


def targets_for(results: pd.DataFrame, protect: pd.DataFrame) -> list[Target]:
    """Targets from a frame of primary cells: columns row, stat, width, not_exact."""
    return [
        Target(int(r.row), str(r.stat), float(r.width), bool(r.not_exact))
        for r in protect.itertuples(index=False)
        if r.row in results.index
    ]


def audit(results: pd.DataFrame, groups: list[Contributions], targets: list[Target]) -> list[Interval]:
    """Every target's narrowest feasible interval given everything published in `results`."""
    by_indicator: dict[str, list[Target]] = {}
    indicator_of = results["indicator"].astype(str).to_numpy()
    for target in targets:
        by_indicator.setdefault(str(indicator_of[target.row]), []).append(target)
    work = []
    for group in groups:
        mine = [t for q in {q.indicator for q in group.quantities} for t in by_indicator.get(q, [])]
        if mine:
            work.append((group, mine))

    def solve(item: tuple[Contributions, list[Target]]) -> list[Interval]:
        program = GroupProgram(item[0], results)
        return intervals_of(program, item[1])

    return [interval for found in map_groups(solve, work) for interval in found]


def audit_threads() -> int:
    """Threads for independent groups: HiGHS releases the GIL while it solves, so the groups' programs run
    side by side (MONITOR_AUDIT_THREADS=1 runs them one after another)."""
    configured = os.environ.get("MONITOR_AUDIT_THREADS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, min(4, os.cpu_count() or 1))


def map_groups(function: Callable[[Item], Solved], items: Sequence[Item]) -> list[Solved]:
    """`function` of each item, in order; in threads when there are several and more than one thread.

    Each item must own what it solves (a group's GroupProgram, or one block's HiGHS model, used by that
    thread alone) and write nothing another item reads: then the answers do not depend on the number
    of threads."""
    threads = audit_threads()
    if threads == 1 or len(items) < 2:
        return [function(item) for item in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="audit") as pool:
        return list(pool.map(function, items))


def report_frame(results: pd.DataFrame, intervals: list[Interval]) -> pd.DataFrame:
    """One row per audited quantity: the cell's labels, the interval, the width it needs, pass/fail."""
    labels = ["indicator", "level", "territory_code", "granularity", "period", "dimension", "dimension_value"]
    columns = [*labels, "stat", "lower", "upper", "width", "required", "ok"]
    if not intervals:
        return pd.DataFrame(columns=columns)
    # One positional take for every label (a row-by-row .loc was 20 s on the demo's 26,000 quantities).
    positions = results.index.get_indexer([item.target.row for item in intervals])
    out = results[[k for k in labels if k in results.columns]].iloc[positions].reset_index(drop=True)
    out["stat"] = [item.target.stat for item in intervals]
    out["lower"] = [item.lower if item.lower_known else math.nan for item in intervals]  # NaN: not solved
    out["upper"] = [item.upper for item in intervals]
    out["width"] = [item.width if item.lower_known else math.nan for item in intervals]
    out["required"] = ["≥1 (not exact)" if item.target.not_exact else f"≥{item.target.width:g}" for item in intervals]
    out["ok"] = [item.ok for item in intervals]
    return out.reindex(columns=columns)
