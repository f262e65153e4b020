"""Data: coverage, import history with rejected rows, the import form, and the framework browser."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from monitor.auth import uploads
from monitor.charts import figures
from monitor.dashboard import access, layout, reads, rules, sources_panel
from monitor.dashboard.pages.common import View, coverage_in_view, current
from monitor.errors import MonitorError, render_issue
from monitor.i18n import label, t


def coverage_tab(view: View, fw: Any) -> None:
    lang = view.lang
    st.caption(t("dashboard.data.coverage_caption", lang))
    cov = reads.coverage(view.url, view.fp)
    if cov.empty:
        st.info(t("dashboard.no_data", lang))
        return
    oblast_rows, wave = coverage_in_view(cov[cov["level"] == "oblast"], view)
    if not wave:
        st.info(t("dashboard.no_data", lang))
        return
    st.markdown(f"**{t('dashboard.overview.coverage_wave', lang, wave=wave)}**")
    if view.oblast:
        oblast_rows = oblast_rows[oblast_rows["territory_code"] == view.oblast]
    titles = {s.id: label(s.title, lang) for s in fw.surveys.values()}
    layout.chart(figures.coverage_bar(oblast_rows, lang, titles), key="coverage")
    table, _ = coverage_in_view(cov[cov["level"].isin(["oblast", "all"])], view)
    if view.oblast:
        table = table[table["territory_code"].isin([view.oblast])]
    st.dataframe(
        pd.DataFrame(
            {
                t("dashboard.col.instrument", lang): table["survey"].map(titles),
                t("dashboard.col.territory", lang): [layout.territory_name(r, lang) for r in table.to_dict("records")],
                t("dashboard.col.wave", lang): table["wave"].astype(str),
                t("dashboard.col.expected", lang): table["expected"].astype(int),
                t("dashboard.col.received", lang): table["received"].astype(int),
                t("dashboard.col.share", lang): [figures.format_value(v, "percent", lang) for v in table["share"]],
            }
        ),
        hide_index=True,
        key="coverage_table",
    )


def history_tab(view: View, fw: Any) -> None:
    lang = view.lang
    batches = reads.batches(view.url, view.fp)
    if batches.empty:
        st.info(t("dashboard.data.no_batches", lang))
        return
    titles = {s.id: label(s.title, lang) for s in fw.surveys.values()}
    table = pd.DataFrame(
        {
            "#": batches["id"],
            t("dashboard.col.when", lang): [layout.format_when(w, lang) for w in batches["imported_at"]],
            t("dashboard.col.instrument", lang): batches["instrument_id"].map(lambda s: titles.get(s, s)),
            t("dashboard.col.file", lang): batches["file_name"],
            t("dashboard.col.rows", lang): batches["rows"],
            t("dashboard.col.accepted", lang): batches["accepted"],
            t("dashboard.col.rejected", lang): batches["rejected"],
            t("dashboard.col.duplicates", lang): batches["duplicates"],
            t("dashboard.col.by", lang): batches["imported_by"],
        }
    )
    if not (access.can("import") or access.can("view-rejected-rows")):
        # Viewers and anonymous visitors see that data arrived, not file names or who brought it.
        table = table.drop(columns=[t("dashboard.col.file", lang), t("dashboard.col.by", lang)])
    st.dataframe(table, hide_index=True, key="batches")
    if not access.can("view-rejected-rows"):
        return
    user = access.current_user()
    engine = reads.engine(view.url)
    with_rejects = batches[batches["rejected"] > 0]
    if user is not None:
        # Signed in: only the batches the guard lets this person see (their own imports or oblasts).
        from monitor.auth import guard

        with_rejects = with_rejects[[guard.may_see_batch(engine, user, int(b)) for b in with_rejects["id"]]]
    if with_rejects.empty:
        st.caption(t("dashboard.data.no_rejected", lang))
        return
    st.markdown(f"**{t('dashboard.data.rejected_rows', lang)}**")
    options = list(with_rejects["id"])
    names = {r["id"]: f"#{r['id']} · {r['file_name']} ({r['rejected']})" for r in with_rejects.to_dict("records")}
    batch_id = st.selectbox(t("dashboard.data.pick_batch", lang), options, format_func=names.get, key="batch_pick",
                            placeholder=t("dashboard.choose", lang))
    if user is None:  # the open demo: every batch is synthetic
        rows = reads.rejected_rows(view.url, view.fp, int(batch_id))
    else:
        from monitor.auth import guard
        from monitor.dashboard.login import client_ip

        rows = guard.rejected_rows(engine, user, int(batch_id), ip=client_ip())
    instrument = with_rejects.loc[with_rejects["id"] == batch_id, "instrument_id"]
    survey = fw.surveys.get(str(instrument.iloc[0])) if not instrument.empty else None
    st.dataframe(rejected_frame(rows, lang, survey), hide_index=True, key="rejected")


def rejected_frame(rows: pd.DataFrame, lang: str, survey: Any = None) -> pd.DataFrame:
    if rows.empty:
        return rows
    return pd.DataFrame(
        {
            t("dashboard.col.row", lang): rows["row_number"] if "row_number" in rows else rows.get("row"),
            t("dashboard.col.column", lang): rows["column"],
            t("dashboard.col.answer", lang): rows["value"],
            t("dashboard.col.message", lang): [readable(str(m), survey, lang) for m in rows[f"message_{lang}"]],
            t("dashboard.col.code", lang): rows["code"],
        }
    )


@st.fragment
def import_tab(view: View, fw: Any) -> None:
    """Upload → dry run listing every problem → confirm, with the steps shown as they run. Nothing is
    written before confirm. A fragment: choosing a file or checking it reruns this form, not the page."""
    lang = view.lang
    if not access.can_import():
        st.info(t("dashboard.data.not_allowed", lang))
        return
    done = st.session_state.pop("imp_done", None)
    if done:
        st.success(done)
    surveys = {s.id: label(s.title, lang) for s in fw.surveys.values()}
    survey_id = st.selectbox(t("dashboard.data.survey", lang), list(surveys), format_func=surveys.get, key="imp_survey",
                             placeholder=t("dashboard.choose", lang))
    upload = st.file_uploader(t("dashboard.data.upload", lang), type=[s.lstrip(".") for s in uploads.ALLOWED],
                              key="imp_file")
    if upload is None:
        return
    engine = reads.engine(view.url)
    earlier = reads.imported_batch(view.url, view.fp, survey_id, hashlib.sha256(upload.getvalue()).hexdigest())
    if earlier is not None:
        # The same file (byte for byte) was imported for this instrument: say so, offer nothing to press.
        st.info(t("dashboard.data.already_imported", lang, batch=earlier["id"],
                  when=layout.format_when(earlier["imported_at"], lang)))
        return
    # Through the hardened path only (size, type by content, safe name, private per-session folder, no
    # planted link followed); a signed-in person's upload is also authorised and audited.
    if "imp_folder" not in st.session_state:
        st.session_state["imp_folder"] = str(uploads.private_folder())
    user = access.current_user()
    try:
        if user is None:
            path = uploads.store_upload(st.session_state["imp_folder"], upload.name, upload.getvalue())
        else:
            from monitor.dashboard.login import client_ip

            path = uploads.receive_upload(engine, user, st.session_state["imp_folder"], upload.name,
                                          upload.getvalue(), ip=client_ip())
    except MonitorError as error:
        for problem in error.issues:
            st.error(layout.issue_text(problem, lang))
        return
    run = importer(view.url)
    survey = fw.surveys[survey_id]
    if st.button(t("dashboard.data.check", lang), key="imp_check"):
        with st.status(t("dashboard.data.checking", lang), expanded=False) as status:
            report = run(survey_id, path, dry_run=True)
            status.update(label=t("dashboard.data.checked", lang), state="complete")
        st.session_state["imp_preview"] = (upload.name, survey_id, report)
    preview = st.session_state.get("imp_preview")
    if not preview or preview[0] != upload.name or preview[1] != survey_id:
        return
    report = preview[2]
    show_report(report, survey, lang)
    if report.status == "already-imported":
        return  # the message above says which batch holds it; nothing to import again
    if report.refused:
        st.error(t("dashboard.data.refused", lang))
        return
    if st.button(t("dashboard.data.confirm", lang), type="primary", key="imp_confirm"):
        with st.status(t("dashboard.data.importing", lang), expanded=True) as status:
            st.write(t("dashboard.data.step_write", lang, rows=report.rows))
            final = run(survey_id, path)
            path.unlink(missing_ok=True)  # the upload is not kept once imported (the database holds the answers)
            st.session_state.pop("imp_preview", None)
            reads.clear()
            if final.accepted:
                # The protected set is built now, once, so no viewer's page or report waits for it later.
                from monitor.privacy import protected_set

                st.write(t("dashboard.data.protecting", lang))
                protected_set(engine, fw)
            status.update(label=t("dashboard.data.done", lang, accepted=final.accepted, rejected=final.rejected),
                          state="complete")
        if final.rejected_rows:
            out = final.write_rejected_csv(path.parent / f"rejected-{path.stem}.csv")
            content = out.read_bytes()
            out.unlink(missing_ok=True)  # served from memory; nothing of the rows stays on disk
            st.download_button(
                t("dashboard.data.download_rejected", lang), content, file_name=out.name, mime="text/csv"
            )
        else:
            # The whole page (history, coverage, the other pages' figures) shows the new data.
            st.session_state["imp_done"] = t("dashboard.data.done", lang, accepted=final.accepted,
                                             rejected=final.rejected)
            st.rerun(scope="app")


def importer(url: str) -> Any:
    """The import (and its dry run) behind monitor.auth.guard (scoped, audited), in a memory-limited
    worker process (monitor.auth.import_worker) so a hostile file cannot take the server down."""
    from monitor.auth.import_worker import import_in_worker
    from monitor.dashboard.login import client_ip

    user = access.current_user()
    user_id = None if user is None else int(user.id)

    def run(survey_id: str, path: Path, **options: Any) -> Any:
        options.pop("progress", None)  # a callback cannot cross into the worker; the bar shows start and end
        return import_in_worker(url, reads.framework_root(), user_id, survey_id, path, ip=client_ip(), **options)

    return run


def show_report(report: Any, survey: Any, lang: str) -> None:
    """The dry run as a coordinator reads it: counts that add up to the rows read, then every problem
    naming the question by its label."""
    counted = report.accepted + report.rejected + report.duplicates + report.consent_refused
    st.info(
        t(
            "dashboard.data.preview", lang, rows=report.rows, accepted=report.accepted, rejected=report.rejected,
            duplicates=report.duplicates, refused=report.consent_refused,
        )
        + (t("dashboard.data.preview_other", lang, other=report.rows - counted) if counted != report.rows else "")
    )
    if report.dropped_columns:
        st.caption(t("dashboard.data.dropped", lang, columns=", ".join(report.dropped_columns)))
    issues = list(report.issues)
    if not issues and not report.rejected_rows:
        st.success(t("dashboard.data.no_problems", lang))
        return
    st.markdown(f"**{t('dashboard.data.problems', lang, count=len(issues) + len(report.rejected_rows))}**")
    if issues:
        st.dataframe(
            pd.DataFrame({t("dashboard.col.message", lang): [readable(render_issue(i, lang), survey, lang) for i in issues]}),
            hide_index=True,
            key="imp_issues",
        )
    if report.rejected_rows:
        st.dataframe(rejected_frame(pd.DataFrame(report.rejected_rows), lang, survey), hide_index=True,
                     key="imp_rejected")


def readable(message: str, survey: Any, lang: str) -> str:
    """A message about a question, naming it by its label ('«Кількість звернень»', not 'HS-Q04' or
    'n_requests') and a rule without a message by what it asks ('не менше 0', not '. >= 0')."""
    if survey is None:
        return message
    for q in survey.all_questions():
        name = f"«{label(q.label, lang)}»"
        for token in (f"'{q.name}'", f"«{q.name}»", f"'{q.code}'" if q.code else None):
            if token:
                message = message.replace(token, name)
        if q.constraint and not q.constraint_message:
            message = message.replace(q.constraint, rules.describe(q.constraint, lang))
    return message


def framework_tab(view: View, fw: Any) -> None:
    lang = view.lang
    themes = {th.id: label(th.title, lang) for th in fw.settings.themes}
    surveys = {s.id: label(s.title, lang) for s in fw.surveys.values()}
    st.markdown(f"**{t('dashboard.data.indicators', lang)}**")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("dashboard.col.id", lang): ind.id,
                    t("dashboard.col.title", lang): label(ind.title, lang),
                    t("dashboard.col.theme", lang): themes.get(ind.theme, ind.theme),
                    t("dashboard.col.type", lang): str(ind.type),
                    t("dashboard.col.survey", lang): surveys.get(ind.survey or "", ""),
                    t("dashboard.col.target", lang): ", ".join(
                        f"{p}: {figures.format_value(v, ind.unit, lang)}" for p, v in ind.targets.items()
                    ),
                    t("dashboard.explorer.legal_basis", lang): label(ind.legal_basis, lang),
                }
                for ind in fw.indicators.values()
            ]
        ),
        hide_index=True,
        key="fw_indicators",
    )
    st.markdown(f"**{t('dashboard.data.surveys', lang)}**")
    for survey in fw.surveys.values():
        with st.expander(f"{survey.code} · {label(survey.title, lang)} ({len(survey.questions)} {t('dashboard.data.questions', lang)})"):
            st.caption(label(survey.description, lang))
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            t("dashboard.col.code", lang): q.code or "",
                            t("dashboard.col.question", lang): label(q.label, lang),
                            t("dashboard.col.type", lang): str(q.type),
                        }
                        for q in survey.questions
                    ]
                ),
                hide_index=True,
            )
    params = fw.settings.parameters
    if params:
        st.markdown(f"**{t('dashboard.data.parameters', lang)}**")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("dashboard.col.title", lang): label(p.label, lang),
                        t("dashboard.chart.value", lang): str(p.value),
                        "": "" if p.verified else "⚠ " + t("dashboard.unverified", lang),
                    }
                    for p in params.values()
                ]
            ),
            hide_index=True,
            key="fw_params",
        )


def audit_tab(view: View) -> None:
    """The audit log, for admins only (the data layer refuses anybody else and logs the reading)."""
    from monitor.auth import guard
    from monitor.dashboard import login

    user = access.current_user()
    engine = reads.engine(view.url)
    entries = guard.audit_entries(engine, user, limit=500, ip=login.client_ip())
    rows = [
        {"at": e.at, "actor": e.actor, "action": e.action, "target": e.target, "outcome": e.outcome}
        for e in entries
    ]
    st.caption(t("dashboard.data.audit_note", view.lang))
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="audit_log")


def render() -> None:
    view = current()
    lang = view.lang
    fw = reads.framework(reads.framework_root())
    layout.page_header(t("dashboard.data.title", lang))
    names = ["coverage", "history", "import", "framework", "sources"]
    user = access.current_user()
    if user is not None and access.can("view-audit"):
        names.append("audit")
    tabs = st.tabs([t(f"dashboard.data.tab_{k}", lang) for k in names])
    with tabs[0]:
        coverage_tab(view, fw)
    with tabs[1]:
        history_tab(view, fw)
    with tabs[2]:
        import_tab(view, fw)
    with tabs[3]:
        framework_tab(view, fw)
    with tabs[4]:
        sources_panel.render(view, fw)
    if len(tabs) > 5:
        with tabs[5]:
            audit_tab(view)


if __name__ == "__main__":
    render()
