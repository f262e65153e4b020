"""Oversight: recommendations to bodies by status, what is overdue, the timeline from finding to
outcome (each finding linked to its indicator in the explorer), overdue requests, and the form where
coordinators record steps in their own oblasts. The frames come from monitor.oversight.summary; every
write goes through the guard (monitor.auth.oversight)."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from monitor.dashboard import access, layout, reads
from monitor.dashboard.pages.common import View, current
from monitor.dashboard.pages.oversight_outputs import body_box, body_labels, outputs_tab
from monitor.dashboard.pages.oversight_outputs import save as _save
from monitor.errors import MonitorError
from monitor.i18n import label, t
from monitor.oversight import summary
from monitor.oversight.bodies import bodies as reference_bodies
from monitor.oversight.recommendations import STATUSES

EXPLORER_PATH = "indicator"  # pages.PAGES: the explorer's url path; its state keys are in state.KEYS


def indicator_link(indicator: str, oblast: str | None, lang: str) -> str:
    """The explorer's URL for an indicator in an oblast, as a shared link of the explorer looks."""
    params = {"indicator": indicator}
    if oblast:
        params["oblast"] = oblast
    if lang != "uk":
        params["lang"] = lang
    return f"/{EXPLORER_PATH}?{urlencode(params)}"


def _scope(view: View) -> list[str] | None:
    return [view.oblast] if view.oblast else None


def recommendations_tab(view: View, recs: pd.DataFrame) -> None:
    lang = view.lang
    if recs.empty:
        st.info(t("oversight.page.no_recommendations", lang))
        return
    st.markdown(f"**{t('oversight.page.by_status', lang)}**")
    st.dataframe(summary.by_status(recs, lang), hide_index=True, key="ov_by_status")
    overdue = recs[recs["overdue"]]
    st.markdown(f"**{t('oversight.page.overdue_recommendations', lang, count=len(overdue))}**")
    if not overdue.empty:
        st.dataframe(_rec_table(overdue, lang, days=True), hide_index=True, key="ov_overdue")
    st.markdown(f"**{t('oversight.page.all_recommendations', lang)}**")
    st.dataframe(_rec_table(recs, lang), hide_index=True, key="ov_recommendations")


def _rec_table(frame: pd.DataFrame, lang: str, days: bool = False) -> pd.DataFrame:
    columns = {
        t("oversight.column.key", lang): frame["key"],
        t("oversight.column.oblast", lang): frame["oblast"],
        t("oversight.column.body", lang): frame["body"],
        t("oversight.column.text", lang): frame["text"],
        t("oversight.column.date_sent", lang): frame["date_sent"].astype(str),
        t("oversight.column.due_date", lang): frame["due_date"].astype(str),
        t("oversight.column.status", lang): frame["status_text"],
        t("oversight.column.status_date", lang): frame["status_date"].astype(str),
        t("oversight.column.evidence", lang): frame["evidence"],
    }
    if days:
        columns[t("oversight.column.days_overdue", lang)] = frame["days_overdue"].astype(int)
    return pd.DataFrame(columns)


def timeline_tab(view: View, engine: Any, recs: pd.DataFrame, fw: Any) -> None:
    lang = view.lang
    if recs.empty:
        st.info(t("oversight.page.no_recommendations", lang))
        return
    titles = dict(zip(recs["key"], recs["key"] + " · " + recs["text"].str.slice(0, 80), strict=True))
    chosen = st.selectbox(t("oversight.column.recommendation", lang), list(titles), format_func=titles.get,
                          key="ov_timeline_rec", placeholder=t("dashboard.choose", lang))
    row = recs[recs["key"] == chosen].iloc[0]
    events = summary.timeline(engine, [int(row["id"])], lang)
    st.dataframe(pd.DataFrame({
        t("oversight.column.date", lang): events["date"].astype(str),
        t("oversight.page.event", lang): events["event"],
        t("oversight.column.evidence", lang): events["evidence"],
    }), hide_index=True, key="ov_timeline")
    found = summary.findings_of(engine, row["findings"])
    st.markdown(f"**{t('oversight.page.evidence_links', lang)}**")
    for item in found.to_dict("records"):
        text = item["text_en"] if lang == "en" else item["text_uk"]
        links = ", ".join(
            f"[{layout.plain(ind)} · {layout.plain(label(fw.indicators[ind].title, lang)) if ind in fw.indicators else ''}]"
            f"({indicator_link(ind, item['oblast_code'], lang)})"
            for ind in item["indicators"]
        )
        st.markdown(f"- **{layout.plain(item['key'])}**: {layout.plain(text)}  \n  {links or '—'}")


def requests_tab(view: View, engine: Any, as_of: date) -> None:
    lang = view.lang
    reqs = summary.requests_view(engine, as_of, lang, _scope(view))
    if reqs.empty:
        st.info(t("oversight.page.no_requests", lang))
        return
    st.dataframe(summary.tracker_summary(reqs, lang), hide_index=True, key="ov_tracker")
    late = reqs[reqs["days_overdue"] > 0].sort_values("days_overdue", ascending=False)
    st.markdown(f"**{t('oversight.page.overdue_requests', lang, count=len(late))}**")
    if not late.empty:
        st.dataframe(pd.DataFrame({
            t("oversight.column.key", lang): late["key"],
            t("oversight.column.oblast", lang): late["oblast"],
            t("oversight.column.body", lang): late["body"],
            t("oversight.column.subject", lang): late["subject"],
            t("oversight.column.date_received", lang): late["date_received"].astype(str),
            t("oversight.column.deadline", lang): late["deadline"].astype(str),
            t("oversight.column.state", lang): late["state_text"],
            t("oversight.column.days_overdue", lang): late["days_overdue"].astype(int),
        }), hide_index=True, key="ov_overdue_requests")


def form_tab(view: View, engine: Any, recs: pd.DataFrame, user: Any, fw: Any, labels: dict[str, str]) -> None:
    """Record a status step, a recommendation or a finding; the guard decides, the page only offers."""
    from monitor.auth import oversight as door

    lang = view.lang
    mine = door.editable_oblasts(user)
    shown = recs if mine is None else recs[recs["oblast_code"].isin(mine)]
    st.caption(t("oversight.page.form_caption", lang))
    with st.form("ov_status_form", clear_on_submit=False):
        st.markdown(f"**{t('oversight.page.form_status', lang)}**")
        keys = list(shown["key"])
        rec = st.selectbox(t("oversight.column.recommendation", lang), keys, key="ov_f_rec",
                           placeholder=t("dashboard.choose", lang))
        status = st.selectbox(t("oversight.column.status", lang), list(STATUSES), key="ov_f_status",
                              format_func=lambda s: t(f"oversight.status.{s}", lang))
        on = st.date_input(t("oversight.column.date", lang), key="ov_f_date", format="DD.MM.YYYY")
        evidence = st.text_area(t("oversight.column.evidence", lang), key="ov_f_evidence", max_chars=2000)
        if st.form_submit_button(t("oversight.page.save", lang)) and rec:
            step = {"recommendation": rec, "status": status, "date": on, "evidence": evidence}
            _save(lambda: door.set_status_as(engine, user, step), rec, lang)
    with st.form("ov_finding_form"):
        st.markdown(f"**{t('oversight.page.form_finding', lang)}**")
        raw = {
            "key": st.text_input(t("oversight.column.key", lang), key="ov_fi_key", max_chars=64),
            "round": st.text_input(t("oversight.column.round", lang), key="ov_fi_round", max_chars=32),
            "territory": st.text_input(t("oversight.column.territory", lang), key="ov_fi_territory", max_chars=19),
            "body": body_box(st, lang, labels, "ov_fi_body"),
            "indicators": st.text_input(t("oversight.column.indicators", lang), key="ov_fi_indicators"),
            "text_uk": st.text_area(t("oversight.column.text_uk", lang), key="ov_fi_text_uk", max_chars=4000),
            "text_en": st.text_area(t("oversight.column.text_en", lang), key="ov_fi_text_en", max_chars=4000),
        }
        if st.form_submit_button(t("oversight.page.save", lang)):
            finding = raw
            _save(lambda: door.add_finding_as(engine, user, finding, set(fw.indicators)), raw["key"], lang)
    with st.form("ov_recommendation_form"):
        st.markdown(f"**{t('oversight.page.form_recommendation', lang)}**")
        raw = {
            "key": st.text_input(t("oversight.column.key", lang), key="ov_re_key", max_chars=64),
            "round": st.text_input(t("oversight.column.round", lang), key="ov_re_round", max_chars=32),
            "body": body_box(st, lang, labels, "ov_re_body"),
            "findings": st.text_input(t("oversight.column.findings", lang), key="ov_re_findings"),
            "text_uk": st.text_area(t("oversight.column.text_uk", lang), key="ov_re_text_uk", max_chars=4000),
            "text_en": st.text_area(t("oversight.column.text_en", lang), key="ov_re_text_en", max_chars=4000),
            "date_sent": st.date_input(t("oversight.column.date_sent", lang), key="ov_re_sent", format="DD.MM.YYYY"),
            "due_date": st.date_input(t("oversight.column.due_date", lang), key="ov_re_due", format="DD.MM.YYYY"),
        }
        if st.form_submit_button(t("oversight.page.save", lang)):
            recommendation = raw
            _save(lambda: door.add_recommendation_as(engine, user, recommendation), raw["key"], lang)


def request_form(view: View, engine: Any, user: Any, labels: dict[str, str]) -> None:
    """Record a public-information request (the tracker computes its deadline and state)."""
    from monitor.auth import oversight as door
    from monitor.oversight.tracker import CHANNELS, OUTCOMES

    lang = view.lang
    with st.form("ov_request_form"):
        st.markdown(f"**{t('oversight.page.form_request', lang)}**")
        replied = st.checkbox(t("oversight.page.replied", lang), key="ov_rq_replied")
        extended = st.checkbox(t("oversight.page.extended", lang), key="ov_rq_extended")
        urgent = st.checkbox(t("oversight.page.urgent", lang), key="ov_rq_urgent",
                             help=t("oversight.page.urgent_help", lang))
        raw: dict[str, Any] = {
            "key": st.text_input(t("oversight.column.key", lang), key="ov_rq_key", max_chars=64),
            "round": st.text_input(t("oversight.column.round", lang), key="ov_rq_round", max_chars=32),
            "body": body_box(st, lang, labels, "ov_rq_body"),
            "subject": st.text_input(t("oversight.column.subject", lang), key="ov_rq_subject", max_chars=500),
            "channel": st.selectbox(t("oversight.column.channel", lang), list(CHANNELS), key="ov_rq_channel",
                                    format_func=lambda c: t(f"oversight.channel.{c}", lang)),
            "date_sent": st.date_input(t("oversight.column.date_sent", lang), key="ov_rq_sent", format="DD.MM.YYYY"),
            "date_received": st.date_input(t("oversight.column.date_received", lang), key="ov_rq_received",
                                           format="DD.MM.YYYY"),
            "extension_date": st.date_input(t("oversight.column.extension_date", lang), key="ov_rq_extension",
                                            format="DD.MM.YYYY"),
            "reply_date": st.date_input(t("oversight.column.reply_date", lang), key="ov_rq_reply", format="DD.MM.YYYY"),
            "outcome": st.selectbox(t("oversight.column.outcome", lang), list(OUTCOMES), key="ov_rq_outcome",
                                    format_func=lambda o: t(f"oversight.outcome.{o}", lang)),
            "refusal_ground": st.text_input(t("oversight.column.refusal_ground", lang), key="ov_rq_ground"),
        }
        if st.form_submit_button(t("oversight.page.save", lang)):
            # Dates and an outcome count only when the boxes say so: a form always has some date in a field.
            if not replied:
                raw.update(reply_date="", outcome="", refusal_ground="")
            if not extended:
                raw["extension_date"] = ""
            raw["urgent"] = urgent
            request = raw
            _save(lambda: door.add_request_as(engine, user, request), raw["key"], lang)


def sheet_tab(view: View, engine: Any, user: Any, fw: Any) -> None:
    """Upload a loop spreadsheet (the hardened upload path), see every problem, then import all or nothing;
    and the export, which imports back."""
    from monitor.auth import oversight as door
    from monitor.auth import uploads
    from monitor.dashboard.login import client_ip
    from monitor.oversight.sheets import export_bytes

    lang = view.lang
    st.caption(t("oversight.page.sheet_caption", lang))
    upload = st.file_uploader(t("oversight.page.sheet_upload", lang), type=["xlsx", "csv"], key="ov_sheet")
    if upload is not None:
        if "ov_folder" not in st.session_state:
            st.session_state["ov_folder"] = str(uploads.private_folder())
        try:
            path = uploads.receive_upload(engine, user, st.session_state["ov_folder"], upload.name,
                                          upload.getvalue(), ip=client_ip())
            if st.button(t("oversight.page.sheet_import", lang), key="ov_sheet_go"):
                report = door.import_sheets_as(engine, user, path, set(fw.indicators), ip=client_ip())
                if report.status == "refused":
                    st.error(t("oversight.page.sheet_refused", lang))
                    shown = report.rows()
                    st.dataframe(pd.DataFrame({
                        t("oversight.page.row", lang): shown["row"],
                        t("oversight.page.column", lang): shown["column"],
                        t("oversight.page.problem", lang): shown["message_en" if lang == "en" else "message_uk"],
                    }), hide_index=True, key="ov_sheet_problems")
                else:
                    st.success(t("oversight.page.sheet_done", lang, added=sum(report.added.values()),
                                 unchanged=sum(report.unchanged.values())))
        except MonitorError as error:
            for problem in error.issues:
                st.error(layout.issue_text(problem, lang))
    st.download_button(t("oversight.page.sheet_export", lang), export_bytes(engine, lang), file_name="oversight.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="ov_export", icon=":material/download:", on_click="ignore")


def render() -> None:
    view = current()
    lang = view.lang
    layout.page_header(t("oversight.page.title", lang), t("oversight.page.caption", lang))
    engine = reads.engine(view.url)
    fw = reads.framework(reads.framework_root())
    as_of = st.date_input(t("oversight.page.as_of", lang), value=date.today(), key="ov_as_of", format="DD.MM.YYYY")
    recs = summary.recommendations_view(engine, as_of, lang, _scope(view))
    bodies = sorted(set(recs["body"])) if not recs.empty else []
    body = st.selectbox(t("oversight.column.body", lang), ["", *bodies], key="ov_body",
                        format_func=lambda b: b or t("oversight.page.all_bodies", lang))
    if body:
        recs = recs[recs["body"] == body]
    user = access.current_user()
    from monitor.auth import oversight as door

    editable = door.editable_oblasts(user) if user is not None else frozenset()
    names = ["recommendations", "timeline", "requests", "outputs"] + (["form"] if editable is None or editable else [])
    tabs = st.tabs([t(f"oversight.page.tab.{n}", lang) for n in names])
    with tabs[0]:
        recommendations_tab(view, recs)
    with tabs[1]:
        timeline_tab(view, engine, recs, fw)
    with tabs[2]:
        requests_tab(view, engine, as_of)
    with tabs[3]:
        outputs_tab(view, engine, user, editable)
    if "form" in names:
        with tabs[4]:
            # The bodies the forms may name: the user's oblasts, read once for the three forms.
            labels = body_labels(reference_bodies(engine), lang, editable)
            form_tab(view, engine, summary.recommendations_view(engine, as_of, lang), user, fw, labels)
            request_form(view, engine, user, labels)
            st.divider()
            sheet_tab(view, engine, user, fw)


if __name__ == "__main__":
    render()
