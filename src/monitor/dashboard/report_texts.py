"""The Reports page's text editor: narrative per round, key findings, deviation notes (uk and en).

Only a role with `manage-framework` (the M&E lead, i.e. admin) may edit; everyone who may export
sees nothing of it. Texts are stored by monitor.reports.texts with the signed-in user as author and
today as date; every save is written to the audit log. The page arranges what the report modules
return: proposals and the list of notes a round needs come from monitor.reports.content.review_items.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from monitor.dashboard import access, reads
from monitor.i18n import t
from monitor.reports import NARRATIVE_KINDS

LANG_NAMES = {"uk": "Українська", "en": "English"}


def _author() -> str:
    user = access.current_user()
    return str(getattr(user, "name", None) or getattr(user, "username", None) or "demo")


def _audit(url: str, what: str, detail: dict[str, Any]) -> None:
    try:
        from monitor.auth.audit import record

        record(reads.engine(url), _author(), "edit-report-text", target=what, detail=detail)
    except Exception:
        return


@st.cache_data(show_spinner=False, ttl=600)
def _review(url: str, fp: str, root: str | None, period: str) -> dict[str, Any]:
    from monitor.reports import review_items

    return review_items(reads.engine(url), reads.framework(root), period)


def render_editor(url: str, fp: str, period: str, lang: str) -> None:
    """The editor under the report form (a no-op for roles that may not edit)."""
    if not access.can("manage-framework"):
        return
    from monitor.reports import texts

    engine = reads.engine(url)
    root = reads.framework_root()
    st.subheader(t("reports.edit.title", lang, period=period))
    st.caption(t("reports.edit.caption", lang))
    tab_story, tab_findings, tab_notes = st.tabs([t("reports.edit.tab_narrative", lang),
                                                  t("reports.edit.tab_findings", lang),
                                                  t("reports.edit.tab_notes", lang)])
    synthetic = reads.framework(root) is not None and _synthetic(engine)
    with tab_story, st.form(f"report_story_{period}"):
        values: dict[tuple[str, str], str] = {}
        for kind in NARRATIVE_KINDS:
            st.markdown(f"**{t(f'reports.edit.kind.{kind}', lang)}**")
            columns = st.columns(2)
            for column, text_lang in zip(columns, ("uk", "en"), strict=True):
                current = texts.narrative(engine, root, period, text_lang, synthetic).get(kind)
                values[(kind, text_lang)] = column.text_area(
                    LANG_NAMES[text_lang], value=current.body if current else "", height=160,
                    key=f"report_text_{kind}_{text_lang}_{period}")
        if st.form_submit_button(t("reports.edit.save", lang), type="primary"):
            for (kind, text_lang), body in values.items():
                if body.strip():
                    texts.save_text(engine, kind=kind, round=period, lang=text_lang, body=body, author=_author())
            _audit(url, "narrative", {"round": period})
            st.success(t("reports.edit.saved", lang))
    with tab_findings:
        review = _review(url, fp, root, period)
        accepted = {text_lang: texts.findings(engine, period, text_lang) for text_lang in ("uk", "en")}
        proposals = review["proposals"]
        slots = max(len(proposals), len(accepted["uk"]), len(accepted["en"]), 1)
        with st.form(f"report_findings_{period}"):
            rows: list[tuple[bool, str, str, str]] = []
            for position in range(1, min(slots, texts.MAX_FINDINGS) + 1):
                proposal = proposals[position - 1] if position <= len(proposals) else None
                stored = {text_lang: next((r for r in accepted[text_lang] if r.position == position), None)
                          for text_lang in ("uk", "en")}
                keep = st.checkbox(t("reports.edit.finding", lang, n=position),
                                   value=bool(stored["uk"] or stored["en"] or proposal), key=f"finding_keep_{position}")
                if stored["uk"] is not None:
                    st.caption(t("reports.edit.accepted_by", lang, author=stored["uk"].author,
                                 date=stored["uk"].updated_at.date().isoformat()))
                columns = st.columns(2)
                bodies = []
                for column, text_lang in zip(columns, ("uk", "en"), strict=True):
                    default = stored[text_lang].body if stored[text_lang] else (
                        proposal.text(text_lang) if proposal else "")
                    bodies.append(column.text_area(LANG_NAMES[text_lang], value=default, height=90,
                                                   key=f"finding_{position}_{text_lang}_{period}"))
                rows.append((keep, bodies[0], bodies[1], proposal.key if proposal else ""))
            if st.form_submit_button(t("reports.edit.accept", lang), type="primary"):
                position = 0
                for keep, body_uk, body_en, key in rows:
                    if not keep or not (body_uk.strip() and body_en.strip()):
                        continue
                    position += 1
                    for text_lang, body in (("uk", body_uk), ("en", body_en)):
                        texts.save_text(engine, kind="finding", round=period, lang=text_lang, body=body,
                                        author=_author(), position=position, proposed=key)
                for stale in range(position + 1, texts.MAX_FINDINGS + 1):
                    for text_lang in ("uk", "en"):
                        texts.delete_text(engine, kind="finding", round=period, lang=text_lang, position=stale)
                _audit(url, "findings", {"round": period, "count": position})
                st.success(t("reports.edit.saved", lang))
    with tab_notes:
        notes = {text_lang: texts.deviation_notes(engine, text_lang) for text_lang in ("uk", "en")}
        needed = list(review["notes_needed"])
        needed += [key for key in notes["uk"] if key not in needed and key[1] <= period]
        if not needed:
            st.info(t("reports.edit.no_notes", lang))
            return
        with st.form(f"report_notes_{period}"):
            entries: list[tuple[str, str, str, str]] = []
            for indicator, note_period in needed:
                st.markdown(f"**{indicator} · {note_period}**")
                columns = st.columns(2)
                bodies = []
                for column, text_lang in zip(columns, ("uk", "en"), strict=True):
                    row = notes[text_lang].get((indicator, note_period))
                    bodies.append(column.text_area(LANG_NAMES[text_lang], value=row.body if row else "", height=70,
                                                   key=f"note_{indicator}_{note_period}_{text_lang}"))
                entries.append((indicator, note_period, bodies[0], bodies[1]))
            if st.form_submit_button(t("reports.edit.save", lang), type="primary"):
                for indicator, note_period, body_uk, body_en in entries:
                    for text_lang, body in (("uk", body_uk), ("en", body_en)):
                        if body.strip():
                            texts.save_text(engine, kind="deviation", round=note_period, indicator=indicator,
                                            lang=text_lang, body=body, author=_author())
                _audit(url, "deviation-notes", {"round": period})
                st.success(t("reports.edit.saved", lang))


def _synthetic(engine: Any) -> bool:
    from sqlalchemy import select

    from monitor.store.models import ImportBatch

    with engine.connect() as connection:
        return connection.execute(select(ImportBatch.id).where(ImportBatch.synthetic.is_(True)).limit(1)).first() \
            is not None
