"""The oversight index: weighted component scores; missing or suppressed components re-weighted and flagged."""

from __future__ import annotations

import pytest

from monitor.engine import compute
from monitor.framework.models import Component, Indicator, Text

H1 = "UA35020010000028961"
OBLAST = "UA35000000000016081"


def _hs(answers: list[dict]) -> list[dict]:
    return [{"hromada": H1, "date": "2022-03-01", "answers": a} for a in answers]


def _sv(yes: int, total: int) -> list[dict]:
    return [{"oblast": OBLAST, "date": "2022-03-01", "answers": {"informed": "yes" if i < yes else "no"}}
            for i in range(total)]


HS_ROWS = _hs([{"focal": "yes", "services": "medical"}, {"focal": "yes", "services": "legal"},
               {"focal": "yes", "services": "medical"}, {"focal": "no", "services": "legal"}])  # 75% and 50%


@pytest.mark.parametrize(
    ("survivors", "value", "missing"),
    [
        (None, (2 * 75 + 50) / 3, "sv_informed"),  # no survivor data: re-weighted over 3, flagged
        ((6, 12), (2 * 75 + 50 + 50) / 4, ""),  # all three components
        ((3, 5), (2 * 75 + 50) / 3, "sv_informed"),  # survivors suppressed (n = 5 < 11): never counted as 0
    ],
)
def test_index_reweights_missing_components(make_engine, add_responses, framework, survivors, value, missing) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    add_responses(engine, "hs", HS_ROWS)
    if survivors:
        add_responses(engine, "sv", _sv(*survivors))
    row = compute(engine, framework, indicators=["idx"]).iloc[0]
    assert row["value"] == pytest.approx(value)
    assert row["index_missing"] == missing
    assert row["status"] == ("amber" if value < 70 else "green")
    assert row["n"] == 4


def test_index_scores_direction_and_target(make_engine, add_responses, framework_factory) -> None:  # type: ignore[no-untyped-def]
    t = Text(uk="x", en="x")
    not_focal = Indicator(id="share_no_focal", title=t, description=t, theme="t", survey="hs", type="share",
                          numerator="focal = 'no'", direction="lower-is-better", legal_basis=t)
    index = Indicator(id="idx2", title=t, description=t, theme="t", type="index", direction="higher-is-better",
                      legal_basis=t, unit="score", components=[Component(indicator="share_no_focal", weight=1),
                                                               Component(indicator="days_granted", weight=1)])
    fw = framework_factory(share_no_focal=not_focal, idx2=index)
    engine = make_engine()
    # 1 of 4 without a focal person: lower is better -> score (1 - 0.25) * 100 = 75.
    # median days 5 against a lower-is-better target of 10: 200% of target, capped at 100.
    rows = HS_ROWS[:]
    rows[0] = {**rows[0], "children": [{"repeat": "cases", "answers": {"decision": "granted", "days": d}}
                                       for d in (4, 5, 6)]}
    add_responses(engine, "hs", rows)
    row = compute(engine, fw, indicators=["idx2"]).iloc[0]
    assert row["value"] == pytest.approx((75 + 100) / 2) and row["index_missing"] == ""


def test_index_with_no_component_is_no_data(make_engine, add_responses, framework) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    add_responses(engine, "hs", _hs([{"focal": "yes"}]))  # n = 1 < min_n 3: both hs components suppressed
    row = compute(engine, framework, indicators=["idx"]).iloc[0]
    assert row["status"] == "no-data" and row["index_missing"] == "share_focal,share_medical,sv_informed"


@pytest.mark.parametrize(
    ("survivors", "value", "missing"),
    [
        (None, None, "sv_informed"),  # a component missing: incomplete, no value (never re-weighted)
        ((6, 12), (2 * 75 + 50 + 50) / 4, ""),  # every component present: the same mix everywhere
        ((3, 5), None, "sv_informed"),  # suppressed survivors: incomplete too
    ],
)
def test_fixed_mix_index_only_where_every_component_is_present(make_engine, add_responses, framework_factory,
                                                              survivors, value, missing) -> None:  # type: ignore[no-untyped-def]
    framework = framework_factory()
    framework.indicators["idx"] = framework.indicators["idx"].model_copy(update={"index_mix": "fixed"})
    engine = make_engine()
    add_responses(engine, "hs", HS_ROWS)
    if survivors:
        add_responses(engine, "sv", _sv(*survivors))
    row = compute(engine, framework, indicators=["idx"]).iloc[0]
    assert row["index_missing"] == missing
    if value is None:
        assert row["value"] != row["value"] and row["status"] == "incomplete"  # no value, but answers: incomplete
    else:
        assert row["value"] == pytest.approx(value)


def test_fixed_mix_leaves_an_unverified_component_out_of_the_mix(make_engine, add_responses, framework_factory) -> None:  # type: ignore[no-untyped-def]
    from monitor.framework.models import Parameter

    framework = framework_factory()
    framework.indicators["idx"] = framework.indicators["idx"].model_copy(update={"index_mix": "fixed"})
    # share_medical now depends on an unverified parameter: out of the mix, so the index is complete without it
    framework.indicators["share_medical"] = framework.indicators["share_medical"].model_copy(
        update={"numerator": "selected(services, 'medical') and param('flag') = 1"})
    framework.settings.parameters["flag"] = Parameter(value=1, label=Text(uk="x", en="x"), verified=False, source="t")
    engine = make_engine()
    add_responses(engine, "hs", HS_ROWS)
    add_responses(engine, "sv", _sv(6, 12))
    row = compute(engine, framework, indicators=["idx"]).iloc[0]
    assert row["value"] == pytest.approx((2 * 75 + 50) / 3) and row["index_missing"] == "share_medical"
