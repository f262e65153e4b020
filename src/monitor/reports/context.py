"""What the sections of a report share: the cells they are made of and the ReportContext they read.

Apart from content.py (which assembles the report) so that content, iptt and narrative can all use
them without importing each other in a circle.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from monitor import format as fmt
from monitor.charts import figures
from monitor.framework.models import Framework, Indicator
from monitor.i18n import t
from monitor.privacy import WITHHELD, n_label
from monitor.reports.model import Cell, HeaderCell

LANGS = ("uk", "en")
CI_KEY = {"share": "wilson", "mean": "t", "median": "order", "duration": "order"}
ALL = "ALL"


# --------------------------------------------------------------------------- cells


def _number_format(unit: str | None, number: float) -> str:
    if unit in fmt.PERCENT_UNITS:
        return "percent"
    if unit in fmt.INTEGER_UNITS and number == round(number):
        return "integer"
    return "decimal"


def value_cell(row: dict[str, Any] | None, lang: str, with_status: bool = True) -> Cell:
    """An indicator value; a withheld one shows the withheld mark ('приховано' / 'hidden') and carries no number."""
    if row is None:
        return Cell(fmt.DASH, status="no-data" if with_status else "")
    status = str(row.get("status") or "") if with_status else ""
    if bool(row.get("suppressed")):
        return Cell(n_label(row.get("n_display"), lang) or n_label(WITHHELD, lang),
                    status="suppressed" if with_status else "")
    number = row.get("value")
    if fmt.missing(number):
        if row.get("type") == "index" and str(row.get("index_missing") or "").strip() not in ("", "nan"):
            # a fixed-mix index without all its components: say it is incomplete, not that there is no data
            return Cell(t("reports.index_incomplete", lang, missing=str(row["index_missing"]).replace(",", ", ")),
                        status=status)
        return Cell(fmt.DASH, status=status)
    unit = row.get("unit")
    return Cell(fmt.value(number, unit, lang), value=float(number), number_format=_number_format(unit, float(number)),
                status=status)


def number_cell(number: Any, unit: str | None, lang: str) -> Cell:
    if fmt.missing(number):
        return Cell(fmt.DASH)
    return Cell(fmt.value(number, unit, lang), value=float(number), number_format=_number_format(unit, float(number)))


def pct_cell(pct: Any, lang: str) -> Cell:
    if fmt.missing(pct):
        return Cell(fmt.DASH)
    return Cell(fmt.percent(pct, lang, 0), value=float(pct) / 100, number_format="percent0")


def change_cell(change: Any, unit: str | None, lang: str, significant: bool = False) -> Cell:
    """A signed change ('+5,2 в. п.'), '*' when statistically significant."""
    if fmt.missing(change):
        return Cell(fmt.DASH)
    cell = number_cell(change, unit, lang)
    cell.text = fmt.change(change, unit, lang) + ("*" if significant else "")
    return cell


def text_cell(value: str, bold: bool = False) -> Cell:
    return Cell(value, bold=bold)


def header_row(*names: str) -> list[list[HeaderCell]]:
    return [[HeaderCell(n) for n in names]]


# --------------------------------------------------------------------------- context


def indicator_order(framework: Framework) -> dict[str, int]:
    """Indicators in theme order (framework.yaml), then by id: the order of every table."""
    themes = {th.id: th.order for th in framework.settings.themes}
    ordered = sorted(framework.indicators.values(), key=lambda i: (themes.get(i.theme, 99), i.theme, i.id))
    return {ind.id: position for position, ind in enumerate(ordered)}


class ReportContext:
    """What every section of one report reads: its public results, period, oblasts, names and titles
    in the report's language."""

    def __init__(self, framework: Framework, lang: str, results: pd.DataFrame, results_all: pd.DataFrame,
                 period: str, periods: list[str]) -> None:
        self.framework = framework
        self.lang = lang
        self.results = results
        self.results_all = results_all
        self.period = period
        self.periods = periods
        index = periods.index(period)
        self.previous = periods[index - 1] if index > 0 else None
        self.order = indicator_order(framework)
        self.titles = {i: ind.title.get(lang) for i, ind in framework.indicators.items()}
        self.short = {i: (ind.short_title or ind.title).get(lang) for i, ind in framework.indicators.items()}
        territory = results.drop_duplicates("territory_code").sort_values("territory_code")
        name_column = "territory_name_en" if lang == "en" else "territory_name"
        self.oblasts: list[str] = territory["territory_code"].tolist()
        self.names: dict[str, str] = dict(zip(territory["territory_code"], territory[name_column], strict=True))
        self.names[ALL] = t("reports.text.all_oblasts", lang)
        totals = results[results["dimension"] == ""]
        self.totals = totals
        self.now = totals[totals["period"] == period]
        self.by_cell = {(r["indicator"], r["territory_code"]): r for r in self.now.to_dict("records")}
        # Disaggregated rows per oblast in the period: (indicator, territory, dimension, value) -> row.
        now_dims = results[(results["dimension"] != "") & (results["period"] == period)]
        self.dim_cell = {(r["indicator"], r["territory_code"], r["dimension"], r["dimension_value"]): r
                         for r in now_dims.to_dict("records")}
        all_totals = results_all[results_all["dimension"] == ""] if not results_all.empty else results_all
        self.all_by = {(r["indicator"], str(r["period"])): r for r in all_totals.to_dict("records")}
        # Disaggregated rows of all oblasts combined: (indicator, period, dimension, value) -> row.
        dims = results_all[results_all["dimension"] != ""] if not results_all.empty else results_all
        self.all_dims = {(r["indicator"], str(r["period"]), r["dimension"], r["dimension_value"]): r
                         for r in dims.to_dict("records")}
        self.dims_of: dict[tuple[str, str], list[str]] = {}
        for r in dims.to_dict("records"):
            values = self.dims_of.setdefault((r["indicator"], r["dimension"]), [])
            if r["dimension_value"] not in values:
                values.append(r["dimension_value"])
        self.notes: dict[tuple[str, str], Any] = {}  # (indicator, period) -> ReportText, set by build_content
        self.missing_notes: list[tuple[str, str]] = []
        # The coalition's own output indicators (oversight.trainings.OutputIndicator), set by build_content.
        self.coalition_outputs: list[Any] = []

    def t(self, key: str, **params: Any) -> str:
        return t(key, self.lang, **params)

    def indicators(self, theme: str | None = None) -> list[Indicator]:
        ordered = sorted(self.framework.indicators.values(), key=lambda i: self.order[i.id])
        return [i for i in ordered if theme is None or i.theme == theme]

    def titled(self, frame: pd.DataFrame) -> pd.DataFrame:
        return figures.with_titles(frame, self.framework, self.lang)


def baseline_cell(ctx: ReportContext, indicator: Indicator) -> tuple[Cell, bool]:
    """The framework's baseline, else the first wave's combined result (marked †)."""
    base = indicator.baseline
    if base is not None and base.value is not None:
        return number_cell(base.value, indicator.unit, ctx.lang), False
    period = base.period if base is not None else (ctx.periods[0] if ctx.periods else "")
    row = ctx.all_by.get((indicator.id, str(period)))
    cell = value_cell(row, ctx.lang, with_status=False)
    if cell.text in (fmt.DASH, ""):
        return cell, False
    cell.text += " †"
    return cell, True
