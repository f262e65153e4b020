"""The fast reads of responses give exactly the frame of the careful row-by-row orjson read.

Fast: the database writes JSON lines and pyarrow parses them (frames.expand_lines); careful:
rows fetched as tuples, every document parsed by orjson (load_frame(..., fast=False)). On data
the fast path cannot vouch for (a value of another JSON type than its question's) it must refuse
(NotFast) and load_frame must still return the careful frame. SQLite and PostgreSQL (db_url).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from monitor.engine.fastread import NotFast
from monitor.engine.frames import ParquetSource, _arrow_datetimes, expand_lines, load_frame
from monitor.framework.models import Framework

H1, H2 = "UA35020010000028961", "UA35020030000022644"

PLAIN: list[dict[str, Any]] = [
    {"hromada": H1, "wave": "2021", "date": "2021-03-05", "answers": {
        "wave": "2021", "date": "2021-03-01", "focal": "yes", "sex": "f", "spend": 1250.5, "events": 3,
        "services": "legal medical",
    }, "children": [
        {"answers": {"decision": "granted", "days": 12}},
        {"answers": {"decision": "refused"}},  # a missing key
    ]},
    # Missing keys, an empty select_multiple, escapes and non-ASCII text, a key no question has.
    {"hromada": H2, "wave": "2022", "date": "2022-07-30", "answers": {
        "focal": 'так "yes"\n\\', "sex": "ж", "services": "", "extra": {"nested": [1, 2]}, "events": 0,
    }, "children": [{"answers": {"days": 4.5, "decision": None}}]},
    {"hromada": H1, "wave": "2022", "answers": {}},  # no period date, no answers at all
    {"raion": "UA35020000000074289", "wave": "2022", "date": "2022-01-01", "answers": {
        "spend": 12345678901234567890, "events": -7, "date": "not a date", "services": "shelter  legal",
    }},
]

# (name, answers of one extra response): each holds a value of another JSON type than its question's.
ODD = [
    ("integer holding text", {"events": "12"}),
    ("integer holding words", {"events": "many"}),
    ("decimal holding a boolean", {"spend": True}),
    ("choice holding a number", {"focal": 5}),
    ("choice holding a boolean", {"sex": False}),
    ("select_multiple holding a list", {"services": ["legal", "shelter"]}),
    ("date holding an object", {"date": {"y": 2022}}),
]


def _insert(engine: Engine, add: Callable[..., int], extra: dict[str, Any] | None = None) -> None:
    rows = [dict(row) for row in PLAIN]
    if extra is not None:
        rows.append({"hromada": H2, "wave": "2022", "date": "2022-05-05", "answers": extra,
                     "children": [{"answers": {"decision": "pending", "days": 1}}]})
    add(engine, "hs", rows)


@pytest.mark.parametrize("repeat", [None, "cases"])
def test_lines_match_the_careful_read(
    make_engine: Callable[[], Engine], add_responses: Callable[..., int], framework: Framework, repeat: str | None
) -> None:
    engine = make_engine()
    _insert(engine, add_responses)
    survey = framework.surveys["hs"]
    careful = load_frame(engine, survey, repeat, reuse=False, fast=False)
    fast = expand_lines(engine, survey, repeat)  # no NotFast: plain data takes the fast path
    assert len(careful) == (4 if repeat is None else 3)
    pd.testing.assert_frame_equal(fast, careful)
    pd.testing.assert_frame_equal(load_frame(engine, survey, repeat, reuse=False), careful)


@pytest.mark.parametrize(("name", "answers"), ODD, ids=[name for name, _ in ODD])
@pytest.mark.parametrize("repeat", [None, "cases"])
def test_odd_values_fall_back_to_the_careful_read(
    make_engine: Callable[[], Engine], add_responses: Callable[..., int], framework: Framework,
    name: str, answers: dict[str, Any], repeat: str | None,
) -> None:
    engine = make_engine()
    _insert(engine, add_responses, answers)
    survey = framework.surveys["hs"]
    with pytest.raises(NotFast):
        expand_lines(engine, survey, repeat)  # the parent's odd value reaches the repeat frame too
    careful = load_frame(engine, survey, repeat, reuse=False, fast=False)
    pd.testing.assert_frame_equal(load_frame(engine, survey, repeat, reuse=False), careful)


@pytest.mark.parametrize(
    ("answers", "column", "expected"),
    [
        ({"events": "12"}, "events", 12.0),  # numeric text counts as the number
        ({"events": "many"}, "events", None),
        ({"spend": True}, "spend", 1.0),
        ({"focal": 5}, "focal", "5"),
        ({"services": ["legal", "shelter"]}, "services", "legal shelter"),
    ],
)
def test_careful_read_coerces_odd_values(
    make_engine: Callable[[], Engine], add_responses: Callable[..., int], framework: Framework,
    answers: dict[str, Any], column: str, expected: Any,
) -> None:
    engine = make_engine()
    _insert(engine, add_responses, answers)
    frame = load_frame(engine, framework.surveys["hs"], reuse=False)
    value = frame[column].iloc[-1]
    assert (pd.isna(value) if expected is None else value == expected)


@pytest.mark.parametrize(
    ("values", "by_arrow"),
    [
        (["2021-03-01", None], True),
        (["2021-03-01 12:00:00.5", "2021-03-01T23:59:59", "2021-03-02"], True),
        (["2020-02-29 00:00:00.000001"], True),
        (["2021-02-30"], False),  # Arrow refuses the day; pandas gives NaT
        (["2021-04-31", "2021-03-01"], False),
        (["2021-03-01 24:00:00"], False),
        (["0999-01-01"], False),
        (["2021-03-01T10:00:00Z"], False),  # an offset: pandas converts it to UTC
        (["2021-03-01T10:00:00+02:00"], False),
        ([None, None], False),  # pandas gives datetime64[s] for nothing at all
        (["1.3.2021"], False),
    ],
)
def test_arrow_dates_are_pandas_dates(values: list[str | None], by_arrow: bool) -> None:
    column = pa.chunked_array([pa.array(values, type=pa.string())])
    stamps = _arrow_datetimes(column)
    assert (stamps is not None) == by_arrow
    if stamps is not None:
        expected = pd.to_datetime(pd.Series(values, dtype="str"), errors="coerce", format="ISO8601")
        pd.testing.assert_series_equal(pd.Series(stamps.to_pandas()), expected)


def _export_parquet(engine: Engine, path: Path) -> None:
    """The response table as bench/bench_engine.py exports it (answers as JSON text), ordered by id."""
    columns = ["id", "instrument_id", "parent_id", "repeat", "oblast_code", "raion_code", "hromada_code", "wave",
               "period_date", "submitted_at", "synthetic", "answers"]
    texts = {"period_date", "submitted_at", "answers"}
    select = ", ".join(f"CAST({c} AS TEXT)" if c in texts else c for c in columns)
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT {select} FROM response ORDER BY id DESC")).all()  # noqa: S608
    data = list(zip(*rows, strict=True))
    arrays = {name: pa.array(list(values)) for name, values in zip(columns, data, strict=True)}
    arrays["synthetic"] = pa.array([bool(v) for v in data[columns.index("synthetic")]])
    pq.write_table(pa.table(arrays), path)


@pytest.mark.parametrize("repeat", [None, "cases"])
def test_parquet_source_gives_the_database_frame(
    make_engine: Callable[[], Engine], add_responses: Callable[..., int], framework: Framework,
    tmp_path: Path, repeat: str | None,
) -> None:
    engine = make_engine()
    _insert(engine, add_responses)
    path = tmp_path / "responses.parquet"
    _export_parquet(engine, path)  # newest first: the source must put rows back in id order
    survey = framework.surveys["hs"]
    careful = load_frame(engine, survey, repeat, reuse=False, fast=False)
    from_file = load_frame(ParquetSource(path, pd.DataFrame()), survey, repeat, reuse=False)
    pd.testing.assert_frame_equal(from_file, careful)
