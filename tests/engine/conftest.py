"""Engine test helpers: a small framework built in code and a writer of Response rows into a real database.

Rows are inserted directly as Response records (the import pipeline is tested elsewhere), so every
number a test expects is visible in the test.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import pytest
from engine_places import H1, H2, H3, H4, H_P, HROMADA_OF, OBLAST, OBLAST2, OBLAST_OF, RAION, RAION2, RAION_P
from sqlalchemy import insert
from sqlalchemy.engine import Engine

from monitor.framework.models import (
    Choice,
    Component,
    Expectation,
    Framework,
    FrameworkSettings,
    Indicator,
    Parameter,
    Question,
    Survey,
    Text,
    Theme,
    Thresholds,
)
from monitor.store import db as store_db
from monitor.store.models import ImportBatch, Instrument, Response
from monitor.store.territory import load_reference


def _t(text: str) -> Text:
    return Text(uk=text, en=text)


def _choices(*values: str) -> list[Choice]:
    return [Choice(value=v, label=_t(v)) for v in values]


def _q(name: str, kind: str, **extra: Any) -> Question:
    return Question(name=name, type=kind, label=_t(name), **extra)


def _ind(id: str, survey: str | None, kind: str, **extra: Any) -> Indicator:
    base: dict[str, Any] = {
        "id": id, "title": _t(id), "description": _t(id), "theme": "t", "survey": survey, "type": kind,
        "direction": "higher-is-better", "legal_basis": _t("law"),
    }
    base.update(extra)
    return Indicator(**base)


def build_framework(**indicator_overrides: Indicator) -> Framework:
    hs = Survey(
        id="hs", code="HS", title=_t("hs"), description=_t("hs"), respondent="hromada-official", unit="hromada",
        territory_question="hromada", territory_level="hromada", min_n=3, expected=Expectation(level="hromada"),
        questions=[
            _q("wave", "select_one", choices="waves"),
            _q("date", "date"),
            _q("focal", "select_one", choices="yes_no"),
            _q("sex", "select_one", choices="sex"),
            _q("spend", "decimal"),
            _q("events", "integer"),
            _q("services", "select_multiple", choices="services"),
            _q("cases", "repeat", questions=[
                _q("decision", "select_one", choices="decisions"), _q("days", "integer"),
            ]),
        ],
        choice_lists={
            "waves": _choices("2021", "2022"), "yes_no": _choices("yes", "no"), "sex": _choices("f", "m"),
            "services": _choices("legal", "medical", "shelter"),
            "decisions": _choices("granted", "refused", "pending"),
        },
    )
    sv = Survey(
        id="sv", code="SV", title=_t("sv"), description=_t("sv"), respondent="survivor", unit="person",
        territory_question="oblast", territory_level="oblast", min_n=11,
        questions=[_q("wave", "select_one", choices="waves"), _q("informed", "select_one", choices="yes_no"),
                   _q("rating", "integer")],
        choice_lists={"waves": _choices("2021", "2022"), "yes_no": _choices("yes", "no")},
    )
    indicators = {
        "share_focal": _ind(
            "share_focal", "hs", "share", numerator="focal = 'yes'", disaggregate_by=["sex"],
            targets={"2022": 0.8}, thresholds=Thresholds(green=0.9, amber=0.6), baseline=None,
        ),
        "count_yes": _ind("count_yes", "hs", "count", numerator="focal = 'yes'", unit="count"),
        "sum_spend": _ind("sum_spend", "hs", "sum", value="spend", unit="uah", direction="none"),
        "mean_events": _ind("mean_events", "hs", "mean", value="events", unit="count"),
        "median_events": _ind("median_events", "hs", "median", value="events", unit="count"),
        "ratio_spend": _ind("ratio_spend", "hs", "ratio", numerator="spend", denominator="_population",
                            factor=10000, unit="rate"),
        "share_medical": _ind("share_medical", "hs", "share", numerator="selected(services, 'medical')",
                              denominator="not-empty(services)"),
        "days_granted": _ind("days_granted", "hs", "duration", repeat="cases", value="days",
                             filter="decision = 'granted'", unit="days", direction="lower-is-better",
                             targets={"2022": 10}, thresholds=Thresholds(green=10, amber=20)),
        "share_granted": _ind("share_granted", "hs", "share", repeat="cases", numerator="decision = 'granted'",
                              denominator="decision in ('granted', 'refused')", direction="none"),
        "sv_informed": _ind("sv_informed", "sv", "share", numerator="informed = 'yes'"),
        "idx": _ind("idx", None, "index", unit="score", components=[
            Component(indicator="share_focal", weight=2), Component(indicator="share_medical", weight=1),
            Component(indicator="sv_informed", weight=1),
        ], thresholds=Thresholds(green=70, amber=50)),
    }
    indicators.update(indicator_overrides)
    settings = FrameworkSettings(
        title=_t("test"), themes=[Theme(id="t", title=_t("t"))], waves=["2021", "2022"], survivor_min_n=11,
        parameters={"public_holidays": Parameter(value=[], label=_t("h"), verified=True, source="test")},
    )
    return Framework(root=".", settings=settings, surveys={"hs": hs, "sv": sv}, indicators=indicators)


_counter = itertools.count(1)


def insert_responses(engine: Engine, survey_id: str, rows: Iterable[dict[str, Any]], synthetic: bool = False) -> int:
    """Insert rows: {hromada|raion|oblast, wave, date, answers: {...}, children: [{repeat, answers}]}."""
    rows = list(rows)
    with engine.begin() as conn:
        if conn.execute(Instrument.__table__.select().where(Instrument.id == survey_id)).first() is None:
            conn.execute(insert(Instrument).values(id=survey_id, definition_hash="x", title_uk=survey_id,
                                                   title_en=survey_id, respondent="x", definition={}))
        batch_id = conn.execute(insert(ImportBatch).values(
            instrument_id=survey_id, file_name="test.csv", sha256=uuid.uuid4().hex, format="csv", rows=len(rows),
            accepted=len(rows), dropped_columns=[], warnings=[], synthetic=synthetic,
        )).inserted_primary_key[0]
        for row in rows:
            hromada = row.get("hromada")
            raion = row.get("raion") or HROMADA_OF.get(hromada or "")
            oblast = row.get("oblast") or OBLAST_OF.get(raion or "")
            when = row.get("date")
            parent = dict(
                instrument_id=survey_id, batch_id=batch_id, external_id=f"e{next(_counter)}",
                content_hash=uuid.uuid4().hex, oblast_code=oblast, raion_code=raion, hromada_code=hromada,
                wave=row.get("wave", "2022"), period_date=date.fromisoformat(when) if when else None,
                synthetic=synthetic, answers=row.get("answers", {}),
            )
            parent_id = conn.execute(insert(Response).values(**parent)).inserted_primary_key[0]
            for child in row.get("children", []):
                conn.execute(insert(Response).values(**{
                    **parent, "external_id": f"e{next(_counter)}", "content_hash": uuid.uuid4().hex,
                    "parent_id": parent_id, "repeat": child.get("repeat", "cases"), "answers": child["answers"],
                }))
    return len(rows)


@pytest.fixture
def framework() -> Framework:
    return build_framework()


@pytest.fixture
def make_engine(db_url: str) -> Callable[[], Engine]:
    def make() -> Engine:
        engine = store_db.connect(db_url)
        load_reference(engine)
        return engine

    return make


@pytest.fixture
def add_responses() -> Callable[..., int]:
    return insert_responses


class Geo:
    OBLAST, OBLAST2, RAION, RAION2, RAION_P = OBLAST, OBLAST2, RAION, RAION2, RAION_P
    H1, H2, H3, H4, H_P = H1, H2, H3, H4, H_P


@pytest.fixture
def geo() -> type[Geo]:
    return Geo


@pytest.fixture
def framework_factory() -> Callable[..., Framework]:
    return build_framework
