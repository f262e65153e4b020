"""Shared checks for the report tests: text normalisation and picking cells to compare."""

from __future__ import annotations

import re

import pandas as pd

from monitor import format as fmt

SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")


def flat(text: str) -> str:
    """Text with every kind of space removed (PDF extraction breaks lines inside table cells)."""
    return SPACES.sub("", text)


def norm(text: str) -> str:
    return SPACES.sub(" ", text)


def published_cells(results: pd.DataFrame, period: str = "2022", count: int = 4) -> list[dict]:
    """A few published totals with values (different indicators and oblasts)."""
    rows = results[(results["dimension"] == "") & (results["period"] == period) & ~results["suppressed"].astype(bool)
                   & results["value"].notna() & (results["type"] != "index")]
    picked = rows.drop_duplicates("indicator").drop_duplicates("territory_code").head(count)
    return picked.to_dict("records")


def suppressed_cell(internal: pd.DataFrame, survivor: bool = True, period: str = "2022") -> dict:
    """A total withheld from the public (survivor instrument when asked), with its hidden value."""
    rows = internal[(internal["dimension"] == "") & (internal["period"] == period) & internal["suppressed"].astype(bool)
                    & internal["value"].notna()]
    if survivor:
        rows = rows[rows["respondent"] == "survivor"]
    return rows.iloc[0].to_dict()


def shown(row: dict, lang: str) -> str:
    return fmt.value(row["value"], row["unit"], lang)
