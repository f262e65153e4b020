"""Plotly figure builders shared by the dashboard and the reports (see figures.py)."""

__all__ = ["figures"]  # the one figure builder, published whole
