"""A chart table's XLSX: the table's own texts, text that stays text (no formula), a frozen header."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from monitor.dashboard.downloads import table_xlsx


def test_the_workbook_holds_exactly_the_table_as_text() -> None:
    table = pd.DataFrame({"Територія": ["Полтавська", "Хмельницька"], "Значення": ["40%", "<11"], "n": ["52", "<11"]})
    book = pd.read_excel(io.BytesIO(table_xlsx(table, "ranking")), dtype=str, keep_default_na=False, engine="openpyxl")
    assert book.equals(table)
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx(table, "ranking"))).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C3"


@pytest.mark.parametrize("danger", ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_injection_is_neutralised(danger: str) -> None:
    table = pd.DataFrame({"Територія": [danger], "Значення": ["1"]})
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx(table, "map"))).active
    cell = sheet["A2"]
    # The text as typed, never a formula (openpyxl leaves XML's escape of a carriage return as it is).
    assert cell.value.replace("_x000D_", "\r") == danger and cell.data_type == "s"
    assert cell.quotePrefix  # and Excel keeps it text after editing or copy-paste
    assert sheet["B2"].quotePrefix is False


def test_an_empty_table_is_a_header_only_sheet() -> None:
    table = pd.DataFrame(columns=["Територія", "Значення"])
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx(table, "trend"))).active
    assert [c.value for c in sheet[1]] == ["Територія", "Значення"] and sheet.max_row == 1
