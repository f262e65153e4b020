"""Donor reports: one content model (content.py) rendered to PDF, DOCX, XLSX, HTML, open data and IATI.

Public API: `build_report(engine, framework, *, fmt, lang, period=None, oblasts=None, out) -> Path`
(build.py) and `FORMATS`. Every number comes from the protected set
(monitor.privacy.public_results): a report never holds a suppressed value, and no combination of
reports, periods and oblast subsets gives one away.
Imported lazily, so `monitor.reports.tables` (the authored texts, registered by the migrations)
loads without Plotly or the engine.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FORMATS", "build_report"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from monitor.reports import build

        return getattr(build, name)
    raise AttributeError(name)
