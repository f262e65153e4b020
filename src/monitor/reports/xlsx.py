"""The report as an Excel workbook (XlsxWriter): a sheet per table, native charts, frozen headers, filters.

Numbers are real numbers with number formats (a share is 0.478 shown as 47.8%), so analysts can
compute with them; a withheld cell is the text '<11', never a number. Text is safe from formula
injection: every text cell is written with `write_string` (never parsed as a formula) and a text
starting with = + - @ or a tab/CR gets a leading apostrophe, so even a copy-paste into another sheet
or a CSV export cannot turn it into a formula.
"""

from __future__ import annotations

import re
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from monitor.i18n import t
from monitor.reports.model import HEAD_FILL, STATUS_FILL, Definition, Paragraph, Report, Table

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS = {"percent": "0.0%", "percent0": "0%", "integer": "#,##0", "decimal": "#,##0.0"}
DATA_COLUMNS = [
    "indicator", "theme", "type", "unit", "direction", "level", "territory_code", "territory_name",
    "territory_name_en", "period", "dimension", "dimension_value", "n_display", "value", "ci_low", "ci_high",
    "ci_method", "target", "pct_of_target", "status", "previous_period", "change", "change_significant",
    "suppressed", "synthetic",
]
NUMERIC = {"value", "ci_low", "ci_high", "target", "pct_of_target", "change"}


def safe_text(text: str) -> str:
    """Neutralise formula injection: a leading apostrophe before = + - @ tab CR."""
    return "'" + text if text.startswith(DANGEROUS) else text


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary (never mid-word) and without trailing punctuation."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    space = cut.rfind(" ")
    cut = cut[:space] if space > limit // 3 else text[:limit]
    return cut.rstrip(" ,;:.-—–(")


def sheet_name(title: str, used: set[str]) -> str:
    """An Excel sheet name (≤ 31 characters, none of []:*?/\\'), unique in the book, whole words only."""
    clean = re.sub(r"[\[\]:*?/\\']", " ", title).strip()
    base = _cut(clean, 31) or "Sheet"
    name, k = base, 2
    while name.casefold() in used:
        suffix = f" ({k})"
        name = _cut(clean, 31 - len(suffix)) + suffix
        k += 1
    used.add(name.casefold())
    return name


class Writer:
    def __init__(self, report: Report, out: Path) -> None:
        self.report = report
        self.book = xlsxwriter.Workbook(str(out), {"strings_to_formulas": False, "strings_to_urls": False,
                                                   "strings_to_numbers": False, "nan_inf_to_errors": True})
        self.book.set_properties({"title": f"{report.title} — {report.subtitle}", "author": "ptl-monitor",
                                  "comments": report.footer})
        self.used: set[str] = set()
        self.specs: dict[int, dict[str, object]] = {}
        self.quoted_formats: dict[int, object] = {}
        self.formats: dict[tuple[str, str, bool], object] = {}
        self.head = self.add_format({"bold": True, "font_color": "white", "bg_color": HEAD_FILL,
                                          "text_wrap": True, "valign": "top", "border": 1, "align": "center"})
        self.title = self.add_format({"bold": True, "font_size": 13})
        self.red = self.add_format({"bold": True, "font_color": "#b71c1c"})
        self.wrap = self.add_format({"text_wrap": True, "valign": "top"})
        self.bold = self.add_format({"bold": True, "valign": "top", "text_wrap": True})

    def fmt(self, number: str, status: str, bold: bool):  # type: ignore[no-untyped-def]
        key = (number, status, bold)
        if key not in self.formats:
            spec: dict[str, object] = {"border": 1, "valign": "top", "text_wrap": not number}
            if number:
                spec["num_format"] = NUMBER_FORMATS.get(number, "General")
            if status in STATUS_FILL:
                spec["bg_color"] = STATUS_FILL[status]
            if bold:
                spec["bold"] = True
            self.formats[key] = self.add_format(spec)
        return self.formats[key]

    def text(self, sheet, row: int, col: int, value: str, style=None) -> None:  # type: ignore[no-untyped-def]
        """A text cell; one starting with = + - @ gets Excel's invisible quote prefix (no literal apostrophe)."""
        if value.startswith(DANGEROUS):
            style = self.quoted(style)
        sheet.write_string(row, col, value, style)

    def quoted(self, style):  # type: ignore[no-untyped-def]
        key = id(style)
        if key not in self.quoted_formats:
            spec = dict(self.specs.get(key, {}))
            spec["quote_prefix"] = True
            made = self.book.add_format(spec)
            self.quoted_formats[key] = made
        return self.quoted_formats[key]

    def add_format(self, spec: dict[str, object]):  # type: ignore[no-untyped-def]
        made = self.book.add_format(spec)
        self.specs[id(made)] = spec
        return made

    def banner(self, sheet, title: str) -> int:  # type: ignore[no-untyped-def]
        self.text(sheet, 0, 0, title, self.title)
        row = 1
        if self.report.synthetic:
            self.text(sheet, 1, 0, t("reports.synthetic", self.report.lang), self.red)
            row = 2
        return row + 1

    def cover(self) -> None:
        report = self.report
        lang = report.lang
        sheet = self.book.add_worksheet(sheet_name(report.title, self.used))
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, 1, 100)
        row = self.banner(sheet, f"{report.title} — {report.subtitle}")
        pairs = [
            (t("reports.period", lang), f"{', '.join(report.periods)} ({report.period})"),
            (t("reports.scope", lang), ", ".join(report.scope)),
            (t("reports.generated", lang), report.generated_line),
            (t("reports.prov.framework_hash", lang), report.provenance.framework_hash),
            (t("reports.prov.database_hash", lang), report.provenance.database_hash),
            (t("reports.prov.version", lang), f"ptl-monitor {report.provenance.version}"),
        ]
        for label, value in pairs:
            self.text(sheet, row, 0, label, self.bold)
            self.text(sheet, row, 1, value, self.wrap)
            row += 1

    def narrative(self) -> None:
        """Every paragraph of the report, section by section (the generated text and the rules)."""
        sheet = self.book.add_worksheet(sheet_name(t("reports.contents", self.report.lang), self.used))
        sheet.set_column(0, 0, 32)
        sheet.set_column(1, 1, 120)
        row = self.banner(sheet, t("reports.contents", self.report.lang))
        for section in self.report.sections:
            for block in section.blocks:
                if isinstance(block, Paragraph):
                    self.text(sheet, row, 0, section.title, self.bold)
                    self.text(sheet, row, 1, block.text, self.bold if block.style == "subheading" else self.wrap)
                    row += 1

    def table(self, block: Table) -> None:
        sheet = self.book.add_worksheet(sheet_name(block.title, self.used))
        top = self.banner(sheet, block.title)
        total = sum(block.widths)
        for col, width in enumerate(block.widths):
            sheet.set_column(col, col, max(8, min(70, 110 * width / total)))
        row = top
        for header_row in block.header:
            col = 0
            for head in header_row:
                if head.span > 1:
                    sheet.merge_range(row, col, row, col + head.span - 1, head.text,
                                      self.quoted(self.head) if head.text.startswith(DANGEROUS) else self.head)
                else:
                    self.text(sheet, row, col, head.text, self.head)
                col += head.span
            row += 1
        first = row
        for body_row in block.rows:
            for col, cell in enumerate(body_row):
                style = self.fmt(cell.number_format if cell.value is not None else "", cell.status, cell.bold)
                if cell.value is not None and cell.number_format:
                    sheet.write_number(row, col, cell.value, style)
                else:
                    self.text(sheet, row, col, cell.text, style)
            row += 1
        last = row - 1
        sheet.freeze_panes(first, 0)
        if block.rows:
            sheet.autofilter(first - 1, 0, last, block.columns - 1)
        if block.note:
            self.text(sheet, row + 1, 0, block.note)
        if block.native_chart is not None and block.rows:
            self.native_chart(sheet, block, first, last)

    def native_chart(self, sheet, block: Table, first: int, last: int) -> None:  # type: ignore[no-untyped-def]
        spec = block.native_chart
        assert spec is not None
        chart = self.book.add_chart({"type": spec.kind})
        name = sheet.get_name().replace("'", "''")
        header = first - 1
        for col in spec.value_columns:
            chart.add_series({
                "name": [sheet.get_name(), header, col],
                "categories": f"='{name}'!{xl_rowcol_to_cell(first, spec.category_column, True, True)}:"
                              f"{xl_rowcol_to_cell(last, spec.category_column, True, True)}",
                "values": f"='{name}'!{xl_rowcol_to_cell(first, col, True, True)}:{xl_rowcol_to_cell(last, col, True, True)}",
            })
        chart.set_title({"name": spec.title, "name_font": {"size": 11}})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 720, "height": max(300, 22 * (last - first + 1) * max(1, len(spec.value_columns)) // 2)})
        sheet.insert_chart(last + 4, 0, chart)

    def definitions(self) -> None:
        items = [b for s in self.report.sections for b in s.blocks if isinstance(b, Definition)]
        if not items:
            return
        lang = self.report.lang
        sheet = self.book.add_worksheet(sheet_name(t("reports.method.indicators_title", lang), self.used))
        row = self.banner(sheet, t("reports.method.indicators_title", lang))
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, 1, 30)
        sheet.set_column(2, 2, 100)
        for col, head in enumerate((t("reports.col.indicator", lang), t("reports.col.item", lang),
                                    t("reports.col.value", lang))):
            self.text(sheet, row, col, head, self.head)
        sheet.freeze_panes(row + 1, 0)
        first = row
        for block in items:
            for label, value in block.items:
                row += 1
                self.text(sheet, row, 0, block.title, self.wrap)
                self.text(sheet, row, 1, label, self.bold)
                self.text(sheet, row, 2, value, self.wrap)
        sheet.autofilter(first, 0, row, 2)

    def data(self) -> None:
        """The public results behind every table (oblast level, every period and disaggregation)."""
        frame = self.report.results
        columns = [c for c in DATA_COLUMNS if c in frame.columns]
        sheet = self.book.add_worksheet(sheet_name("data", self.used))
        row = self.banner(sheet, t("reports.title", self.report.lang) + " — data")
        for col, name in enumerate(columns):
            self.text(sheet, row, col, name, self.head)
            sheet.set_column(col, col, 14)
        sheet.freeze_panes(row + 1, 0)
        first = row
        for record in frame[columns].itertuples(index=False):
            row += 1
            for col, (name, value) in enumerate(zip(columns, record, strict=True)):
                if name in NUMERIC:
                    try:
                        number = float(value)
                    except (TypeError, ValueError):
                        continue
                    if number == number:  # NaN: leave the cell empty
                        sheet.write_number(row, col, number)
                elif value is None or (isinstance(value, float) and value != value):
                    continue
                else:
                    self.text(sheet, row, col, str(value))
        sheet.autofilter(first, 0, row, len(columns) - 1)

    def close(self) -> None:
        self.book.close()


def write_xlsx(report: Report, out: Path) -> Path:
    writer = Writer(report, out)
    writer.cover()
    for table in report.tables():
        writer.table(table)
    writer.definitions()
    writer.narrative()
    writer.data()
    writer.close()
    return out
