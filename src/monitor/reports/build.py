"""build_report: engine results → Report (content.py) → one file in the chosen format."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from monitor.errors import MonitorError, issue
from monitor.framework.models import Framework
from monitor.reports.content import build_content
from monitor.reports.iati import Activity
from monitor.reports.model import Chart, Report, Section

if TYPE_CHECKING:
    from monitor.reports.images import Prefetch

FORMATS = ("pdf", "docx", "xlsx", "html", "opendata", "iati")
NEEDS_IMAGES = ("pdf", "docx")


def render(report: Report, fmt: str, out: Path, *, framework: Framework | None = None,
           activity: Activity | None = None, progress: Callable[[str, float], None] | None = None,
           prefetch: Prefetch | None = None) -> Path:
    """Write an already built Report in one format (images are rendered first when the format needs them).

    'iati' needs the framework and the activity (identifier and reporting organisation)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt in NEEDS_IMAGES:
        from monitor.reports.images import Pending

        # Charts render in the background while the document is laid out; each is awaited in place.
        pending = Pending(report.charts(), report.lang, prefetch=prefetch)
        if progress is not None:
            progress("write", 0.6)
        if fmt == "pdf":
            from monitor.reports.pdf import write_pdf

            return write_pdf(report, out, pending)
        from monitor.reports.docx import write_docx

        return write_docx(report, out, pending)
    if fmt == "xlsx":
        from monitor.reports.xlsx import write_xlsx

        return write_xlsx(report, out)
    if fmt == "html":
        from monitor.reports.html import write_html

        return write_html(report, out)
    if fmt == "opendata":
        from monitor.reports.opendata import write_opendata

        return write_opendata(report, out)
    if fmt == "iati":
        from monitor.reports.iati import write_iati

        if framework is None or activity is None:
            raise MonitorError(issue("report-iati-activity"))
        return write_iati(report, out, activity, framework)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")


def warnings(report: Report) -> list[str]:
    """What the M&E lead still has to write before the report goes out (bilingual lines)."""
    from monitor.i18n import t

    out = []
    for kind in report.missing_texts:
        out.append(f"{t('reports.warn.narrative', 'en', kind=kind, period=report.period)} / "
                   f"{t('reports.warn.narrative', 'uk', kind=kind, period=report.period)}")
    for indicator, period in report.missing_notes:
        out.append(f"{t('reports.warn.note', 'en', indicator=indicator, period=period)} / "
                   f"{t('reports.warn.note', 'uk', indicator=indicator, period=period)}")
    return out


def build_report(
    engine: Engine, framework: Framework, *, fmt: str, lang: str, period: str | None = None,
    oblasts: Sequence[str] | None = None, out: Path, generated_at: datetime | None = None,
    activity: Activity | None = None, warn: Callable[[str], None] | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> Path:
    """Build the donor report and write it to `out` (for 'opendata': a folder, or a .zip path)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    prefetch = None
    if fmt in NEEDS_IMAGES:
        from monitor.reports.images import Prefetch, prestart

        prestart()  # Chromium launches while the engine computes
        prefetch = Prefetch()  # and draws each section's charts while the next sections are built
    step = progress or (lambda stage, share: None)
    step("content", 0.05)

    def hand_over(section: Section) -> None:
        if prefetch is not None:
            prefetch.submit([b for b in section.blocks if isinstance(b, Chart)])

    report = build_content(engine, framework, lang=lang, period=period, oblasts=oblasts, generated_at=generated_at,
                           on_section=hand_over)
    step("charts" if fmt in NEEDS_IMAGES else "write", 0.5)
    if warn is not None:
        for line in warnings(report):
            warn(line)
    if fmt == "iati" and activity is None:
        raise MonitorError(issue("report-iati-activity"))
    try:
        path = render(report, fmt, Path(out), framework=framework, activity=activity, progress=step,
                      prefetch=prefetch)
    finally:
        if prefetch is not None:
            prefetch.close()
    step("done", 1.0)
    return path
