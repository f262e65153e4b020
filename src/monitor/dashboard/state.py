"""The view's state, kept in the URL so a link can be shared.

The source of truth during a session is `st.session_state["view"]` (a plain dict that survives page
switches). On a session's first run it is seeded from `st.query_params`; at the end of every run it
is written back to the URL (defaults left out so links stay short). Widgets get their own keys
(`w_<name>`) and copy their value into the view through `on_change` callbacks, which run before the
script, so the whole page sees one consistent state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from monitor.i18n import DEFAULT_LANG, LANGS, t

KEYS: tuple[str, ...] = ("lang", "oblast", "raion", "gran", "period", "theme", "indicator", "level", "hromada")
DEFAULTS: dict[str, str] = {
    "lang": DEFAULT_LANG,
    "oblast": "",  # '' = all four oblasts
    "raion": "",  # '' = the whole oblast (a raion is chosen by clicking it on the explorer's map or ranking)
    "gran": "wave",
    "period": "",  # '' = the latest period with data
    "theme": "",  # '' = every theme
    "indicator": "",
    "level": "raion",  # hromada cells are mostly below min-n: raions say more at first sight
    "hromada": "",
}
GRANULARITIES: tuple[str, ...] = ("wave", "year", "half", "quarter")
MAP_LEVELS: tuple[str, ...] = ("raion", "hromada")
_VIEW = "view"


def _from_url() -> dict[str, str]:
    seeded = dict(DEFAULTS)
    for key in KEYS:
        value = st.query_params.get(key)
        if isinstance(value, str) and value and len(value) <= 64:
            seeded[key] = value
    if seeded["lang"] not in LANGS:
        seeded["lang"] = DEFAULT_LANG
    if seeded["gran"] not in GRANULARITIES:
        seeded["gran"] = DEFAULTS["gran"]
    if seeded["level"] not in MAP_LEVELS:
        seeded["level"] = DEFAULTS["level"]
    return seeded


def view() -> dict[str, str]:
    """The current view (created from the URL on a session's first run)."""
    if _VIEW not in st.session_state:
        st.session_state[_VIEW] = _from_url()
    return st.session_state[_VIEW]


def follow_history() -> None:
    """After the browser's back or forward button the URL is the truth: the view is read from it again.

    Only then: a click in the page navigation also arrives with an empty query string, and there the
    view in the session must survive. Streamlit marks a run caused by the browser's history
    (`is_history_navigation` on the run's context, set from the frontend's popstate handler).
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None and getattr(ctx, "is_history_navigation", False):
        st.session_state[_VIEW] = _from_url()


def url_params() -> dict[str, str]:
    """The view as URL parameters: only what differs from the defaults, so links stay short."""
    return {k: v for k, v in view().items() if v and v != DEFAULTS.get(k)}


def get(key: str) -> str:
    return view().get(key, DEFAULTS[key])


def put(key: str, value: Any) -> None:
    view()[key] = "" if value is None else str(value)


def lang() -> str:
    return get("lang")


def write_url(page: str = "") -> None:
    """Mirror the view into the URL (only what differs from the defaults).

    A click in the page navigation drops the query string in the browser while the server still
    holds the old parameters, so after a page switch the parameters are sent again even when the
    server sees no difference.
    """
    wanted = url_params()
    current = {k: st.query_params.get(k) for k in st.query_params}
    switched = st.session_state.get("_page") != page
    st.session_state["_page"] = page
    if current != wanted or switched:
        st.query_params.from_dict(wanted)


def _sync(key: str) -> Callable[[], None]:
    def callback() -> None:
        put(key, st.session_state.get(f"w_{key}"))

    return callback


def _bind(key: str, options: list[str]) -> str:
    """The widget key for view[key], preset to its value; an unknown value (stale link) falls back to
    the first option. Setting the widget's value before it is drawn keeps it in step with the view,
    also after a page switch or a language change re-created the widget."""
    current = get(key)
    if current not in options:
        current = options[0]
        put(key, current)
    widget_key = f"w_{key}"
    st.session_state[widget_key] = current
    return widget_key


def select(
    container: Any,
    key: str,
    label: str,
    options: Sequence[str],
    format_func: Callable[[str], str] = str,
    **kwargs: Any,
) -> str:
    """A selectbox bound to view[key]; its placeholder in the page's language (Streamlit's own is English)."""
    options = list(options)
    if not options:
        return ""
    kwargs.setdefault("placeholder", t("dashboard.choose", lang()))
    return container.selectbox(
        label, options, key=_bind(key, options), format_func=format_func, on_change=_sync(key), **kwargs
    )


def radio(
    container: Any,
    key: str,
    label: str,
    options: Sequence[str],
    format_func: Callable[[str], str] = str,
    **kwargs: Any,
) -> str:
    """A horizontal radio bound to view[key] (same rules as `select`)."""
    options = list(options)
    return container.radio(
        label, options, key=_bind(key, options), format_func=format_func, on_change=_sync(key),
        horizontal=True, **kwargs,
    )
