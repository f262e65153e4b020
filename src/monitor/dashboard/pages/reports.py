"""Reports page: choose period, oblasts, language and format, build the donor report, download it.

The report is the same `monitor.reports.build_report` the CLI runs, built into a temporary file and
offered with st.download_button; it is always the public view (the privacy gate is inside
build_report), whatever the signed-in role. Every build is written to the audit log.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import streamlit as st

from monitor.dashboard import access, layout, reads, state
from monitor.i18n import t

MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
    "opendata": "application/zip",
    "iati": "application/xml",
}
SUFFIX = {"pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx", "html": ".html", "opendata": ".zip", "iati": ".xml"}


def _build(url: str, root: str | None, fmt: str, lang: str, period: str | None, oblasts: list[str],
           activity: Any = None, progress: Any = None) -> tuple[bytes, str]:
    from monitor.reports import build_report

    with tempfile.TemporaryDirectory(prefix="monitor-report-") as tmp:
        name = f"report-{lang}-{period or 'latest'}{SUFFIX[fmt]}"
        path = build_report(reads.engine(url), reads.framework(root), fmt=fmt, lang=lang, period=period,
                            oblasts=oblasts or None, out=Path(tmp) / name, activity=activity, progress=progress)
        return path.read_bytes(), name


def _audit(url: str, detail: dict[str, Any]) -> None:
    try:
        from monitor.auth.audit import record

        user = access.current_user()
        record(reads.engine(url), getattr(user, "username", None) if user else "demo", "export-report",
               target=detail.get("format"), detail=detail)
    except Exception:
        return


def render() -> None:
    """The Reports page (the dashboard's app.py puts it in the navigation)."""
    lang = state.lang()
    st.header(t("reports.page.title", lang))
    st.caption(t("reports.page.caption", lang))
    if not access.can("export-report"):
        st.warning(t("reports.page.not_allowed", lang))
        return
    url, fp = reads.context()
    periods = reads.periods(url, fp, "year", "public")
    if not periods:
        st.info(t("reports.page.no_data", lang))
        return
    form(url, fp, periods, lang)


@st.fragment
def form(url: str, fp: str, periods: list[str], lang: str) -> None:
    """The report form, a fragment: choosing options or building reruns the form, not the page."""
    from monitor.reports import FORMATS

    oblasts = reads.territories(url, fp)
    oblasts = oblasts[oblasts["level"] == "oblast"]
    names = dict(zip(oblasts["code"], oblasts["name_en" if lang == "en" else "name_uk"], strict=False))
    left, right = st.columns(2)
    with left:
        period = st.selectbox(t("reports.page.period", lang), list(reversed(periods)), key="report_period",
                              placeholder=t("dashboard.choose", lang))
        chosen = st.multiselect(t("reports.page.oblasts", lang), list(names), format_func=lambda c: names.get(c, c),
                                key="report_oblasts", placeholder=t("reports.page.all_oblasts", lang))
    with right:
        report_lang = st.radio(t("reports.page.language", lang), ["uk", "en"], horizontal=True,
                               format_func=lambda code: {"uk": "Українська", "en": "English"}[code],
                               index=0 if lang == "uk" else 1, key="report_lang")
        fmt = st.radio(t("reports.page.format", lang), list(FORMATS), horizontal=True,
                       format_func=lambda f: t(f"reports.page.format.{f}", lang), key="report_format")
    activity = None
    if fmt == "iati":
        from monitor.reports import Activity

        ident = st.text_input(t("reports.page.iati_activity", lang), key="report_iati_activity")
        org = st.text_input(t("reports.page.iati_org", lang), key="report_iati_org")
        activity = Activity(ident.strip(), org.strip()) if ident.strip() and org.strip() else None
    if st.button(t("reports.page.build", lang), type="primary", key="report_build"):
        with st.status(t("reports.page.building", lang), expanded=False) as status:
            bar = st.progress(0.0)

            def progress(stage: str, share: float) -> None:
                bar.progress(share, text=t(f"reports.stage.{stage}", lang))
                status.update(label=t(f"reports.stage.{stage}", lang))

            try:
                content, name = _build(url, reads.framework_root(), fmt, report_lang, period, chosen, activity,
                                       progress)
                status.update(label=t("reports.stage.done", lang), state="complete")
            except Exception as error:
                from monitor.errors import MonitorError

                if isinstance(error, MonitorError):
                    for problem in error.issues:
                        st.error(layout.issue_text(problem, lang))
                    return
                raise
        _audit(url, {"format": fmt, "lang": report_lang, "period": period, "oblasts": chosen})
        st.session_state["report_file"] = (content, name, fmt)
    from monitor.dashboard.report_texts import render_editor

    built = st.session_state.get("report_file")
    if built:
        content, name, built_fmt = built
        st.download_button(t("reports.page.download", lang, name=name), data=content, file_name=name,
                           mime=MIME[built_fmt], key="report_download")
    render_editor(url, fp, period, lang)


if __name__ == "__main__":
    render()
