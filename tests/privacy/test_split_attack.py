"""A split across columns (of whom women / of whom men) under attack.

A body's answer gives a number of people and its parts as separate numbers. Publishing the total and
every part but a small one gives the small one away by subtraction; where the parts do not add up to
the total (sex not recorded for some), the rest only widens the interval a little. The audit must
model both, and the protected set must hold.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pandas as pd
import pytest
from privacy_kit import CELL_KEY, H1, KIR, RAION_OF, _choices, _t
from sqlalchemy import insert
from sqlalchemy.engine import Engine

from monitor.engine import GRANULARITIES, LEVELS, compute
from monitor.framework.models import (
    Framework,
    FrameworkSettings,
    Indicator,
    Parameter,
    Question,
    Split,
    SplitPart,
    Survey,
    Theme,
)
from monitor.privacy import protected_set
from monitor.privacy.protect import audit_public
from monitor.store import db as store_db
from monitor.store.models import ImportBatch, Instrument, Response
from monitor.store.territory import load_reference

THRESHOLD = 11


def split_framework(total: str) -> Framework:
    """Bodies at hromada level report people referred, of whom women and men (all counts of people)."""
    questions = [
        Question(name="wave", type="select_one", label=_t("wave"), choices="waves"),
        Question(name="date", type="date", label=_t("date")),
        Question(name="referred", type="integer", label=_t("referred"), counts_people=True),
        Question(name="referred_women", type="integer", label=_t("women"), counts_people=True),
        Question(name="referred_men", type="integer", label=_t("men"), counts_people=True),
    ]
    survey = Survey(id="bd", code="BD", title=_t("bd"), description=_t("bd"), respondent="service-provider",
                    unit="institution", territory_question="hromada", territory_level="hromada", min_n=1,
                    questions=questions, choice_lists={"waves": _choices("2021", "2022")})
    split = Split(name="sex", label=_t("sex"), parts=[
        SplitPart(value="female", label=_t("women"), expression="coalesce(referred_women, 0)"),
        SplitPart(value="male", label=_t("men"), expression="coalesce(referred_men, 0)"),
    ])
    indicator = Indicator(id="bd", title=_t("bd"), description=_t("bd"), theme="t", survey="bd", type="sum",
                          value=total, unit="persons", split_by=[split], direction="none", legal_basis=_t("law"))
    settings = FrameworkSettings(
        title=_t("test"), themes=[Theme(id="t", title=_t("t"))], waves=["2021", "2022"], survivor_min_n=THRESHOLD,
        parameters={"public_holidays": Parameter(value=[], label=_t("h"), verified=True, source="test")},
    )
    return Framework(root=".", settings=settings, surveys={"bd": survey}, indicators={"bd": indicator})


def write(engine: Engine, rows: list[tuple[str, dict[str, Any]]]) -> None:
    with engine.begin() as conn:
        conn.execute(insert(Instrument).values(id="bd", definition_hash="x", title_uk="bd", title_en="bd",
                                               respondent="x", definition={}))
        batch = conn.execute(insert(ImportBatch).values(
            instrument_id="bd", file_name="world.csv", sha256=uuid.uuid4().hex, format="csv", rows=len(rows),
            accepted=len(rows), dropped_columns=[], warnings=[], synthetic=True,
        )).inserted_primary_key[0]
        for i, (hromada, answers) in enumerate(rows):
            conn.execute(insert(Response).values(
                instrument_id="bd", batch_id=batch, external_id=f"b{i}", content_hash=uuid.uuid4().hex,
                oblast_code=KIR, raion_code=RAION_OF[hromada], hromada_code=hromada, wave="2021",
                period_date=date(2021, 5, 15), synthetic=True,
                answers={"wave": "2021", "date": "2021-05-15", **answers},
            ))


# (total expression, answers): one body, so every level shows the same numbers and only the parts and
# the total can give the 3 women away (no territory or period to subtract).
WORLDS = {
    "parts-add-up": ("coalesce(referred_women, 0) + coalesce(referred_men, 0)",
                     [(H1, {"referred_women": 3, "referred_men": 20})]),
    "sex-not-always-recorded": ("referred", [(H1, {"referred": 27, "referred_women": 3, "referred_men": 20})]),
}


@pytest.fixture(params=list(WORLDS))
def world(request: pytest.FixtureRequest, tmp_path) -> Iterator[tuple[Engine, Framework]]:  # type: ignore[no-untyped-def]
    total, rows = WORLDS[request.param]
    url = f"sqlite:///{tmp_path}/split.db"
    engine = store_db.connect(url)
    load_reference(engine)
    write(engine, rows)
    yield engine, split_framework(total)
    store_db.close(url)


def small_people_only(engine: Engine, framework: Framework) -> pd.DataFrame:
    """The naive rule: every cell of 1-10 people hidden on its own, nothing hidden to protect it."""
    parts = []
    for granularity, level in itertools.product(GRANULARITIES, LEVELS):
        part = compute(engine, framework, level=level, period=granularity).assign(granularity=granularity)
        parts.append(part)
    union = pd.concat(parts, ignore_index=True).drop_duplicates(CELL_KEY).reset_index(drop=True)
    value = pd.to_numeric(union["value"], errors="coerce")
    union["suppressed"] = (value > 0) & (value < THRESHOLD)
    for column in ("n", "numerator", "value"):
        union[column] = union[column].where(~union["suppressed"])
    return union


def test_the_split_is_computed_per_part(world: tuple[Engine, Framework]) -> None:
    engine, framework = world
    rows = compute(engine, framework, level="hromada", period="wave")
    h1 = rows[rows["territory_code"] == H1].set_index("dimension_value")["value"]
    assert h1["female"] == 3 and h1["male"] == 20 and h1[""] in (23, 27)


def test_subtraction_across_parts_is_caught_and_the_protected_set_holds(world: tuple[Engine, Framework],
                                                                        tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine, framework = world
    naive = audit_public(engine, framework, small_people_only(engine, framework))
    women_h1 = naive[(naive["territory_code"] == H1) & (naive["dimension_value"] == "female")]
    assert not women_h1.empty and not women_h1["ok"].all(), "the total minus the men gives the women away"

    protected = protected_set(engine, framework, cache_dir=tmp_path)
    assert protected.failures.empty
    outside = audit_public(engine, framework, protected.public)
    assert outside["ok"].all(), outside[~outside["ok"]].to_string()
    public = protected.public
    h1 = public[(public["territory_code"] == H1) & (public["period"] == "2021") & (public["granularity"] == "wave")]
    shown = h1.set_index("dimension_value")["value"]
    assert pd.isna(shown["female"]) and (pd.isna(shown["male"]) or pd.isna(shown[""]))
