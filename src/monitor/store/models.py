"""The storage tables. SQLite by default, PostgreSQL by URL; the schema is owned by Alembic migrations.

Answers are stored as one JSON document per response (JSONB on PostgreSQL), next to typed,
indexed columns for everything the engine slices by (instrument, territory, wave, period).
See docs/storage.md for why this beats a long answer table at a million responses.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Table, UniqueConstraint, inspect
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now().astimezone().replace(microsecond=0)


class Territory(SQLModel, table=True):
    """Oblast, raion or hromada, valid over a date range so a later reform does not rewrite history."""

    __table_args__ = (UniqueConstraint("code", "valid_from", name="uq_territory_code_from"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, max_length=19, description="KATOTTG code")
    level: str = Field(index=True, max_length=10, description="oblast | raion | hromada")
    name_uk: str
    name_en: str
    full_name_uk: str | None = None
    full_name_en: str | None = None
    parent_code: str | None = Field(default=None, index=True, max_length=19)
    oblast_code: str = Field(index=True, max_length=19)
    raion_code: str | None = Field(default=None, max_length=19)
    kind: str | None = Field(default=None, description="hromada type: міська / селищна / сільська")
    centre_uk: str | None = None
    centre_en: str | None = None
    population: int | None = None
    former_names: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    valid_from: date = Field(default=date(2020, 7, 17), description="Day the 2020 reform took effect")
    valid_to: date | None = Field(default=None, description="Null while the unit exists")


class Instrument(SQLModel, table=True):
    """A survey instrument as it was when answers were imported (definition hash per version)."""

    id: str = Field(primary_key=True, max_length=64)
    definition_hash: str = Field(max_length=64)
    title_uk: str
    title_en: str
    respondent: str
    definition: dict[str, Any] = Field(sa_column=Column(JSONType, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)


class ImportBatch(SQLModel, table=True):
    __table_args__ = (Index("ix_batch_instrument_sha", "instrument_id", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    instrument_id: str = Field(foreign_key="instrument.id", max_length=64)
    file_name: str
    sha256: str = Field(max_length=64)
    format: str = Field(max_length=32)
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    consent_refused: int = 0
    dropped_columns: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    warnings: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    imported_by: str = Field(default="cli")
    imported_at: datetime = Field(default_factory=utcnow)
    synthetic: bool = False


class Response(SQLModel, table=True):
    """One submission (or one row of a repeat, with parent_id set)."""

    __table_args__ = (
        UniqueConstraint("instrument_id", "external_id", name="uq_response_external"),
        Index("ix_response_instrument_hash", "instrument_id", "content_hash"),
        Index("ix_response_slice", "instrument_id", "oblast_code", "wave"),
    )

    id: int | None = Field(default=None, primary_key=True)
    instrument_id: str = Field(foreign_key="instrument.id", max_length=64)
    batch_id: int = Field(foreign_key="importbatch.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="response.id", index=True)
    repeat: str | None = Field(default=None, max_length=64, description="Repeat name for child rows")
    external_id: str = Field(max_length=128, description="Submission id from the export, or a content hash")
    content_hash: str = Field(max_length=64)
    oblast_code: str | None = Field(default=None, max_length=19)
    raion_code: str | None = Field(default=None, max_length=19)
    hromada_code: str | None = Field(default=None, max_length=19)
    wave: str | None = Field(default=None, max_length=16)
    period_date: date | None = Field(default=None, description="Date the answer refers to (drives periods)")
    submitted_at: datetime | None = None
    synthetic: bool = False
    answers: dict[str, Any] = Field(sa_column=Column(JSONType, nullable=False))


class RejectedRow(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="importbatch.id", index=True)
    row_number: int
    column: str | None = None
    value: str | None = Field(default=None, description="Withheld for survivor instruments; personal data redacted")
    oblast_code: str | None = Field(default=None, max_length=19, description="Oblast of the row, when it resolved")
    code: str
    message_uk: str
    message_en: str


class Setting(SQLModel, table=True):
    """Small facts about the database itself, e.g. `synthetic=true` for the demo."""

    key: str = Field(primary_key=True, max_length=64)
    value: str


class Source(SQLModel, table=True):
    """A KoboToolbox or ODK Central form that `monitor sync` pulls answers from (migration 0003).

    `token_ref` says where the token is (`env:NAME` or `file:/path`), never the token itself.
    `cursor` is the newest submission time saved so far; a sync asks for what came after it (minus an overlap).
    """

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True, max_length=64)
    kind: str = Field(max_length=16, description="kobo | odk")
    survey_id: str = Field(max_length=64, description="Instrument the answers belong to")
    url: str = Field(description="Server address, e.g. https://eu.kobotoolbox.org")
    form: str = Field(max_length=128, description="Kobo asset uid or ODK Central xmlFormId")
    project: int | None = Field(default=None, description="ODK Central project id")
    username: str | None = Field(default=None, max_length=128, description="ODK Central web user (password = token)")
    token_ref: str = Field(description="env:NAME or file:/path")
    oblast_code: str | None = Field(default=None, max_length=19, description="Oblast whose coordinators may sync it")
    on_edit: str = Field(default="report", max_length=16, description="report | replace")
    page_size: int = 1000
    cursor: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow)
    last_sync_at: datetime | None = None
    last_status: str | None = Field(default=None, max_length=16, description="ok | partial | failed | dry-run")
    last_counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False))
    last_issues: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))


class SourceSubmission(SQLModel, table=True):
    """One submission as the server last showed it: what it became here, and the version taken."""

    __table_args__ = (UniqueConstraint("source_id", "server_key", name="uq_sourcesubmission_key"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    server_key: str = Field(max_length=128, description="Kobo _id or ODK __id: stable across edits")
    external_id: str | None = Field(default=None, max_length=128, description="Response.external_id, if imported")
    status: str = Field(max_length=16, description="imported | rejected | edited (an edit not applied)")
    version: str = Field(max_length=128, description="The server's instanceID of the version seen")
    content_hash: str = Field(max_length=64, description="Hash of the answers of the version taken")
    pending_hash: str | None = Field(default=None, max_length=64, description="Hash of an edit reported, not applied")
    seen_at: datetime = Field(default_factory=utcnow)


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a table model, for bulk inserts and column expressions.

    SQLModel sets `__table__` when the class is created but does not declare it, so `Model.__table__`
    does not type-check; the mapper's table is the same object, typed."""
    table = inspect(model).local_table
    if not isinstance(table, Table):  # a table model always maps one Table; a view or a join would not
        raise TypeError(f"{model.__name__} is not mapped to one table")
    return table
