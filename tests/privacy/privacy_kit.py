"""Small worlds built to break naive suppression, and the naive gate they break.

Each world is a tiny framework (a survivor questionnaire at oblast level, threshold 11; a public
micro-survey at hromada level, threshold 5) and answers written straight into a real database, so
every count a test relies on is visible here.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import insert
from sqlalchemy.engine import Engine

from monitor.engine import GRANULARITIES, LEVELS, compute
from monitor.framework.models import (
    Choice,
    Framework,
    FrameworkSettings,
    Indicator,
    Parameter,
    Question,
    Survey,
    Text,
    Theme,
)
from monitor.privacy import for_audience
from monitor.store.models import ImportBatch, Instrument, Response

KIR, POL, KHA, CHE = "UA35000000000016081", "UA53000000000028050", "UA63000000000041885", "UA73000000000044923"
RAION, RAION2 = "UA35020000000074289", "UA35040000000034705"  # Kirovohrad oblast
H1, H2, H3 = "UA35020010000028961", "UA35020030000022644", "UA35020050000014205"  # in RAION
H4 = "UA35040010000022631"  # in RAION2
RAION_OF = {H1: RAION, H2: RAION, H3: RAION, H4: RAION2}
QUARTER_DAY = {1: "02-15", 2: "05-15", 3: "08-15", 4: "11-15"}
CELL_KEY = ["indicator", "level", "territory_code", "granularity", "period", "dimension", "dimension_value"]


def _t(text: str) -> Text:
    return Text(uk=text, en=text)


def _choices(*values: str) -> list[Choice]:
    return [Choice(value=v, label=_t(v)) for v in values]


def world_framework() -> Framework:
    questions = [
        Question(name="wave", type="select_one", label=_t("wave"), choices="waves"),
        Question(name="date", type="date", label=_t("date")),
        Question(name="informed", type="select_one", label=_t("informed"), choices="yes_no"),
    ]
    lists = {"waves": _choices("2021", "2022"), "yes_no": _choices("yes", "no")}
    sv = Survey(id="sv", code="SV", title=_t("sv"), description=_t("sv"), respondent="survivor", unit="person",
                territory_question="oblast", territory_level="oblast", min_n=11, questions=questions,
                choice_lists=lists)
    ps = Survey(id="ps", code="PS", title=_t("ps"), description=_t("ps"), respondent="public", unit="person",
                territory_question="hromada", territory_level="hromada", min_n=5, questions=questions,
                choice_lists=lists)
    indicators = {
        survey: Indicator(id=survey, title=_t(survey), description=_t(survey), theme="t", survey=survey, type="share",
                          numerator="informed = 'yes'", direction="higher-is-better", legal_basis=_t("law"))
        for survey in ("sv", "ps")
    }
    settings = FrameworkSettings(
        title=_t("test"), themes=[Theme(id="t", title=_t("t"))], waves=["2021", "2022"], survivor_min_n=11,
        parameters={"public_holidays": Parameter(value=[], label=_t("h"), verified=True, source="test")},
    )
    return Framework(root=".", settings=settings, surveys={"sv": sv, "ps": ps}, indicators=indicators)


_ids = itertools.count(1)


def answers(where: str, quarter: int, count: int, yes: int, year: int = 2021) -> list[dict[str, Any]]:
    """`count` answers located at `where` (an oblast or hromada code) in one quarter, `yes` of them 'yes'."""
    return [{"where": where, "date": f"{year}-{QUARTER_DAY[quarter]}", "wave": str(year),
             "informed": "yes" if i < yes else "no"} for i in range(count)]


def write(engine: Engine, survey: str, rows: Iterable[dict[str, Any]]) -> None:
    rows = list(rows)
    with engine.begin() as conn:
        if conn.execute(Instrument.__table__.select().where(Instrument.id == survey)).first() is None:
            conn.execute(insert(Instrument).values(id=survey, definition_hash="x", title_uk=survey, title_en=survey,
                                                   respondent="x", definition={}))
        batch = conn.execute(insert(ImportBatch).values(
            instrument_id=survey, file_name="world.csv", sha256=uuid.uuid4().hex, format="csv", rows=len(rows),
            accepted=len(rows), dropped_columns=[], warnings=[], synthetic=True,
        )).inserted_primary_key[0]
        for row in rows:
            where = row["where"]
            hromada = where if where in RAION_OF else None
            raion = RAION_OF.get(where)
            oblast = KIR if hromada else where
            conn.execute(insert(Response).values(
                instrument_id=survey, batch_id=batch, external_id=f"w{next(_ids)}", content_hash=uuid.uuid4().hex,
                oblast_code=oblast, raion_code=raion, hromada_code=hromada, wave=row["wave"],
                period_date=date.fromisoformat(row["date"]), synthetic=True,
                answers={"wave": row["wave"], "date": row["date"], "informed": row["informed"]},
            ))


def naive_outputs(engine: Engine, framework: Framework) -> pd.DataFrame:
    """Everything the pre-protected-set code published: each output computed and gated on its own.

    Every level × granularity for the four oblasts, plus every oblast-subset report (level 'all' over
    the subset, as `monitor report --oblast` did). A cell published by any output counts as published.
    """
    oblasts = [KIR, POL, KHA, CHE]
    parts = []
    for granularity in GRANULARITIES:
        for level in LEVELS:
            part = for_audience(compute(engine, framework, level=level, period=granularity), "public")
            parts.append(part.assign(granularity=granularity))
        for size in (1, 2, 3):
            for subset in itertools.combinations(oblasts, size):
                part = compute(engine, framework, level="all", period=granularity, oblasts=list(subset))
                part = for_audience(part, "public")
                part["territory_code"] = "SUBSET:" + ",".join(sorted(subset))
                parts.append(part.assign(granularity=granularity))
    union = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    union = union.sort_values("suppressed", kind="stable")  # published first
    return union.drop_duplicates(CELL_KEY, keep="first").reset_index(drop=True)
