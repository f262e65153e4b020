"""The Streamlit dashboard: pages arrange what the engine returns; nothing is computed here."""

# Public modules, for app.py (the Streamlit entry point) only.
__all__ = ["access", "drill", "layout", "login", "pages", "reads", "sidebar", "state"]
