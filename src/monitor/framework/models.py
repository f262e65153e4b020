"""The monitoring framework as pydantic models: survey instruments, indicators, parameters, themes.

These models are the single source of the YAML format: the loader validates YAML against them,
the JSON Schema and docs/framework.md are generated from them.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

Identifier = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$", max_length=64)]


def catalogue_error(code: str, at: tuple[str | int, ...] = (), **fields: Any) -> PydanticCustomError:
    """A validation error that the loader reports with a code of the error catalogue (errors/framework.py).

    `at` is the place inside the validated object (e.g. ("values", 1, "valid_from")), so the
    message points at that line of the YAML rather than at the object's first line.
    """
    return PydanticCustomError("catalogue", code, {"code": code, "at": at, **fields})


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)


class Text(Strict):
    """A text in both languages. Both are required: the UI is Ukrainian first, reports often English."""

    uk: str = Field(min_length=1, description="Ukrainian text")
    en: str = Field(min_length=1, description="English text")

    def get(self, lang: str) -> str:
        return self.uk if lang == "uk" else self.en


# --------------------------------------------------------------------------- surveys


class QuestionType(StrEnum):
    text = "text"
    integer = "integer"
    decimal = "decimal"
    date = "date"
    select_one = "select_one"
    select_multiple = "select_multiple"
    territory = "territory"  # a KATOTTG code or a place name, matched to the territory table
    repeat = "repeat"  # a repeated group (ODK/Kobo repeat): its rows are stored as child responses


class TerritoryLevel(StrEnum):
    oblast = "oblast"
    raion = "raion"
    hromada = "hromada"


class Respondent(StrEnum):
    hromada_official = "hromada-official"
    service_provider = "service-provider"
    police = "police"
    employment_centre = "employment-centre"
    survivor = "survivor"
    request_log = "request-log"
    public = "public"


class SurveyDesign(StrEnum):
    """How the answers of an instrument were chosen: what its statistics may claim."""

    census = "census"  # every unit of a known list is asked (bodies, hromadas, every request sent)
    convenience = "convenience"  # whoever could be reached: describes the respondents, not a population
    probability = "probability"  # units drawn at random with known chances: intervals and tests mean something


class Choice(Strict):
    value: str = Field(min_length=1, description="Code stored in the database and written in XLSForms")
    label: Text
    aliases: list[str] = Field(default_factory=list, description="Other spellings seen in exports")


class Question(Strict):
    name: Identifier = Field(description="Column name in XLSForm and exports; referenced by expressions")
    code: str | None = Field(default=None, description="Code in the instrument's paper version, e.g. HS-Q04")
    type: QuestionType
    label: Text
    hint: Text | None = None
    choices: Identifier | None = Field(default=None, description="Name of a choice list (select_* only)")
    level: TerritoryLevel | None = Field(default=None, description="Territory level (territory questions)")
    required: bool = False
    constraint: str | None = Field(default=None, description="Expression; `.` is this answer")
    constraint_message: Text | None = None
    relevant: str | None = Field(default=None, description="Expression: ask only when true")
    personal: bool = Field(
        default=False, description="Personal data (name, phone, free-text story): collected, never stored"
    )
    counts_people: bool = Field(
        default=False,
        description=(
            "The answer is a number of people (survivors, presumed victims, status holders): every result "
            "built from it is protected as a count of people, with the survivor threshold"
        ),
    )
    addressee: bool = Field(
        default=False,
        description=(
            "A territory question naming where the body the unit is addressed to sits (a request log's raion "
            "or hromada), not where a respondent is: its code is kept in the answers, whatever the instrument's "
            "territory_level; never on a survivor instrument"
        ),
    )
    group: str | None = Field(default=None, description="Kobo/ODK group path, e.g. `status`")
    kept_for: Text | None = Field(
        default=None,
        description=(
            "Why the item is collected although no indicator uses it (e.g. the verbatim answer an indicator's "
            "coded item comes from, context for the narrative); without it monitor validate warns "
            "question-feeds-nothing: use the item or drop it"
        ),
    )
    aliases: list[str] = Field(default_factory=list, description="Other column headers that mean this question")
    questions: list[Question] = Field(default_factory=list, description="Child questions (repeat only)")


class RuleOperator(StrEnum):
    """Operators of a validation rule (the names DHIS2 validation rules use)."""

    equal_to = "equal_to"
    not_equal_to = "not_equal_to"
    greater_than = "greater_than"
    greater_than_or_equal_to = "greater_than_or_equal_to"
    less_than = "less_than"
    less_than_or_equal_to = "less_than_or_equal_to"


class ValidationRule(Strict):
    """A rule across fields of one row, checked at import like a DHIS2 validation rule: `left operator
    right`. A row that breaks it is rejected, with the rule's message, its file, row and column."""

    id: Identifier = Field(description="Stable id of the rule, shown in the import report")
    repeat: Identifier | None = Field(
        default=None, description="Check the rows of this repeat (e.g. cases); empty: the submission's rows"
    )
    left: str = Field(description="Expression of the left side, e.g. application_date")
    operator: RuleOperator = Field(description="How left compares with right (DHIS2 operator names)")
    right: str = Field(description="Expression of the right side, e.g. decision_date")
    message: Text = Field(description="What is wrong, for the person fixing the file")
    skip_if_missing: bool = Field(
        default=True,
        description="Skip a row where either side is empty (DHIS2 SKIP_IF_ANY_VALUE_MISSING); false: a missing side breaks it",
    )


class Reporting(Strict):
    """Which level of body reports a part of an instrument (a repeat such as the case list), so that an oblast
    body and a raion body never both count the same people. A submission from another level that carries
    rows of the repeat is rejected at import, and the engine counts no such row."""

    repeat: Identifier = Field(description="The repeat this rule is about, e.g. cases")
    reported_by: str = Field(description="Expression over the submission's answers, e.g. body = 'raion_administration'")
    message: Text = Field(description="Why only this level reports it, for the person fixing the file")


class Expectation(Strict):
    """Coverage: which units are expected to answer, once per wave."""

    level: TerritoryLevel
    per: str = Field(default="wave", description="wave")
    count: int = Field(default=1, ge=1)


class Survey(Strict):
    id: Identifier
    code: str = Field(description="Short code used in question codes, e.g. HS")
    title: Text
    description: Text
    respondent: Respondent
    unit: str = Field(description="Unit of analysis: hromada, raion, oblast, institution, person, case, request")
    territory_question: Identifier = Field(description="Question holding the finest territory of an answer")
    territory_level: TerritoryLevel = Field(description="Finest territory level stored for this instrument")
    wave_question: Identifier | None = "wave"
    date_question: Identifier | None = "date"
    consent_question: Identifier | None = None
    id_question: Identifier | None = Field(default=None, description="Submission id column, e.g. _uuid or KEY")
    holds_personal_identifiers: bool = Field(
        default=False, description="Must be false for survivor instruments: no names, contacts, ids are stored"
    )
    min_n: int = Field(default=5, ge=1, description="Results from fewer answers are suppressed")
    design: SurveyDesign | None = Field(
        default=None,
        description=(
            "census, convenience or probability: sampling intervals and significance tests only for a "
            "probability sample; a census shows non-response (answers received of expected) instead. "
            "Empty: undeclared (monitor validate warns; intervals are computed as for a simple random sample)"
        ),
    )
    earliest_date: date = Field(
        default=date(2021, 1, 1),
        description="Date answers before this day are refused (the monitoring starts in 2021); after the day of import always",
    )
    expected: Expectation | None = None
    questions: list[Question]
    choice_lists: dict[Identifier, list[Choice]] = Field(default_factory=dict)
    validation_rules: list[ValidationRule] = Field(
        default_factory=list, description="Rules across fields, checked per row at import (DHIS2 validation rules)"
    )
    reports: list[Reporting] = Field(
        default_factory=list,
        description="Which level of body reports which repeat (no person counted by two levels)",
    )
    source: str | None = Field(default=None, description="Where the instrument comes from (docs/domain/ page)")
    proposal: bool = Field(default=True, description="True while the instrument is a proposal [P]")

    def reported_by(self, repeat: str | None) -> Reporting | None:
        """The reporting rule of a repeat, if the instrument declares one."""
        return next((r for r in self.reports if r.repeat == repeat), None) if repeat else None

    @property
    def inferential(self) -> bool:
        """Whether sampling intervals and significance tests mean something for this instrument's answers."""
        return self.design in (None, SurveyDesign.probability.value)

    def all_questions(self) -> list[Question]:
        out: list[Question] = []
        for question in self.questions:
            out.append(question)
            out.extend(question.questions)
        return out

    def question(self, name: str) -> Question | None:
        return next((q for q in self.all_questions() if q.name == name), None)

    def repeats(self) -> list[Question]:
        return [q for q in self.questions if q.type == QuestionType.repeat]

    def choices_of(self, question: Question) -> list[Choice]:
        return self.choice_lists.get(question.choices or "", [])


# --------------------------------------------------------------------------- indicators


class IndicatorType(StrEnum):
    share = "share"  # rows meeting `numerator` among rows meeting `denominator`; 0..1
    # The ignores below: a member named count or index shadows a str method; the names are the YAML values.
    count = "count"  # type: ignore[assignment]  # number of rows meeting `numerator` (or all rows in scope)
    sum = "sum"  # sum of `value`
    mean = "mean"  # mean of `value`
    median = "median"  # median of `value`
    ratio = "ratio"  # sum(numerator) / sum(denominator) * factor
    duration = "duration"  # median of `value`, a number of days
    index = "index"  # type: ignore[assignment]  # weighted composite of other indicators' scores, 0..100


class Direction(StrEnum):
    higher = "higher-is-better"
    lower = "lower-is-better"  # type: ignore[assignment]  # shadows str.lower; the name reads as the YAML value
    none = "none"  # context indicator: no good or bad direction


class ResultLevel(StrEnum):
    output = "output"
    outcome = "outcome"
    impact = "impact"
    context = "context"


class Baseline(Strict):
    period: str = Field(description="Period of the baseline, e.g. 2021")
    value: float | None = None
    placeholder: bool = Field(default=True, description="True until the first wave's data replaces it")
    note: Text | None = None


class ParamRef(Strict):
    """A number taken from a framework parameter instead of a literal, e.g. a legal deadline.

    `{param: status_decision_days, times: 2}` is twice the deadline. For a period the engine takes
    the parameter's value in force on the period's last day.
    """

    param: Identifier = Field(description="Name of a numeric parameter in framework.yaml")
    times: float = Field(default=1, gt=0, description="Multiplier, e.g. 2 for twice the deadline")


Number = float | ParamRef


class Thresholds(Strict):
    """Traffic lights. Higher-is-better: >= green is green, >= amber is amber, else red. Lower: <=."""

    green: Number
    amber: Number


class IndexMix(StrEnum):
    """What an index does when a component has no published score in a cell."""

    reweighted = "reweighted"  # the others' weights are rescaled; the mix differs between cells
    fixed = "fixed"  # computed only where every component counted is present, else no value (incomplete)


class SplitPart(Strict):
    value: Identifier = Field(description="The part's code in results (dimension_value), e.g. female")
    label: Text = Field(description="The part's name in tables and charts, e.g. women")
    expression: str = Field(description="Numeric expression the part sums, e.g. staff_trained_women")


class Split(Strict):
    """A breakdown across columns: the parts are asked as separate numbers (of whom women, of whom men)."""

    name: Identifier = Field(description="The breakdown's name in results (dimension), e.g. sex; not a question name")
    label: Text = Field(description="The breakdown's name in tables and charts, e.g. Sex")
    parts: list[SplitPart] = Field(min_length=2, description="The parts, each a column of its own (two or more)")

    def labels(self, lang: str) -> dict[str, str]:
        """{name: label, 'name=value': part label}, as the display layers key dimension labels."""
        out = {self.name: self.label.get(lang)}
        out.update({f"{self.name}={part.value}": part.label.get(lang) for part in self.parts})
        return out


class Component(Strict):
    indicator: Identifier
    weight: float = Field(gt=0)


# The PIRS text fields in the order the sheet prints them (the annex and docs/framework.md follow it).
PIRS_TEXT_FIELDS = (
    "definition", "unit", "rationale", "disaggregation", "data_source", "collection_method", "frequency",
    "responsible", "baseline_rationale", "target_rationale", "limitations",
)


class Pirs(Strict):
    """USAID's Performance Indicator Reference Sheet (ADS 201): required for every indicator while `pirs_required` is on."""

    # Every field is optional in the schema so that `monitor validate` names each missing one with its file
    # and line (error pirs-missing) in the same pass as every other mistake, instead of pydantic stopping at
    # the first. Where a fact is not known yet the sheet says so ("not yet reviewed") rather than omit it.

    definition: Text | None = Field(default=None, description="Precise definition: every term, the numerator and the denominator")
    unit: Text | None = Field(default=None, description="Unit of measure, in words (e.g. percent of hromadas surveyed)")
    rationale: Text | None = Field(default=None, description="Why the indicator is measured: what decision it informs")
    disaggregation: Text | None = Field(default=None, description="How the results are broken down")
    data_source: Text | None = Field(default=None, description="Where the data come from (body, document, respondent)")
    collection_method: Text | None = Field(default=None, description="How the data are collected and by which instrument")
    frequency: Text | None = Field(default=None, description="Frequency and timing of collection and reporting")
    responsible: Text | None = Field(default=None, description="Who collects, checks and reports the data")
    baseline_rationale: Text | None = Field(default=None, description="Why the baseline is what it is (or when it will be set)")
    target_rationale: Text | None = Field(default=None, description="Why the targets are what they are")
    limitations: Text | None = Field(default=None, description="Known data limitations and what is done about them")
    last_review: date | None = Field(
        default=None, description="Date of the last data-quality review (DQA); empty with review_note when none was done"
    )
    review_note: Text | None = Field(
        default=None, description="State of the data-quality review in words, e.g. not yet reviewed (required without a date)"
    )

    def missing(self) -> list[str]:
        """The fields a complete sheet lacks: the text fields, and a review date or a note saying why none."""
        out = [name for name in PIRS_TEXT_FIELDS if getattr(self, name) is None]
        if self.last_review is None and self.review_note is None:
            out.append("last_review")
        return out


class Indicator(Strict):
    id: Identifier
    title: Text
    short_title: Text | None = None
    description: Text
    theme: Identifier
    survey: Identifier | None = Field(default=None, description="The survey answering it (all but index)")
    type: IndicatorType
    level: ResultLevel = ResultLevel.outcome
    repeat: Identifier | None = Field(default=None, description="Compute over the rows of this repeat")
    finest_level: TerritoryLevel | None = Field(
        default=None,
        description=(
            "Finest territory level its results are computed and published at (e.g. raion: one official's own "
            "answer is not shown per hromada). Empty: the survey's territory level"
        ),
    )
    filter: str | None = Field(default=None, description="Expression: which answers are in scope")
    numerator: str | None = None
    denominator: str | None = None
    value: str | None = Field(default=None, description="Numeric expression for sum, mean, median, duration")
    factor: float = Field(default=1, description="Multiplier for ratio, e.g. 10000 for per 10,000 residents")
    numerator_text: Text | None = None
    denominator_text: Text | None = None
    unit: str = Field(default="percent", description="percent, count, persons, days, uah, score, rate")
    disaggregate_by: list[Identifier] = Field(default_factory=list)
    split_by: list[Split] = Field(
        default_factory=list,
        description=(
            "Sum only: breakdowns across columns (the parts asked as separate numbers, e.g. of whom women / men); "
            "at most one"
        ),
        max_length=1,
    )
    direction: Direction
    baseline: Baseline | None = None
    targets: dict[str, Number] = Field(
        default_factory=dict, description="Target per period, e.g. {2022: 0.9} or {2022: {param: status_decision_days}}"
    )
    lop_target: Number | None = Field(default=None, description="Life-of-project target")
    thresholds: Thresholds | None = None
    min_n: int | None = Field(default=None, ge=1, description="Defaults to the survey's min_n")
    components: list[Component] = Field(default_factory=list, description="Index only")
    index_mix: IndexMix = Field(
        default=IndexMix.reweighted,
        description=(
            "Index only. fixed: a value only where every component counted is present (else no value, the "
            "missing ones in index_missing), so two values, and a change between them, compare like for like; "
            "reweighted: a missing component's weight is shared among the others"
        ),
    )
    parameter_date: str | None = Field(
        default=None,
        description=(
            "Expression: the date whose rules apply to a row (e.g. application_date); a parameter with "
            "validity dates takes the value in force on it. Default: the answer's date"
        ),
    )
    period_date: str | None = Field(
        default=None,
        description=(
            "Expression: the date that puts a row in a period, e.g. decision_date for a decision step (the "
            "period of a case is the date of the step it measures); where it is empty, the answer's date"
        ),
    )
    param_refs: dict[str, ParamRef] = Field(
        default_factory=dict,
        description="Filled by the loader (not written in YAML): where a target or threshold came from a parameter",
    )
    legal_basis: Text
    pirs: Pirs | None = Field(default=None, description="USAID Performance Indicator Reference Sheet (required by pirs_required)")
    source: str | None = Field(default=None, description="Where the indicator comes from, e.g. docs/domain/status-procedure.md")
    proposal: bool = True

    def split_expressions(self) -> list[str]:
        return [part.expression for split in self.split_by for part in split.parts]

    @model_validator(mode="before")
    @classmethod
    def _targets_keys_as_text(cls, data: Any) -> Any:
        # YAML reads `2022:` as an int key; periods are text everywhere else.
        if isinstance(data, dict) and isinstance(data.get("targets"), dict):
            data = {**data, "targets": {str(k): v for k, v in data["targets"].items()}}
        return data


# --------------------------------------------------------------------------- framework-level


ParamValue = float | int | str | list[str]


class ParameterValue(Strict):
    """One value of a parameter with the dates it is in force (both days included; open when empty)."""

    value: ParamValue = Field(description="The value in force in this period")
    valid_from: date | None = Field(default=None, description="First day in force (empty: since always)")
    valid_to: date | None = Field(default=None, description="Last day in force, included (empty: still in force)")
    source: str | None = Field(default=None, description="The act or version this value comes from")

    @model_validator(mode="after")
    def _ordered(self) -> ParameterValue:
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise catalogue_error(
                "param-validity-order", ("valid_to",), valid_from=str(self.valid_from), valid_to=str(self.valid_to)
            )
        return self

    def in_force(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class Parameter(Strict):
    """A named value indicators refer to with `param('name')`, e.g. a legal deadline.

    Either one `value` (in force always) or `values`, each with valid_from / valid_to, when the rule
    changed (Resolution 417 as amended by No. 531 from 01.06.2021). `value` is then the latest one;
    the engine takes the value in force on each row's date.
    """

    # Not required in the schema because `values` may stand in for it; _periods refuses neither.
    value: ParamValue | None = Field(default=None, description="The value; with `values`, filled with the latest one")
    values: list[ParameterValue] = Field(default_factory=list, description="Values with validity dates, in order")
    label: Text
    unit: str | None = None
    verified: bool = Field(description="False for facts marked [V]: shown as unverified wherever used")
    source: str

    @model_validator(mode="before")
    @classmethod
    def _latest_value(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "values" not in data:
            return data
        if "value" in data:
            raise catalogue_error("param-value-and-values", ("values",))
        values = data["values"]
        if isinstance(values, list) and values:
            last = values[-1]
            if isinstance(last, ParameterValue):
                data = {**data, "value": last.value}
            elif isinstance(last, dict) and "value" in last:
                data = {**data, "value": last["value"]}
        return data

    @model_validator(mode="after")
    def _periods(self) -> Parameter:
        if self.value is None:
            raise catalogue_error("param-no-value", ())
        for i, item in enumerate(self.values):
            if isinstance(item.value, list):
                # The engine passes a list (the holiday calendar) whole; it cannot change per row.
                raise catalogue_error("param-dated-list", ("values", i, "value"))
            if i == 0:
                continue
            before = self.values[i - 1]
            if before.valid_to is None or item.valid_from is None or item.valid_from <= before.valid_to:
                raise catalogue_error(
                    "param-validity-overlap", ("values", i, "valid_from"), index=i + 1,
                    valid_from=str(item.valid_from or "—"), previous_to=str(before.valid_to or "—"),
                )
            if (item.valid_from - before.valid_to).days != 1:
                raise catalogue_error(
                    "param-validity-gap", ("values", i, "valid_from"), index=i + 1,
                    valid_from=str(item.valid_from), previous_to=str(before.valid_to),
                )
        return self

    def dated(self) -> tuple[tuple[date | None, date | None, Any], ...]:
        """(valid_from, valid_to, value) per period; one open period for a plain `value`."""
        if not self.values:
            return ((None, None, self.value),)
        return tuple((v.valid_from, v.valid_to, v.value) for v in self.values)

    def value_on(self, day: date | None) -> Any:
        """The value in force on `day` (None: the latest); None when no value is in force then."""
        if day is None or not self.values:
            return self.value
        return next((v.value for v in self.values if v.in_force(day)), None)


class Theme(Strict):
    id: Identifier
    title: Text
    order: int = 0


class FrameworkSettings(Strict):
    """framework.yaml at the framework root."""

    title: Text
    themes: list[Theme]
    parameters: dict[Identifier, Parameter] = Field(default_factory=dict)
    waves: list[str] = Field(default_factory=list, description="Monitoring waves in order, e.g. 2021, 2022")
    survivor_min_n: int = Field(default=11, ge=1)
    pirs_required: bool = Field(
        default=True,
        description=(
            "Every indicator must carry a complete PIRS (USAID ADS 201): `monitor validate` reports each missing "
            "field as pirs-missing. Off only for scratch frameworks that no donor reads"
        ),
    )
    index_excludes_unverified: bool = Field(
        default=True,
        description=(
            "An index leaves out a component that depends on an unverified parameter until it is verified "
            "(the component is listed in index_missing)"
        ),
    )


class Framework(BaseModel):
    """A loaded, validated framework. Not a YAML document itself."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    root: str
    settings: FrameworkSettings
    surveys: dict[str, Survey]
    indicators: dict[str, Indicator]
    sources: dict[str, str] = Field(default_factory=dict, description="id -> file path (relative)")
    hash: str = ""
    indicator_hashes: dict[str, str] = Field(default_factory=dict)
    survey_hashes: dict[str, str] = Field(default_factory=dict)

    def indicator(self, indicator_id: str) -> Indicator:
        return self.indicators[indicator_id]

    def survey_of(self, indicator: Indicator) -> Survey | None:
        return self.surveys.get(indicator.survey or "")

    def dimension_labels(self, indicator: Indicator, lang: str) -> dict[str, str]:
        """Readable names of an indicator's breakdowns: {dimension: label, 'dimension=value': label}, from its
        survey's question and choice labels and its splits' own labels (dashboard and reports alike)."""
        survey = self.survey_of(indicator)
        out: dict[str, str] = {}
        if survey is not None:
            for q in survey.all_questions():
                out.setdefault(q.name, q.label.get(lang))
                for choice in survey.choice_lists.get(q.choices or "", []):
                    out.setdefault(f"{q.name}={choice.value}", choice.label.get(lang))
        for split in indicator.split_by:
            out.update(split.labels(lang))
        return out

    def min_n(self, indicator: Indicator) -> int:
        survey = self.survey_of(indicator)
        return indicator.min_n or (survey.min_n if survey else 1)

    def param_values(self) -> dict[str, Any]:
        """Each parameter's latest value (the one in force now for a parameter with validity dates)."""
        return {name: p.value for name, p in self.settings.parameters.items()}

    def dated_params(self) -> dict[str, tuple[tuple[date | None, date | None, Any], ...]]:
        """The parameters with validity dates: name -> (valid_from, valid_to, value) per period."""
        return {
            name: p.dated() for name, p in self.settings.parameters.items()
            if any(v.valid_from or v.valid_to for v in p.values)  # one bounded value: none outside it
        }
