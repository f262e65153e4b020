"""build_report: engine results → Report (content.py) → one file in the chosen format."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from monitor.framework.models import Framework
from monitor.reports.content import build_content
from monitor.reports.model import Report

FORMATS = ("pdf", "docx", "xlsx", "html", "opendata")
NEEDS_IMAGES = ("pdf", "docx")


def render(report: Report, fmt: str, out: Path) -> Path:
    """Write an already built Report in one format (images are rendered first when the format needs them)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt in NEEDS_IMAGES:
        from monitor.reports.images import Pending

        # Charts render in the background while the document is laid out; each is awaited in place.
        pending = Pending(report.charts(), report.lang)
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
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")


def build_report(
    engine: Engine, framework: Framework, *, fmt: str, lang: str, period: str | None = None,
    oblasts: Sequence[str] | None = None, out: Path, generated_at: datetime | None = None,
) -> Path:
    """Build the donor report and write it to `out` (for 'opendata': a folder, or a .zip path)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    report = build_content(engine, framework, lang=lang, period=period, oblasts=oblasts, generated_at=generated_at)
    return render(report, fmt, Path(out))
