"""Writing exports people open in Excel: formula injection is neutralised in every cell.

A cell starting with = + - @ (or a tab / carriage return before one) is run by Excel and LibreOffice
as a formula (`=HYPERLINK(...)`, DDE). Such text gets a leading apostrophe, which spreadsheets show
as text. Numbers stay numbers (a negative number is a number, not a formula).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell (and header) neutralised."""
    out = frame.copy()
    out.columns = [safe_cell(str(c)) for c in out.columns]
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(safe_cell).astype(object)
    return out


def write_csv(frame: pd.DataFrame, path: Path | str) -> Path:
    """UTF-8 with BOM (Excel shows Cyrillic), every cell neutralised."""
    path = Path(path)
    safe_frame(frame).to_csv(path, index=False, encoding="utf-8-sig", quoting=csv.QUOTE_MINIMAL)
    return path


def export_responses(engine: Engine, user: Any, survey_id: str, path: Path | str, oblast: str | None = None,
                     ip: str | None = None) -> Path:
    """The admins' raw-response export (guarded and logged by `guard.read_responses`) as a safe CSV."""
    from monitor.auth.guard import read_responses

    return write_csv(read_responses(engine, user, survey_id, oblast, ip=ip), path)
