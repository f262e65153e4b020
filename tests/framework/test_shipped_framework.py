"""The framework the coalition ships (framework.yaml, surveys/, indicators/) is valid and keeps its promises.

The loader is the primary check (every cross-check with file:line); the tests below restate the rules
that matter most — survivor privacy, expressions naming real questions and choices, ranges — so that a
regression in either the YAML or the loader shows up here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from pydantic import BaseModel

from monitor import expr
from monitor.engine.compute import working_calendar
from monitor.framework.loader import load_framework
from monitor.framework.models import (
    Framework,
    FrameworkSettings,
    Indicator,
    IndicatorType,
    QuestionType,
    Respondent,
    Survey,
    Text,
)

ROOT = Path(__file__).resolve().parents[2]
SURVEY_FILES = sorted((ROOT / "surveys").glob("*.yaml"))
INDICATOR_FILES = sorted((ROOT / "indicators").glob("*.yaml"))
BUILTIN_FIELDS = {"_population"}
CYRILLIC = re.compile(r"[А-Яа-яІіЇїЄєҐґ]")


def _load(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def framework() -> Framework:
    fw, issues = load_framework(ROOT)
    errors = [i for i in issues if i.level == "error"]
    assert fw is not None and not errors, errors
    return fw


def _scope(survey: Survey, repeat: str | None) -> dict:
    """Questions an indicator expression may name: the parent's plus the repeat's children."""
    scope = {q.name: q for q in survey.questions if q.type != QuestionType.repeat}
    for rep in survey.repeats():
        if repeat is None or rep.name == repeat:
            scope.update({q.name: q for q in rep.questions})
    return scope


def _expressions(indicator: Indicator) -> list[tuple[str, str]]:
    fields = ("filter", "numerator", "denominator", "value")
    return [(f, getattr(indicator, f)) for f in fields if getattr(indicator, f)]


# ----------------------------------------------------------------------------- files and models


def test_load_framework_has_no_errors() -> None:
    fw, issues = load_framework(ROOT)
    errors = [i for i in issues if i.level == "error"]
    assert fw is not None
    assert errors == []
    # Warnings are expected only for the [V] parameters (unverified deadlines).
    assert {i.code for i in issues} <= {"unverified-parameter"}


def test_framework_settings_validate() -> None:
    settings = FrameworkSettings.model_validate(_load(ROOT / "framework.yaml"))
    assert settings.waves == ["2021", "2022"]
    assert settings.survivor_min_n == 11


@pytest.mark.parametrize("path", SURVEY_FILES, ids=lambda p: p.stem)
def test_survey_file_validates(path: Path) -> None:
    survey = Survey.model_validate(_load(path))
    assert survey.id == path.stem


@pytest.mark.parametrize("path", INDICATOR_FILES, ids=lambda p: p.stem)
def test_indicator_file_validates(path: Path) -> None:
    indicator = Indicator.model_validate(_load(path))
    assert indicator.id == path.stem


def test_counts() -> None:
    assert len(SURVEY_FILES) >= 6
    assert len(INDICATOR_FILES) >= 25


@pytest.mark.parametrize(
    ("indicator_id", "survey_id", "kind"),
    [
        ("H01", "hromada-officials", "share"),
        ("H05", "hromada-officials", "ratio"),
        ("H07", "hromada-officials", "sum"),
        ("S01", "status-procedure", "share"),
        ("S02", "status-procedure", "duration"),
        ("S06", "status-procedure", "share"),  # a cohort of the people granted status (#10 item 3)
        ("P01", "police", "ratio"),
        ("E01", "employment-centres", "share"),
        ("E02", "job-seekers", "share"),
        ("R01", "information-requests", "share"),
        ("V02", "survivors", "share"),
        ("V05", "survivors", "mean"),
        ("OI", None, "index"),
    ],
)
def test_domain_indicators_present(
    framework: Framework, indicator_id: str, survey_id: str | None, kind: str
) -> None:
    indicator = framework.indicators[indicator_id]
    assert indicator.survey == survey_id
    assert indicator.type == kind


def test_every_domain_indicator_is_defined(framework: Framework) -> None:
    expected = (
        [f"H0{i}" for i in range(1, 9)]
        + [f"S0{i}" for i in range(1, 10)]
        + ["P01", "P02", "E01", "E02", "E03", "R01", "R02"]
        + [f"V0{i}" for i in range(1, 6)]
    )
    assert sorted(set(expected) - set(framework.indicators)) == []


# ----------------------------------------------------------------------------- expressions


@pytest.mark.parametrize("path", INDICATOR_FILES, ids=lambda p: p.stem)
def test_indicator_expressions_name_real_questions_and_choices(framework: Framework, path: Path) -> None:
    indicator = framework.indicators[path.stem]
    if indicator.type == IndicatorType.index:
        assert indicator.survey is None and indicator.components
        return
    survey = framework.surveys[indicator.survey]  # the survey must exist
    scope = _scope(survey, indicator.repeat)
    for field, text in _expressions(indicator):
        node = expr.parse(text)
        unknown = expr.names(node) - set(scope) - BUILTIN_FIELDS
        assert not unknown, f"{indicator.id}.{field}: {unknown}"
        assert expr.params(node) <= set(framework.settings.parameters), f"{indicator.id}.{field}"
        for name, value, _column in expr.choice_comparisons(node):
            question = scope.get(name)
            if question is None or question.type not in (
                QuestionType.select_one,
                QuestionType.select_multiple,
            ):
                continue
            allowed = {c.value for c in survey.choices_of(question)}
            assert value in allowed, f"{indicator.id}.{field}: {name} = '{value}' not in {sorted(allowed)}"
        if field in ("numerator", "denominator", "filter") and "selected(" in text:
            for name in expr.selected_questions(node):
                assert scope[name].type in (QuestionType.select_one, QuestionType.select_multiple)


@pytest.mark.parametrize("path", SURVEY_FILES, ids=lambda p: p.stem)
def test_survey_expressions_name_real_questions(framework: Framework, path: Path) -> None:
    survey = framework.surveys[path.stem]
    names = {q.name for q in survey.all_questions()}
    for q in survey.all_questions():
        for text in (q.constraint, q.relevant):
            if text:
                node = expr.parse(text)
                assert expr.names(node) - {"."} <= names, f"{survey.id}.{q.name}: {text}"


@pytest.mark.parametrize("path", INDICATOR_FILES, ids=lambda p: p.stem)
def test_disaggregations_are_select_one_never_territory(framework: Framework, path: Path) -> None:
    indicator = framework.indicators[path.stem]
    if indicator.survey is None:
        assert indicator.disaggregate_by == []
        return
    scope = _scope(framework.surveys[indicator.survey], indicator.repeat)
    for name in indicator.disaggregate_by:
        assert scope[name].type == QuestionType.select_one, (indicator.id, name)


# ----------------------------------------------------------------------------- targets and thresholds


@pytest.mark.parametrize("path", INDICATOR_FILES, ids=lambda p: p.stem)
def test_targets_and_thresholds_are_consistent(framework: Framework, path: Path) -> None:
    ind = framework.indicators[path.stem]
    numbers = [*ind.targets.values(), *([ind.lop_target] if ind.lop_target is not None else [])]
    if ind.thresholds:
        numbers += [ind.thresholds.green, ind.thresholds.amber]
        if ind.direction == "higher-is-better":
            assert ind.thresholds.green >= ind.thresholds.amber
        elif ind.direction == "lower-is-better":
            assert ind.thresholds.green <= ind.thresholds.amber
        else:
            pytest.fail(f"{ind.id}: a context indicator (direction none) has no traffic lights")
    if ind.type == IndicatorType.share or (ind.type == IndicatorType.ratio and ind.unit == "percent"):
        assert all(0 <= n <= 1 for n in numbers), (ind.id, numbers)  # shares are fractions
    if ind.type == IndicatorType.index:
        assert all(0 <= n <= 100 for n in numbers)
    assert set(ind.targets) <= set(framework.settings.waves)
    assert ind.baseline is not None and ind.baseline.period == "2021" and ind.baseline.placeholder


def test_index_components_are_directional_percentages(framework: Framework) -> None:
    index = framework.indicators["OI"]
    assert len(index.components) >= 8
    for component in index.components:
        part = framework.indicators[component.indicator]
        assert part.direction == "higher-is-better", part.id
        assert part.unit == "percent", part.id


# ----------------------------------------------------------------------------- privacy


def test_survivor_survey_stores_no_identifiers(framework: Framework) -> None:
    survivors = [s for s in framework.surveys.values() if s.respondent == Respondent.survivor]
    assert [s.id for s in survivors] == ["survivors"]
    for survey in survivors:
        assert survey.holds_personal_identifiers is False
        assert survey.min_n >= framework.settings.survivor_min_n
        assert survey.territory_level != "hromada"
        assert survey.consent_question == "consent"
        for q in survey.all_questions():
            assert not q.personal, q.name
            assert not (q.type == QuestionType.territory and q.level == "hromada"), q.name
            assert q.name not in {"name", "phone", "address", "date_of_birth", "respondent_name"}


def test_survivor_indicators_suppress_below_eleven(framework: Framework) -> None:
    on_survivors = [i for i in framework.indicators.values() if i.survey == "survivors"]
    assert len(on_survivors) == 10  # V01-V05, V06 (NGOs and IOM first), V07 (employment help), V08-V10 (providers)
    for indicator in on_survivors:
        assert framework.min_n(indicator) >= 11, indicator.id


def test_personal_questions_exist_only_where_people_are_called_back(framework: Framework) -> None:
    personal = {(s.id, q.name) for s in framework.surveys.values() for q in s.all_questions() if q.personal}
    assert personal == {("hromada-officials", "respondent_name"), ("hromada-officials", "respondent_phone")}


# ----------------------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    ("name", "value", "verified"),
    [
        ("status_decision_days", 10, False),  # [V] from memory
        ("status_interview_days", 3, False),
        ("status_procedure_total_days", 30, False),
        ("payment_deadline_days", 30, True),  # CMU 660: no later than 1 month
        ("request_answer_working_days", 5, True),  # Law on Access to Public Information art. 20
        ("request_extended_working_days", 20, True),
        ("accommodation_max_months", 3, True),
    ],
)
def test_parameters(framework: Framework, name: str, value: int, verified: bool) -> None:
    parameter = framework.settings.parameters[name]
    assert parameter.value == value
    assert parameter.verified is verified
    if not verified:
        assert "417-2012" in parameter.source or "domain.md" in parameter.source


def test_the_calendar_rule_is_one_dated_unverified_parameter(framework: Framework) -> None:
    """Working days come from the `holidays` package (monitor.deadlines); the framework holds only the
    martial-law rule, a date, unverified (a secondary source), and no hand-kept holiday list."""
    rule = framework.settings.parameters["martial_law_holidays_suspended_from"]
    assert rule.value == "2022-02-24" and rule.verified is False and "2136-IX" in rule.source
    assert not {"public_holidays", "public_holidays_martial_law"} & set(framework.settings.parameters)


# ----------------------------------------------------------------------------- instruments


@pytest.mark.parametrize("path", SURVEY_FILES, ids=lambda p: p.stem)
def test_instrument_header_and_codes(framework: Framework, path: Path) -> None:
    survey = framework.surveys[path.stem]
    wave = survey.question("wave")
    assert wave is not None and wave.type == QuestionType.select_one
    assert [c.value for c in survey.choices_of(wave)] == framework.settings.waves
    territory = survey.question(survey.territory_question)
    assert territory.type == QuestionType.territory and territory.level == survey.territory_level
    for q in survey.all_questions():
        if q.code:
            assert q.code.startswith(f"{survey.code}-"), q.code
        if q.type == QuestionType.integer and q.constraint:
            expr.parse(q.constraint)


def _texts(obj: object) -> list[Text]:
    """Every bilingual text inside a model, found by walking its fields."""
    if isinstance(obj, Text):
        return [obj]
    if isinstance(obj, list):
        return [t for item in obj for t in _texts(item)]
    if isinstance(obj, dict):
        return [t for item in obj.values() for t in _texts(item)]
    if isinstance(obj, BaseModel):
        return [t for name in type(obj).model_fields for t in _texts(getattr(obj, name))]
    return []


def test_ukrainian_texts_are_ukrainian(framework: Framework) -> None:
    models = [*framework.surveys.values(), *framework.indicators.values(), framework.settings]
    # Labels that are numbers or age bands ("2022", "14–17") are the same in both languages.
    latin_only = [
        t.uk for m in models for t in _texts(m) if not CYRILLIC.search(t.uk) and re.search("[A-Za-z]", t.uk)
    ]
    assert latin_only == []


# ----------------------------------------------------------------------------- semantics on tiny frames


def _evaluate(framework: Framework, text: str, rows: list[dict]) -> list[bool]:
    params = framework.param_values()
    ctx = expr.Bindings(params=params, calendar=working_calendar(params))
    return expr.truthy(expr.evaluate(expr.parse(text), pd.DataFrame(rows), ctx)).tolist()


@pytest.mark.parametrize(
    ("row", "on_time"),
    [
        ({"days_to_decision": 10, "application_date": None, "decision_date": None}, True),
        ({"days_to_decision": 11, "application_date": None, "decision_date": None}, False),
        # judged on the dates when both are known (SP-Q07 may be empty)
        ({"days_to_decision": None, "application_date": "2021-03-01", "decision_date": "2021-03-09"}, True),
        ({"days_to_decision": None, "application_date": "2021-03-01", "decision_date": "2021-03-31"}, False),
    ],
)
def test_s01_numerator(framework: Framework, row: dict, on_time: bool) -> None:
    row = {"decision": "granted", "date": "2021-12-20", **row}  # `date`: the day the case list was filled in
    assert _evaluate(framework, framework.indicators["S01"].numerator, [row]) == [on_time]


@pytest.mark.parametrize(
    ("received", "answered", "checked", "notice_date", "in_numerator", "in_denominator"),
    [
        # Fri 20.08.2021 -> Fri 27.08.2021: 3 working days after receipt (23.08 moved, 24.08 Independence Day)
        ("2021-08-20", "2021-08-27", None, None, True, True),
        ("2021-08-02", "2021-08-10", None, None, False, True),  # 6 working days
        ("2021-09-01", "2021-09-24", None, "2021-09-03", True, True),  # extension noticed in time, answered in 17
        ("2021-09-01", "2021-09-24", None, "2021-09-15", False, True),  # extension notice too late
        ("2021-09-01", None, "2021-12-23", None, False, True),  # never answered: late once the term is over
        ("2021-09-01", None, "2021-09-06", None, False, False),  # unanswered, still inside the term: pending
    ],
)
def test_r01_counts_from_receipt(
    framework: Framework, received: str, answered: str | None, checked: str | None, notice_date: str | None,
    in_numerator: bool, in_denominator: bool,
) -> None:
    row = {"date_received": received, "date_answered": answered, "checked_on": checked, "urgent": "no",
           "extension_notice": "yes" if notice_date else "no", "extension_date": notice_date}
    r01 = framework.indicators["R01"]
    assert _evaluate(framework, r01.numerator, [row]) == [in_numerator]
    assert _evaluate(framework, r01.denominator, [row]) == [in_denominator]


@pytest.mark.parametrize(
    ("needed", "received", "all_received"),
    [
        ("medical legal", "legal medical shelter", True),
        ("medical legal", "medical", False),
        ("documents", "", False),
        ("", "", True),  # needed nothing: out of the denominator anyway
    ],
)
def test_v02_numerator(framework: Framework, needed: str, received: str, all_received: bool) -> None:
    row = {"help_needed": needed, "help_received": received}
    assert _evaluate(framework, framework.indicators["V02"].numerator, [row]) == [all_received]


def test_every_shipped_indicator_has_a_complete_pirs() -> None:
    """USAID ADS 201: a complete reference sheet per indicator, in both languages; no review date invented."""
    from monitor.framework.loader import framework_or_raise
    from monitor.framework.models import PIRS_TEXT_FIELDS

    framework = framework_or_raise()
    assert framework.settings.pirs_required
    for ident, indicator in framework.indicators.items():
        sheet = indicator.pirs
        assert sheet is not None and sheet.missing() == [], ident
        for name in PIRS_TEXT_FIELDS:
            text = getattr(sheet, name)
            assert text.uk.strip() and text.en.strip() and text.uk != text.en, (ident, name)
        # no data-quality review has been done yet: the sheet says so rather than giving a date
        assert sheet.last_review is None and "not yet reviewed" in sheet.review_note.en.lower(), ident
