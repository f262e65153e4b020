"""What the donor reports and the open data carry of the loop: recommendations of approved rounds only
(a public report says so), grouped by the authority they are addressed to, with their status and
evidence as they stood at the end of the reporting period; and the request tracker's summary.

No personal data: bodies, dates, statuses and the coalition's own texts only (`created_by` and
`recorded_by` are never passed on).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import pandas as pd
from sqlalchemy.engine import Engine

from monitor.oversight import summary

OPEN_COLUMNS = ("key", "round", "oblast_code", "body_id", "authority", "findings", "text_uk", "text_en",
                "date_sent", "due_date", "status", "status_date", "overdue", "evidence")


def period_end(period: str | None) -> date:
    """The last day of a reporting period ('2022', '2022-H1', '2022-Q3'); today when none is given."""
    if not period:
        return date.today()
    year = int(str(period)[:4])
    rest = str(period)[4:].lstrip("-").upper()
    month = {"H1": 6, "H2": 12, "Q1": 3, "Q2": 6, "Q3": 9, "Q4": 12}.get(rest, 12)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def recommendation_rows(engine: Engine, audience: str = "public", lang: str = "uk", period: str | None = None,
                        oblasts: Collection[str] | None = None) -> pd.DataFrame:
    """Rows for the report's recommendations table, sorted by authority (the table groups by it)."""
    view = summary.recommendations_view(engine, period_end(period), lang, oblasts,
                                        approved_only=audience == "public")
    if view.empty:
        return pd.DataFrame(columns=["authority", "code", "text", "status", "status_label", "overdue", "evidence",
                                     "evidence_url", "due_date", "oblast_code", "key", "round", "findings",
                                     "date_sent", "status_date", "body_id", "text_uk", "text_en"])
    out = pd.DataFrame({
        "authority": view["body"], "code": view["key"], "text": view["text"], "status": view["status"],
        "status_label": view["status_text"], "overdue": view["overdue"], "evidence": view["evidence"],
        "evidence_url": "", "due_date": view["due_date"], "oblast_code": view["oblast_code"], "key": view["key"],
        "round": view["round_id"], "findings": view["findings"].map("; ".join), "date_sent": view["date_sent"],
        "status_date": view["status_date"], "body_id": view["body_id"], "text_uk": view["text_uk"],
        "text_en": view["text_en"],
    })
    return out.sort_values(["authority", "code"], kind="stable").reset_index(drop=True)


def open_table(engine: Engine, period: str | None, oblasts: Collection[str] | None) -> pd.DataFrame:
    """The open-data recommendations table (both languages, approved rounds, no personal data)."""
    rows = recommendation_rows(engine, "public", "en", period, oblasts)
    return rows[list(OPEN_COLUMNS)].reset_index(drop=True)


def tracker_table(engine: Engine, lang: str, period: str | None, oblasts: Collection[str] | None) -> pd.DataFrame:
    """Requests per oblast by state on the last day of the period, with the share answered on time."""
    view = summary.requests_view(engine, period_end(period), lang, oblasts)
    if not view.empty and period:
        view = view[view["date_received"] <= period_end(period)]
    return summary.tracker_summary(view, lang)
