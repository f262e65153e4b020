"""Authored report text, as a table: narrative per round, accepted key findings, deviation notes.

One row is one text in one language, written (or accepted) by a named person on a date:

| kind | round | indicator | position | what |
|---|---|---|---|---|
| `summary`, `context`, `limitations` | the reporting round (year) | '' | 0 | Markdown narrative |
| `finding` | round | '' | 1..5 | a key finding the M&E lead accepted or rewrote |
| `deviation` | the IPTT period | indicator id | 0 | why % of target is where it is |

`proposed` keeps the generated text a finding started from ('' when written from scratch), so a
reader of the database can tell accepted from rewritten. Editing replaces the row (the audit log
keeps who changed what).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from monitor.store.models import utcnow

KINDS: tuple[str, ...] = ("summary", "context", "limitations", "finding", "deviation")
NARRATIVE_KINDS: tuple[str, ...] = ("summary", "context", "limitations")


class ReportText(SQLModel, table=True):
    __tablename__ = "reporttext"
    __table_args__ = (
        UniqueConstraint("kind", "round", "indicator", "position", "lang", name="uq_reporttext_slot"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True, max_length=16, description="summary | context | limitations | finding | deviation")
    round: str = Field(index=True, max_length=16, description="reporting round / period, e.g. 2022")
    indicator: str = Field(default="", max_length=32, description="indicator id (deviation notes), else ''")
    position: int = Field(default=0, description="1..5 for key findings, else 0")
    lang: str = Field(max_length=2, description="uk | en")
    body: str = Field(description="Markdown")
    proposed: str = Field(default="", description="the generated finding this text started from")
    author: str = Field(max_length=64)
    updated_at: datetime = Field(default_factory=utcnow)
