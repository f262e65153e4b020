"""XLSX workbooks through python-calamine (a Rust reader, about 6x faster than openpyxl).

Calamine hands back typed cells: numbers as float, dates as datetime. They are turned back into
the text a user sees (7 not 7.0, 2022-03-14 not a serial) so every reader yields the same RawTable.
Formulas are never evaluated: calamine returns the value Excel cached; a cell whose text starts
with '=' is kept as text and flagged.
"""

from __future__ import annotations

import html
import math
import re
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from python_calamine import CalamineWorkbook

from monitor.errors import MonitorError, issue
from monitor.ingest.readers import limits as caps
from monitor.ingest.readers.table import RawTable, spreadsheet_column

CHILD_LINKS = ("_parent_index", "PARENT_KEY")


def cell_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _column_text(values: list[Any]) -> list[str]:
    if all(type(v) is str for v in values):
        return values
    return [cell_text(v) for v in values]


def _cell_order(reference: str) -> tuple[int, str]:
    letters = reference.rstrip("0123456789")
    return int(reference[len(letters):]), letters


def sheet_table(grid: list[list[Any]], name: str, fmt: str, first_row: int) -> RawTable | None:
    """A RawTable from a sheet's rows (first non-empty row = header); None for an empty sheet."""
    while grid and not any(cell_text(c).strip() for c in grid[0]):
        grid = grid[1:]
        first_row += 1
    if not grid:
        return None
    width = max(len(r) for r in grid)
    header = [cell_text(c).strip() for c in grid[0]] + [""] * (width - len(grid[0]))
    body = [list(r) + [""] * (width - len(r)) for r in grid[1:]]
    columns = list(zip(*body, strict=True)) if body else [() for _ in range(width)]
    data = {i: _column_text(list(col)) for i, col in enumerate(columns)}
    # Drop trailing columns with neither a header nor any value (Excel's phantom used range).
    keep = [i for i in range(width) if header[i] or any(v.strip() for v in data[i])]
    header = [header[i] if header[i] else f"({spreadsheet_column(i)})" for i in keep]
    rows = pd.DataFrame({j: pd.Series(data[i], dtype=str) for j, i in enumerate(keep)})
    if rows.empty and not len(rows.columns):
        rows = pd.DataFrame({j: pd.Series([], dtype=str) for j in range(len(header))})
    # Blank rows in the middle of a sheet are layout, not submissions.
    blank = (rows.apply(lambda col: col.str.strip() == "")).all(axis=1) if len(rows) else pd.Series([], dtype=bool)
    table = RawTable(columns=header, rows=rows, format=fmt, name=name, first_row=first_row + 1)
    table.formula_cells = [
        f"{spreadsheet_column(keep[j])}{first_row + 1 + r}"
        for j in range(len(keep))
        for r in rows.index[rows[j].str.startswith("=")].tolist()
    ]
    if blank.any():
        table.rows = rows[~blank]
    return table


_SHEET = re.compile(r'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_REL = re.compile(r'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"')
_REL_REVERSED = re.compile(r'<Relationship\b[^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"')
_FORMULA_CELL = re.compile(r'<c\b[^>]*?\br="([A-Z]+[0-9]+)"[^>]*?>(?:(?!</c>).)*?<f[\s>/]', re.DOTALL)


def formula_cells(path: Path) -> dict[str, list[str]]:
    """Sheet name → references of cells holding real formulas (calamine gives only their cached values)."""
    found: dict[str, list[str]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            targets = dict(_REL.findall(rels)) | {i: t for t, i in _REL_REVERSED.findall(rels)}
            for name, rel_id in _SHEET.findall(workbook):
                target = targets.get(rel_id, "").lstrip("/")
                member = target if target.startswith("xl/") else f"xl/{target}"
                if member not in archive.namelist():
                    continue
                xml = archive.read(member).decode("utf-8", "replace")
                if "<f" in xml:
                    found[html.unescape(name)] = _FORMULA_CELL.findall(xml)
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}
    return found


def read_xlsx(path: Path, display_name: str, cap: caps.Limits | None = None) -> RawTable:
    """The workbook's first non-empty sheet (plus repeat sheets), after every cap of `limits.py`."""
    try:
        with zipfile.ZipFile(path) as archive:
            caps.check_xlsx(display_name, archive, cap or caps.limits())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise MonitorError(issue("ingest-xlsx-corrupt", path=display_name, detail="truncated or damaged zip container",
                                 detail_uk="обрізаний або пошкоджений zip-контейнер")) from None
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = [(name, workbook.get_sheet_by_name(name)) for name in workbook.sheet_names]
        grids = [(name, sheet.to_python(skip_empty_area=False)) for name, sheet in sheets]
    except Exception as error:  # calamine raises its own error types for every kind of damage
        detail = type(error).__name__
        raise MonitorError(issue("ingest-xlsx-corrupt", path=display_name, detail=detail, detail_uk=detail)) from None
    main: RawTable | None = None
    children: dict[str, RawTable] = {}
    for name, grid in grids:
        table = sheet_table(grid, name, "xlsx", 1)
        if table is None:
            continue
        if main is None:
            main = table
        elif any(link in table.columns for link in CHILD_LINKS):
            table.parent_key_column = next(link for link in CHILD_LINKS if link in table.columns)
            children[name] = table
    if main is None:
        raise MonitorError(issue("ingest-empty-file", path=display_name))
    # Real formulas are read as the value Excel cached, never computed here, and flagged.
    stored = formula_cells(path).get(main.name, [])
    main.formula_cells = sorted(set(main.formula_cells) | set(stored), key=_cell_order)
    main.children = children
    if children:
        main.key_column = "_index" if "_index" in main.columns else "KEY" if "KEY" in main.columns else None
    return main
