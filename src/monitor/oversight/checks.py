"""Value checks shared by the data-layer functions and the spreadsheet import: one rule, one message.

Each check returns the parsed value and an Issue (or None); `Where` carries the file, row and column
so a spreadsheet's error names them and a direct call's error does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from monitor.errors import Issue, issue
from monitor.store.models import Territory


@dataclass(frozen=True)
class Where:
    path: str | None = None
    line: int | None = None
    columns: tuple[str, ...] = ()  # the sheet's header, to turn a field name into a column number

    def at(self, code: str, field: str | None = None, **params: Any) -> Issue:
        column = self.columns.index(field) + 1 if field in self.columns else None
        return issue(code, path=self.path, line=self.line, column=column, field=field or "", **params)


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or str(value).strip() == ""


def text(value: Any) -> str:
    return "" if blank(value) else str(value).strip()


def parse_date(value: Any, where: Where, field: str, required: bool = True) -> tuple[date | None, Issue | None]:
    if blank(value):
        return None, (where.at("oversight-missing", field) if required else None)
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    raw = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(raw, fmt).date(), None
        except ValueError:
            continue
    return None, where.at("oversight-bad-date", field, value=raw)


YES = ("yes", "так", "true", "1", "x", "✓")
NO = ("no", "ні", "false", "0")


def yes_no(value: Any, where: Where, field: str) -> tuple[bool | None, Issue | None]:
    """A yes/no cell (blank is no): yes/так/true/1/x, no/ні/false/0, as a spreadsheet user writes them."""
    if isinstance(value, bool):
        return value, None
    if blank(value):
        return False, None
    word = text(value).lower()
    if word in YES:
        return True, None
    if word in NO:
        return False, None
    return None, where.at("oversight-bad-value", field, value=text(value), known="так / yes, ні / no")


def required(value: Any, where: Where, field: str) -> tuple[str, Issue | None]:
    shown = text(value)
    return shown, (where.at("oversight-missing", field) if not shown else None)


def one_of(value: Any, allowed: tuple[str, ...], where: Where, field: str, code: str = "oversight-bad-value",
           ) -> tuple[str, Issue | None]:
    shown = text(value).lower().replace(" ", "-").replace("_", "-")
    if not shown:
        return "", where.at("oversight-missing", field)
    if shown not in allowed:
        return "", where.at(code, field, value=text(value), known=", ".join(allowed))
    return shown, None


def territory(session: Session, code: Any, where: Where, field: str) -> tuple[Territory | None, Issue | None]:
    shown = text(code)
    if not shown:
        return None, where.at("oversight-missing", field)
    found = session.scalars(select(Territory).where(Territory.code == shown).limit(1)).first()
    if found is None:
        return None, where.at("oversight-unknown-territory", field, value=shown)
    return found, None


def split_list(value: Any) -> list[str]:
    """'S01; S05, R01' -> ['S01', 'S05', 'R01'] (a list stays a list)."""
    if isinstance(value, (list, tuple)):
        return [text(v) for v in value if text(v)]
    return [p.strip() for p in text(value).replace(",", ";").split(";") if p.strip()]


NOWHERE = Where()  # a direct call's values: no file, row or column to name


class Problems(list[Issue]):
    """The issues of one record, collected so a row reports every problem, not only the first."""

    def keep(self, pair: tuple[Any, Issue | None]) -> Any:
        value, problem = pair
        if problem is not None:
            self.append(problem)
        return value


def round_of(session: Session, value: Any, where: Where, required: bool = True) -> tuple[Any, Issue | None]:
    """The MonitoringRound named by `value` (None when blank and not required)."""
    from monitor.store.oversight import MonitoringRound

    round_id = text(value)
    if not round_id:
        return None, (where.at("oversight-missing", "round") if required else None)
    found = session.get(MonitoringRound, round_id)
    if found is None:
        known = ", ".join(session.scalars(select(MonitoringRound.id).order_by(MonitoringRound.id)))
        return None, where.at("round-unknown", "round", round=round_id, known=known)
    return found, None
