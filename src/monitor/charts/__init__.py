"""Plotly figure builders shared by the dashboard and the reports (see figures.py)."""
