"""The dashboard's login form, logout and session timeout (the logic is in monitor.auth.sessions).

The session keeps only the user id and the time of the last page run; the user row is re-read on
every run, so disabling an account or changing its role takes effect on the next click. Nothing in
the URL can log anybody in or change a role: the query parameters are never read here.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

import streamlit as st
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitor.auth import audit, sessions
from monitor.auth.models import User
from monitor.errors import MonitorError, issue
from monitor.i18n import t

USER_KEY = "auth_user_id"
SEEN_KEY = "auth_last_seen"
NOTICE_KEY = "auth_notice"


def _lang() -> str:
    from monitor.dashboard import state

    return state.lang()


def client_ip() -> str | None:
    """The client's address for throttling and the audit log.

    Behind a reverse proxy every connection comes from the proxy; list its address(es) in
    MONITOR_TRUSTED_PROXIES and the last X-Forwarded-For hop that is not a trusted proxy is used.
    """
    try:
        remote = st.context.ip_address  # None under AppTest and on localhost
        headers = st.context.headers
    except Exception:  # older Streamlit or bare mode: the audit entry just has no IP
        return None
    trusted = {a.strip() for a in os.environ.get("MONITOR_TRUSTED_PROXIES", "").split(",") if a.strip()}
    if trusted and (remote is None or remote in trusted):
        hops = [h.strip() for h in str(headers.get("X-Forwarded-For") or "").split(",") if h.strip()]
        for hop in reversed(hops):
            if hop not in trusted:
                return hop[:64]
    return remote


def logged_in(engine: Engine, now: datetime | None = None) -> User | None:
    """The user of this browser session, or None (never logged in, timed out, disabled)."""
    user_id = st.session_state.get(USER_KEY)
    if user_id is None:
        return None
    now = now or sessions.now_utc()
    user = sessions.active_user(engine, user_id)
    if user is None or sessions.expired(st.session_state.get(SEEN_KEY), now):
        name = user.name if user is not None else None
        _forget()
        if user is not None:
            audit.record(engine, name, "session-expired", target=name, ip=client_ip())
            st.session_state[NOTICE_KEY] = issue("session-expired", minutes=sessions.TIMEOUT_MINUTES)
        return None
    st.session_state[SEEN_KEY] = now
    return user


def _forget() -> None:
    for key in (USER_KEY, SEEN_KEY):
        st.session_state.pop(key, None)


def logout(engine: Engine) -> None:
    user = sessions.active_user(engine, st.session_state.get(USER_KEY))
    if user is not None:
        audit.record(engine, user.name, "logout", target=user.name, ip=client_ip())
    _forget()


def _has_users(engine: Engine) -> bool:
    with Session(engine) as session:
        return bool(session.scalar(select(func.count()).select_from(User)))


def render_login(engine: Engine) -> User | None:
    """The logged-in user; otherwise draw the login form and return None (the caller stops the page)."""
    user = logged_in(engine)
    if user is not None:
        return user
    lang = _lang()
    st.subheader(t("auth.login.title", lang))
    st.caption(t("auth.login.why", lang))
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice is not None:
        st.warning(notice.message(lang))  # type: ignore[union-attr]
    if not _has_users(engine):
        st.info(t("auth.login.no_users", lang))
    # clear_on_submit: the password does not stay in the widget (nor in the session) after a submit.
    with st.form("login_form", clear_on_submit=True):
        name = st.text_input(t("auth.login.name", lang), key="login_name", max_chars=64)
        password = st.text_input(t("auth.login.password", lang), type="password", key="login_password", max_chars=256)
        submitted = st.form_submit_button(t("auth.login.submit", lang), type="primary")
    if submitted:
        try:
            user = sessions.login(engine, name, password, ip=client_ip())
        except MonitorError as error:
            st.error(error.issues[0].message(lang))  # type: ignore[arg-type]
            return None
        st.session_state[USER_KEY] = user.id
        st.session_state[SEEN_KEY] = sessions.now_utc()
        st.rerun()  # draw the page afresh, without the form
    return None


def render_account(engine: Engine, user: Any, container: Any = None) -> None:
    """Who is logged in, and the logout button (for the sidebar)."""
    target = container or st.sidebar
    lang = _lang()
    target.caption(t("auth.account.signed_in", lang, name=user.name, role=t(f"auth.role.{user.role}", lang)))
    if target.button(t("auth.account.logout", lang), key="logout"):
        logout(engine)
        st.rerun()
