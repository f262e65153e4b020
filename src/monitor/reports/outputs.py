"""The coalition's own output indicators in the IPTT: officials trained (by body type and by sex) and
trainings held, per year, from the trainings it recorded (monitor.oversight.trainings). They are
output-level rows of the same table, after the framework's output indicators, and every format renders
them because they are rows of the one Table.

No target is set for them in the framework yet, so Target and % met read '—' (a target is the M&E
lead's to set, never a number from here). Counts of officials are not suppressed: they describe the
coalition's own events and no respondent's answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from monitor.oversight.trainings import OutputIndicator, output_indicators
from monitor.reports.context import number_cell, text_cell
from monitor.reports.model import Cell

DIRECTION = "higher-is-better"  # more officials trained is the point of a training

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from monitor.reports.context import ReportContext


def coalition_outputs(engine: Engine, oblasts: list[str], periods: list[str]) -> list[OutputIndicator]:
    """The output indicators for the report's oblasts and years."""
    return output_indicators(engine, oblasts, periods)


def output_rows(ctx: ReportContext, years: list[str], width: int) -> list[list[Cell]]:
    """Each coalition output indicator as an IPTT row, with one row per body type and per sex under it."""
    rows: list[list[Cell]] = []
    for item in ctx.coalition_outputs:
        row = [
            text_cell(item.id, bold=True),
            text_cell(ctx.t(f"reports.iptt.{item.id.lower()}")),
            text_cell(ctx.t(f"reports.unit.{item.unit}")),
            text_cell(ctx.t(f"reports.direction.{DIRECTION}")),
            Cell("—"),
        ]
        for year in years:
            row += [
                Cell("—"),
                number_cell(item.totals.get(year, 0), item.unit, ctx.lang),
                Cell("—"),
                Cell("—"),
            ]
        row += [Cell("—"), Cell("—"), text_cell(ctx.t("reports.iptt.coalition_source"))]
        rows.append(row)
        for group, parts, label in (
            ("reports.iptt.body_kind", item.by_kind, "oversight.body_kind."),
            ("reports.iptt.sex", item.by_sex, "oversight.sex."),
        ):
            for name, per_year in sorted(parts.items()):
                cells = [
                    text_cell(""),
                    text_cell(f"   {ctx.t(group)}: {ctx.t(label + name)}"),
                    text_cell(""),
                    text_cell(""),
                    text_cell(""),
                ]
                for year in years:
                    cells += [
                        Cell(""),
                        number_cell(per_year.get(year, 0), item.unit, ctx.lang),
                        Cell(""),
                        Cell(""),
                    ]
                cells += [Cell(""), Cell(""), Cell("")]
                rows.append(cells)
    for row in rows:
        assert len(row) == width
    return rows


def outputs_frame(items: list[OutputIndicator]) -> pd.DataFrame:
    """The output indicators in long form for open data: one row per indicator, year and breakdown."""
    rows = []
    for item in items:
        parts = [("", {"": item.totals}), ("body_kind", item.by_kind), ("sex", item.by_sex)]
        for dimension, groups in parts:
            for value, per_year in sorted(groups.items()):
                for year, number in sorted(per_year.items()):
                    rows.append({"indicator": item.id, "period": year, "dimension": dimension,
                                 "dimension_value": value, "value": int(number), "unit": item.unit})
    return pd.DataFrame(rows, columns=["indicator", "period", "dimension", "dimension_value", "value", "unit"])
