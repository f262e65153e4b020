"""Donor reports: one content model (content.py) rendered to PDF, DOCX, XLSX, HTML and open data.

Public API: `build_report(engine, framework, *, fmt, lang, period=None, oblasts=None, out) -> Path`
(build.py) and `FORMATS`. Every number comes from monitor.engine.compute through
monitor.privacy.for_audience(..., 'public'): a report never holds a suppressed value.
"""

from monitor.reports.build import FORMATS, build_report

__all__ = ["FORMATS", "build_report"]
