"""Accounts, roles, the permission guard, sessions, upload hardening and the audit trail.

Streamlit-free except `monitor.dashboard.login`; see docs/security.md.
"""

# Public modules (each published whole); passwords, roles, throttle and exports stay inside auth.
__all__ = ["accounts", "audit", "guard", "import_worker", "models", "oversight", "sessions", "uploads"]
