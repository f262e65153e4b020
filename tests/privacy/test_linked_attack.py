"""Worlds built to break naive suppression: each one is broken by the old per-output gate (the LP
attack recovers a hidden cell from the published outputs together) and holds on the protected set."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from types import SimpleNamespace

import pandas as pd
import pytest
from privacy_kit import CHE, H1, H2, H4, KHA, KIR, POL, answers, naive_outputs, world_framework, write
from sqlalchemy.engine import Engine

from monitor.engine import GRANULARITIES, LEVELS
from monitor.errors import MonitorError
from monitor.privacy import protected_set
from monitor.privacy.gate import PUBLISHED_REASONS
from monitor.privacy.protect import CELL_KEY, audit_public
from monitor.store import db as store_db
from monitor.store.territory import load_reference


def hidden_quarter_under_published_year(engine: Engine) -> None:
    """Kirovohrad's Q1 (3 survivors) is hidden in the quarter table; its year (39) and Q2-Q4 are not."""
    rows = answers(KIR, 1, 3, 2) + answers(KIR, 2, 12, 6) + answers(KIR, 3, 12, 6) + answers(KIR, 4, 12, 6)
    for oblast in (POL, KHA, CHE):
        rows += answers(oblast, 1, 12, 6) + answers(oblast, 2, 12, 6)
    write(engine, "sv", rows)


def two_oblast_subsets(engine: Engine) -> None:
    """Kirovohrad (3) and its partner are hidden nationally; a two-oblast report publishes Kir + Che."""
    rows = answers(KIR, 1, 3, 3) + answers(POL, 1, 12, 6) + answers(KHA, 1, 14, 6) + answers(CHE, 1, 15, 6)
    write(engine, "sv", rows)


def zero_cells(engine: Engine) -> None:
    """Poltava answered only in H2: its H1 is a zero (no row), which pins its year; Kirovohrad (3) follows."""
    rows = answers(KIR, 1, 3, 1) + answers(POL, 3, 12, 6) + answers(KHA, 2, 12, 6) + answers(CHE, 2, 12, 6)
    write(engine, "sv", rows)


def lone_child_partner_published_elsewhere(engine: Engine) -> None:
    """Hromada H1 (3 answers, Q1) is hidden with partner H2 (6 answers, all in Q2): the quarter table
    publishes H2 alone in Q2, so the raion total minus H2 gives H1."""
    rows = answers(H1, 1, 3, 1) + answers(H2, 2, 6, 3) + answers(H4, 1, 9, 4)
    write(engine, "ps", rows)


WORLDS: list[Callable[[Engine], None]] = [
    hidden_quarter_under_published_year, two_oblast_subsets, zero_cells, lone_child_partner_published_elsewhere,
]


@pytest.fixture(scope="module", params=WORLDS, ids=lambda f: f.__name__)
def world_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Each world built once for both tests below (they only read it); the protected set that the first
    builds is the one the second's doors serve, as in production."""
    url = f"sqlite:///{tmp_path_factory.mktemp('world')}/world.db"
    engine = store_db.connect(url)
    load_reference(engine)
    request.param(engine)
    yield engine
    store_db.close(url)


def test_naive_gate_leaks_and_protected_set_holds(world_engine: Engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    framework = world_framework()

    naive = audit_public(world_engine, framework, naive_outputs(world_engine, framework))
    assert not naive.empty
    assert (~naive["ok"]).any(), "the world should break the old per-output gate"

    protected = protected_set(world_engine, framework, cache_dir=tmp_path)
    assert protected.failures.empty
    outside = audit_public(world_engine, framework, protected.public)
    assert not outside.empty
    assert outside["ok"].all(), outside[~outside["ok"]].to_string()


def shipped_outputs(engine: Engine, framework) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Everything the system hands a non-staff person today, through the doors it really uses: the
    dashboard's guard.results_for (open demo: every level; a viewer: oblast and national) at every
    granularity, the report's numbers for every oblast subset, and `monitor compute`'s public table."""
    from monitor.auth import guard
    from monitor.reports.content import public_results as report_numbers

    viewer = SimpleNamespace(name="v", role="viewer", oblasts=[], disabled=False)
    parts = []
    for granularity in GRANULARITIES:
        for level in LEVELS:
            for person, every in ((None, True), (viewer, False)):
                shown = guard.results_for(engine, framework, person, level=level, period=granularity, all_levels=every)
                parts.append(shown.assign(granularity=granularity))
    for size in (1, 2, 3, 4):
        for subset in itertools.combinations([KIR, POL, KHA, CHE], size):
            try:
                oblast_rows, all_rows, _ = report_numbers(engine, framework, list(subset))
            except MonitorError as error:  # a subset with no answers has no report
                assert error.issues[0].code == "report-no-data"
                continue
            parts += [oblast_rows.assign(granularity="year"), all_rows.assign(granularity="year")]
    union = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    union = union.sort_values("suppressed", kind="stable")  # a cell published by any output is published
    return union.drop_duplicates(CELL_KEY, keep="first").reset_index(drop=True)


def test_every_shipped_output_together_holds(world_engine: Engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The attack on the union of what the dashboard, the reports and `monitor compute` really publish."""
    monkeypatch.setenv("MONITOR_CACHE_DIR", str(tmp_path))
    framework = world_framework()
    shipped = shipped_outputs(world_engine, framework)
    assert shipped["suppressed"].astype(bool).any()
    # Nothing published tells a cell hidden for its own small n from one hidden to protect it: that
    # would bound the partner (n >= k), knowledge the LP below does not model.
    assert set(shipped["suppression_reason"].fillna("")) <= PUBLISHED_REASONS
    outside = audit_public(world_engine, framework, shipped)
    assert not outside.empty
    assert outside["ok"].all(), outside[~outside["ok"]].to_string()


def test_groups_solved_in_parallel_give_the_set_solved_one_after_another(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Two surveys, each with a cell only linked suppression protects: their programs are solved in two
    threads, and the protected set is the one solved in one thread, cell for cell."""
    import threading

    from privacy_kit import world_framework

    from monitor.privacy import protect

    engine = store_db.connect(f"sqlite:///{tmp_path}/two.db")
    load_reference(engine)
    hidden_quarter_under_published_year(engine)
    lone_child_partner_published_elsewhere(engine)
    threads: list[str] = []
    linked: list[int] = []
    solve = protect._suppress_group

    def recorded(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        outcome = solve(*args, **kwargs)
        linked.extend(outcome.hidden)
        return outcome

    monkeypatch.setattr(protect, "_suppress_group", recorded)
    built = {}
    for count in ("1", "2"):
        monkeypatch.setenv("MONITOR_AUDIT_THREADS", count)
        threads.clear()
        built[count] = protect.build(engine, world_framework())
        assert len(threads) == 2
        assert all(name.startswith("audit") for name in threads) == (count == "2")
    one, two = built["1"], built["2"]
    assert one.failures.empty and two.failures.empty
    assert linked  # cells were suppressed for the sake of others (by the derivation pass or the LP loop)
    pd.testing.assert_frame_equal(one.public, two.public)
    pd.testing.assert_frame_equal(one.audit, two.audit)
    assert one.rounds == two.rounds
