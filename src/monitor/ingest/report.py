"""ImportReport: what an import did with one file, for the CLI, the dashboard and the monitor who fixes rows."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson

from monitor.errors import Issue

Status = Literal["imported", "already-imported", "refused", "dry-run"]
REJECTED_COLUMNS = ("row", "column", "value", "code", "message_uk", "message_en")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class ImportReport:
    survey: str
    file: str
    sha256: str = ""
    format: str | None = None
    encoding: str | None = None
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    consent_refused: int = 0
    repeat_rows: int = 0
    dropped_columns: list[str] = field(default_factory=list)
    unmapped_columns: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    rejected_rows: list[dict[str, Any]] = field(default_factory=list)
    batch: int | None = None
    status: Status = "refused"

    @property
    def refused(self) -> bool:
        return self.status == "refused"

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "warning"]

    def to_dict(self) -> dict[str, Any]:
        """The import report (survey, file, sha256, rows, accepted, rejected, duplicates, batch) and more."""
        return {
            "survey": self.survey,
            "file": self.file,
            "sha256": self.sha256,
            "rows": self.rows,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "batch": self.batch,
            "status": self.status,
            "format": self.format,
            "encoding": self.encoding,
            "consent_refused": self.consent_refused,
            "repeat_rows": self.repeat_rows,
            "dropped_columns": self.dropped_columns,
            "unmapped_columns": self.unmapped_columns,
            "issues": [i.to_dict() for i in self.issues],
            "rejected_rows": self.rejected_rows,
        }

    def to_json(self) -> str:
        return orjson.dumps(self.to_dict()).decode()

    def write_rejected_csv(self, path: Path | str) -> Path:
        """The rejected rows as a CSV a monitor opens in Excel, fixes and re-imports.

        UTF-8 with BOM so Excel shows Cyrillic; cells that Excel would run as formulas are prefixed with '.
        """
        path = Path(path)
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(REJECTED_COLUMNS)
            for row in self.rejected_rows:
                writer.writerow([_safe_cell(row.get(column)) for column in REJECTED_COLUMNS])
        return path


def _safe_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
