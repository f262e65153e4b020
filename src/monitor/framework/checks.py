"""Cross-checks between definitions: what pydantic cannot see inside one file."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from monitor import expr
from monitor.errors import Issue, issue
from monitor.framework.models import (
    PIRS_TEXT_FIELDS,
    Direction,
    FrameworkSettings,
    Indicator,
    IndicatorType,
    QuestionType,
    Respondent,
    Survey,
    TerritoryLevel,
)
from monitor.framework.params import FUNCTION_PARAMS
from monitor.framework.yamlsrc import YamlDoc

BUILTIN_FIELDS = {"_population", "_wave", "_oblast", "_raion", "_hromada", "_hromada_type"}
SELECTS = {QuestionType.select_one.value, QuestionType.select_multiple.value}
RANGES: dict[str, tuple[float, float]] = {
    IndicatorType.share.value: (0.0, 1.0),
    IndicatorType.index.value: (0.0, 100.0),
}
NEEDS: dict[str, tuple[str, ...]] = {
    IndicatorType.share.value: ("numerator",),
    IndicatorType.sum.value: ("value",),
    IndicatorType.mean.value: ("value",),
    IndicatorType.median.value: ("value",),
    IndicatorType.duration.value: ("value",),
    IndicatorType.ratio.value: ("numerator", "denominator"),
    IndicatorType.index.value: ("components",),
}


def _suggest(name: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(options), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


class _Scope:
    """Question names an expression may use, with their choices."""

    def __init__(self, survey: Survey, repeat: str | None = None):
        self.survey = survey
        self.questions = {q.name: q for q in survey.questions if q.type != QuestionType.repeat}
        for rep in survey.repeats():
            if repeat is None or rep.name == repeat:
                self.questions.update({q.name: q for q in rep.questions})

    def check(
        self,
        text: str,
        *,
        owner: str,
        where: str,
        doc: YamlDoc,
        loc: tuple,
        settings: FrameworkSettings | None,
        allow_current: bool = False,
    ) -> list[Issue]:
        line = doc.line(loc)
        try:
            node = expr.parse(text)
        except expr.ExprSyntaxError as exc:
            return [
                issue(
                    "expression-syntax",
                    path=doc.path,
                    line=line,
                    owner=owner,
                    where=where,
                    expr_column=exc.column,
                    detail=exc.message,
                    detail_uk=getattr(exc, "message_uk", exc.message),
                )
            ]
        out: list[Issue] = []
        for name in sorted(expr.names(node)):
            if name in self.questions or name in BUILTIN_FIELDS or (allow_current and name == "."):
                continue
            out.append(
                issue(
                    "unknown-question",
                    path=doc.path,
                    line=line,
                    owner=owner,
                    where=where,
                    question=name,
                    survey=self.survey.id,
                    suggestion=_suggest(name, self.questions),
                )
            )
        for name, value, _column in expr.choice_comparisons(node):
            question = self.questions.get(name)
            if question is None or question.type not in SELECTS:
                continue
            choices = [c.value for c in self.survey.choices_of(question)]
            if value not in choices:
                out.append(
                    issue(
                        "unknown-choice",
                        path=doc.path,
                        line=line,
                        owner=owner,
                        where=where,
                        question=name,
                        value=value,
                        choices=", ".join(choices),
                    )
                )
        declared = settings.parameters if settings else {}
        for param in sorted(expr.params(node)):
            if param not in declared:
                out.append(issue("unknown-parameter", path=doc.path, line=line, owner=owner, param=param))
            elif not declared[param].verified:
                out.append(
                    issue(
                        "unverified-parameter",
                        path=doc.path,
                        line=line,
                        owner=owner,
                        param=param,
                        source=declared[param].source,
                    )
                )
        return out


class _RowScope(_Scope):
    """The questions of one row: the submission's own (repeat None) or one repeat's."""

    def __init__(self, survey: Survey, repeat: str | None = None):
        super().__init__(survey)
        if repeat is None:
            self.questions = {q.name: q for q in survey.questions if q.type != QuestionType.repeat}
        else:
            rows = next(r for r in survey.repeats() if r.name == repeat)
            self.questions = {q.name: q for q in rows.questions}


def check_survey(survey: Survey, doc: YamlDoc, settings: FrameworkSettings | None) -> list[Issue]:
    out: list[Issue] = []
    if survey.design is None:
        out.append(issue("survey-design-missing", path=doc.path, line=doc.line(("id",)), survey=survey.id))
    seen: set[str] = set()
    for qi, question in enumerate(survey.questions):
        for ci, q in [(None, question)] + [(i, child) for i, child in enumerate(question.questions)]:
            loc: tuple = ("questions", qi) if ci is None else ("questions", qi, "questions", ci)
            line = doc.line(loc)
            if q.name in seen:
                out.append(issue("duplicate-question", path=doc.path, line=line, survey=survey.id, question=q.name))
            seen.add(q.name)
            if q.type in SELECTS:
                if not q.choices:
                    out.append(
                        issue("select-without-choices", path=doc.path, line=line, survey=survey.id, question=q.name, type=q.type)
                    )
                elif q.choices not in survey.choice_lists:
                    out.append(
                        issue(
                            "unknown-choice-list",
                            path=doc.path,
                            line=doc.line((*loc, "choices")),
                            survey=survey.id,
                            question=q.name,
                            list=q.choices,
                        )
                    )
            elif q.choices:
                out.append(issue("choices-on-non-select", path=doc.path, line=line, survey=survey.id, question=q.name, type=q.type))
            scope = _Scope(survey)
            for field in ("constraint", "relevant"):
                text = getattr(q, field)
                if text:
                    out += scope.check(
                        text,
                        owner=f"Survey '{survey.id}'",
                        where=f"{field} of '{q.name}'",
                        doc=doc,
                        loc=(*loc, field),
                        settings=settings,
                        allow_current=True,
                    )
    for list_name, choices in survey.choice_lists.items():
        values: set[str] = set()
        for i, choice in enumerate(choices):
            if choice.value in values:
                out.append(
                    issue(
                        "duplicate-choice",
                        path=doc.path,
                        line=doc.line(("choice_lists", list_name, i)),
                        survey=survey.id,
                        list=list_name,
                        value=choice.value,
                    )
                )
            values.add(choice.value)

    ids: set[str] = set()
    for ri, rule in enumerate(survey.validation_rules):
        if rule.id in ids:
            out.append(issue("duplicate-rule", path=doc.path, line=doc.line(("validation_rules", ri, "id")),
                             survey=survey.id, rule=rule.id))
        ids.add(rule.id)
        if rule.repeat is not None and rule.repeat not in {r.name for r in survey.repeats()}:
            out.append(issue("unknown-repeat", path=doc.path, line=doc.line(("validation_rules", ri, "repeat")),
                             indicator=f"{survey.id}/{rule.id}", repeat=rule.repeat, survey=survey.id))
            continue
        # A rule sees one row: a repeat's row has its own answers only (validate() checks them apart).
        scope = _RowScope(survey, rule.repeat)
        for side in ("left", "right"):
            out += scope.check(getattr(rule, side), owner=f"Survey '{survey.id}'",
                               where=f"validation_rules[{ri}].{side}", doc=doc,
                               loc=("validation_rules", ri, side), settings=settings)

    for ri, reporting in enumerate(survey.reports):
        if reporting.repeat not in {r.name for r in survey.repeats()}:
            out.append(issue("unknown-repeat", path=doc.path, line=doc.line(("reports", ri, "repeat")),
                             indicator=f"{survey.id}/reports", repeat=reporting.repeat, survey=survey.id))
            continue
        out += _RowScope(survey, None).check(reporting.reported_by, owner=f"Survey '{survey.id}'",
                                              where=f"reports[{ri}].reported_by", doc=doc,
                                              loc=("reports", ri, "reported_by"), settings=settings)

    named = {
        "territory_question": (survey.territory_question, {QuestionType.territory.value}),
        "wave_question": (survey.wave_question, SELECTS | {QuestionType.text.value, QuestionType.integer.value}),
        "date_question": (survey.date_question, {QuestionType.date.value}),
        "consent_question": (survey.consent_question, SELECTS),
    }
    for field, (name, types) in named.items():
        if not name:
            continue
        named_question = survey.question(name)
        if named_question is None or named_question.type not in types:
            out.append(
                issue(
                    "bad-survey-field",
                    path=doc.path,
                    line=doc.line((field,)),
                    survey=survey.id,
                    field=field,
                    question=name,
                    expected=" / ".join(sorted(types)),
                )
            )

    if survey.respondent == Respondent.survivor.value:
        problems = []
        if survey.holds_personal_identifiers:
            problems.append("holds_personal_identifiers is true")
        if survey.territory_level == TerritoryLevel.hromada.value:
            problems.append("territory_level is hromada")
        for q in survey.all_questions():
            if q.personal:
                problems.append(f"question '{q.name}' is personal data")
            if q.type == QuestionType.territory and q.level == TerritoryLevel.hromada.value:
                problems.append(f"question '{q.name}' asks for a hromada")
            if q.addressee:
                problems.append(f"question '{q.name}' is an addressee's place")
        if problems:
            out.append(
                issue(
                    "survivor-identifiers",
                    path=doc.path,
                    line=doc.line(("respondent",)),
                    survey=survey.id,
                    detail="; ".join(problems),
                )
            )
        required = settings.survivor_min_n if settings else 11
        if survey.min_n < required:
            out.append(
                issue(
                    "survivor-min-n",
                    path=doc.path,
                    line=doc.line(("min_n",)),
                    survey=survey.id,
                    required=required,
                    found=survey.min_n,
                )
            )
    return out


def check_indicator(
    indicator: Indicator,
    doc: YamlDoc,
    surveys: dict[str, Survey],
    indicators: dict[str, Indicator],
    settings: FrameworkSettings | None,
) -> list[Issue]:
    out: list[Issue] = []
    ident = indicator.id
    if settings and indicator.theme not in {t.id for t in settings.themes}:
        out.append(
            issue(
                "unknown-theme",
                path=doc.path,
                line=doc.line(("theme",)),
                indicator=ident,
                theme=indicator.theme,
                known=", ".join(t.id for t in settings.themes),
            )
        )
    for field in NEEDS.get(indicator.type, ()):
        if not getattr(indicator, field):
            out.append(issue("missing-expression", path=doc.path, line=doc.line(()), indicator=ident, type=indicator.type, field=field))

    survey = surveys.get(indicator.survey or "")
    if indicator.type != IndicatorType.index:
        if survey is None:
            out.append(
                issue(
                    "unknown-survey",
                    path=doc.path,
                    line=doc.line(("survey",)),
                    indicator=ident,
                    survey=indicator.survey,
                    known=", ".join(sorted(surveys)),
                )
            )
        else:
            if indicator.repeat and indicator.repeat not in {r.name for r in survey.repeats()}:
                out.append(
                    issue(
                        "unknown-repeat",
                        path=doc.path,
                        line=doc.line(("repeat",)),
                        indicator=ident,
                        repeat=indicator.repeat,
                        survey=survey.id,
                    )
                )
            scope = _Scope(survey, indicator.repeat)
            for field in ("filter", "numerator", "denominator", "value"):
                text = getattr(indicator, field)
                if text:
                    out += scope.check(
                        text,
                        owner=f"Indicator '{ident}'",
                        where=field,
                        doc=doc,
                        loc=(field,),
                        settings=settings,
                    )
            for i, name in enumerate(indicator.disaggregate_by):
                q = scope.questions.get(name)
                if q is None or q.type != QuestionType.select_one:
                    out.append(
                        issue(
                            "unknown-disaggregation",
                            path=doc.path,
                            line=doc.line(("disaggregate_by", i)),
                            indicator=ident,
                            question=name,
                            survey=survey.id,
                        )
                    )
            out += _split_issues(indicator, survey, scope, doc, settings)
            if survey.respondent == Respondent.survivor.value:
                required = settings.survivor_min_n if settings else 11
                found = indicator.min_n or survey.min_n
                if found < required:
                    out.append(
                        issue(
                            "survivor-small-min-n",
                            path=doc.path,
                            line=doc.line(("min_n",)),
                            indicator=ident,
                            found=found,
                            required=required,
                        )
                    )
    for i, component in enumerate(indicator.components):
        if component.indicator not in indicators or component.indicator == ident:
            out.append(
                issue(
                    "unknown-component",
                    path=doc.path,
                    line=doc.line(("components", i)),
                    indicator=ident,
                    component=component.indicator,
                )
            )

    declared = settings.parameters if settings else {}
    warned: set[str] = set()
    for where, ref in indicator.param_refs.items():
        loc = tuple(where.split(".", 1)) if "." in where else (where,)
        line = doc.line(loc)
        parameter = declared.get(ref.param)
        if parameter is None:
            out.append(issue("unknown-param-ref", path=doc.path, line=line, indicator=ident, where=where, param=ref.param))
        elif isinstance(parameter.value, bool) or not isinstance(parameter.value, int | float):
            out.append(issue("param-ref-not-number", path=doc.path, line=line, indicator=ident, where=where,
                             param=ref.param, value=repr(parameter.value)))
        elif not parameter.verified and ref.param not in warned:
            warned.add(ref.param)  # once per parameter: S02 takes one from it four times
            out.append(issue("unverified-parameter", path=doc.path, line=line, owner=f"Indicator '{ident}'",
                             param=ref.param, source=parameter.source))
    texts = [t for t in (indicator.filter, indicator.numerator, indicator.denominator, indicator.value) if t]
    for function, name in FUNCTION_PARAMS.items():
        parameter = declared.get(name)
        if parameter is None or parameter.verified or name in warned or not any(function in t for t in texts):
            continue
        # working-days() / request-status() count on the calendar, subsistence-minimum() reads a reference
        # table: results depend on the parameter that governs them.
        warned.add(name)
        field = next(f for f in ("filter", "numerator", "denominator", "value") if function in (getattr(indicator, f) or ""))
        out.append(issue("unverified-parameter", path=doc.path, line=doc.line((field,)), owner=f"Indicator '{ident}'",
                         param=name, source=parameter.source))
    if settings is None or settings.pirs_required:
        missing = indicator.pirs.missing() if indicator.pirs is not None else [*PIRS_TEXT_FIELDS, "last_review"]
        if missing:
            # One issue per indicator, at the `pirs:` block (or the file's start when it has none), listing every
            # missing field: the author fixes the sheet in one go.
            loc = ("pirs",) if indicator.pirs is not None else ()
            out.append(issue("pirs-missing", path=doc.path, line=doc.line(loc), indicator=ident,
                             fields=", ".join(missing)))
    thresholds = indicator.thresholds
    green, amber = (thresholds.green, thresholds.amber) if thresholds else (None, None)
    if isinstance(green, int | float) and isinstance(amber, int | float):
        wrong = (indicator.direction == Direction.higher and green < amber) or (
            indicator.direction == Direction.lower and green > amber
        )
        if wrong:
            out.append(
                issue(
                    "thresholds-order",
                    path=doc.path,
                    line=doc.line(("thresholds",)),
                    indicator=ident,
                    green=green,
                    amber=amber,
                    direction=indicator.direction,
                )
            )
    low, high = RANGES.get(indicator.type, (0.0, float("inf")))
    # Values may still be parameter references (checked above); only numbers are range-checked below.
    values: list[tuple[tuple[str, ...], str, object]] = [
        (("targets", k), f"target {k}", v) for k, v in indicator.targets.items()
    ]
    values.append((("lop_target",), "lop_target", indicator.lop_target))
    if indicator.baseline:
        values.append((("baseline", "value"), "baseline", indicator.baseline.value))
    if thresholds:
        values += [(("thresholds", "green"), "green", thresholds.green), (("thresholds", "amber"), "amber", thresholds.amber)]
    for loc, name, value in values:
        # A reference to an unknown or non-numeric parameter is reported above, not as a range.
        if isinstance(value, int | float) and not (low <= value <= high):
            out.append(
                issue(
                    "value-out-of-range",
                    path=doc.path,
                    line=doc.line(loc),
                    indicator=ident,
                    field=name,
                    value=value,
                    type=indicator.type,
                    low=low,
                    high=high,
                )
            )
    return out


def _split_issues(indicator: Indicator, survey: Survey, scope: _Scope, doc: YamlDoc,
                  settings: FrameworkSettings | None) -> list[Issue]:
    """A split breaks a sum across columns: the indicator is a sum, the name is free, each part an expression."""
    out: list[Issue] = []
    for si, split in enumerate(indicator.split_by):
        loc: tuple = ("split_by", si)
        if str(indicator.type) != "sum":
            out.append(issue("split-not-sum", path=doc.path, line=doc.line(loc), indicator=indicator.id,
                             split=split.name, type=str(indicator.type)))
        if split.name in scope.questions or split.name in indicator.disaggregate_by:
            out.append(issue("split-name-taken", path=doc.path, line=doc.line((*loc, "name")), indicator=indicator.id,
                             split=split.name, survey=survey.id))
        seen: set[str] = set()
        for pi, part in enumerate(split.parts):
            if part.value in seen:
                out.append(issue("split-duplicate-part", path=doc.path, line=doc.line((*loc, "parts", pi)),
                                 indicator=indicator.id, split=split.name, part=part.value))
            seen.add(part.value)
            out += scope.check(part.expression, owner=f"Indicator '{indicator.id}'", where=f"split {split.name}",
                               doc=doc, loc=(*loc, "parts", pi, "expression"), settings=settings)
    return out


def _used_names(indicators: dict[str, Indicator]) -> dict[str, set[str]]:
    """survey id -> question names some indicator reads (expressions, disaggregations)."""
    used: dict[str, set[str]] = {}
    for indicator in indicators.values():
        names = used.setdefault(indicator.survey or "", set())
        names.update(indicator.disaggregate_by)
        for text in (indicator.filter, indicator.numerator, indicator.denominator, indicator.value,
                     indicator.parameter_date, *indicator.split_expressions()):
            if not text:
                continue
            try:
                names |= expr.names(expr.parse(text))
            except expr.ExprSyntaxError:
                continue  # reported as expression-syntax by check_indicator
    return used


def check_unused_questions(survey: Survey, doc: YamlDoc, used: set[str]) -> list[Issue]:
    """An item that feeds no indicator must say why it is collected (kept_for), or be used, or be dropped."""
    header = {survey.territory_question, survey.wave_question, survey.date_question, survey.consent_question,
              survey.id_question, "interviewer_org"}
    out: list[Issue] = []
    for qi, question in enumerate(survey.questions):
        for ci, q in [(None, question)] + [(i, child) for i, child in enumerate(question.questions)]:
            if (q.name in used or q.name in header or q.type in (QuestionType.repeat.value, QuestionType.territory.value)
                    or q.personal or q.kept_for is not None):
                continue
            loc: tuple = ("questions", qi) if ci is None else ("questions", qi, "questions", ci)
            out.append(issue("question-feeds-nothing", path=doc.path, line=doc.line(loc), survey=survey.id,
                             question=q.name))
    return out


def cross_check(
    settings: FrameworkSettings | None,
    surveys: dict[str, Survey],
    indicators: dict[str, Indicator],
    docs: dict[str, YamlDoc],
) -> list[Issue]:
    out: list[Issue] = []
    used = _used_names(indicators)
    for survey_id, survey in surveys.items():
        out += check_survey(survey, docs[f"surveys:{survey_id}"], settings)
        out += check_unused_questions(survey, docs[f"surveys:{survey_id}"], used.get(survey_id, set()))
    for indicator_id, indicator in indicators.items():
        out += check_indicator(indicator, docs[f"indicators:{indicator_id}"], surveys, indicators, settings)
    return out
