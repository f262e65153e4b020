"""The subsistence minimum (прожитковий мінімум) per category of person and date, from a sourced reference table.

The one-time assistance to a person granted the status is 3 subsistence minimums for the person's category
on the date they applied (CMU Resolution No. 660; docs/domain/one-time-assistance.md): S06A checks the
amount paid against it. The amounts are never literals in code or YAML: they are rows of
data/reference/subsistence_minimum.csv, each with its validity dates, the act that set it (the State Budget
law of the year, art. 7) and the public page it was copied from. The framework parameter
`subsistence_minimum_table` names the file and says whether it is verified (the pages are secondary).
A date outside every row has no minimum (missing, never a guess).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["CATEGORIES", "SubsistenceTable", "load_table"]

# The categories of the budget law the table knows (choice values of the instruments' person_category).
CATEGORIES = ("child_under_6", "child_6_17", "able_bodied", "lost_capacity")


@dataclass(frozen=True)
class SubsistenceTable:
    rows: tuple[tuple[str, np.datetime64, np.datetime64, float], ...]  # category, valid_from, valid_to, UAH
    path: str

    @property
    def key(self) -> tuple[object, ...]:
        return ("subsistence", self.path, self.rows)

    def lookup(self, categories: np.ndarray, days: np.ndarray) -> np.ndarray:
        """The minimum in force per (category, day); NaN where the category or the day is not covered."""
        categories = np.asarray(categories, dtype=object)
        days = np.asarray(days, dtype="datetime64[D]")
        out = np.full(days.shape, np.nan)
        for category, start, end, amount in self.rows:
            hit = (categories == category) & ~np.isnat(days) & (days >= start) & (days <= end)
            out[hit] = amount
        return out


@lru_cache(maxsize=4)
def load_table(path: Path) -> SubsistenceTable:
    """Read the table; refuse overlapping rows of one category (two amounts on one day)."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        rows = [(r["category"], np.datetime64(r["valid_from"], "D"), np.datetime64(r["valid_to"], "D"),
                 float(r["amount_uah"])) for r in csv.DictReader(handle)]
    for category in {r[0] for r in rows}:
        spans = sorted((start, end) for c, start, end, _ in rows if c == category)
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            if start <= end:
                raise ValueError(f"{path}: two subsistence minimums for {category} on {start}")
    return SubsistenceTable(tuple(rows), str(path))
