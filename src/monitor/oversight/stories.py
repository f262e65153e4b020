"""Case stories: short anonymised stories (uk and en) of an oblast, with a consent flag and an approval
step (draft → approved by the M&E lead, i.e. an admin; monitor.auth.oversight logs it).

A story reaches a report only when approved AND its consent stands (consent withdrawn later takes an
approved story out of every report built after that). Nothing in a story may point to a person:

- personal data in the text (names, phones, e-mails, document numbers) is looked for with
  `monitor.redact.found`, the project's one detector;
- a place below the oblast: the names of the raions and hromadas of the territory reference (by their
  stem, so «Миргородська» catches «у Миргороді»), and words that introduce a settlement or an address
  (село, смт, вул., «... району», village of, ... district).

Either refuses the story at entry with a bilingual message saying what kind was found (never echoing a
name). The check is a safety net, not the anonymisation itself: the coalition anonymises before entry.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitor import redact
from monitor.errors import Issue, MonitorError
from monitor.oversight import checks
from monitor.oversight.checks import Where
from monitor.oversight.records import add_one
from monitor.store.models import Territory, utcnow
from monitor.store.oversight import CaseStory

TEXT_FIELDS = {
    "title_uk": ("Назва українською", "title (Ukrainian)"),
    "title_en": ("Назва англійською", "title (English)"),
    "text_uk": ("Текст українською", "text (Ukrainian)"),
    "text_en": ("Текст англійською", "text (English)"),
}
MAX_TEXT = 3000  # a short story: a paragraph or two
# The spreadsheet's columns (monitor.oversight.sheets): a sheet brings stories in as drafts; approval and
# consent withdrawal stay dashboard actions (logged), and the export carries the headers only.
COLUMNS = ("key", "round", "oblast", "date", "title_uk", "title_en", "text_uk", "text_en", "consent")
_UP = "А-ЯІЇЄҐ"
_LO = "а-яіїєґ'’ʼ\\-"
# Words that introduce a settlement, an address or a unit below the oblast, followed by its name.
SETTLEMENT = re.compile(
    rf"(?:\b(?:с|смт|м|вул|пров|просп|бульв)\.\s*[{_UP}]"
    rf"|\b(?:село|селі|села|селище|селищі|селища|місто|місті|міста|вулиця|вулиці|провулок|проспект|хутір|хуторі)\s+[{_UP}]"
    rf"|[{_UP}][{_LO}]+(?:ськ|цьк|зьк)(?:ий|ого|ому|ім|а|ої|ій|у)\s+(?:район|громад|сільськ|селищн|міськ)"
    r"|\b(?:village|town|city|settlement) of [A-Z]"
    r"|\b[A-Z][a-z'\-]+(?:ska|skyi|ske|ka) (?:raion|district|hromada|community|village)\b"
    r"|\b[A-Z][a-z'\-]+ (?:Street|St\.|Avenue|Lane)(?!\w))"
)
_ADJ_ENDING = re.compile(r"(?:ська|цька|зька|ський|цький|зький|ska|tska|zka|skyi|tskyi|zkyi)$")
MIN_STEM = 4


@dataclass(frozen=True)
class StoryIn:
    key: str
    round_id: str | None
    oblast_code: str
    on_date: date
    title_uk: str
    title_en: str
    text_uk: str
    text_en: str
    consent: bool

    def content(self) -> tuple[object, ...]:
        return (
            self.round_id,
            self.oblast_code,
            self.on_date,
            self.title_uk,
            self.title_en,
            self.text_uk,
            self.text_en,
        )


def _stem(name: str) -> str:
    return _ADJ_ENDING.sub("", name.split()[0] if name.split() else "")


@lru_cache(maxsize=4)
def _place_pattern(stems: tuple[str, ...]) -> re.Pattern[str] | None:
    if not stems:
        return None
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(s) for s in stems) + r")\w*")


def place_stems(session: Session) -> tuple[str, ...]:
    """Stems of the raion and hromada names (uk and en), less those an oblast's name shares (a city
    hromada named as its oblast: naming the oblast is allowed)."""
    rows = session.execute(select(Territory.level, Territory.name_uk, Territory.name_en)).all()
    oblast = {_stem(n) for level, uk, en in rows if level == "oblast" for n in (uk, en)}
    below = {_stem(n) for level, uk, en in rows if level != "oblast" for n in (uk, en)}
    return tuple(sorted(s for s in below - oblast if len(s) >= MIN_STEM and s[:1].isupper()))


def place_below_oblast(text: str, stems: tuple[str, ...]) -> str | None:
    """The first word of `text` naming a place below the oblast, or None."""
    found = SETTLEMENT.search(text or "")
    if found is not None:
        rest = re.match(r"[\w'’ʼ\-]*", text[found.end() :])
        return (found.group(0) + (rest.group(0) if rest else "")).strip()
    pattern = _place_pattern(stems)
    hit = pattern.search(text or "") if pattern is not None else None
    return hit.group(0) if hit is not None else None


def check_text(session: Session, values: dict[str, str], where: Where = checks.NOWHERE) -> list[Issue]:
    """Personal data and places below the oblast in a story's title and text (each field on its own)."""
    from monitor.i18n import t

    problems: list[Issue] = []
    stems = place_stems(session)
    for field, (field_uk, field_en) in TEXT_FIELDS.items():
        text = values.get(field) or ""
        kinds = redact.found(text)
        if kinds:
            problems.append(
                where.at(
                    "story-personal-data",
                    field,
                    field_uk=field_uk,
                    field_en=field_en,
                    kinds=", ".join(kinds),
                    kinds_uk=", ".join(t(f"oversight.personal.{k.replace(' ', '_')}", "uk") for k in kinds),
                )
            )
        place = place_below_oblast(text, stems)
        if place is not None:
            problems.append(where.at("story-place", field, field_uk=field_uk, field_en=field_en, value=place))
    return problems


def check(
    session: Session, raw: dict[str, object], where: Where = checks.NOWHERE
) -> tuple[StoryIn | None, list[Issue]]:
    problems = checks.Problems()
    keep = problems.keep
    key = keep(checks.required(raw.get("key"), where, "key"))
    found_round = keep(checks.round_of(session, raw.get("round"), where, required=False))
    on = keep(checks.parse_date(raw.get("date"), where, "date"))
    place = keep(checks.territory(session, raw.get("oblast"), where, "oblast"))
    if place is not None and place.level != "oblast":
        problems.append(
            where.at("story-place", "oblast", field_uk="Область", field_en="oblast", value=place.code)
        )
    texts = {f: keep(checks.required(raw.get(f), where, f)) for f in TEXT_FIELDS}
    for field, value in texts.items():
        if len(value) > MAX_TEXT:
            problems.append(
                where.at(
                    "oversight-bad-value", field, value=f"{len(value)} > {MAX_TEXT}", known=f"≤ {MAX_TEXT}"
                )
            )
    problems.extend(check_text(session, texts, where))
    # A spreadsheet's «ні» or "no" is a refusal, not a truthy string; blank is no consent.
    consent = keep(checks.yes_no(raw.get("consent"), where, "consent"))
    if problems or on is None or place is None:
        return None, problems
    return StoryIn(
        key,
        found_round.id if found_round is not None else None,
        place.oblast_code,
        on,
        texts["title_uk"],
        texts["title_en"],
        texts["text_uk"],
        texts["text_en"],
        bool(consent),
    ), []


def same(session: Session, row: CaseStory, item: StoryIn) -> bool:
    return (
        row.round_id,
        row.oblast_code,
        row.on_date,
        row.title_uk,
        row.title_en,
        row.text_uk,
        row.text_en,
    ) == item.content()


def insert(session: Session, item: StoryIn, actor: str) -> CaseStory:
    row = CaseStory(
        key=item.key,
        round_id=item.round_id,
        oblast_code=item.oblast_code,
        on_date=item.on_date,
        title_uk=item.title_uk,
        title_en=item.title_en,
        text_uk=item.text_uk,
        text_en=item.text_en,
        consent=item.consent,
        state="draft",
        state_by=actor,
        created_by=actor,
    )
    session.add(row)
    session.flush()
    return row


def add_story(engine: Engine, raw: dict[str, object], actor: str = "cli") -> int:
    """Record a story as a draft (refused if it names a person or a place below the oblast); its id."""
    return add_one(engine, raw, check, CaseStory, same, insert, actor)


def _get(session: Session, key: str) -> CaseStory:
    found = session.scalars(select(CaseStory).where(CaseStory.key == key)).first()
    if found is None:
        raise MonitorError(checks.NOWHERE.at("story-unknown", "key", value=key))
    return found


def oblast_of(engine: Engine, key: str) -> str:
    with Session(engine) as session:
        return _get(session, key).oblast_code


def approve(engine: Engine, key: str, actor: str) -> None:
    """draft → approved; refused without consent. The texts are checked again (the detector may have grown)."""
    from monitor.i18n import t

    with Session(engine) as session, session.begin():
        story = _get(session, key)
        if story.state == "approved":
            raise MonitorError(
                checks.NOWHERE.at(
                    "story-bad-step",
                    "state",
                    value=key,
                    state=story.state,
                    state_uk=t(f"oversight.story_state.{story.state}", "uk"),
                )
            )
        if not story.consent:
            raise MonitorError(checks.NOWHERE.at("story-no-consent", "consent", value=key))
        problems = check_text(session, {f: getattr(story, f) for f in TEXT_FIELDS})
        if problems:
            raise MonitorError(problems)
        story.state, story.state_at, story.state_by = "approved", utcnow(), actor


def set_consent(engine: Engine, key: str, consent: bool, actor: str) -> bool:
    """Record consent given or withdrawn; True when it changed."""
    with Session(engine) as session, session.begin():
        story = _get(session, key)
        if story.consent == bool(consent):
            return False
        story.consent, story.state_at, story.state_by = bool(consent), utcnow(), actor
        return True


def stories(engine: Engine, oblasts: Collection[str] | None = None) -> pd.DataFrame:
    """Every story (the dashboard's list), newest first."""
    query = select(CaseStory).order_by(CaseStory.on_date.desc(), CaseStory.key)  # type: ignore[attr-defined]
    if oblasts is not None:
        query = query.where(CaseStory.oblast_code.in_(sorted(oblasts)))  # type: ignore[attr-defined]
    with Session(engine) as session:
        rows = session.scalars(query).all()
    columns = [
        "id",
        "key",
        "round_id",
        "oblast_code",
        "on_date",
        "title_uk",
        "title_en",
        "text_uk",
        "text_en",
        "consent",
        "state",
        "state_at",
        "state_by",
        "created_by",
        "created_at",
    ]
    return pd.DataFrame([r.model_dump() for r in rows], columns=columns)


def publishable(
    engine: Engine, oblasts: Collection[str] | None = None, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """The stories a report may carry: approved, with consent, dated within [start, end], oldest first."""
    frame = stories(engine, oblasts)
    keep = (frame["state"] == "approved") & frame["consent"].astype(bool)
    if start is not None:
        keep &= frame["on_date"] >= start
    if end is not None:
        keep &= frame["on_date"] <= end
    return frame[keep].sort_values(["on_date", "key"]).reset_index(drop=True)
