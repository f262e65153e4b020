"""Coverage: for each instrument, territory and wave, how many units were expected and how many answered.

A survey's `expected.level` says who must answer once per wave: every hromada of the four oblasts,
every raion administration, or every oblast body. A unit counts as received when at least one
top-level response (not a repeat row) of that wave is located at it (with `expected.count` > 1, up
to that many responses count per unit). Rows exist at the unit level
and are rolled up per oblast and over the four oblasts ('ALL'). Units come from the territory
reference valid today; answers from units missing from it are not counted.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import col

from monitor.engine.compute import ALL_CODE
from monitor.framework.models import Framework
from monitor.i18n import t
from monitor.store.models import Response, table_of

COLUMNS = [
    "survey", "unit_level", "level", "territory_code", "territory_name", "territory_name_en", "oblast_code", "wave",
    "expected", "received", "share",
]
_RESPONSE = table_of(Response).c
CODE_COLUMN = {"hromada": _RESPONSE.hromada_code, "raion": _RESPONSE.raion_code, "oblast": _RESPONSE.oblast_code}


def _answered(engine: Engine, survey_id: str, unit_level: str) -> pd.DataFrame:
    column = CODE_COLUMN[unit_level]
    query = (
        select(col(Response.wave), column.label("code"), func.count().label("responses"))
        .where(col(Response.instrument_id) == survey_id, col(Response.parent_id).is_(None), column.is_not(None))
        .group_by(col(Response.wave), column)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    frame = pd.DataFrame(rows, columns=["wave", "code", "responses"])
    frame["wave"] = frame["wave"].astype(object)
    frame["code"] = frame["code"].astype(object)
    return frame


def coverage(engine: Engine, framework: Framework, waves: Sequence[str] | None = None) -> pd.DataFrame:
    from monitor.store.territory import territories

    units_all = territories(engine).drop_duplicates("code")
    names_uk = dict(zip(units_all["code"], units_all["name_uk"], strict=False))
    names_en = dict(zip(units_all["code"], units_all["name_en"], strict=False))
    names_uk[ALL_CODE], names_en[ALL_CODE] = t("engine.all_oblasts", "uk"), t("engine.all_oblasts", "en")
    parts: list[pd.DataFrame] = []
    for survey in framework.surveys.values():
        if survey.expected is None:
            continue
        unit_level = str(survey.expected.level)
        units = units_all[units_all["level"] == unit_level][["code", "oblast_code"]]
        answered = _answered(engine, survey.id, unit_level)
        survey_waves = list(waves) if waves else (
            list(framework.settings.waves) or sorted(answered["wave"].dropna().unique().tolist())
        )
        if units.empty or not survey_waves:
            continue
        grid = units.merge(pd.DataFrame({"wave": survey_waves}), how="cross")
        per_unit = survey.expected.count
        grid = grid.merge(answered, on=["code", "wave"], how="left")
        # A unit expected to answer `count` times per wave counts at most `count` answers.
        grid["received"] = np.minimum(grid["responses"].fillna(0).astype(int), per_unit)
        grid["expected"] = per_unit
        unit_rows = grid.assign(level=unit_level, territory_code=grid["code"])
        oblast_rows = (
            grid.groupby(["oblast_code", "wave"], as_index=False)[["expected", "received"]].sum()
            .assign(level="oblast", territory_code=lambda f: f["oblast_code"])
        )
        total_rows = (
            grid.groupby(["wave"], as_index=False)[["expected", "received"]].sum()
            .assign(level="all", territory_code=ALL_CODE, oblast_code="")
        )
        frames = [unit_rows] if unit_level == "oblast" else [unit_rows, oblast_rows]
        combined = pd.concat([*frames, total_rows], ignore_index=True)
        combined["survey"] = survey.id
        combined["unit_level"] = unit_level
        parts.append(combined)
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    out["share"] = np.where(out["expected"] > 0, out["received"] / out["expected"], np.nan)
    out["territory_name"] = out["territory_code"].map(names_uk)
    out["territory_name_en"] = out["territory_code"].map(names_en)
    level_order = {"hromada": 0, "raion": 1, "oblast": 2, "all": 3}
    out = out.assign(_l=out["level"].map(level_order)).sort_values(["survey", "_l", "territory_code", "wave"])
    return out[COLUMNS].reset_index(drop=True)
