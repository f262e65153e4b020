"""Hromada profile: every indicator for one hromada against its oblast and the four-oblast median,
what its officials answered, in a layout that prints (Ctrl+P) without the sidebar."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from monitor import format as fmt
from monitor.charts import figures
from monitor.dashboard import access, drill, layout, reads, state
from monitor.dashboard.pages.common import current, has_answers, select
from monitor.i18n import label, t

UK_ALPHABET = "АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯ"
_UK_ORDER = {ch: i for i, ch in enumerate(UK_ALPHABET)}


# The reference stores a hromada's type in Ukrainian (KATOTTG); the profile names it in the chosen language.
KINDS = {"міська": "urban", "селищна": "settlement", "сільська": "rural"}


def kind_label(kind: object, lang: str) -> str:
    """'Сільська' in Ukrainian, 'Rural' in English (#13: the English profile said 'Сільська hromada')."""
    text = str(kind or "").strip()
    key = KINDS.get(text.lower())
    return t(f"dashboard.hromada.kind.{key}", lang) if key else text.capitalize()


def sort_key(name: str) -> tuple[int, ...]:
    """Ukrainian alphabetical order (plain code points would put І, Ї, Є and Ґ before А)."""
    return tuple(_UK_ORDER.get(ch.upper(), 100 + ord(ch)) for ch in str(name))


def comparison(hromada_rows: pd.DataFrame, oblast_rows: pd.DataFrame, oblast_code: str, lang: str) -> pd.DataFrame:
    """One row per indicator: hromada value, its oblast's value, and the median of the four oblasts.

    The median is taken over published oblast values only, so a suppressed oblast never leaks into it.
    """
    if hromada_rows.empty:
        return pd.DataFrame()
    oblast_rows = oblast_rows[oblast_rows["dimension"].fillna("") == ""] if "dimension" in oblast_rows else oblast_rows
    published = oblast_rows[~oblast_rows["suppressed"].astype(bool) & oblast_rows["value"].notna()]
    medians = published.groupby("indicator")["value"].median().to_dict()
    # Its own oblast's row per indicator, read once as plain records (not one .loc per indicator: pandas
    # 3 builds each row through Arrow, 0.2 s a run for the profile's 40 indicators).
    own_rows = oblast_rows[oblast_rows["oblast_code"] == oblast_code].drop_duplicates("indicator")
    own = {r["indicator"]: r for r in figures.records(own_rows)}
    rows = []
    for rec in figures.records(hromada_rows.sort_values(["theme_order", "indicator_order"])):
        ind = rec["indicator"]
        ob = own.get(ind)
        rows.append(
            {
                t("dashboard.col.indicator", lang): rec["indicator_title"],
                t("dashboard.col.hromada", lang): figures.shown_value(rec, lang),
                t("dashboard.col.n", lang): layout.shown_n(rec, lang),
                t("dashboard.col.status", lang): t(f"dashboard.status.{rec.get('status') or 'no-data'}", lang),
                t("dashboard.col.oblast", lang): figures.shown_value({**ob, "unit": rec["unit"]}, lang) if ob else "—",
                t("dashboard.col.median", lang): figures.format_value(medians.get(ind), rec["unit"], lang),
            }
        )
    return pd.DataFrame(rows)


def answers_table(answers: pd.DataFrame, framework: Any, lang: str) -> pd.DataFrame:
    """The newest answer of each instrument, one row per question, with choice labels."""
    rows = []
    for survey_id, group in answers.groupby("_survey", sort=False):
        survey = framework.surveys[survey_id]
        latest = group.iloc[0]
        for q in survey.questions:
            # Only the instrument's own questions (they carry a code such as HS-Q04): the header
            # (wave, date, consent, who collected it) is not what the officials answered.
            if not q.code or q.type in ("repeat", "territory") or q.personal or q.name not in group.columns:
                continue
            value = latest[q.name]
            if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
                continue
            if q.choices:
                choices = {c.value: label(c.label, lang) for c in survey.choice_lists.get(q.choices, [])}
                text = ", ".join(choices.get(v, v) for v in str(value).split()) if q.type == "select_multiple" else choices.get(str(value), str(value))
            elif isinstance(value, float) and value == int(value):
                text = fmt.integer(value, lang)  # '226 700' in Ukrainian, as every number on the dashboard
            elif isinstance(value, float):
                text = fmt.decimal(value, lang, 2)
            else:
                text = str(value)[:10] if hasattr(value, "year") else str(value)
            rows.append(
                {
                    "_survey": f"{label(survey.title, lang)} · {latest.get('wave') or ''}",
                    t("dashboard.col.question", lang): (f"{q.code} " if q.code else "") + label(q.label, lang),
                    t("dashboard.col.answer", lang): text,
                }
            )
    return pd.DataFrame(rows)


def render() -> None:
    view = current()
    lang = view.lang
    fw = reads.framework(reads.framework_root())
    terr = reads.territories(view.url, view.fp)
    hromadas = terr[terr["level"] == "hromada"]
    if view.oblast:
        hromadas = hromadas[hromadas["oblast_code"] == view.oblast]
    hromadas = hromadas.sort_values("name_en" if lang == "en" else "name_uk", key=lambda s: s.map(sort_key))
    if hromadas.empty:
        st.info(t("dashboard.hromada.none", lang))
        return
    names = {r["code"]: layout.territory_name(r, lang) for r in hromadas.to_dict("records")}
    code = state.select(st, "hromada", t("dashboard.hromada.pick", lang), list(names), format_func=names.get)
    st.caption(t("dashboard.hromada.print", lang))
    info = hromadas[hromadas["code"] == code].iloc[0].to_dict()
    by_code = terr.set_index("code")
    name_col = "name_en" if lang == "en" else "name_uk"
    raion = by_code[name_col].get(info.get("raion_code") or info.get("parent_code"), "")
    oblast = by_code[name_col].get(info["oblast_code"], "")
    drill.breadcrumb(terr, lang, info["oblast_code"], drill.raion_of(info), leaf=names[code], page="explorer")
    layout.page_header(f"{t('dashboard.hromada.title', lang)}: {names[code]}")
    population = info.get("population")
    st.caption(
        t(
            "dashboard.hromada.facts", lang, kind=kind_label(info.get("kind"), lang), raion=raion, oblast=oblast,
            population=fmt.integer(population, lang),
        )
    )
    if not has_answers(view):
        return
    hromada_frame = reads.titled(view.url, view.fp, "hromada", view.gran, view.audience, lang, True)
    mine = select(hromada_frame[hromada_frame["territory_code"] == code], view, oblast=False)
    oblast_frame = select(
        reads.titled(view.url, view.fp, "oblast", view.gran, view.audience, lang, True), view, oblast=False
    )
    st.markdown(f"**{t('dashboard.hromada.indicators', lang)}**")
    table = comparison(mine, oblast_frame, info["oblast_code"], lang)
    if table.empty:
        st.info(t("dashboard.no_data", lang))
    else:
        # st.table, not st.dataframe: a static table prints in full (the profile is meant for paper).
        st.table(table.set_index(t("dashboard.col.indicator", lang)))
    st.markdown(f"**{t('dashboard.hromada.answers', lang)}**")
    # Answers one by one are detail: only for people allowed to see responses in this oblast.
    allowed = access.can("view-responses", info["oblast_code"])
    answers = reads.hromada_answers(view.url, view.fp, code) if allowed else pd.DataFrame()
    if view.gran == "wave" and view.period and not answers.empty:
        answers = answers[answers["wave"].astype(str) == view.period]
    if answers.empty:
        st.info(t("dashboard.hromada.no_answers", lang))
    else:
        for title, part in answers_table(answers, fw, lang).groupby("_survey", sort=False):
            st.caption(str(title))
            st.table(part.drop(columns="_survey").set_index(t("dashboard.col.question", lang)))


if __name__ == "__main__":
    render()
