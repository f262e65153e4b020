"""The Data page's panel of collection servers: each source, its last sync, counts and errors, and
"sync now" for the people who may import into its oblast (through the guard, logged)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from monitor.dashboard import access, layout, reads
from monitor.errors import Issue
from monitor.i18n import t


def _issue_text(found: dict[str, Any], lang: str) -> str:
    return str(found.get(f"message_{lang}") or found.get("message_en") or found.get("code") or "")


def render(view: Any, fw: Any) -> None:
    from monitor.ingest.sources.registry import list_sources

    lang = view.lang
    engine = reads.engine(view.url)
    sources = list_sources(engine)
    st.subheader(t("sources.panel", lang))
    st.caption(t("sources.panel_help", lang))
    if not sources:
        st.info(t("sources.none", lang))
        return
    rows = []
    for s in sources:
        rows.append({
            t("sources.name", lang): s["name"], t("sources.kind", lang): "KoboToolbox" if s["kind"] == "kobo" else "ODK Central",
            t("sources.survey", lang): s["survey"], t("sources.host", lang): s["host"],
            t("sources.last_sync", lang): s["last_sync_at"].strftime("%Y-%m-%d %H:%M") if s["last_sync_at"]
            else t("sources.never", lang),
            t("sources.last_status", lang): t(f"sources.status.{s['last_status']}", lang) if s["last_status"] else "—",
            t("sources.imported", lang): s["imported"], t("sources.rejected", lang): s["rejected"],
            t("sources.edits_pending", lang): s["edits_pending"],
        })
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="sources_table")
    for s in sources:
        if s["last_status"] in ("failed", "partial") and s["last_issues"]:
            st.warning(layout.plain(f"{s['name']}: " + " ".join(_issue_text(i, lang) for i in s["last_issues"][:3])))
    if access.current_user() is None:
        return  # the open demo never reaches a real server
    mine = [s["name"] for s in sources
            if access.can("import", s["oblast_code"]) and (s["oblast_code"] or access.role() == "admin")]
    if not mine:
        return
    chosen = st.selectbox(t("sources.name", lang), mine, key="sources_pick",
                          placeholder=t("dashboard.choose", lang))
    if st.button(t("sources.sync_now", lang), key="sources_sync"):
        with st.spinner(t("sources.sync_now", lang)):
            report = _sync(engine, fw, chosen)
        reads.clear()
        for found in report.issues:
            (st.error if found.level == "error" else st.warning)(layout.issue_text(found, lang))
        if not report.failed:
            st.success(t("sources.sync_done", lang, name=chosen, imported=report.imported, rejected=report.rejected,
                         edited=report.edited))


def _sync(engine: Any, fw: Any, name: str) -> Any:
    from monitor.auth import guard
    from monitor.dashboard.login import client_ip

    user = access.current_user()
    try:
        return guard.sync_as(engine, fw, user, name, ip=client_ip())
    except Exception as error:  # forbidden: the guard logged it; say so in the page's language
        from monitor.errors import MonitorError
        from monitor.ingest.sources.sync import SyncReport

        report = SyncReport(source=name, survey="")
        report.issues = list(error.issues) if isinstance(error, MonitorError) else [Issue("ingest-internal",
                                                                                           {"detail": type(error).__name__})]
        return report
