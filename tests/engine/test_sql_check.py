"""Independent check: the same numbers recomputed with plain SQL (SQLite json_extract) on the database."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import text

from monitor.engine import compute
from monitor.store import db as store_db
from monitor.store.territory import load_reference

HROMADAS = ["UA35020010000028961", "UA35020030000022644", "UA35020050000014205", "UA35040010000022631",
            "UA53020010000035494"]

# Hromada-level plain-SQL versions of four indicators of the test framework.
SQL = {
    "share_focal": """
        SELECT hromada_code, strftime('%Y', period_date) AS period, count(*) AS n,
               sum(json_extract(answers, '$.focal') = 'yes') * 1.0 / count(*) AS value
        FROM response WHERE instrument_id = 'hs' AND parent_id IS NULL GROUP BY 1, 2""",
    "count_yes": """
        SELECT hromada_code, strftime('%Y', period_date), count(*), sum(json_extract(answers, '$.focal') = 'yes')
        FROM response WHERE instrument_id = 'hs' AND parent_id IS NULL GROUP BY 1, 2""",
    "mean_events": """
        SELECT hromada_code, strftime('%Y', period_date), count(json_extract(answers, '$.events')),
               avg(json_extract(answers, '$.events'))
        FROM response WHERE instrument_id = 'hs' AND parent_id IS NULL GROUP BY 1, 2""",
    "sum_spend": """
        SELECT hromada_code, strftime('%Y', period_date), count(json_extract(answers, '$.spend')),
               sum(json_extract(answers, '$.spend'))
        FROM response WHERE instrument_id = 'hs' AND parent_id IS NULL GROUP BY 1, 2""",
    "share_granted": """
        SELECT p.hromada_code, strftime('%Y', p.period_date),
               sum(json_extract(c.answers, '$.decision') IN ('granted', 'refused')),
               sum(json_extract(c.answers, '$.decision') = 'granted') * 1.0
                 / sum(json_extract(c.answers, '$.decision') IN ('granted', 'refused'))
        FROM response c JOIN response p ON p.id = c.parent_id
        WHERE c.instrument_id = 'hs' AND c.repeat = 'cases' GROUP BY 1, 2""",
}


def _random_rows(seed: int, count: int) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        answers: dict = {}
        if rng.random() < 0.9:
            answers["focal"] = rng.choice(["yes", "no"])
        if rng.random() < 0.8:
            answers["events"] = rng.randint(0, 20)
        if rng.random() < 0.7:
            answers["spend"] = round(rng.uniform(0, 5000), 2)
        children = [{"repeat": "cases", "answers": {"decision": rng.choice(["granted", "refused", "pending"])}}
                    for _ in range(rng.randint(0, 3))]
        rows.append({"hromada": rng.choice(HROMADAS), "date": f"{rng.choice([2021, 2022])}-0{rng.randint(1, 9)}-15",
                     "answers": answers, "children": children})
    return rows


@pytest.mark.parametrize("indicator", sorted(SQL))
def test_engine_matches_plain_sql(sqlite_url, framework, add_responses, indicator) -> None:  # type: ignore[no-untyped-def]
    engine = store_db.connect(sqlite_url)
    load_reference(engine)
    add_responses(engine, "hs", _random_rows(7, 400))
    with engine.connect() as connection:
        expected = {(r[0], r[1]): (r[2], r[3]) for r in connection.execute(text(SQL[indicator]))}
    results = compute(engine, framework, level="hromada", indicators=[indicator], disaggregate=False)
    got = {(r.territory_code, r.period): (r.n, r.value) for r in results.itertuples()}
    assert set(got) == set(expected)
    for key, (n, value) in expected.items():
        assert got[key][0] == n
        if value is None:
            assert got[key][1] != got[key][1]  # NaN
        else:
            assert got[key][1] == pytest.approx(value, rel=1e-9)
