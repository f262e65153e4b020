"""The request tracker's summary in the report (every format): requests per oblast by state at the end
of the reporting period, and the share answered on time, from monitor.oversight.report."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from monitor.oversight.report import tracker_table
from monitor.reports.context import ReportContext, header_row, number_cell, pct_cell, text_cell
from monitor.reports.model import Cell, Paragraph, Section, Table


def tracker_section(ctx: ReportContext, engine: Engine) -> list[Section]:
    table = tracker_table(engine, ctx.lang, ctx.period, list(ctx.oblasts))
    section = Section("requests", ctx.t("reports.section.requests"))
    section.blocks.append(Paragraph(ctx.t("reports.requests.intro")))
    if table.empty:
        section.blocks.append(Paragraph(ctx.t("reports.requests.none")))
        return [section]
    share = table.columns[-1]
    rows: list[list[Cell]] = []
    for record in table.to_dict("records"):
        cells = [text_cell(str(record[table.columns[0]]), bold=True)]
        cells += [number_cell(record[c], "count", ctx.lang) for c in table.columns[1:-1]]
        cells.append(pct_cell(None if record[share] != record[share] else record[share] * 100, ctx.lang))
        rows.append(cells)
    section.blocks.append(Table("requests", ctx.t("reports.section.requests"), header_row(*map(str, table.columns)),
                                rows, [3] + [1.4] * (len(table.columns) - 1), note=ctx.t("reports.requests.note")))
    return [section]
