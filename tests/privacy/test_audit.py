"""The attacker's program (privacy/audit.py) against itself: the shortcuts it takes are checked with the
solver on random worlds, so a shortcut that gave away or invented knowledge would fail here."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from privacy_kit import H1, H2, H3, H4, answers, world_framework, write
from sqlalchemy.engine import Engine

from monitor.engine import contributions
from monitor.privacy import protect
from monitor.privacy.audit import GroupProgram, Target
from monitor.store import db as store_db
from monitor.store.territory import load_reference

SEEDS = [1, 2, 3, 4]


def random_world(engine: Engine, seed: int) -> None:
    """Four hromadas in two raions over two years of quarters, 0-9 answers a cell: many small cells."""
    rng = np.random.default_rng(seed)
    rows = []
    for hromada in (H1, H2, H3, H4):
        for year in (2021, 2022):
            for quarter in (1, 2, 3, 4):
                count = int(rng.integers(0, 10))
                rows += answers(hromada, quarter, count, int(rng.integers(0, count + 1)), year=year)
    write(engine, "ps", rows)


@pytest.fixture(scope="module", params=SEEDS, ids=lambda seed: f"seed{seed}")
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path_factory.mktemp('random')}/world.db"
    engine = store_db.connect(url)
    load_reference(engine)
    random_world(engine, request.param)
    yield engine
    store_db.close(url)


def _program(engine: Engine) -> tuple[GroupProgram, list[Target], np.ndarray]:
    framework = world_framework()
    union = protect._union(engine, framework)
    targets = protect.mark_primary(union, framework)
    protect._quick_complementary(union)
    group = next(g for g in contributions(engine, framework) if {q.indicator for q in g.quantities} == {"ps"})
    mine = [t for t in targets if union.at[t.row, "indicator"] == "ps"]
    cost = union["n"].astype(float).fillna(0).to_numpy() + 1.0
    return GroupProgram(group, union), mine, cost


def _unreduced(program: GroupProgram) -> dict[int, tuple[np.ndarray, float]]:
    """The rows as they are, only implied ones left out (the program before rows were reduced)."""
    reduced = GroupProgram._reduce(program)
    return {k: (program.row_vars[k], program.row_value[k]) for k in reduced}


def test_reducing_rows_changes_no_interval(world: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    program, targets, _ = _program(world)
    reduced = [program.interval(t) for t in targets]
    assert any(len(program.reduced[k][0]) < len(program.row_vars[k]) for k in program.reduced), "nothing was reduced"
    plain, _, _ = _program(world)
    monkeypatch.setattr(plain, "_reduce", lambda: _unreduced(plain))
    unreduced = [plain.interval(t) for t in targets]
    assert [(i.lower, i.upper) for i in reduced] == [(i.lower, i.upper) for i in unreduced]
    assert len(reduced) > 10


def test_what_the_sums_give_away_the_solver_confirms(world: Engine) -> None:
    """Every hidden LP row `derivable` says an attacker knows exactly has a zero-width LP interval."""
    program, _, _ = _program(world)
    derived_by = program.derivable()
    assert derived_by, "the world should let some hidden cell be worked out by sums"
    row_of = {k: key for key, k in program.lp_row.items()}
    for k in derived_by:
        row, stat = row_of[k]
        interval = program.interval(Target(row, stat, 1.0))
        assert interval.lower == interval.upper == interval.true_value


def test_after_breaking_no_target_is_derivable(world: Engine) -> None:
    program, targets, cost = _program(world)
    hidden = program.break_derivations(targets, cost)
    derived_by = program.derivable()
    for target in targets:
        k = program.lp_row.get((target.row, target.stat))
        ids = program.cell_vars.get((target.row, target.stat), np.array([], dtype=np.int64))
        zero = target.not_exact and float(program.true[ids].sum()) <= 0
        assert zero or k not in derived_by
    assert len(hidden) == len(set(hidden))


def test_blocks_solved_in_threads_give_what_one_thread_gives(world: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Intervals and the binding cells reported (which decide what is hidden next) do not depend on threads."""
    from monitor.privacy.audit import _by_block, intervals_of

    found = {}
    for threads in ("1", "2"):
        monkeypatch.setenv("MONITOR_AUDIT_THREADS", threads)
        program, targets, _ = _program(world)
        buckets, _ = _by_block(program, targets)
        assert len(buckets) > 1, "the world should fall apart into several blocks"
        found[threads] = [(i.lower, i.upper, i.binding) for i in intervals_of(program, targets)]
    assert found["1"] == found["2"]


def test_the_loops_half_solved_verdict_is_the_full_verdict(world: Engine) -> None:
    """The suppression loop solves one side when it decides (protection held, or failed even from 0)."""
    program, targets, _ = _program(world)
    quick = [program.interval(t, full=False) for t in targets]
    full = [program.interval(t) for t in targets]
    assert [i.ok for i in quick] == [i.ok for i in full]
    assert any(not i.lower_known and not i.ok for i in quick), "no failure was decided by the upper side alone"
    assert any(not i.ok for i in full) and any(i.ok for i in full)
