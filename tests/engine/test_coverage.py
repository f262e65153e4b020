"""Coverage: expected units per wave against units that answered, rolled up per oblast and overall."""

from __future__ import annotations

from monitor.engine import coverage
from monitor.store.territory import territories


def test_coverage_of_hromada_survey(make_engine, add_responses, framework, geo) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    add_responses(engine, "hs", [{"hromada": geo.H1, "wave": "2022", "answers": {}}] * 2)  # twice: counts once
    add_responses(engine, "hs", [{"hromada": geo.H2, "wave": "2022", "answers": {}},
                                 {"hromada": geo.H_P, "wave": "2021", "answers": {}},
                                 {"raion": geo.RAION, "wave": "2022", "answers": {}}])  # not located at a hromada
    table = coverage(engine, framework)
    hs = table[table["survey"] == "hs"]
    assert set(hs["unit_level"]) == {"hromada"} and "sv" not in set(table["survey"])  # sv expects nobody
    hromadas = territories(engine, level="hromada")
    in_oblast = int((hromadas["oblast_code"] == geo.OBLAST).sum())
    unit = hs[(hs["level"] == "hromada") & (hs["wave"] == "2022")].set_index("territory_code")
    assert len(unit) == len(hromadas)
    assert unit.loc[geo.H1, "received"] == 1 and unit.loc[geo.H3, "received"] == 0
    oblast = hs[(hs["level"] == "oblast") & (hs["wave"] == "2022")].set_index("territory_code")
    assert oblast.loc[geo.OBLAST, "expected"] == in_oblast and oblast.loc[geo.OBLAST, "received"] == 2
    assert oblast.loc[geo.OBLAST, "share"] == 2 / in_oblast
    overall = hs[hs["level"] == "all"].set_index("wave")
    assert overall.loc["2022", "received"] == 2 and overall.loc["2021", "received"] == 1
    assert overall.loc["2022", "expected"] == len(hromadas)
    assert overall.loc["2022", "territory_name_en"] == "Four oblasts"


def test_coverage_for_chosen_waves(make_engine, framework) -> None:  # type: ignore[no-untyped-def]
    table = coverage(make_engine(), framework, waves=["2023"])
    assert set(table["wave"]) == {"2023"} and table["received"].sum() == 0
