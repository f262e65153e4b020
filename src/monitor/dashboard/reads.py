"""Cached accessors over the engine: the only place the dashboard caches anything.

Every accessor takes the database URL and its fingerprint (`fingerprint()`: cheap, refreshed every few
seconds), so an import invalidates exactly what it changed and nothing heavy runs on a rerun. The
results handed out have already passed `monitor.privacy.for_audience`: pages never see a
suppressed number.
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import func, select
from sqlmodel import Session

from monitor.store import models


def db_url() -> str:
    from monitor.store.db import default_url

    return default_url()


def framework_root() -> str | None:
    return os.environ.get("MONITOR_FRAMEWORK") or None


@st.cache_resource(show_spinner=False)
def engine(url: str) -> Any:
    from monitor.store.db import connect

    return connect(url)


@st.cache_resource(show_spinner=False)
def framework(root: str | None) -> Any:
    from monitor.framework.loader import framework_or_raise

    return framework_or_raise(root)


@st.cache_data(ttl=3, show_spinner=False)
def fingerprint(url: str) -> str:
    """Changes whenever answers or imports change (a few indexed lookups, no scan)."""
    from monitor.engine import db_fingerprint

    return repr(db_fingerprint(engine(url)))


def context() -> tuple[str, str]:
    """(url, fingerprint) for the keys of every cached call of this run."""
    url = db_url()
    return url, fingerprint(url)


@st.cache_data(show_spinner=False)
def facts(url: str, fp: str) -> dict[str, Any]:
    """Small facts about the database: synthetic demo, last import time, number of answers."""
    with Session(engine(url)) as session:
        synthetic = session.get(models.Setting, "synthetic")
        last = session.exec(select(func.max(models.ImportBatch.imported_at))).one()[0]
        batches = session.exec(select(func.count(models.ImportBatch.id))).one()[0]
        demo_batch = session.exec(
            select(models.ImportBatch.id).where(models.ImportBatch.synthetic.is_(True)).limit(1)  # type: ignore[attr-defined]
        ).first()
    return {
        # A demo database: marked by the Setting, or holding any batch imported as synthetic.
        "synthetic": bool(synthetic and str(synthetic.value).lower() == "true") or demo_batch is not None,
        "last_import": last,
        "batches": int(batches or 0),
    }


@st.cache_data(show_spinner=False, max_entries=24)
def results(url: str, fp: str, level: str, granularity: str, audience: str, totals_only: bool = False) -> pd.DataFrame:
    """Indicator results for a level and granularity (every period), as the audience may see them.

    Through `monitor.auth.guard.results_for`, the one door: staff read the engine, everyone else the
    protected set (suppressed together over every page, period, level and report).
    """
    from monitor.auth.guard import results_for

    # Always the disaggregated table: it is the one stored when data or the framework change (the
    # protected set's pass over every level and granularity, after an import and at start-up), so a
    # page only reads it; the totals are its rows without a breakdown.
    shown = results_for(
        engine(url), framework(framework_root()), principal(audience), level=level, period=granularity,
        disaggregate=True, all_levels=audience == "public",
    )
    if totals_only and "dimension" in shown.columns:
        shown = shown[shown["dimension"].fillna("") == ""]
    return shown.reset_index(drop=True)


def principal(audience: str) -> Any:
    """The person kind an audience key (from `access.audience()`) names: None for the open demo's public view."""
    from types import SimpleNamespace

    if audience == "public":
        return None
    if audience == "internal":
        return SimpleNamespace(name="admin", role="admin", oblasts=[], disabled=False)
    role, _, oblasts = audience.partition(":")
    return SimpleNamespace(name=role, role=role, oblasts=[c for c in oblasts.split(",") if c], disabled=False)


@st.cache_data(show_spinner=False, max_entries=24)
def titled(url: str, fp: str, level: str, granularity: str, audience: str, lang: str, totals_only: bool = False) -> pd.DataFrame:
    """`results` with readable indicator and theme titles in `lang`."""
    from monitor.charts.figures import with_titles
    from monitor.framework.params import unverified_indicators

    fw = framework(framework_root())
    shown = with_titles(results(url, fp, level, granularity, audience, totals_only), fw, lang)
    if "unverified" not in shown.columns and "indicator" in shown.columns:
        # The protected set may not carry the engine's column: the framework says the same per indicator.
        shown["unverified"] = shown["indicator"].map(unverified_indicators(fw)).fillna(False).astype(bool)
    return shown


@st.cache_data(show_spinner=False)
def periods(url: str, fp: str, granularity: str, audience: str) -> list[str]:
    """Periods with results at oblast level, oldest first."""
    frame = results(url, fp, "oblast", granularity, audience, True)
    if frame.empty:
        return []
    with_values = frame[frame["status"] != "no-data"] if "status" in frame.columns else frame
    return sorted({str(p) for p in with_values["period"].dropna()})


@st.cache_data(show_spinner=False)
def territories(url: str, fp: str) -> pd.DataFrame:
    from monitor.store.territory import territories as load

    return load(engine(url))


@st.cache_data(show_spinner=False)
def cascade(url: str, fp: str, granularity: str) -> pd.DataFrame:
    from monitor.engine import compute_cascade

    return compute_cascade(engine(url), framework(framework_root()), granularity=granularity)  # type: ignore[arg-type]


@st.cache_data(show_spinner=False)
def coverage(url: str, fp: str) -> pd.DataFrame:
    from monitor.engine.coverage import coverage as compute
    from monitor.oversight.rounds import coverage_with_rounds

    # A monitoring round's expected respondents drive coverage where it sets them (issue 11 item 1).
    return coverage_with_rounds(engine(url), compute(engine(url), framework(framework_root())))


@st.cache_data(show_spinner=False)
def hromada_answers(url: str, fp: str, hromada_code: str) -> pd.DataFrame:
    """What the officials of one hromada answered (every hromada-level instrument), newest first."""
    from monitor.engine import load_frame

    fw = framework(framework_root())
    parts = []
    for survey in fw.surveys.values():
        # Officials' answers only: members of the public and survivors are never shown one by one.
        if str(survey.territory_level) != "hromada" or str(survey.respondent) != "hromada-official":
            continue
        frame = load_frame(engine(url), survey)
        mine = frame[frame["hromada_code"] == hromada_code]
        if not mine.empty:
            parts.append(mine.assign(_survey=survey.id))
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts, ignore_index=True).sort_values(["wave", "id"], ascending=False)


@st.cache_data(show_spinner=False)
def batches(url: str, fp: str) -> pd.DataFrame:
    with Session(engine(url)) as session:
        rows = session.exec(select(models.ImportBatch).order_by(models.ImportBatch.id.desc())).all()
    return pd.DataFrame(
        [
            {
                "id": b.id, "instrument_id": b.instrument_id, "file_name": b.file_name, "imported_at": b.imported_at,
                "rows": b.rows, "accepted": b.accepted, "rejected": b.rejected, "duplicates": b.duplicates,
                "imported_by": b.imported_by, "synthetic": b.synthetic,
            }
            for (b,) in rows
        ]
    )


@st.cache_data(show_spinner=False, max_entries=64)
def imported_batch(url: str, fp: str, survey_id: str, sha256: str) -> dict[str, Any] | None:
    """The batch that already holds this exact file for this instrument (its SHA-256), if any."""
    with Session(engine(url)) as session:
        found = session.exec(
            select(models.ImportBatch.id, models.ImportBatch.imported_at)
            .where(models.ImportBatch.instrument_id == survey_id, models.ImportBatch.sha256 == sha256)
            .order_by(models.ImportBatch.id)
            .limit(1)
        ).first()
    return None if found is None else {"id": int(found[0]), "imported_at": found[1]}


@st.cache_data(show_spinner=False)
def rejected_rows(url: str, fp: str, batch_id: int) -> pd.DataFrame:
    with Session(engine(url)) as session:
        rows = session.exec(
            select(models.RejectedRow).where(models.RejectedRow.batch_id == batch_id).order_by(models.RejectedRow.row_number)
        ).all()
    return pd.DataFrame(
        [
            {"row_number": r.row_number, "column": r.column, "value": r.value, "code": r.code,
             "message_uk": r.message_uk, "message_en": r.message_en}
            for (r,) in rows
        ]
    )


def clear() -> None:
    """Forget cached data after an import (the fingerprint changes too; this is belt and braces)."""
    fingerprint.clear()
    facts.clear()
    batches.clear()
