"""Columns → questions: by name, alias, paper code, label (uk or en) or Kobo/ODK group path.

A header is normalised (case, spaces, the three apostrophes ’ ' ʼ, a trailing ':' or '*') before
matching, because the same question arrives as `focal_person`, `status/focal_person`,
`status-focal_person`, "Чи призначено відповідальну особу?*" or its English label.
A select_multiple question may also arrive as one 0/1 column per choice (`question/choice`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from monitor.errors import MonitorError, issue
from monitor.framework.models import Framework, Question, QuestionType, Survey
from monitor.ingest import personal
from monitor.ingest.readers.table import RawTable

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'", "´": "'", "\u02bb": "'", "\u00a0": " "})
_SPACES = re.compile(r"\s+")
SEPARATORS = ("/", "-", ".", ":")

ID_COLUMNS = ("_uuid", "meta/instanceID", "meta-instanceID", "instanceID", "KEY", "_id", "id", "ID")
SUBMITTED_COLUMNS = ("_submission_time", "SubmissionDate", "Timestamp", "Позначка часу", "Отметка времени", "end")
# Tool metadata: never an answer, never reported as an unmapped column.
META_COLUMNS = {
    "start", "end", "today", "deviceid", "simserial", "subscriberid", "username", "audit", "__version__",
    "_version_", "_id", "_uuid", "_index", "_parent_index", "_parent_table_name", "_submission__id",
    "_submission__uuid", "_submission__submission_time", "_submission__validation_status",
    "_submission__notes", "_submission__status", "_submission__submitted_by", "_submission__tags",
    "_submission_time", "_validation_status", "_status", "_submitted_by", "_notes", "_tags", "_attachments",
    "_geolocation", "_xform_id_string", "_duration", "formhub/uuid", "meta/rootUuid", "meta/deprecatedID",
    "meta/instanceID", "meta/instanceName", "meta-rootUuid", "meta-deprecatedID", "meta-instanceID",
    "meta-instanceName", "instanceID", "KEY", "PARENT_KEY", "SubmissionDate", "SubmitterID", "SubmitterName",
    "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion",
    "Timestamp", "Позначка часу", "Отметка времени",
}


def norm(text: str) -> str:
    """Case-, space- and apostrophe-insensitive form of a header, label or choice."""
    text = unicodedata.normalize("NFC", str(text)).translate(_APOSTROPHES)
    text = _SPACES.sub(" ", text).strip().strip("*:").strip().casefold()
    return text


class Lookup:
    """Name → question for one list of questions, in order of trust: name, alias/code, label."""

    def __init__(self, questions: list[Question]):
        self.tiers: list[dict[str, Question]] = [{}, {}, {}]
        label_seen: dict[str, int] = {}
        for q in questions:
            self.tiers[0][norm(q.name)] = q
            for alias in [*q.aliases, *([q.code] if q.code else [])]:
                self.tiers[1].setdefault(norm(alias), q)
            for text in {norm(q.label.uk), norm(q.label.en)}:
                label_seen[text] = label_seen.get(text, 0) + 1
                self.tiers[2][text] = q
        # A label shared by two questions ("Other, specify") identifies neither.
        for text, count in label_seen.items():
            if count > 1:
                self.tiers[2].pop(text, None)

    def get(self, text: str) -> Question | None:
        key = norm(text)
        for tier in self.tiers:
            if key in tier:
                return tier[key]
        return None


def choice_index(survey: Survey, question: Question) -> dict[str, str]:
    """Normalised code / label / alias → choice code."""
    index: dict[str, str] = {}
    for choice in survey.choices_of(question):
        for text in (choice.label.uk, choice.label.en, *choice.aliases):
            index.setdefault(norm(text), choice.value)
    for choice in survey.choices_of(question):
        index[norm(choice.value)] = choice.value  # a code always wins over a label spelled the same
    return index


@dataclass
class ColumnMap:
    questions: dict[str, int] = field(default_factory=dict)  # question name → column position
    choice_columns: dict[str, dict[str, int]] = field(default_factory=dict)  # question → {choice code: position}
    id_column: int | None = None
    submitted_column: int | None = None
    unmapped: list[str] = field(default_factory=list)
    declared_personal: list[str] = field(default_factory=list)  # headers of the instrument's personal questions
    personal_questions: set[str] = field(default_factory=set)  # their question names
    flagged_personal: list[tuple[str, str, str]] = field(default_factory=list)  # header, reason en, reason uk

    def mapped_questions(self) -> set[str]:
        return set(self.questions) | set(self.choice_columns)

    @property
    def dropped_columns(self) -> list[str]:
        return self.declared_personal + [h for h, _, _ in self.flagged_personal]


def resolve(header: str, lookup: Lookup, survey: Survey) -> tuple[Question, str | None] | None:
    """(question, choice code or None) for a header, or None when nothing matches."""
    found = lookup.get(header)
    if found is not None:
        return found, None
    for sep in SEPARATORS:
        if sep not in header:
            continue
        parts = header.split(sep)
        # `question/choice` 0/1 columns, possibly under a group: `group/question/choice`.
        for k in range(len(parts) - 1, 0, -1):
            rest = norm(sep.join(parts[k:]))
            for i in range(k):
                q = lookup.get(sep.join(parts[i:k]))
                if q is not None and q.type == QuestionType.select_multiple:
                    code = choice_index(survey, q).get(rest)
                    if code is not None:
                        return q, code
        # `group/question` and `group-question` paths: the longest suffix that is a question.
        for i in range(1, len(parts)):
            q = lookup.get(sep.join(parts[i:]))
            if q is not None:
                return q, None
    return None


def map_columns(survey: Survey, table: RawTable, questions: list[Question] | None = None) -> ColumnMap:
    """Map a table's columns to `questions` (the survey's top level, or a repeat's children)."""
    top_level = questions is None
    questions = [q for q in (survey.questions if questions is None else questions) if q.type != QuestionType.repeat]
    lookup = Lookup(questions)
    result = ColumnMap()
    claims: dict[tuple[str, str | None], list[int]] = {}
    for position, header in enumerate(table.columns):
        if top_level and survey.id_question and header == survey.id_question:
            result.id_column = position
            continue
        found = resolve(header, lookup, survey) if header else None
        if found is None:
            _unmatched(result, table, position, header)
            continue
        question, code = found
        if question.personal:
            result.declared_personal.append(header)
            result.personal_questions.add(question.name)
            continue
        claims.setdefault((question.name, code), []).append(position)
    for (name, code), positions in claims.items():
        if len(positions) > 1:
            columns = ", ".join(f"'{table.columns[p]}'" for p in positions)
            raise MonitorError(issue("ingest-duplicate-columns", path=table.name, columns=columns, question=name))
        if code is None:
            result.questions[name] = positions[0]
        else:
            result.choice_columns.setdefault(name, {})[code] = positions[0]
    if result.id_column is None:
        result.id_column = _first(table.columns, ID_COLUMNS if top_level else ("KEY",))
    result.submitted_column = _first(table.columns, SUBMITTED_COLUMNS) if top_level else None
    return result


def _first(columns: list[str], candidates: tuple[str, ...]) -> int | None:
    for name in candidates:
        if name in columns:
            return columns.index(name)
    return None


def _unmatched(result: ColumnMap, table: RawTable, position: int, header: str) -> None:
    if header in META_COLUMNS or header.lower() in META_COLUMNS:
        return
    found = personal.reason(header, table.rows[position])
    if found:
        result.flagged_personal.append((header, *found))
    else:
        result.unmapped.append(header)


# ---------------------------------------------------------------------------- is it this instrument?


def coverage(survey: Survey, table: RawTable) -> tuple[int, int, bool]:
    """(questions found, questions asked, every always-required question found) for the survey's top level."""
    asked = [q for q in survey.questions if q.type != QuestionType.repeat]
    lookup = Lookup(asked)
    found: set[str] = set()
    for header in table.columns:
        hit = resolve(header, lookup, survey) if header else None
        if hit is not None:
            found.add(hit[0].name)
    complete = all(q.name in found for q in asked if q.required and not q.personal and q.relevant is None)
    return len(found), len(asked), complete


def check_instrument(survey: Survey, table: RawTable, column_map: ColumnMap, framework: Framework | None) -> None:
    """Refuse a file that is not an export of `survey`, naming the survey it looks like.

    Every instrument shares a common header (wave, oblast, date, consent), so a share of matched
    columns alone cannot tell two instruments apart: when required columns are missing, the other
    surveys are scored too and the file is called theirs if it fits one of them better.
    """
    asked = [q for q in survey.questions if q.type != QuestionType.repeat]
    mapped = column_map.mapped_questions() | column_map.personal_questions
    found = len({q.name for q in asked} & mapped)
    required = [q for q in asked if q.required and not q.personal]
    share = found / len(asked) if asked else 1.0
    missing = [q.name for q in required if q.relevant is None and q.name not in mapped]
    no_required = bool(required) and not any(q.name in mapped for q in required)
    if not (no_required or share < 0.3 or missing):
        return
    best_id, best_found, best_share = None, 0, share
    for other in (framework.surveys.values() if framework else []):
        if other.id == survey.id:
            continue
        other_found, other_total, other_complete = coverage(other, table)
        other_share = other_found / other_total if other_total else 0.0
        # Another survey is named only when the file fits it: all its required columns, or clearly more of it.
        if other_share > best_share and (other_complete or (share < 0.3 and other_share >= 0.5)):
            best_id, best_found, best_share = other.id, other_found, other_share
    if best_id:
        raise MonitorError(issue("ingest-wrong-instrument", path=table.name, survey=survey.id, other=best_id,
                                 matched=found, matched_other=best_found))
    if no_required or share < 0.3:
        expected = ", ".join(f"'{q.name}'" for q in (required or asked)[:8])
        raise MonitorError(issue("ingest-not-this-instrument", path=table.name, survey=survey.id, matched=found,
                                 total=len(asked), expected=expected))
    raise MonitorError(issue("ingest-missing-required-column", path=table.name,
                             questions=", ".join(f"'{m}'" for m in missing)))
