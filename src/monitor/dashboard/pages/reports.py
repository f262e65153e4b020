"""Donor reports page: the page itself is monitor.dashboard.reports_page (the reports' own module)."""

from __future__ import annotations

from monitor.dashboard.reports_page import render

__all__ = ["render"]

if __name__ == "__main__":
    render()
