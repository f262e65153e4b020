"""The Streamlit dashboard: pages arrange what the engine returns; nothing is computed here."""
