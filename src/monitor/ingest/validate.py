"""Rows → typed answers and rejected rows: types, choices, required, constraints, territory, consent.

Everything runs a column at a time: coercion per column, constraints through the vectorised
expression evaluator (`.` is the answer), territory matching once per distinct place. A row with any
problem is rejected as a whole and every problem of it is listed, so one round of fixes is enough.
Values of survivor instruments are withheld from rejected-row records.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from monitor import expr, redact
from monitor.errors import Issue, issue
from monitor.framework.models import Question, QuestionType, Survey
from monitor.ingest import coerce
from monitor.ingest.mapping import ColumnMap, choice_index
from monitor.ingest.readers.table import RawTable

log = logging.getLogger(__name__)

LEVELS = ("oblast", "raion", "hromada")
TYPE_CODES = {
    QuestionType.integer: "ingest-not-integer",
    QuestionType.decimal: "ingest-not-number",
    QuestionType.date: "ingest-not-date",
}
NO_CONSENT = {"no", "ні", "false", "0", "не згоден", "не згодна"}
WITHHELD = "…"


@dataclass
class Problem:
    index: Any  # row label in the table
    column: str | None
    value: str | None
    code: str
    params: dict[str, Any]


@dataclass
class Validated:
    answers: dict[str, pd.Series]  # question name → typed values (NA = missing); no territory, no personal
    territory: pd.DataFrame  # oblast_code, raion_code, hromada_code (None where absent)
    rejected: pd.Series  # bool per row
    consent_refused: pd.Series  # bool per row
    problems: list[Problem] = field(default_factory=list)
    fuzzy: list[Any] = field(default_factory=list)  # territory Match objects read approximately


class Territories:
    """The matcher plus each unit's parents, so a hromada row also gets its raion and oblast codes."""

    def __init__(self, matcher: Any, frame: pd.DataFrame):
        self.matcher = matcher
        self.parents = {
            r.code: (r.oblast_code, r.raion_code if isinstance(r.raion_code, str) else None)
            for r in frame[["code", "oblast_code", "raion_code"]].itertuples()
        }


def validate(
    survey: Survey,
    table: RawTable,
    column_map: ColumnMap,
    territories: Territories | None,
    params: dict[str, Any],
    questions: list[Question] | None = None,
) -> Validated:
    top_level = questions is None
    questions_in = questions
    questions = [q for q in (survey.questions if questions is None else questions)
                 if q.type != QuestionType.repeat and not q.personal]
    index = table.rows.index
    withhold = survey.respondent == "survivor"
    problems: list[Problem] = []
    typed: dict[str, pd.Series] = {}
    present: dict[str, pd.Series] = {}

    def raw_of(q: Question) -> pd.Series | None:
        position = column_map.questions.get(q.name)
        return table.rows[position] if position is not None else None

    def header_of(q: Question) -> str:
        position = column_map.questions.get(q.name)
        if position is not None:
            return table.columns[position]
        return ", ".join(table.columns[p] for p in column_map.choice_columns.get(q.name, {}).values()) or q.name

    def report(mask: pd.Series, q: Question, code: str, raw: pd.Series | None, **extra: Any) -> None:
        for label in index[mask.to_numpy()]:
            value = None if withhold or raw is None else redact.text(str(raw.at[label]))
            problems.append(Problem(label, header_of(q), value, code, {"question": q.name, **extra}))

    # 1. Types and choices, one column at a time.
    raws: dict[str, pd.Series] = {}
    too_long: dict[str, pd.Series] = {}
    for q in questions:
        raw = raw_of(q)
        if raw is None:
            continue
        long = coerce.too_long(raw)
        if long.any():
            report(long, q, "ingest-value-too-long", None, length=int(raw[long].str.len().max()),
                   limit=coerce.MAX_TEXT)
            raw = raw.where(~long, "")
        if q.type in (QuestionType.integer, QuestionType.decimal):
            # A phone number typed into a count is personal data, not a number: refused, never stored.
            phone = phone_numbers(raw)
            if phone.any():
                report(phone, q, "ingest-phone-in-number", None)
                raw = raw.where(~phone, "")
                long = long | phone
        raws[q.name] = raw
        too_long[q.name] = long
    for q in questions:
        raw = raws.get(q.name)
        long = too_long.get(q.name, pd.Series(False, index=index))
        if q.type == QuestionType.territory:
            continue
        result = _coerce(survey, q, raw, column_map, table, index)
        if result is None:
            continue
        if result.bad.any():
            if q.type in (QuestionType.select_one, QuestionType.select_multiple):
                choices = ", ".join(c.value for c in survey.choices_of(q))
                for label in index[result.bad.to_numpy()]:
                    token = WITHHELD if withhold else str(result.token.at[label]) if result.token is not None else ""
                    value = None if withhold or raw is None else redact.text(str(raw.at[label]))
                    problems.append(Problem(label, header_of(q), value, "ingest-unknown-choice",
                                            {"question": q.name, "token": token, "choices": choices}))
            else:
                report(result.bad, q, TYPE_CODES.get(q.type, "ingest-not-number"), raw)
        if q.type == QuestionType.date:
            outside = _outside_dates(result.values, survey.earliest_date)
            if outside.any():
                report(outside, q, "ingest-date-out-of-range", raw, earliest=survey.earliest_date.isoformat(),
                       latest=date.today().isoformat())
                result.values = result.values.where(~outside, None)
                long = long | outside
        if q.type == QuestionType.text:
            # Free text: e-mails, phones, document numbers and names inside it are withheld before storing.
            result.values = coerce.per_unique(result.values.astype(object).fillna(""), _redact_texts).where(
                result.values.notna(), None)
        typed[q.name] = result.values
        # An unreadable answer was given: it is reported as such, not also as missing.
        present[q.name] = result.values.notna() | result.bad | long

    # 2. Places: matched level by level so a raion is looked for within its oblast.
    codes = pd.DataFrame({f"{lvl}_code": pd.Series([None] * len(index), index=index, dtype=object) for lvl in LEVELS})
    fuzzy: list[Any] = []
    if top_level:
        places = sorted((q for q in questions if q.type == QuestionType.territory),
                        key=lambda q: LEVELS.index(q.level or "hromada"))
        for q in places:
            raw = raws.get(q.name)
            if raw is None or territories is None:
                continue
            matched, failed, fuzzy_here = _match_places(territories, q, coerce.clean(raw), codes)
            fuzzy += fuzzy_here
            for label, match in failed:
                params = match.issue_params()
                if withhold:
                    params["value"] = WITHHELD
                value = None if withhold else redact.text(str(raw.at[label]))
                problems.append(Problem(label, header_of(q), value, match.error_code, {"question": q.name, **params}))
            typed[q.name] = matched
            present[q.name] = (coerce.clean(raw) != "") | too_long[q.name]
        finest = LEVELS.index(survey.territory_level)
        for level in LEVELS[finest + 1:]:
            codes[f"{level}_code"] = None

    # 3. Consent "no": the row is dropped and counted, never stored, never a rejection.
    refused = pd.Series(False, index=index)
    if top_level and survey.consent_question and survey.consent_question in typed:
        answer = typed[survey.consent_question]
        refused = answer.astype(object).map(lambda v: isinstance(v, str) and v.casefold() in NO_CONSENT).astype(bool)

    # 4. Required answers (unless the question is not relevant in that row) and constraints.
    frame = _expression_frame(survey, questions, typed, index)
    context_params = dict(params)
    multi = frozenset(q.name for q in survey.all_questions() if q.type == QuestionType.select_multiple)
    for q in questions:
        answered = present.get(q.name, pd.Series(False, index=index))
        if q.required:
            needed = ~answered
            if q.relevant:
                needed &= ~_is_false(_evaluate(q.relevant, frame, context_params, None, multi))
            if needed.any():
                report(needed, q, "ingest-required", None)
        if q.constraint and answered.any():
            broken = typed[q.name].notna() & _is_false(_evaluate(q.constraint, frame, context_params, q.name, multi))
            if broken.any():
                message = q.constraint_message
                report(broken, q, "ingest-constraint", raws.get(q.name),
                       rule_en=message.en if message else q.constraint, rule_uk=message.uk if message else q.constraint)

    # 5. Cross-field rules declared in the instrument (DHIS2 validation rules), for this table's rows.
    repeat = None if top_level else next((r.name for r in survey.repeats() if r.questions is questions_in), None)
    for rule in survey.validation_rules:
        if rule.repeat != repeat or (not top_level and repeat is None):
            continue
        broken, left, right = _rule_broken(rule, frame, context_params, multi)
        if not broken.any():
            continue
        # The column named is the left side's question (the one the rule is about), else the right's.
        left_names, right_names = expr.names(expr.parse(rule.left)), expr.names(expr.parse(rule.right))
        first = next((q for q in questions if q.name in left_names), None) or next(
            (q for q in questions if q.name in right_names), None)
        column = header_of(first) if first is not None else rule.left
        for label in index[broken.to_numpy()]:
            shown = (WITHHELD, WITHHELD) if withhold else (_shown(left, label), _shown(right, label))
            en, uk = RULE_OPERATORS[str(rule.operator)]
            problems.append(Problem(label, column, None, "ingest-validation-rule", {
                "question": first.name if first is not None else rule.left, "rule": rule.id,
                "left": f"{rule.left} = {shown[0]}", "right": f"{rule.right} = {shown[1]}",
                "operator_en": en, "operator_uk": uk, "message_en": rule.message.en, "message_uk": rule.message.uk,
            }))

    problems = [p for p in problems if not refused.at[p.index]]
    rejected = pd.Series(False, index=index)
    if problems:
        rejected.loc[list({p.index for p in problems})] = True
    # A place is stored as the response's territory codes, down to the instrument's level; an addressee's
    # place (the raion of the body a request went to) is a fact about the body, kept as an answer.
    answers = {name: values for name, values in typed.items()
               if (found := survey.question(name)) is not None
               and (found.type != QuestionType.territory or found.addressee)}
    return Validated(answers, codes, rejected, refused, problems, fuzzy)


RULE_OPERATORS = {
    "equal_to": ("must equal", "має дорівнювати"),
    "not_equal_to": ("must differ from", "має відрізнятися від"),
    "greater_than": ("must be after / greater than", "має бути пізніше / більше, ніж"),
    "greater_than_or_equal_to": ("must not be before / less than", "не може бути раніше / менше, ніж"),
    "less_than": ("must be before / less than", "має бути раніше / менше, ніж"),
    "less_than_or_equal_to": ("must not be after / greater than", "не може бути пізніше / більше, ніж"),
}
_COMPARE = {
    "equal_to": lambda a, b: a == b, "not_equal_to": lambda a, b: a != b,
    "greater_than": lambda a, b: a > b, "greater_than_or_equal_to": lambda a, b: a >= b,
    "less_than": lambda a, b: a < b, "less_than_or_equal_to": lambda a, b: a <= b,
}


def _rule_broken(rule: Any, frame: pd.DataFrame, params: dict[str, Any], multi: frozenset[str]
                 ) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Rows breaking `left operator right`; with skip_if_missing a row missing either side passes."""
    left = _evaluate_value(rule.left, frame, params, multi)
    right = _evaluate_value(rule.right, frame, params, multi)
    missing = left.isna() | right.isna()
    holds = pd.Series(False, index=frame.index)
    both = ~missing
    if both.any():
        try:
            holds[both] = np.asarray(_COMPARE[str(rule.operator)](left[both], right[both]), dtype=bool)
        except TypeError:  # sides of different kinds (a date against a number): the rule cannot hold
            holds[both] = False
    broken = both & ~holds
    if not rule.skip_if_missing:
        broken |= missing
    return broken, left, right


def _evaluate_value(text: str, frame: pd.DataFrame, params: dict[str, Any], multi: frozenset[str]) -> pd.Series:
    value = _evaluate(text, frame, params, None, multi)
    if not isinstance(value, pd.Series):  # a literal or a parameter
        value = pd.Series([value] * len(frame), index=frame.index)
    return value.astype(object).where(value.notna(), None)


def _shown(values: pd.Series, label: Any) -> str:
    value = values.at[label]
    if value is None:
        return "—"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return redact.text(str(value))


def _outside_dates(values: pd.Series, earliest: date) -> pd.Series:
    """ISO dates before the instrument's earliest date or after today (a typo in the year, a swapped
    day and month, a device clock gone wrong): refused rather than filed under the wrong period."""
    text = values.astype(object).where(values.notna(), "")
    present = text != ""
    return present & ((text < earliest.isoformat()) | (text > date.today().isoformat()))


def phone_numbers(raw: pd.Series) -> pd.Series:
    """Cells that are phone numbers (nine digits or more, in a phone's shape)."""
    text = coerce.clean(raw)
    candidates = text.str.count(r"\d") >= 9
    if not candidates.any():
        return pd.Series(False, index=raw.index)
    hits = pd.Series(False, index=raw.index)
    hits[candidates] = [redact.looks_like_phone(v) for v in text[candidates]]
    return hits


def _redact_texts(values: pd.Series) -> pd.Series:
    return values.map(lambda v: redact.text(v) if isinstance(v, str) else v)


def _coerce(survey: Survey, q: Question, raw: pd.Series | None, column_map: ColumnMap, table: RawTable,
            index: pd.Index) -> coerce.Coerced | None:
    if q.type == QuestionType.select_multiple:
        order = [c.value for c in survey.choices_of(q)]
        by_columns = column_map.choice_columns.get(q.name)
        from_columns = (coerce.from_choice_columns({c: table.rows[p] for c, p in by_columns.items()}, order, index)
                        if by_columns else None)
        if raw is None:
            return from_columns
        result = coerce.to_multiple(raw, choice_index(survey, q), order)
        if from_columns is not None:
            # Kobo "both" exports: the text column wins; 0/1 columns fill cells it leaves empty.
            empty = result.values.isna() & ~result.bad
            result.values = result.values.where(~empty, from_columns.values)
            result.bad = result.bad | (empty & from_columns.bad)
        return result
    if raw is None:
        return None
    if q.type == QuestionType.select_one:
        return coerce.to_choice(raw, choice_index(survey, q))
    if q.type == QuestionType.integer:
        return coerce.to_integer(raw)
    if q.type == QuestionType.decimal:
        return coerce.to_decimal(raw)
    if q.type == QuestionType.date:
        return coerce.to_date(raw)
    return coerce.to_text(raw)


def _match_places(territories: Territories, q: Question, values: pd.Series, codes: pd.DataFrame
                  ) -> tuple[pd.Series, list[tuple[Any, Any]], list[Any]]:
    level = q.level or "hromada"
    oblast = codes["oblast_code"] if level != "oblast" else pd.Series(None, index=values.index, dtype=object)
    raion = codes["raion_code"] if level == "hromada" else pd.Series(None, index=values.index, dtype=object)
    # One lookup per distinct (place, oblast, raion); rows are then joined to the results by a text key.
    parts = [values.astype(object).fillna(""), oblast.astype(object).fillna(""), raion.astype(object).fillna("")]
    keys = parts[0].astype(str) + "\x1f" + parts[1].astype(str) + "\x1f" + parts[2].astype(str)
    results: dict[str, Any] = {}
    for key in pd.unique(keys.to_numpy()):
        v, o, r = key.split("\x1f")
        if v:
            results[key] = territories.matcher.match(v, level, oblast_code=o or None, raion_code=r or None)
    matched = keys.map({k: m.code for k, m in results.items()}).astype(object)
    matched = matched.where(matched.notna(), None)
    failed_keys = {k for k, m in results.items() if m.code is None}
    failed = [(label, results[k]) for label, k in keys[keys.isin(failed_keys)].items()] if failed_keys else []
    fuzzy = {m.value: m for m in results.values() if m.code is not None and m.status == "fuzzy"}
    found = matched.notna()
    if found.any():
        codes.loc[found, f"{level}_code"] = matched[found]
        parents = matched[found].map(lambda c: territories.parents.get(c, (None, None)))
        if level != "oblast":
            codes.loc[found, "oblast_code"] = parents.map(lambda p: p[0])
        if level == "hromada":
            codes.loc[found, "raion_code"] = parents.map(lambda p: p[1])
    return matched, failed, list(fuzzy.values())


def _expression_frame(survey: Survey, questions: list[Question], typed: dict[str, pd.Series],
                      index: pd.Index) -> pd.DataFrame:
    columns: dict[str, pd.Series] = {}
    for q in survey.all_questions():
        values = typed.get(q.name)
        if values is None:
            columns[q.name] = pd.Series([None] * len(index), index=index, dtype=object)
        elif q.type in (QuestionType.integer, QuestionType.decimal):
            columns[q.name] = pd.to_numeric(values, errors="coerce").astype(float)
        elif q.type == QuestionType.date:
            columns[q.name] = pd.to_datetime(values, errors="coerce")
        else:
            columns[q.name] = values
    return pd.DataFrame(columns, index=index)


def _evaluate(text: str, frame: pd.DataFrame, params: dict[str, Any], current: str | None,
              multi: frozenset[str]) -> pd.Series:
    """The expression over every row; all-missing when it cannot be evaluated (logged without values)."""
    try:
        return expr.evaluate(expr.parse(text), frame, expr.Bindings(params=params, current=current, multi=multi))
    except Exception as error:  # a definition the loader let through must not abort an import
        log.debug("expression %r could not be evaluated: %s", text, type(error).__name__)
        return pd.Series(pd.NA, index=frame.index, dtype="boolean")


def _is_false(result: pd.Series) -> pd.Series:
    """True where the expression is definitely false (missing counts as not false)."""
    values = result.astype("boolean") if result.dtype != "boolean" else result
    return pd.Series(np.asarray((values == False).fillna(False), dtype=bool), index=result.index)  # noqa: E712


def problem_issue(problem: Problem) -> Issue:
    return issue(problem.code, **problem.params)
