"""Indicator.finest_level: no result below it at all (H08: one official per hromada answers a knowledge
question, so a hromada-level result would be that person's own score)."""

from __future__ import annotations

from engine_places import H1, H2, H4

from monitor.engine import compute


def test_no_result_below_the_finest_level(make_engine, add_responses, framework_factory) -> None:  # type: ignore[no-untyped-def]
    framework = framework_factory()
    framework.indicators["share_focal"] = framework.indicators["share_focal"].model_copy(update={"finest_level": "raion"})
    engine = make_engine()
    add_responses(engine, "hs", [{"hromada": h, "date": "2022-05-01", "answers": {"focal": "yes" if i % 2 else "no"}}
                                 for h in (H1, H2, H4) for i in range(4)])
    hromada = compute(engine, framework, level="hromada", indicators=["share_focal", "count_yes"], disaggregate=False)
    assert set(hromada["indicator"]) == {"count_yes"}  # the other indicator of the survey still has hromada rows
    raion = compute(engine, framework, level="raion", indicators=["share_focal"], disaggregate=False)
    assert len(raion) == 2 and raion["value"].tolist() == [0.5, 0.5]


def test_shipped_h08_is_published_at_raion_level_or_above() -> None:
    from monitor.framework.loader import framework_or_raise

    assert framework_or_raise().indicators["H08"].finest_level == "raion"
