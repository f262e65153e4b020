"""The downloads under every chart: its table as CSV and as an Excel workbook, exactly as shown.

The workbook is written by the reports' writer library (XlsxWriter) under the reports' rules against
formula injection (monitor.reports.xlsx): every cell is a string written with `write_string`, never
parsed, and one starting with = + - @ or a tab/CR carries Excel's quote prefix, so the text stays text
in Excel and after a copy-paste. Cells are the table's own texts ('<11' for a withheld value): the
file holds what this user sees, suppression included, and nothing more.
"""

from __future__ import annotations

import io

import pandas as pd
import xlsxwriter

from monitor.reports import DANGEROUS, sheet_name


def table_xlsx(table: pd.DataFrame, title: str) -> bytes:
    """The table as one sheet: a bold frozen header with a filter, then the rows, all as text."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    sheet = book.add_worksheet(sheet_name(title, set()))
    head = book.add_format({"bold": True, "font_color": "white", "bg_color": "#263238", "text_wrap": True,
                            "valign": "top", "border": 1})
    plain = book.add_format({"valign": "top"})
    quoted = book.add_format({"valign": "top", "quote_prefix": True})
    header_quoted = book.add_format({"bold": True, "font_color": "white", "bg_color": "#263238", "text_wrap": True,
                                     "valign": "top", "border": 1, "quote_prefix": True})
    for col, name in enumerate(table.columns):
        text = str(name)
        sheet.write_string(0, col, text, header_quoted if text.startswith(DANGEROUS) else head)
        width = max([len(text), *(len(str(v)) for v in table.iloc[:, col])]) if len(table) else len(text)
        sheet.set_column(col, col, min(60, max(8, width + 2)))
    for row, values in enumerate(table.itertuples(index=False), start=1):
        for col, value in enumerate(values):
            text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
            sheet.write_string(row, col, text, quoted if text.startswith(DANGEROUS) else plain)
    sheet.freeze_panes(1, 0)
    if len(table.columns):
        sheet.autofilter(0, 0, max(len(table), 1), len(table.columns) - 1)
    book.close()
    return buffer.getvalue()
