"""The Oversight page's tab of the coalition's own outputs: its trainings (officials trained by body type
and sex, as the IPTT shows them) and its case stories; the forms where coordinators record a training
or a story in their own oblasts, and where the M&E lead approves a story. Frames come from
monitor.oversight.summary; every write goes through the guard (monitor.auth.oversight)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import pandas as pd
import streamlit as st

from monitor import format as fmt
from monitor.dashboard import layout
from monitor.dashboard.pages.common import View
from monitor.errors import MonitorError
from monitor.i18n import t
from monitor.oversight import summary

SEATS = 4  # audience rows offered by the form; a training with more bodies comes by spreadsheet


def save(call: Any, item: Any, lang: str) -> bool:
    """Run one guarded write; its errors shown from the catalogue, as every page shows them."""
    try:
        call()
    except MonitorError as error:
        for problem in error.issues:
            st.error(layout.issue_text(problem, lang))
        return False
    st.success(t("oversight.page.saved", lang, item=layout.plain(item)))
    return True


def trainings_part(view: View, engine: Any) -> None:
    lang = view.lang
    scope = [view.oblast] if view.oblast else None
    held = summary.trainings_view(engine, lang, scope)
    st.markdown(f"**{t('oversight.page.trainings', lang)}**")
    if held.empty:
        st.info(t("oversight.page.no_trainings", lang))
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("oversight.column.key", lang): held["key"],
                t("oversight.column.date", lang): held["on_date"].astype(str),
                t("oversight.column.oblast", lang): held["oblast"],
                t("oversight.column.text", lang): held["topic"],
                t("oversight.column.body", lang): held["body"],
                t("oversight.column.body_kind", lang): held["body_kind_text"],
                t("oversight.column.women", lang): held["women"].astype(int),
                t("oversight.column.men", lang): held["men"].astype(int),
            }
        ),
        hide_index=True,
        key="ov_trainings",
    )
    st.markdown(f"**{t('oversight.page.trained_by_kind', lang)}**")
    st.dataframe(summary.trained_by_kind(held, lang), hide_index=True, key="ov_trained_by_kind")


def stories_part(view: View, engine: Any, user: Any, editable: frozenset[str] | None) -> None:
    """Approved stories with consent for everyone; drafts too for those who may edit them (their oblasts)."""
    from monitor.auth.oversight import may_edit

    lang = view.lang
    scope = [view.oblast] if view.oblast else None
    frame = summary.stories_view(engine, lang, scope)
    st.markdown(f"**{t('oversight.page.stories', lang)}**")
    if not frame.empty:
        public = (frame["state"] == "approved") & frame["consent"].astype(bool)
        frame = frame[public | frame["oblast_code"].map(lambda o: may_edit(user, o))]
    if frame.empty:
        st.info(t("oversight.page.no_stories", lang))
        return
    yes, no = t("oversight.page.yes", lang), t("oversight.page.no", lang)
    st.dataframe(
        pd.DataFrame(
            {
                t("oversight.column.key", lang): frame["key"],
                t("oversight.column.date", lang): frame["on_date"].astype(str),
                t("oversight.column.oblast", lang): frame["oblast"],
                t("oversight.column.text", lang): frame["title"] + " — " + frame["text"],
                t("oversight.column.consent", lang): frame["consent"].map(lambda c: yes if c else no),
                t("oversight.column.story_state", lang): frame["state_text"],
            }
        ),
        hide_index=True,
        key="ov_stories",
    )


def body_labels(bodies: pd.DataFrame, lang: str, oblasts: Collection[str] | None = None) -> dict[str, str]:
    """Each body a form may name (those of `oblasts`; every body when None) → its name in `lang`, with the
    day it ceased to exist when it has, and its id, for the searchable select box."""
    shown = bodies if oblasts is None else bodies[bodies["oblast_code"].isin(list(oblasts))]
    labels: dict[str, str] = {}
    for row in shown.itertuples():
        name = str(row.name_en if lang == "en" else row.name_uk)
        if row.valid_to is not None and not pd.isna(row.valid_to):
            name += f" ({t('oversight.page.body_until', lang, date=fmt.day(row.valid_to, lang))})"
        labels[str(row.id)] = f"{name} · {row.id}"
    return labels


def body_box(container: Any, lang: str, labels: dict[str, str], key: str) -> str:
    """A select box over `labels` (type to search); '' until a body is chosen."""
    chosen = container.selectbox(t("oversight.column.body", lang), ["", *labels], key=key,
                                 format_func=lambda b: labels.get(b, "—"))
    return str(chosen or "")


def training_form(view: View, engine: Any, user: Any, oblasts: list[str], bodies: pd.DataFrame) -> None:
    from monitor.auth import oversight as door

    lang = view.lang
    names = summary.oblast_names(engine, lang)
    labels = body_labels(bodies, lang, oblasts)
    with st.form("ov_training_form"):
        st.markdown(f"**{t('oversight.page.form_training', lang)}**")
        raw: dict[str, Any] = {
            "key": st.text_input(t("oversight.column.key", lang), key="ov_tr_key", max_chars=64),
            "round": st.text_input(t("oversight.column.round", lang), key="ov_tr_round", max_chars=32),
            "date": st.date_input(t("oversight.column.date", lang), key="ov_tr_date", format="DD.MM.YYYY"),
            "oblast": st.selectbox(
                t("oversight.column.oblast", lang),
                oblasts,
                key="ov_tr_oblast",
                format_func=lambda c: names.get(c, c),
            ),
            "topic_uk": st.text_input(
                t("oversight.column.topic_uk", lang), key="ov_tr_topic_uk", max_chars=500
            ),
            "topic_en": st.text_input(
                t("oversight.column.topic_en", lang), key="ov_tr_topic_en", max_chars=500
            ),
        }
        st.caption(t("oversight.page.audience_caption", lang))
        audience = []
        for n in range(1, SEATS + 1):
            left, middle, right = st.columns([3, 1, 1])
            body = left.selectbox(
                t("oversight.page.audience", lang, n=n),
                ["", *labels],
                key=f"ov_tr_body{n}",
                format_func=lambda b: labels.get(b, "—"),
            )
            women = middle.number_input(
                t("oversight.column.women", lang), 0, 10_000, 0, key=f"ov_tr_women{n}"
            )
            men = right.number_input(t("oversight.column.men", lang), 0, 10_000, 0, key=f"ov_tr_men{n}")
            audience.append({"body": body, "women": women, "men": men})
        if st.form_submit_button(t("oversight.page.save", lang)):
            training = {**raw, "audience": audience}
            save(lambda: door.add_training_as(engine, user, training), raw["key"], lang)


def story_form(view: View, engine: Any, user: Any, oblasts: list[str]) -> None:
    from monitor.auth import oversight as door

    lang = view.lang
    names = summary.oblast_names(engine, lang)
    with st.form("ov_story_form"):
        st.markdown(f"**{t('oversight.page.form_story', lang)}**")
        st.caption(t("oversight.page.story_caption", lang))
        raw: dict[str, Any] = {
            "key": st.text_input(t("oversight.column.key", lang), key="ov_st_key", max_chars=64),
            "round": st.text_input(t("oversight.column.round", lang), key="ov_st_round", max_chars=32),
            "oblast": st.selectbox(
                t("oversight.column.oblast", lang),
                oblasts,
                key="ov_st_oblast",
                format_func=lambda c: names.get(c, c),
            ),
            "date": st.date_input(t("oversight.column.date", lang), key="ov_st_date", format="DD.MM.YYYY"),
            "title_uk": st.text_input(
                t("oversight.column.title_uk", lang), key="ov_st_title_uk", max_chars=200
            ),
            "title_en": st.text_input(
                t("oversight.column.title_en", lang), key="ov_st_title_en", max_chars=200
            ),
            "text_uk": st.text_area(t("oversight.column.text_uk", lang), key="ov_st_text_uk", max_chars=3000),
            "text_en": st.text_area(t("oversight.column.text_en", lang), key="ov_st_text_en", max_chars=3000),
            "consent": st.checkbox(t("oversight.column.consent", lang), key="ov_st_consent"),
        }
        if st.form_submit_button(t("oversight.page.save", lang)):
            story = raw
            save(lambda: door.add_story_as(engine, user, story), raw["key"], lang)


def story_steps(view: View, engine: Any, user: Any, editable: frozenset[str] | None) -> None:
    """Approve a story (the M&E lead) or record its consent withdrawn (whoever may edit it)."""
    from monitor.auth import oversight as door
    from monitor.auth.guard import allowed

    lang = view.lang
    frame = summary.stories_view(engine, lang, None if editable is None else sorted(editable))
    if frame.empty:
        return
    lead = allowed(user, "manage-framework")
    titles = dict(
        zip(
            frame["key"],
            frame["key"] + " · " + frame["title"] + " (" + frame["state_text"] + ")",
            strict=True,
        )
    )
    with st.form("ov_story_steps"):
        st.caption(t("oversight.page.story_approve_caption", lang))
        key = st.selectbox(
            t("oversight.page.story_pick", lang), list(titles), format_func=titles.get, key="ov_sp_story",
            placeholder=t("dashboard.choose", lang),
        )
        approve = st.form_submit_button(t("oversight.page.story_approve", lang), disabled=not lead)
        withdraw = st.form_submit_button(t("oversight.page.story_withdraw", lang))
        if approve and key:
            save(lambda: door.approve_story_as(engine, user, key), key, lang)
        elif withdraw and key:
            save(lambda: door.set_story_consent_as(engine, user, key, False), key, lang)


def outputs_tab(view: View, engine: Any, user: Any, editable: frozenset[str] | None) -> None:
    from monitor.oversight.bodies import bodies

    trainings_part(view, engine)
    st.divider()
    stories_part(view, engine, user, editable)
    if editable is not None and not editable:
        return
    known = sorted(c for c in summary.oblast_names(engine, view.lang) if c)
    oblasts = known if editable is None else [c for c in known if c in editable]
    st.divider()
    training_form(view, engine, user, oblasts, bodies(engine))
    story_form(view, engine, user, oblasts)
    story_steps(view, engine, user, editable)
