"""What the dashboard, the reports and the CLI show of the loop, computed once here: recommendations
with their body and oblast names, counts by status, what is overdue, the timeline from finding to
outcome, and the request tracker's summary. Pages and report builders only arrange these frames."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitor.errors import MonitorError
from monitor.i18n import t
from monitor.oversight import findings as findings_mod
from monitor.oversight.bodies import bodies
from monitor.oversight.checks import NOWHERE
from monitor.oversight.recommendations import STATUSES, history, recommendations
from monitor.oversight.tracker import STATES, requests
from monitor.store.models import Territory
from monitor.store.oversight import MonitoringRound

KINDS = ("recommendations", "requests", "findings")


def oblast_names(engine: Engine, lang: str) -> dict[str | None, str]:
    with Session(engine) as session:
        rows = session.execute(select(Territory.code, Territory.name_uk, Territory.name_en)
                               .where(Territory.level == "oblast")).all()
    names: dict[str | None, str] = {code: (en if lang == "en" else uk) for code, uk, en in rows}
    names[None] = t("oversight.national", lang)
    return names


def body_names(engine: Engine, lang: str) -> dict[str, str]:
    frame = bodies(engine)
    return dict(zip(frame["id"], frame["name_en" if lang == "en" else "name_uk"], strict=True))


def approved_rounds(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(session.scalars(select(MonitoringRound.id).where(MonitoringRound.state == "approved")))


def recommendations_view(engine: Engine, as_of: date, lang: str, oblasts: Collection[str] | None = None,
                         approved_only: bool = False) -> pd.DataFrame:
    """Recommendations with body and oblast names, the status in `lang`, and the evidence of the newest step."""
    frame = recommendations(engine, as_of, oblasts)
    if approved_only:
        frame = frame[frame["round_id"].isin(approved_rounds(engine))]
    if frame.empty:
        return frame.assign(body=[], oblast=[], status_text=[], evidence=[], text=[])
    names, obl = body_names(engine, lang), oblast_names(engine, lang)
    out = frame.assign(
        body=frame["body_id"].map(names), oblast=[obl.get(c, c) for c in frame["oblast_code"]],
        status_text=frame["status"].map(lambda s: t(f"oversight.status.{s}", lang)),
        text=frame["text_en" if lang == "en" else "text_uk"],
    )
    return out.reset_index(drop=True)


def by_status(view: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Counts per oblast × body × status (every status a column, in the loop's order)."""
    if view.empty:
        return pd.DataFrame()
    table = view.pivot_table(index=["oblast", "body"], columns="status", values="id", aggfunc="count", fill_value=0)
    table = table.reindex(columns=[s for s in STATUSES if s in table.columns])
    table.columns = [t(f"oversight.status.{s}", lang) for s in table.columns]
    return table.reset_index().rename(columns={"oblast": t("oversight.column.oblast", lang),
                                               "body": t("oversight.column.body", lang)})


def timeline(engine: Engine, recommendation_ids: Collection[int], lang: str) -> pd.DataFrame:
    """One row per event from the finding (dated by the end of its round's period) to the latest step."""
    if not recommendation_ids:
        return pd.DataFrame(columns=["recommendation", "event", "date", "evidence"])
    recs = recommendations(engine).set_index("id").loc[sorted(recommendation_ids)]
    with Session(engine) as session:
        ends = dict(session.execute(select(MonitoringRound.id, MonitoringRound.period_end)).all())
    found = findings_mod.findings(engine).set_index("key")
    rows = []
    for _, rec in recs.iterrows():
        for key in rec["findings"]:
            if key in found.index:
                rows.append({"recommendation": rec["key"], "event": t("oversight.event.finding", lang) + f" {key}",
                             "date": ends.get(found.loc[key, "round_id"]), "evidence": ", ".join(found.loc[key, "indicators"])})
    for step in history(engine, list(recommendation_ids)).to_dict("records"):
        rows.append({"recommendation": step["recommendation"], "event": t(f"oversight.status.{step['status']}", lang),
                     "date": step["on_date"], "evidence": step["evidence"]})
    return pd.DataFrame(rows, columns=["recommendation", "event", "date", "evidence"]).sort_values(
        ["recommendation", "date"], kind="stable").reset_index(drop=True)


def requests_view(engine: Engine, as_of: date, lang: str, oblasts: Collection[str] | None = None) -> pd.DataFrame:
    frame = requests(engine, as_of, oblasts)
    if frame.empty:
        return frame.assign(body=[], oblast=[], state_text=[])
    names, obl = body_names(engine, lang), oblast_names(engine, lang)
    return frame.assign(body=frame["body_id"].map(names), oblast=[obl.get(c, c) for c in frame["oblast_code"]],
                        state_text=frame["state"].map(lambda s: t(f"oversight.state.{s}", lang)))


def tracker_summary(view: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Requests per oblast by state, with the share answered on time (R01's reading of the tracker)."""
    if view.empty:
        return pd.DataFrame()
    table = view.pivot_table(index="oblast", columns="state", values="id", aggfunc="count", fill_value=0)
    table = table.reindex(columns=[s for s in STATES if s in table.columns], fill_value=0)
    decided = table.drop(columns=[c for c in ("pending",) if c in table.columns]).sum(axis=1)
    on_time = table["answered-on-time"] if "answered-on-time" in table.columns else 0
    share = (on_time / decided.where(decided > 0)).round(3)
    table.columns = [t(f"oversight.state.{s}", lang) for s in table.columns]
    table[t("oversight.column.on_time_share", lang)] = share
    return table.reset_index().rename(columns={"oblast": t("oversight.column.oblast", lang)})


def listing(engine: Engine, kind: str, as_of: date, lang: str) -> pd.DataFrame:
    """A plain table of one kind for the command line."""
    if kind not in KINDS:
        raise MonitorError(NOWHERE.at("oversight-bad-value", "kind", value=kind, known=", ".join(KINDS)))
    if kind == "recommendations":
        view = recommendations_view(engine, as_of, lang)
        columns = ["key", "round_id", "body_id", "due_date", "status", "status_date", "days_overdue"]
    elif kind == "requests":
        view = requests_view(engine, as_of, lang)
        columns = ["key", "body_id", "date_received", "deadline", "reply_date", "state", "days_overdue"]
    else:
        view = findings_mod.findings(engine)
        columns = ["key", "round_id", "territory_code", "body_id", "indicators"]
    return view[columns] if not view.empty else pd.DataFrame(columns=columns)


def findings_of(engine: Engine, keys: Collection[str]) -> pd.DataFrame:
    """The findings with these keys (in that order)."""
    frame = findings_mod.findings(engine)
    frame = frame[frame["key"].isin(list(keys))]
    return frame.set_index("key").loc[[k for k in keys if k in set(frame["key"])]].reset_index()


def trainings_view(engine: Engine, lang: str, oblasts: Collection[str] | None = None) -> pd.DataFrame:
    """The coalition's trainings, one row per training × body, with oblast, body and body-type names in `lang`."""
    from monitor.oversight.trainings import trainings

    frame = trainings(engine, oblasts)
    if frame.empty:
        return frame.assign(oblast=[], body=[], body_kind_text=[], topic=[])
    names, obl = body_names(engine, lang), oblast_names(engine, lang)
    return frame.assign(
        oblast=[obl.get(c, c) for c in frame["oblast_code"]], body=frame["body_id"].map(names),
        body_kind_text=frame["body_kind"].map(lambda k: t(f"oversight.body_kind.{k}", lang)),
        topic=frame["topic_en" if lang == "en" else "topic_uk"],
    )


def trained_by_kind(view: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Officials trained per year and body type, by sex and in total (the OUT01 breakdown the IPTT shows)."""
    if view.empty:
        return pd.DataFrame()
    frame = view.assign(year=view["on_date"].map(lambda d: d.year))
    table = frame.groupby(["year", "body_kind_text"], as_index=False)[["women", "men", "participants"]].sum()
    return table.rename(columns={
        "year": t("oversight.column.year", lang), "body_kind_text": t("oversight.column.body_kind", lang),
        "women": t("oversight.column.women", lang), "men": t("oversight.column.men", lang),
        "participants": t("oversight.column.participants", lang)})


def stories_view(engine: Engine, lang: str, oblasts: Collection[str] | None = None) -> pd.DataFrame:
    """Case stories with the oblast name, the state in `lang` and the title and text in `lang`."""
    from monitor.oversight.stories import stories

    frame = stories(engine, oblasts)
    if frame.empty:
        return frame.assign(oblast=[], state_text=[], title=[], text=[])
    obl = oblast_names(engine, lang)
    return frame.assign(
        oblast=[obl.get(c, c) for c in frame["oblast_code"]],
        state_text=frame["state"].map(lambda s: t(f"oversight.story_state.{s}", lang)),
        title=frame["title_en" if lang == "en" else "title_uk"], text=frame["text_en" if lang == "en" else "text_uk"],
    )
