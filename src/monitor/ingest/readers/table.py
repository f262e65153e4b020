"""RawTable: what every reader returns, before any column is mapped to a question."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class RawTable:
    """Cells exactly as in the file, as text ('' for missing), so ids like '007' survive.

    `rows` has positional column labels 0..n-1 because real exports repeat header texts;
    `columns[i]` is the header text of column i. `first_row` is the spreadsheet row number of the
    first data row (the header is the row above it), so rejected rows point where the user looks.
    """

    columns: list[str]
    rows: pd.DataFrame
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    name: str = ""
    first_row: int = 2
    key_column: str | None = None  # column identifying a row for child tables (KEY, _index)
    parent_key_column: str | None = None  # in a child table: column pointing to the parent's key
    formula_cells: list[str] = field(default_factory=list)  # 'B7' style references
    children: dict[str, RawTable] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, header: str) -> pd.Series | None:
        """The cells of the first column with this header text."""
        try:
            index = self.columns.index(header)
        except ValueError:
            return None
        return self.rows[index]

    def row_numbers(self) -> pd.Series:
        # The index keeps each row's position in the file even after blank rows were dropped.
        return pd.Series(self.rows.index.to_numpy() + self.first_row, index=self.rows.index)


def spreadsheet_column(index: int) -> str:
    """0 → 'A', 27 → 'AB': how a user finds a column in Excel."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
