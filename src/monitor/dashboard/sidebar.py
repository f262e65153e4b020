"""The sidebar every page shares: language, oblast, period and theme, all kept in the URL."""

from __future__ import annotations

import streamlit as st

from monitor.dashboard import access, layout, reads, state
from monitor.i18n import LANGS, t

LANG_NAMES = {"uk": "Українська", "en": "English"}


def oblast_options(url: str, fp: str) -> tuple[list[str], dict[str, dict[str, str]]]:
    terr = reads.territories(url, fp)
    oblasts = terr[terr["level"] == "oblast"].sort_values("code")
    names = {row["code"]: {"uk": row["name_uk"], "en": row["name_en"]} for row in oblasts.to_dict("records")}
    return ["", *names], names


def render() -> None:
    """Draw the filters (their values land in `state.view()`)."""
    side = st.sidebar
    state.radio(side, "lang", t("dashboard.filter.lang", state.lang()), list(LANGS), format_func=LANG_NAMES.get)
    lang = state.lang()
    url, fp = reads.context()
    side.markdown(f"**{t('dashboard.filter.header', lang)}**")
    codes, names = oblast_options(url, fp)
    state.select(
        side,
        "oblast",
        t("dashboard.filter.oblast", lang),
        codes,
        format_func=lambda c: names[c][lang] if c else t("dashboard.filter.all_oblasts", lang),
    )
    state.select(
        side, "gran", t("dashboard.filter.gran", lang), list(state.GRANULARITIES),
        format_func=lambda g: t(f"dashboard.gran.{g}", lang),
    )
    periods = reads.periods(url, fp, state.get("gran"), access.audience())
    # Newest first: the latest period is what people want to see when they open the dashboard.
    state.select(side, "period", t("dashboard.filter.period", lang), list(reversed(periods)) or [""])
    fw = reads.framework(reads.framework_root())
    themes = sorted(fw.settings.themes, key=lambda th: th.order)
    theme_titles = {th.id: getattr(th.title, lang) for th in themes}
    state.select(
        side,
        "theme",
        t("dashboard.filter.theme", lang),
        ["", *theme_titles],
        format_func=lambda th: theme_titles.get(th) or t("dashboard.filter.all_themes", lang),
    )
    facts = reads.facts(url, fp)
    layout.freshness(facts["last_import"], lang, side)
    side.caption(t("dashboard.share_link", lang))
    access.account_box(side)
