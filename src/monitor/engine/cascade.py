"""The access-to-assistance cascade: where survivors drop out between identification and help.

Per oblast and period, two tracks built from three instruments:

- administrative counts (police, status-procedure): identified by the police → referred by the
  police to the local state administration → applied for status → status granted → one-time
  payment made;
- the survivors' own path (survivors questionnaire, oblast level only): applied for status →
  status granted → payment received → received every type of help they needed, as shares of
  respondents.

Survivor steps are suppressed when the respondents or the step's count fall below the survivor
threshold (k = 11), and so is an administrative step whose number of people is 0 < count < k (the
protected set's 'people' rule): such rows keep `suppressed=True`, no value and `n_display='<11'`.
Pure pandas over engine frames; nothing here knows Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from monitor.engine.periods import Granularity, period_keys

if TYPE_CHECKING:  # imported where used at run time: frames reads the store, kept out of import time
    from sqlalchemy.engine import Engine

    from monitor.framework.models import Framework

ADMIN_STEPS: tuple[str, ...] = ("identified", "referred", "applied", "granted", "paid")
SURVIVOR_STEPS: tuple[str, ...] = ("sv_applied", "sv_granted", "sv_paid", "sv_helped")
COLUMNS = [
    "oblast_code", "oblast_name", "oblast_name_en", "period", "source", "step", "step_order",
    "count", "base", "value", "of_previous", "n", "suppressed", "n_display",
]
# Bodies that register status applications; oblast-level bodies often repeat the same figures as a
# total, so they only count where an oblast has no raion-level answer (no double counting).
RAION_BODY = "raion_administration"
POLICE_OBLAST_UNIT = "oblast_directorate"


def _periods(frame: pd.DataFrame, granularity: Granularity) -> pd.Series:
    return period_keys(frame["period_date"], frame["submitted_at"], frame["wave"], granularity)


def _num(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    return pd.to_numeric(frame[column], errors="coerce")


def _prefer(frame: pd.DataFrame, column: str, preferred: str) -> pd.DataFrame:
    """Rows whose `column` is `preferred` where an oblast×period has any, else every row."""
    if frame.empty or column not in frame.columns:
        return frame
    is_pref = frame[column].astype("object") == preferred
    has_pref = is_pref.groupby([frame["oblast_code"], frame["period"]]).transform("any")
    return frame[is_pref | ~has_pref]


def police_counts(police: pd.DataFrame, granularity: Granularity) -> pd.DataFrame:
    """identified and referred per oblast × period (oblast directorate figures win over raion ones)."""
    if police.empty:
        return pd.DataFrame(columns=["oblast_code", "period", "identified", "referred"])
    frame = police.assign(period=_periods(police, granularity)).dropna(subset=["period", "oblast_code"])
    frame = _prefer(frame, "unit_type", POLICE_OBLAST_UNIT)
    out = frame.assign(
        identified=_num(frame, "victims_identified"), referred=_num(frame, "victims_referred_lsa")
    ).groupby(["oblast_code", "period"], as_index=False)[["identified", "referred"]].sum(min_count=1)
    return out


def status_counts(
    bodies: pd.DataFrame, cases: pd.DataFrame | None, granularity: Granularity
) -> pd.DataFrame:
    """applied, granted and paid per oblast × period from the status-procedure bodies.

    A body without the totals (SP-Q05/Q06a) counts its case list instead.
    """
    if bodies.empty:
        return pd.DataFrame(columns=["oblast_code", "period", "applied", "granted", "paid"])
    frame = bodies.assign(period=_periods(bodies, granularity)).dropna(subset=["period", "oblast_code"])
    applied = _num(frame, "applications_total")
    granted = _num(frame, "granted_count")
    if cases is not None and not cases.empty and "parent_id" in cases.columns:
        per_body = cases.groupby("parent_id").agg(
            n_cases=("id", "size"),
            n_granted=("decision", lambda s: int((s.astype("object") == "granted").sum())),
        )
        applied = applied.fillna(frame["id"].map(per_body["n_cases"]))
        granted = granted.fillna(frame["id"].map(per_body["n_granted"]))
    frame = frame.assign(applied=applied, granted=granted, paid=_num(frame, "paid_count"))
    frame = _prefer(frame, "body", RAION_BODY)
    return frame.groupby(["oblast_code", "period"], as_index=False)[["applied", "granted", "paid"]].sum(min_count=1)


def _has_all(needed: pd.Series, received: pd.Series) -> pd.Series:
    """True where every help type needed (space-separated codes) was received; False if none needed."""
    out = []
    for need, got in zip(needed.astype("object"), received.astype("object"), strict=True):
        need_set = set(str(need).split()) if isinstance(need, str) else set()
        got_set = set(str(got).split()) if isinstance(got, str) else set()
        out.append(bool(need_set) and need_set <= got_set)
    return pd.Series(out, index=needed.index, dtype=bool)


def survivor_counts(survivors: pd.DataFrame, granularity: Granularity) -> pd.DataFrame:
    """respondents and the count at each survivor step per oblast × period."""
    cols = ["oblast_code", "period", "respondents", *SURVIVOR_STEPS]
    if survivors.empty:
        return pd.DataFrame(columns=cols)
    frame = survivors.assign(period=_periods(survivors, granularity)).dropna(subset=["period", "oblast_code"])

    def eq(column: str, value: str) -> pd.Series:
        if column not in frame.columns:
            return pd.Series(False, index=frame.index)
        return frame[column].astype("object") == value

    empty = pd.Series(None, index=frame.index, dtype="object")
    flags = pd.DataFrame(
        {
            "oblast_code": frame["oblast_code"],
            "period": frame["period"],
            "respondents": 1,
            "sv_applied": eq("applied_status", "yes"),
            "sv_granted": eq("applied_status", "yes") & eq("status_granted", "yes"),
            "sv_paid": eq("status_granted", "yes") & eq("payment_received", "yes"),
            "sv_helped": _has_all(frame.get("help_needed", empty), frame.get("help_received", empty)),
        }
    )
    return flags.groupby(["oblast_code", "period"], as_index=False)[["respondents", *SURVIVOR_STEPS]].sum()


def build(
    police: pd.DataFrame,
    bodies: pd.DataFrame,
    cases: pd.DataFrame | None,
    survivors: pd.DataFrame,
    oblast_names: pd.DataFrame,
    *,
    granularity: Granularity = "year",
    survivor_min_n: int = 11,
) -> pd.DataFrame:
    """The cascade table (COLUMNS), one row per oblast × period × step.

    `oblast_names` has columns code, name_uk, name_en. Admin rows: value = count. Survivor rows:
    value = count / respondents. of_previous = count / the previous step's count.
    """
    admin = police_counts(police, granularity).merge(
        status_counts(bodies, cases, granularity), on=["oblast_code", "period"], how="outer"
    )
    rows: list[dict[str, object]] = []
    for rec in admin.to_dict("records"):
        previous = None
        for order, step in enumerate(ADMIN_STEPS):
            count = rec.get(step)
            count = None if count is None or pd.isna(count) else float(count)
            # These are numbers of people (identified, referred, applicants, status holders, paid): the
            # protected set hides 0 < count < k as 'people', so the cascade must not show them either;
            # the next step's share of this one would give it back, so that share goes too.
            small = count is not None and 0 < count < survivor_min_n
            shown = None if small else count
            rows.append(
                {
                    "oblast_code": rec["oblast_code"], "period": rec["period"], "source": "admin",
                    "step": step, "step_order": order, "count": shown, "base": previous, "value": shown,
                    "of_previous": (shown / previous) if shown is not None and previous else None,
                    "n": shown, "suppressed": small,
                    "n_display": f"<{survivor_min_n}" if small else ("" if count is None else f"{count:.0f}"),
                }
            )
            previous = shown
    for rec in survivor_counts(survivors, granularity).to_dict("records"):
        respondents = int(rec["respondents"])
        previous = float(respondents)
        for order, step in enumerate(SURVIVOR_STEPS, start=len(ADMIN_STEPS)):
            count = float(rec[step])
            small = respondents < survivor_min_n or 0 < count < survivor_min_n
            rows.append(
                {
                    "oblast_code": rec["oblast_code"], "period": rec["period"], "source": "survivors",
                    "step": step, "step_order": order,
                    "count": None if small else count,
                    "base": None if small else previous,
                    "value": None if small else count / respondents,
                    "of_previous": None if small or not previous else count / previous,
                    "n": respondents if respondents >= survivor_min_n else None,
                    "suppressed": small,
                    "n_display": f"<{survivor_min_n}" if small else str(respondents),
                }
            )
            previous = count
    out = pd.DataFrame(rows, columns=[c for c in COLUMNS if c not in ("oblast_name", "oblast_name_en")])
    names = oblast_names.rename(columns={"code": "oblast_code", "name_uk": "oblast_name", "name_en": "oblast_name_en"})
    out = out.merge(names[["oblast_code", "oblast_name", "oblast_name_en"]], on="oblast_code", how="left")
    out["oblast_name"] = out["oblast_name"].fillna(out["oblast_code"])
    out["oblast_name_en"] = out["oblast_name_en"].fillna(out["oblast_code"])
    for column in ("count", "base", "value", "of_previous", "n"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    out["suppressed"] = out["suppressed"].astype(bool)
    return out[COLUMNS].sort_values(["oblast_code", "period", "step_order"], ignore_index=True)


def compute_cascade(
    engine: Engine,
    framework: Framework,
    *,
    granularity: Granularity = "year",
    loader: Callable[..., pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """The cascade from the store: loads the police, status-procedure (+ cases) and survivors frames."""
    from monitor.engine.frames import load_frame
    from monitor.store.territory import territories

    load = loader or load_frame
    surveys = framework.surveys

    def frame_of(survey_id: str, repeat: str | None = None) -> pd.DataFrame:
        survey = surveys.get(survey_id)
        return pd.DataFrame() if survey is None else load(engine, survey, repeat)

    oblasts = territories(engine, level="oblast")
    return build(
        frame_of("police"),
        frame_of("status-procedure"),
        frame_of("status-procedure", "cases"),
        frame_of("survivors"),
        oblasts[["code", "name_uk", "name_en"]],
        granularity=granularity,
        survivor_min_n=int(framework.settings.survivor_min_n),
    )
