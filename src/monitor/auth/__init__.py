"""Accounts, roles, the permission guard, sessions, upload hardening and the audit trail.

Streamlit-free except `monitor.dashboard.login`; see docs/security.md.
"""
