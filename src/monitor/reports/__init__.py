"""Donor reports: one content model (content.py) rendered to PDF, DOCX, XLSX, HTML, open data and IATI.

Public API: `build_report(engine, framework, *, fmt, lang, period=None, oblasts=None, out) -> Path`
(build.py) and `FORMATS`. Every number comes from the protected set
(monitor.privacy.public_results): a report never holds a suppressed value, and no combination of
reports, periods and oblast subsets gives one away.
Imported lazily, so `monitor.reports.tables` (the authored texts, registered by the migrations)
loads without Plotly or the engine.
"""

from __future__ import annotations

import importlib
from typing import Any

# name -> the module that defines it; `texts` (authored narrative, findings and notes) is published whole.
_HOMES = {
    "FORMATS": "build", "build_report": "build", "Activity": "iati", "NARRATIVE_KINDS": "tables",
    "review_items": "content", "DANGEROUS": "xlsx", "sheet_name": "xlsx", "texts": None,
}
__all__ = ["DANGEROUS", "FORMATS", "NARRATIVE_KINDS", "Activity", "build_report", "review_items", "sheet_name", "texts"]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(name)
    home = _HOMES[name]
    module = importlib.import_module(f"{__name__}.{home or name}")
    return module if home is None else getattr(module, name)
