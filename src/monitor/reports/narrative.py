"""The report's narrative sections: executive summary with key findings, context, limitations and data
quality, the access-to-assistance cascade, and the recommendations with their status.

Narrative text is the M&E lead's (monitor.reports.texts); the data-quality statement and the
cascade are built from the public numbers. Recommendations come from the oversight loop
(`monitor.loop.report.recommendation_rows`, public audience: approved rounds only); without that
package the section is left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy.engine import Engine

from monitor import format as fmt
from monitor.charts import figures
from monitor.reports.findings import Proposal
from monitor.reports.model import Cell, Chart, HeaderCell, Paragraph, Section, Table
from monitor.reports.tables import ReportText
from monitor.reports.texts import Text, markdown_blocks

if TYPE_CHECKING:
    from monitor.reports.context import ReportContext


def _story(ctx: ReportContext, text: Text | None, kind: str) -> list[Paragraph]:
    if text is None:
        return [Paragraph(ctx.t("reports.narrative.not_written", what=ctx.t(f"reports.narrative.kind.{kind}"),
                                period=ctx.period), "warning")]
    return markdown_blocks(text.body)


def executive_section(ctx: ReportContext, story: dict[str, Text | None], accepted: list[ReportText],
                      proposals: list[Proposal]) -> Section:
    section = Section("executive", ctx.t("reports.section.executive"))
    section.blocks.append(Paragraph(ctx.t("reports.narrative.round", period=ctx.period,
                                          oblasts=", ".join(ctx.names[c] for c in ctx.oblasts)), "note"))
    section.blocks.extend(_story(ctx, story.get("summary"), "summary"))
    section.blocks.append(Paragraph(ctx.t("reports.section.findings"), "subheading"))
    if accepted:
        for row in accepted:
            section.blocks.append(Paragraph(" ".join(row.body.split()), "bullet"))
        last = max(accepted, key=lambda r: r.updated_at)
        section.blocks.append(Paragraph(ctx.t("reports.findings.accepted", date=fmt.day(last.updated_at.date(),
                                                                                        ctx.lang)), "note"))
    elif proposals:
        for proposal in proposals:
            section.blocks.append(Paragraph(proposal.text(ctx.lang), "bullet"))
        section.blocks.append(Paragraph(ctx.t("reports.findings.proposed"), "note"))
    else:
        section.blocks.append(Paragraph(ctx.t("reports.findings.none"), "note"))
    return section


def context_section(ctx: ReportContext, story: dict[str, Text | None]) -> Section:
    section = Section("context", ctx.t("reports.section.context"), new_page=False)
    section.blocks.extend(_story(ctx, story.get("context"), "context"))
    return section


def quality_rows(ctx: ReportContext, cov: pd.DataFrame) -> list[list[Cell]]:
    """Per round: expected and received units, coverage, withheld values, unverified values."""
    rows: list[list[Cell]] = []
    scope = cov[(cov["level"] == "oblast") & cov["territory_code"].isin(ctx.oblasts)] if not cov.empty else cov
    for period in ctx.periods:
        part = scope[scope["wave"].astype(str) == period] if not scope.empty else scope
        expected = int(part["expected"].sum()) if not part.empty else 0
        received = int(part["received"].sum()) if not part.empty else 0
        share = received / expected * 100 if expected else float("nan")
        now = ctx.totals[ctx.totals["period"] == period]
        withheld = int(now["suppressed"].astype(bool).sum())
        unverified = int(now["unverified"].astype(bool).sum()) if "unverified" in now.columns else 0
        rows.append([
            Cell(period, bold=True), Cell(fmt.integer(expected, ctx.lang), float(expected), "integer"),
            Cell(fmt.integer(received, ctx.lang), float(received), "integer"),
            Cell(fmt.percent(share, ctx.lang, 0), share / 100 if share == share else None, "percent0"),
            Cell(f"{withheld} / {len(now)}", float(withheld), "integer"),
            Cell(str(unverified), float(unverified), "integer"),
        ])
    return rows


def limitations_section(ctx: ReportContext, story: dict[str, Text | None], cov: pd.DataFrame) -> Section:
    section = Section("limitations", ctx.t("reports.section.limitations"), new_page=False)
    section.blocks.extend(_story(ctx, story.get("limitations"), "limitations"))
    section.blocks.append(Table(
        "quality", ctx.t("reports.quality.title"),
        [[HeaderCell(ctx.t("reports.col.wave")), HeaderCell(ctx.t("reports.col.expected")),
          HeaderCell(ctx.t("reports.col.received")), HeaderCell(ctx.t("reports.col.share")),
          HeaderCell(ctx.t("reports.quality.withheld")), HeaderCell(ctx.t("reports.quality.unverified"))]],
        quality_rows(ctx, cov), [1.4, 1.6, 1.6, 1.4, 2.6, 2.2], note=ctx.t("reports.quality.note"), font_size=8,
    ))
    return section


def cascade_table(ctx: ReportContext, frame: pd.DataFrame) -> Table:
    name = "oblast_name_en" if ctx.lang == "en" else "oblast_name"
    oblasts = list(dict.fromkeys(frame.sort_values("oblast_code")["oblast_code"]))
    titles = dict(zip(frame["oblast_code"], frame[name], strict=False))
    rows: list[list[Cell]] = []
    for (_, step), part in frame.sort_values("step_order").groupby(["step_order", "step"], sort=True):
        by = {r["oblast_code"]: r for r in part.to_dict("records")}
        cells = [Cell(ctx.t(f"dashboard.cascade.step.{step}"))]
        for code in oblasts:
            row = by.get(code)
            if row is None or fmt.missing(row.get("value")) and not bool(row.get("suppressed")):
                cells.append(Cell(fmt.DASH))
            elif bool(row["suppressed"]):
                cells.append(Cell(str(row.get("n_display") or fmt.DASH), status="suppressed"))
            elif row["source"] == "survivors":
                cells.append(Cell(fmt.percent(float(row["value"]) * 100, ctx.lang, 0), float(row["value"]), "percent0"))
            else:
                cells.append(Cell(fmt.integer(row["value"], ctx.lang), float(row["value"]), "integer"))
        rows.append(cells)
    return Table("cascade", ctx.t("reports.cascade.table", period=ctx.period),
                 [[HeaderCell(ctx.t("dashboard.cascade.step"))] + [HeaderCell(titles.get(c, c)) for c in oblasts]],
                 rows, [5] + [2.2] * len(oblasts), note=ctx.t("reports.cascade.note"), font_size=8)


def cascade_section(ctx: ReportContext, cascade: pd.DataFrame) -> Section:
    section = Section("cascade", ctx.t("reports.section.cascade"))
    frame = cascade[cascade["period"].astype(str) == ctx.period] if not cascade.empty else cascade
    if frame.empty:
        section.blocks.append(Paragraph(ctx.t("reports.cascade.no_data", period=ctx.period), "note"))
        return section
    section.blocks.append(Paragraph(ctx.t("reports.cascade.intro")))
    section.blocks.append(Chart("cascade", ctx.t("reports.cascade.chart", period=ctx.period),
                                figures.cascade(frame, ctx.lang), height=470))
    section.blocks.append(cascade_table(ctx, frame))
    return section


def recommendation_frame(engine: Engine, lang: str, period: str | None = None) -> pd.DataFrame | None:
    """The oversight loop's public recommendation rows (approved rounds, as at the end of `period`)."""
    from monitor.oversight.report import recommendation_rows

    return recommendation_rows(engine, audience="public", lang=lang, period=period)


def recommendations_sections(ctx: ReportContext, engine: Engine) -> list[Section]:
    frame = recommendation_frame(engine, ctx.lang, ctx.period)
    if frame is None:
        return []
    section = Section("recommendations", ctx.t("reports.section.recommendations"))
    if not frame.empty and "oblast_code" in frame.columns:
        frame = frame[frame["oblast_code"].isna() | frame["oblast_code"].isin([*ctx.oblasts, "", None])]
    if frame.empty:
        section.blocks.append(Paragraph(ctx.t("reports.recommendations.none")))
        return [section]
    rows: list[list[Cell]] = []
    for row in frame.to_dict("records"):
        status = str(row.get("status") or "")
        overdue = bool(row.get("overdue"))
        evidence = str(row.get("evidence") or "")
        if row.get("evidence_url"):
            evidence = f"{evidence} ({row['evidence_url']})".strip()
        rows.append([
            Cell(str(row.get("authority") or ""), bold=True), Cell(str(row.get("code") or "")),
            Cell(str(row.get("text") or "")),
            Cell(str(row.get("status_label") or status), status="red" if overdue else _status_fill(status)),
            Cell(_date(row.get("due_date"), ctx.lang)), Cell(evidence),
        ])
    section.blocks.append(Table(
        "recommendations", ctx.t("reports.section.recommendations"),
        [[HeaderCell(ctx.t("reports.recommendations.authority")), HeaderCell(ctx.t("reports.col.id")),
          HeaderCell(ctx.t("reports.recommendations.text")), HeaderCell(ctx.t("reports.col.status")),
          HeaderCell(ctx.t("reports.recommendations.due")), HeaderCell(ctx.t("reports.recommendations.evidence"))]],
        rows, [3, 1, 6, 2, 1.6, 4], note=ctx.t("reports.recommendations.note"), font_size=7.5,
    ))
    return [section]


def _status_fill(status: str) -> str:
    if status in ("implemented", "done", "closed"):
        return "green"
    if status in ("partially_implemented", "partial", "in_progress"):
        return "amber"
    return ""


def _date(value: Any, lang: str) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return fmt.DASH
    try:
        return fmt.day(pd.Timestamp(value).date(), lang)
    except (TypeError, ValueError):
        return str(value)
