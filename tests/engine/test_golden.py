"""Golden result tables of compute() on the demo data. Regenerate with `pytest --regen-golden`, never by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from monitor.engine import compute

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
# (level, period, with disaggregations): the finer levels keep totals only so the files stay small.
CASES = [("oblast", "year", True), ("all", "wave", True), ("raion", "year", False), ("hromada", "year", False),
         ("oblast", "quarter", False)]
GOLDEN_COLUMNS = [
    "indicator", "level", "territory_code", "period", "dimension", "dimension_value", "n", "numerator",
    "denominator", "value", "ci_low", "ci_high", "ci_method", "target", "pct_of_target", "status", "previous_value",
    "change", "change_significant", "min_n", "suppressed", "suppression_reason", "synthetic", "index_missing",
    "unverified",
]


@pytest.fixture(scope="module")
def demo_engine(demo_url: str):  # type: ignore[no-untyped-def]
    """The shared demo database (tests/demo_kit.py), read only."""
    from monitor.framework.loader import framework_or_raise
    from monitor.store import db as store_db

    return store_db.connect(demo_url), framework_or_raise(ROOT)


def _as_text(results: pd.DataFrame) -> str:
    # Fixed rounding so the files compare across platforms; the hash column pins the definitions.
    return results.round(9).to_csv(index=False, lineterminator="\n", float_format="%.9g")


@pytest.mark.parametrize(("level", "period", "disaggregate"), CASES, ids=[f"{lv}-{p}" for lv, p, _ in CASES])
def test_golden(demo_engine, regen_golden, level, period, disaggregate) -> None:  # type: ignore[no-untyped-def]
    engine, framework = demo_engine
    got = _as_text(compute(engine, framework, level=level, period=period, disaggregate=disaggregate)[GOLDEN_COLUMNS])
    path = GOLDEN / f"{level}-{period}.csv"
    if regen_golden:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
        return
    assert path.exists(), f"{path.name} is missing: run pytest --regen-golden once and review the diff"
    expected = path.read_text(encoding="utf-8")
    if got != expected:
        want = pd.read_csv(path, dtype=str, keep_default_na=False)
        have = pd.read_csv(pd.io.common.StringIO(got), dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(have, want)
    assert got == expected


@pytest.mark.parametrize(("level", "period"), [("oblast", "year"), ("raion", "year"), ("all", "wave"), ("oblast", "quarter")])
def test_s06_never_exceeds_100_percent_on_the_demo(demo_engine, level, period) -> None:  # type: ignore[no-untyped-def]
    """S06 is a cohort (paid on time among the people granted status): its numerator is part of its
    denominator at every level and period, with or without disaggregation."""
    engine, framework = demo_engine
    got = compute(engine, framework, level=level, period=period, indicators=["S06", "S06A"], disaggregate=True)
    assert not got.empty
    assert (got["numerator"] <= got["denominator"]).all()
    assert (got["value"].dropna() <= 1).all()
