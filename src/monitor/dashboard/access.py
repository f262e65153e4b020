"""The one door to the dashboard's pages: who is looking, and what they may see.

- A database that holds only the synthetic demo runs open (marked by the synthetic banner): no
  login, results for the public audience (suppression on, as donors see them), and the import form
  so visitors can try it. Every answer in it is invented, so nothing real can leak.
- As soon as the database holds one real import (ImportBatch.synthetic false), or when
  MONITOR_REQUIRE_LOGIN=1, every page requires a login: `require()` draws the login form and stops
  the page for anybody not logged in. The first real import therefore closes the open demo.
- Logged-in users see what the permission matrix (monitor.auth.roles) allows; the data layer
  (monitor.auth.guard) enforces the same rules, so hiding is never the only protection.

Nothing here reads the URL: `?role=admin` or `?user=admin` change nothing.
"""

from __future__ import annotations

import os
from typing import Any

import streamlit as st
from sqlalchemy import select
from sqlmodel import Session

from monitor.auth import guard
from monitor.store.models import ImportBatch


def _engine() -> Any:
    from monitor.dashboard import reads

    return reads.engine(reads.db_url())


def login_required() -> bool:
    """True when MONITOR_REQUIRE_LOGIN is set or the database holds any real (non-synthetic) import."""
    if os.environ.get("MONITOR_REQUIRE_LOGIN", "").lower() in {"1", "true", "yes"}:
        return True
    with Session(_engine()) as session:
        real = session.scalars(
            select(ImportBatch.id).where(ImportBatch.synthetic.is_(False)).limit(1)  # type: ignore[attr-defined]
        ).first()
    return real is not None


def is_open_demo() -> bool:
    return not login_required()


def require() -> Any | None:
    """The logged-in user; None in the open demo. Anybody else gets the login form and the page stops."""
    from monitor.dashboard import login

    engine = _engine()
    _note_escalation_attempt(engine)
    if not login_required():
        return login.logged_in(engine)  # someone may still log in to the demo to try the roles
    user = login.render_login(engine)
    if user is None:
        st.stop()
    return user


ESCALATION_PARAMS = frozenset({"role", "user", "user_id", "admin", "is_admin", "auth", "login", "token"})
_NOTED = "auth_escalation_noted"


def _note_escalation_attempt(engine: Any) -> None:
    """URL parameters never grant anything; one that tries is written to the audit log (once a session)."""
    from monitor.auth import audit
    from monitor.dashboard import login

    tried = sorted(ESCALATION_PARAMS & {str(k).lower() for k in st.query_params})
    if not tried or st.session_state.get(_NOTED):
        return
    st.session_state[_NOTED] = True
    user_id = st.session_state.get(login.USER_KEY)
    audit.record(engine, None if user_id is None else f"user#{user_id}", "url-parameter", target=",".join(tried),
                 outcome="refused", detail={"params": tried}, ip=login.client_ip())


def current_user() -> Any | None:
    """The logged-in user, or None in the open demo (the login gate runs first: see `require`)."""
    return require()


def role() -> str:
    """The role the page should show: the user's, 'demo' for the open demo."""
    user = current_user()
    return "demo" if user is None else str(user.role)


def audience() -> str:
    """A key naming what the current person may see, used to cache scoped results per person kind.

    'public' for the open demo and for roles without detail; 'internal' for admins; for a
    coordinator 'coordinator:UA53,...' (detail for their oblasts only). `reads.results` turns the key
    back into a person for `monitor.auth.guard.results_for`.
    """
    user = current_user()
    if user is None:
        return "public"
    grant = guard.grant(user.role, "view-detail")
    if grant == "yes":
        return "internal"
    if grant == "scoped":
        return f"{user.role}:{','.join(sorted(str(c) for c in (user.oblasts or [])))}"
    return f"{user.role}:"


def can(action: str, oblast: str | None = None) -> bool:
    """Whether to offer `action` (in `oblast`). The open demo shows the protected set at every level, the
    synthetic officials' answers of a hromada, and exports reports; an anonymous visitor never imports and sees no import details (who imported what,
    rejected rows). Otherwise the permission matrix decides."""
    user = current_user()
    if user is None:
        return action in ("view-aggregates", "export-report", "view-detail", "view-responses")
    return guard.allowed(user, action, oblast)


def can_import() -> bool:
    """Whether the import form is offered."""
    return can("import")


def account_box(container: Any = None) -> None:
    """Signed-in name, role and the logout button; in the open demo a note that no login is needed.
    Call once per run (the sidebar)."""
    from monitor.dashboard import login, state
    from monitor.i18n import t

    target = container or st.sidebar
    user = current_user()
    if user is None:
        target.caption(t("auth.account.open_demo", state.lang()))
        return
    login.render_account(_engine(), user, target)
