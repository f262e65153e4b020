"""The indicator performance tracking table (IPTT) as USAID and IOM officers read it.

Columns: ID, indicator, unit, +/−, baseline; per year Target | Achieved | n | % Target Met; LOP
target and %; notes. Rows are grouped by result level (impact, outcome, output, context), each
group under a heading row. Under an indicator disaggregated by sex or age, one row per sex and
age group (values of all oblasts in scope combined, through the same public gate, so a withheld
group reads '<11'). The notes column carries the deviation explanation the M&E lead wrote for the
indicator × period; one is required when the result is below the amber threshold (status red),
and a missing one is shown as pending and listed in `Report.missing_notes`. An indicator that depends
on a parameter not yet verified against the law's text carries '‡' after its title, whatever its data
(a withheld or missing value too), and so does each value resting on one (result column `unverified`);
the table's footnote names the parameters and says what the mark means.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from monitor import format as fmt
from monitor.engine import pct_of_target, target_for
from monitor.framework.models import Indicator
from monitor.framework.params import unverified_parameters
from monitor.privacy import n_label
from monitor.reports.context import baseline_cell, number_cell, pct_cell, text_cell, value_cell
from monitor.reports.model import Cell, HeaderCell, Section, Table
from monitor.reports.outputs import output_rows
from monitor.reports.texts import inline

if TYPE_CHECKING:
    from monitor.reports.context import ReportContext

LEVEL_ORDER = {"impact": 0, "outcome": 1, "output": 2, "context": 3}
SEX_DIMENSIONS = ("sex", "applicant_sex", "survivor_sex")
AGE_DIMENSIONS = ("age_group", "applicant_age_group", "age_band", "survivor_age_group")
UNVERIFIED_MARK = "‡"


def breakdown_dimensions(ind: Indicator, dims: set[str]) -> list[str]:
    """The sex and age dimensions an indicator is disaggregated by (framework order, then sex before age)."""
    wanted = [d for d in ind.disaggregate_by if d in SEX_DIMENSIONS + AGE_DIMENSIONS]
    wanted += [d for d in (*SEX_DIMENSIONS, *AGE_DIMENSIONS) if d in dims and d not in wanted]
    return sorted(wanted, key=lambda d: (d not in SEX_DIMENSIONS, ind.disaggregate_by.index(d)
                                         if d in ind.disaggregate_by else 99))


def dimension_labels(ctx: ReportContext, ind: Indicator) -> dict[str, str]:
    """Question labels for dimensions and choice labels for their values ('dim=value'), in the report's language."""
    return ctx.framework.dimension_labels(ind, ctx.lang)


def value_name(value: str) -> str:
    """A readable age band or code when the survey has no label: '18_29' → '18–29', '60_plus' → '60+'."""
    if value.endswith("_plus"):
        return value[: -len("_plus")] + "+"
    return value.replace("_", "–") if value.replace("_", "").isdigit() else value.replace("_", " ")


def _unverified(row: dict[str, Any] | None) -> bool:
    return row is not None and bool(row.get("unverified", False)) and not fmt.missing(row.get("value"))


def achieved_cell(ctx: ReportContext, row: dict[str, Any] | None) -> Cell:
    cell = value_cell(row, ctx.lang)
    if _unverified(row):
        cell.text += f" {UNVERIFIED_MARK}"
    return cell


def n_cell(row: dict[str, Any] | None, lang: str) -> Cell:
    if row is None:
        return Cell(fmt.DASH)
    shown = n_label(row.get("n_display") or "", lang)
    if not shown:
        return Cell(fmt.DASH)
    if shown.isdigit():
        return Cell(shown, value=float(shown), number_format="integer")
    return Cell(shown)


def below_amber(row: dict[str, Any]) -> bool:
    """A published result with a target whose status is red (below the amber threshold): needs a note."""
    return (row.get("status") == "red" and not bool(row.get("suppressed"))
            and not fmt.missing(row.get("pct_of_target")))


def _note(ctx: ReportContext, ind: Indicator, years: list[str]) -> Cell:
    parts: list[str] = []
    pending = False
    for year in years:
        note = ctx.notes.get((ind.id, year))
        row = ctx.all_by.get((ind.id, year))
        if note is not None:
            parts.append(f"{year}: {inline(' '.join(note.body.split()))}")
        elif row is not None and below_amber(row):
            parts.append(f"{year}: {ctx.t('reports.iptt.note_pending')}")
            ctx.missing_notes.append((ind.id, year))
            pending = True
    return Cell("\n".join(parts) if parts else "", status="amber" if pending else "")


def iptt_section(ctx: ReportContext) -> Section:
    years = ctx.periods
    section = Section("iptt", ctx.t("reports.section.iptt"), landscape=True)
    header_top = [HeaderCell("", 5)] + [HeaderCell(y, 4) for y in years] + [HeaderCell(ctx.t("reports.col.lop"), 2),
                                                                           HeaderCell("", 1)]
    header = [ctx.t("reports.col.id"), ctx.t("reports.col.indicator"), ctx.t("reports.col.unit"), "+/−",
              ctx.t("reports.col.baseline")]
    for _ in years:
        header += [ctx.t("reports.col.target"), ctx.t("reports.col.achieved"), ctx.t("reports.col.n"),
                   ctx.t("reports.col.pct_met")]
    header += [ctx.t("reports.col.lop_target"), ctx.t("reports.col.lop_pct"), ctx.t("reports.col.notes")]
    width = len(header)
    rows: list[list[Cell]] = []
    from_data = unverified = False
    unverified_params: set[str] = set()
    ordered = sorted(ctx.indicators(), key=lambda i: (LEVEL_ORDER.get(str(i.level), 9), ctx.order[i.id]))
    level = None

    def group_row(name: str) -> list[Cell]:
        return ([Cell("", status="group"), Cell(ctx.t(f"reports.level_group.{name}"), bold=True, status="group")]
                + [Cell("", status="group") for _ in range(width - 2)])

    coalition = output_rows(ctx, years, width)
    for ind in ordered:
        if ind.level != level:
            if coalition and level == "output":
                rows.extend(coalition)  # the coalition's own outputs close the output level
                coalition = []
            elif coalition and LEVEL_ORDER.get(str(ind.level), 9) > LEVEL_ORDER["output"]:
                rows.append(group_row("output"))  # no framework output indicator: the group is theirs alone
                rows.extend(coalition)
                coalition = []
            level = ind.level
            rows.append(group_row(str(ind.level)))
        baseline, marked = baseline_cell(ctx, ind)
        from_data = from_data or marked
        depends = unverified_parameters(ctx.framework, ind.id)
        unverified_params |= depends
        title = ind.title.get(ctx.lang) + (f" {UNVERIFIED_MARK}" if depends else "")
        row = [text_cell(ind.id, bold=True), text_cell(title),
               text_cell(ctx.t(f"reports.unit.{ind.unit}")), text_cell(ctx.t(f"reports.direction.{ind.direction}")),
               baseline]
        for year in years:
            result = ctx.all_by.get((ind.id, year))
            unverified = unverified or _unverified(result)
            target = result.get("target") if result is not None else target_for(ind, year)
            row += [number_cell(target, ind.unit, ctx.lang), achieved_cell(ctx, result), n_cell(result, ctx.lang),
                    pct_cell(result.get("pct_of_target") if result is not None and not bool(result.get("suppressed"))
                             else None, ctx.lang)]
        latest = ctx.all_by.get((ind.id, ctx.period))
        lop_pct = np.nan
        if latest is not None and ind.lop_target is not None and not fmt.missing(latest.get("value")):
            lop_pct = float(pct_of_target(np.array([latest["value"]], float), np.array([ind.lop_target], float),
                                          np.array([ind.direction]))[0])
        row += [number_cell(ind.lop_target, ind.unit, ctx.lang), pct_cell(lop_pct, ctx.lang), _note(ctx, ind, years)]
        rows.append(row)
        rows.extend(breakdown_rows(ctx, ind, years, width))
    if coalition:  # the output level was the last one (or the only one)
        if level != "output":
            rows.append(group_row("output"))
        rows.extend(coalition)
    note = ctx.t("reports.iptt_note")
    if ctx.coalition_outputs:
        note += " " + ctx.t("reports.iptt.coalition_note")
    if from_data:
        note += " " + ctx.t("reports.baseline_from_data", period=ctx.periods[0] if ctx.periods else "")
    if unverified_params:
        parameters = ctx.framework.settings.parameters
        labels = "; ".join(parameters[p].label.get(ctx.lang) for p in sorted(unverified_params))
        note += " " + ctx.t("reports.iptt.unverified_row_note", mark=UNVERIFIED_MARK, params=labels)
        if ctx.framework.settings.index_excludes_unverified and any(i.components for i in ordered):
            note += " " + ctx.t("reports.iptt.unverified_index_note")
    elif unverified:
        note += " " + ctx.t("reports.iptt.unverified_note", mark=UNVERIFIED_MARK)
    note += " " + ctx.t("reports.iptt.breakdown_note")
    widths = [1.0, 5.6, 1.5, 0.8, 1.7] + [1.5, 1.7, 1.0, 1.3] * len(years) + [1.5, 1.3, 4.2]
    section.blocks.append(Table("iptt", ctx.t("reports.section.iptt"), [header_top, [HeaderCell(h) for h in header]],
                                rows, widths, note=note, font_size=6.5))
    return section


def breakdown_rows(ctx: ReportContext, ind: Indicator, years: list[str], width: int) -> list[list[Cell]]:
    """One row per sex and per age group under the indicator's own row (all oblasts in scope combined)."""
    dims = {d for (i, d) in ctx.dims_of if i == ind.id}
    wanted = breakdown_dimensions(ind, dims)
    if not wanted:
        return []
    labels = dimension_labels(ctx, ind)
    out: list[list[Cell]] = []
    for dim in wanted:
        values = ctx.dims_of.get((ind.id, dim), [])
        for value in values:
            name = labels.get(f"{dim}={value}") or value_name(str(value))
            group = ctx.t("reports.iptt.sex") if dim in SEX_DIMENSIONS else ctx.t("reports.iptt.age")
            row = [text_cell(""), text_cell(f"   {group}: {name}"), text_cell(""), text_cell(""), text_cell("")]
            for year in years:
                result = ctx.all_dims.get((ind.id, year, dim, value))
                row += [Cell(""), achieved_cell(ctx, result), n_cell(result, ctx.lang), Cell("")]
            row += [Cell(""), Cell(""), Cell("")]
            assert len(row) == width
            out.append(row)
    return out
