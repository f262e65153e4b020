"""Tables of the oversight loop (migration 0006): monitoring rounds and their approval, the bodies
the coalition addresses, findings, recommendations with their status history, public-information requests;
and (migration 0007) the coalition's own outputs: trainings with their audience per body, and case stories.

The logic lives in `monitor.oversight`; the store keeps only the tables and the one question the
import pipeline must ask below that package: which waves of an instrument belong to an approved round
(`approved_waves`), so answers of an approved round are neither re-imported nor changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, UniqueConstraint, select
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel, col

from monitor.store.models import JSONType, utcnow

ROUND_STATES: tuple[str, ...] = ("draft", "under-review", "approved")


class MonitoringRound(SQLModel, table=True):
    """One monitoring round (baseline 2021, follow-up 2022): what it covers, and its approval state.

    `wave` is the value the answers carry in Response.wave; `expected` maps a territory code to the
    number of respondents expected there per instrument ({"UA53": {"hromada-officials": 60}}).
    """

    id: str = Field(primary_key=True, max_length=32)
    title_uk: str
    title_en: str
    wave: str = Field(max_length=16, index=True)
    period_start: date
    period_end: date
    reference_start: date
    reference_end: date
    instruments: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    expected: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False))
    state: str = Field(default="draft", max_length=16, description="draft | under-review | approved")
    state_at: datetime = Field(default_factory=utcnow)
    state_by: str = Field(default="cli", max_length=64)


class Body(SQLModel, table=True):
    """A public body the coalition addresses, valid over a date range (a renamed or re-formed body gets a
    successor row): loaded from data/reference/bodies.csv (sources in PROVENANCE.md there)."""

    id: str = Field(primary_key=True, max_length=48)
    name_uk: str
    name_en: str
    kind: str = Field(max_length=32, index=True)
    oblast_code: str | None = Field(default=None, max_length=19, index=True, description="None: national body")
    territory_code: str | None = Field(
        default=None, max_length=19, index=True, description="The raion or hromada of a local body (migration 0009)"
    )
    valid_from: date
    valid_to: date | None = Field(default=None, description="Exclusive; None while the body exists")
    successor_of: str | None = Field(default=None, max_length=48)
    source: str
    verified: bool = True


class Finding(SQLModel, table=True):
    """What a round found in a territory, with the indicators that are its evidence."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True, description="Stable id (e.g. F-2021-UA53-01): re-import adds nothing")
    round_id: str = Field(foreign_key="monitoringround.id", max_length=32, index=True)
    territory_code: str = Field(max_length=19, index=True)
    oblast_code: str = Field(max_length=19, index=True)
    body_id: str | None = Field(default=None, foreign_key="body.id", max_length=48)
    indicators: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    text_uk: str
    text_en: str
    created_by: str = Field(default="cli", max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class Recommendation(SQLModel, table=True):
    """A recommendation addressed to one body, answering one or more findings; `status` is the newest
    entry of its history (RecommendationStatus), kept here so lists need no join."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True)
    round_id: str = Field(foreign_key="monitoringround.id", max_length=32, index=True)
    body_id: str = Field(foreign_key="body.id", max_length=48, index=True)
    oblast_code: str | None = Field(default=None, max_length=19, index=True)
    text_uk: str
    text_en: str
    date_sent: date
    due_date: date
    status: str = Field(default="sent", max_length=24)
    status_date: date
    created_by: str = Field(default="cli", max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class RecommendationFinding(SQLModel, table=True):
    recommendation_id: int = Field(foreign_key="recommendation.id", primary_key=True)
    finding_id: int = Field(foreign_key="finding.id", primary_key=True)


class RecommendationStatus(SQLModel, table=True):
    """One step of a recommendation's history: what the body did, when, and what shows it."""

    __table_args__ = (UniqueConstraint("recommendation_id", "status", "on_date", name="uq_recstatus_step"),)

    id: int | None = Field(default=None, primary_key=True)
    recommendation_id: int = Field(foreign_key="recommendation.id", index=True)
    status: str = Field(max_length=24)
    on_date: date
    evidence: str = ""
    recorded_by: str = Field(default="cli", max_length=64)
    recorded_at: datetime = Field(default_factory=utcnow)


class InformationRequest(SQLModel, table=True):
    """A public-information request (Law No. 2939-VI): the tracker computes its deadline and state."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True)
    round_id: str | None = Field(default=None, foreign_key="monitoringround.id", max_length=32)
    body_id: str = Field(foreign_key="body.id", max_length=48, index=True)
    oblast_code: str | None = Field(default=None, max_length=19, index=True)
    subject: str
    channel: str = Field(max_length=16, description="email | post | portal | in-person")
    urgent: bool = Field(default=False, description="Needed to protect life or liberty: 48 hours (art. 20(2))")
    date_sent: date
    date_received: date
    extension_date: date | None = Field(default=None, description="Date of the body's extension notice")
    reply_date: date | None = None
    outcome: str | None = Field(default=None, max_length=16, description="full | partial | refused | None")
    refusal_ground: str | None = Field(default=None, description="Art. 22 ground cited")
    created_by: str = Field(default="cli", max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class Training(SQLModel, table=True):
    """One training the coalition held (an output of its own): when, in which oblast, on what; who came is
    in TrainingAudience, one row per body with its participants by sex."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True)
    round_id: str | None = Field(default=None, foreign_key="monitoringround.id", max_length=32)
    on_date: date = Field(index=True)
    oblast_code: str = Field(max_length=19, index=True)
    topic_uk: str
    topic_en: str
    created_by: str = Field(default="cli", max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class TrainingAudience(SQLModel, table=True):
    """The participants of one training from one body, by sex (counts only: no names are kept)."""

    training_id: int = Field(foreign_key="training.id", primary_key=True)
    body_id: str = Field(foreign_key="body.id", primary_key=True, max_length=48)
    women: int = 0
    men: int = 0


STORY_STATES: tuple[str, ...] = ("draft", "approved")


class CaseStory(SQLModel, table=True):
    """A short anonymised story (uk and en) of an oblast: reaches a report only approved and with consent.

    Checked on entry for personal data and places below the oblast (monitor.oversight.stories)."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True)
    round_id: str | None = Field(default=None, foreign_key="monitoringround.id", max_length=32)
    oblast_code: str = Field(max_length=19, index=True)
    on_date: date
    title_uk: str
    title_en: str
    text_uk: str
    text_en: str
    consent: bool = False
    state: str = Field(default="draft", max_length=16, description="draft | approved")
    state_at: datetime = Field(default_factory=utcnow)
    state_by: str = Field(default="cli", max_length=64)
    created_by: str = Field(default="cli", max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


def approved_waves(session: Session, instrument_id: str, waves: Iterable[str | None]) -> dict[str, str]:
    """{wave: round id} for the waves among `waves` that belong to an approved round using `instrument_id`."""
    wanted = sorted({w for w in waves if w})
    if not wanted:
        return {}
    rows = session.execute(
        select(col(MonitoringRound.id), col(MonitoringRound.wave), col(MonitoringRound.instruments)).where(
            col(MonitoringRound.state) == "approved", col(MonitoringRound.wave).in_(wanted)
        )
    ).all()
    return {wave: round_id for round_id, wave, instruments in sorted(rows) if instrument_id in (instruments or [])}
