"""Indicator explorer: definition, map on the real boundaries, ranking, trend and breakdowns."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from monitor.charts import figures
from monitor.dashboard import drill, layout, reads, state
from monitor.dashboard.pages.common import current, has_answers, select
from monitor.i18n import label, t

LEVEL_ORDER = ("oblast", "raion", "hromada")


def map_levels(indicator: Any, framework: Any) -> list[str]:
    """Levels an indicator can be mapped at: its survey's finest level and the coarser ones below oblast."""
    survey = framework.surveys.get(indicator.survey) if indicator.survey else None
    finest = str(survey.territory_level) if survey is not None else "oblast"
    if finest == "oblast":
        return ["oblast"]
    return [lvl for lvl in ("raion", "hromada") if LEVEL_ORDER.index(lvl) <= LEVEL_ORDER.index(finest)]


def definition(indicator: Any, framework: Any, lang: str) -> None:
    """The definition from the YAML, in both languages, with legal basis and numerator/denominator."""
    other = "en" if lang == "uk" else "uk"
    with st.expander(t("dashboard.explorer.definition", lang), expanded=False):
        for code in (lang, other):
            st.markdown(f"**{label(indicator.title, code)}**")
            st.markdown(label(indicator.description, code))
            st.markdown(f"*{t('dashboard.explorer.legal_basis', code)}:* {label(indicator.legal_basis, code)}")
            if indicator.numerator_text:
                st.markdown(f"*{t('dashboard.explorer.numerator', code)}:* {label(indicator.numerator_text, code)}")
            if indicator.denominator_text:
                st.markdown(
                    f"*{t('dashboard.explorer.denominator', code)}:* {label(indicator.denominator_text, code)}"
                )
            if code == lang:
                st.divider()
        details = []
        if indicator.thresholds:
            details.append(
                f"{t('dashboard.explorer.thresholds', lang)}: "
                f"{figures.format_value(indicator.thresholds.green, indicator.unit, lang)} / "
                f"{figures.format_value(indicator.thresholds.amber, indicator.unit, lang)}"
            )
        if indicator.targets:
            targets = ", ".join(
                f"{p}: {figures.format_value(v, indicator.unit, lang)}" for p, v in indicator.targets.items()
            )
            details.append(f"{t('dashboard.explorer.targets', lang)}: {targets}")
        if details:
            st.caption(" · ".join(details))


def render() -> None:
    view = current()
    lang = view.lang
    fw = reads.framework(reads.framework_root())
    layout.page_header(t("dashboard.explorer.title", lang))
    if not has_answers(view):
        return
    theme_order = {th.id: th.order for th in fw.settings.themes}
    indicators = sorted(
        (ind for ind in fw.indicators.values() if ind.type != "index" and (not view.theme or ind.theme == view.theme)),
        key=lambda ind: (theme_order.get(ind.theme, 99), ind.id),
    )
    if not indicators:
        st.info(t("dashboard.no_data", lang))
        return
    ids = [ind.id for ind in indicators]
    titles = {ind.id: f"{ind.id} · {label(ind.title, lang)}" for ind in indicators}
    chosen = state.select(st, "indicator", t("dashboard.explorer.indicator", lang), ids, format_func=titles.get)
    indicator = fw.indicators[chosen]
    definition(indicator, fw, lang)
    from monitor.framework.params import unverified_parameters

    layout.legend(lang)
    # Named by their labels (the settings' parameter titles), never by their YAML keys.
    params = fw.settings.parameters
    unverified = sorted(label(params[p].label, lang) for p in unverified_parameters(fw, chosen) if p in params)
    if unverified:
        st.warning(t("dashboard.explorer.unverified", lang, params="; ".join(unverified), mark=figures.UNVERIFIED_MARK),
                   icon=":material/rule:")

    oblast_frame = reads.titled(view.url, view.fp, "oblast", view.gran, view.audience, lang)
    mine = oblast_frame[oblast_frame["indicator"] == chosen]

    levels = map_levels(indicator, fw)
    terr = reads.territories(view.url, view.fp)
    raion = chosen_raion(terr, view.oblast)
    drill.breadcrumb(terr, lang, view.oblast, raion)

    def open_territory(point: dict[str, Any]) -> None:
        drill.open_territory(drill.clicked_code(point), terr, levels)

    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**{t('dashboard.explorer.map', lang)}**")
        if len(levels) > 1:
            level = state.radio(
                st, "level", t("dashboard.explorer.level", lang), levels,
                format_func=lambda lv: t(f"dashboard.level.{lv}", lang),
            )
        else:
            level = levels[0]
            if level == "oblast":
                st.caption(t("dashboard.explorer.level_note", lang, level=t("dashboard.level.oblast", lang)))
        if level == "oblast":
            level_frame = mine
        else:
            level_frame = reads.titled(view.url, view.fp, level, view.gran, view.audience, lang, True)
            level_frame = level_frame[level_frame["indicator"] == chosen]
        on_map = select(level_frame, view, theme=False)
        from monitor.geo import geojson

        shapes = geojson(level)
        if raion and level == "hromada":
            # A raion chosen by a click: its hromadas only, on the map and in the ranking.
            hromadas = terr[terr["level"] == "hromada"]
            inside = set(hromadas.loc[hromadas.apply(drill.raion_of, axis=1) == raion, "code"])
            on_map = on_map[on_map["territory_code"].isin(inside)]
            shapes = {**shapes, "features": [f for f in shapes.get("features", []) if f.get("id") in inside]}
        st.caption(t("dashboard.drill.map_hint" if level != "hromada" else "dashboard.drill.hromada_hint", lang))
        layout.chart(figures.choropleth(on_map, shapes, level, lang, attribution=False), key="map",
                     table=figures.chart_table("map", on_map, lang, level=level), lang=lang,
                     on_click=open_territory, scope=f"{level}-{view.oblast}-{raion}")
        layout.attribution(lang)
    with right:
        st.markdown(f"**{t('dashboard.explorer.ranking', lang)}**")
        ranked = on_map
        if level == "hromada" and not view.oblast:
            # 217 hromadas do not fit a laptop screen: rank raions until an oblast is chosen.
            raions = reads.titled(view.url, view.fp, "raion", view.gran, view.audience, lang, True)
            ranked = select(raions[raions["indicator"] == chosen], view, theme=False)
        layout.chart(figures.ranking(ranked, lang), key="ranking", table=figures.chart_table("ranking", ranked, lang),
                     lang=lang, on_click=open_territory, scope=f"{level}-{view.oblast}-{raion}")

    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('dashboard.explorer.trend', lang)}**")
        over_time = select(mine, view, period=False, theme=False)
        over_time = over_time[over_time["dimension"].fillna("") == ""]
        layout.chart(figures.trend(over_time, lang), key="trend", table=figures.chart_table("trend", over_time, lang),
                     lang=lang)
    with right:
        st.markdown(f"**{t('dashboard.explorer.breakdown', lang)}**")
        parts = select(mine, view, theme=False)
        names = breakdown_labels(indicator, fw, parts, lang)
        layout.chart(figures.breakdown(parts, lang, names), key="breakdown",
                     table=figures.chart_table("breakdown", parts, lang, labels=names), lang=lang)
    if pd.Series(on_map.get("suppressed", [])).any() or pd.Series(mine.get("suppressed", [])).any():
        st.caption(t("dashboard.suppressed_note", lang))


def chosen_raion(territories: pd.DataFrame, oblast: str) -> str:
    """The raion a click chose, if it lies in the oblast still chosen (the sidebar may have moved on)."""
    raion = state.get("raion")
    if not raion:
        return ""
    found = territories[(territories["code"] == raion) & (territories["level"] == "raion")]
    if found.empty or not oblast or str(found.iloc[0]["oblast_code"]) != oblast:
        state.put("raion", "")
        return ""
    return raion


def breakdown_labels(indicator: Any, framework: Any, frame: pd.DataFrame, lang: str) -> dict[str, str]:
    """Readable names for the dimensions shown (question or split labels) and their values."""
    if frame.empty:
        return {}
    return framework.dimension_labels(indicator, lang)


if __name__ == "__main__":
    render()
