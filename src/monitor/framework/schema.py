"""JSON Schema of the framework YAML, generated from the pydantic models.

Editors (VS Code with the Red Hat YAML extension, see .vscode/settings.json) use schema/*.schema.json
to complete and check surveys/*.yaml, indicators/*.yaml and framework.yaml while they are typed.
The files are generated: `python -m monitor.framework.schema` or `monitor survey schema -o schema/`;
a test fails when they are stale.

Fields the models leave undescribed get their description from FIELD_NOTES here, so the schema and
docs/framework.md (generated from the same notes) say the same thing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from monitor.framework.models import (
    Direction,
    FrameworkSettings,
    Indicator,
    IndicatorType,
    QuestionType,
    Respondent,
    ResultLevel,
    RuleOperator,
    Survey,
    SurveyDesign,
    TerritoryLevel,
)

# The project tree (src/monitor/framework/schema.py -> 3 levels up); generated files live in schema/.
PROJECT_ROOT = Path(__file__).resolve().parents[3]
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
ROOT_MODELS: dict[str, type[BaseModel]] = {
    "framework": FrameworkSettings,
    "survey": Survey,
    "indicator": Indicator,
}
TITLES: dict[str, str] = {
    "framework": "framework.yaml: рамка моніторингу / monitoring framework settings",
    "survey": "surveys/<id>.yaml: інструмент опитування / survey instrument",
    "indicator": "indicators/<id>.yaml: індикатор / indicator",
}

# Descriptions for fields the models leave undescribed: model name -> field -> text (English).
FIELD_NOTES: dict[str, dict[str, str]] = {
    "Survey": {
        "id": "Unique id of the instrument; the file is surveys/<id>.yaml and the XLSForm form_id",
        "title": "Name of the instrument in Ukrainian and English",
        "description": "What the instrument asks, of whom, how often",
        "respondent": "Who answers (see the respondent values)",
        "wave_question": "Question holding the monitoring wave (null: derive the period from the date)",
        "date_question": "Question holding the interview or record date",
        "consent_question": "Yes/no question: answers without consent are not stored",
        "expected": "Which territorial units are expected to answer once per wave (coverage)",
        "questions": "The questions in the order they are asked",
        "choice_lists": "Named lists of answer options, shared by select questions",
    },
    "Question": {
        "type": "Answer type (see the question types)",
        "label": "Question text in Ukrainian and English",
        "hint": "Help text shown under the question",
        "required": "The answer cannot be left empty",
        "constraint_message": "Message shown when the constraint fails",
    },
    "Choice": {"label": "Option text in Ukrainian and English"},
    "Expectation": {"level": "Territory level of the expected respondents", "count": "Answers expected per unit"},
    "Indicator": {
        "id": "Unique id of the indicator; the file is indicators/<id>.yaml",
        "title": "Full name in Ukrainian and English",
        "short_title": "Short name for charts and tables",
        "description": "What the indicator measures and why it matters",
        "theme": "Theme id from framework.yaml: groups indicators on the dashboard and in reports",
        "type": "How answers become a value (see the indicator types)",
        "level": "Result level: output, outcome, impact or context",
        "numerator": "Expression: rows counted in the numerator (share, count) or summed (ratio)",
        "denominator": "Expression: rows in the denominator (share: default all in scope) or summed (ratio)",
        "numerator_text": "The numerator in words, for the methodology annex",
        "denominator_text": "The denominator in words, for the methodology annex",
        "disaggregate_by": "Choice questions to break results down by (territory and period always are)",
        "direction": "Whether a higher value is better, worse, or neither",
        "baseline": "The value before monitoring started (a placeholder until the first wave is in)",
        "thresholds": "Traffic-light cut-offs (green and amber), read with the direction",
        "legal_basis": "The law or resolution the indicator checks",
        "proposal": "True while the indicator is a proposal [P] not yet agreed by the coalition",
    },
    "Baseline": {"value": "Baseline value (null until known)", "note": "Where the baseline comes from"},
    "Thresholds": {
        "green": "Green from this value (higher-is-better: >=; lower-is-better: <=)",
        "amber": "Amber from this value; beyond it red",
    },
    "Component": {"indicator": "Id of the component indicator", "weight": "Relative weight in the index (> 0)"},
    "Parameter": {
        "value": "The value: a number, a text or a list of texts",
        "label": "What the parameter is, in Ukrainian and English",
        "unit": "Unit of the value, e.g. days",
        "source": "The law, resolution or document the value comes from",
    },
    "Theme": {
        "id": "Theme id indicators refer to",
        "title": "Theme name in Ukrainian and English",
        "order": "Position on the dashboard and in reports",
    },
    "FrameworkSettings": {
        "title": "Name of the framework in Ukrainian and English",
        "themes": "Themes that group indicators",
        "parameters": "Named values (legal deadlines, lists) used in expressions as param('name')",
        "survivor_min_n": "Suppression threshold for survivor instruments",
    },
    "Text": {},
}

# Meaning of every enum value, in both languages: shown by editors and in docs/framework.md.
ENUM_NOTES: dict[str, dict[str, tuple[str, str]]] = {
    "QuestionType": {
        QuestionType.text: ("Вільний текст", "Free text"),
        QuestionType.integer: ("Ціле число", "Whole number"),
        QuestionType.decimal: ("Десяткове число", "Decimal number"),
        QuestionType.date: ("Дата (РРРР-ММ-ДД)", "Date (YYYY-MM-DD)"),
        QuestionType.select_one: ("Один варіант зі списку `choices`", "One option from the `choices` list"),
        QuestionType.select_multiple: (
            "Кілька варіантів зі списку `choices` (коди через пробіл)",
            "Several options from the `choices` list (space-separated codes)",
        ),
        QuestionType.territory: (
            "Код КАТОТТГ або назва області, району чи громади (`level`), зіставляється з довідником",
            "A KATOTTG code or the name of an oblast, raion or hromada (`level`), matched to the reference",
        ),
        QuestionType.repeat: (
            "Повторювана група (`questions`): кожен рядок зберігається окремо",
            "A repeated group (`questions`): each row is stored as a child answer",
        ),
    },
    "IndicatorType": {
        IndicatorType.share: (
            "Частка відповідей, що задовольняють `numerator`, серед тих, що задовольняють `denominator`; 0..1",
            "Share of answers meeting `numerator` among those meeting `denominator`; 0..1",
        ),
        IndicatorType.count: ("Кількість відповідей, що задовольняють `numerator`", "Number of answers meeting `numerator`"),
        IndicatorType.sum: ("Сума виразу `value`", "Sum of the `value` expression"),
        IndicatorType.mean: ("Середнє значення виразу `value`", "Mean of the `value` expression"),
        IndicatorType.median: ("Медіана виразу `value`", "Median of the `value` expression"),
        IndicatorType.ratio: (
            "Сума `numerator` / сума `denominator` × `factor` (наприклад, на 10 000 мешканців)",
            "Sum of `numerator` / sum of `denominator` × `factor` (e.g. per 10,000 residents)",
        ),
        IndicatorType.duration: ("Медіана `value` у днях", "Median of `value`, in days"),
        IndicatorType.index: (
            "Зважене поєднання оцінок інших індикаторів (`components`), 0..100",
            "Weighted composite of other indicators' scores (`components`), 0..100",
        ),
    },
    "Direction": {
        Direction.higher: ("Більше — краще", "A higher value is better"),
        Direction.lower: ("Менше — краще", "A lower value is better"),
        Direction.none: ("Контекстний показник: без напряму", "Context indicator: no good or bad direction"),
    },
    "Respondent": {
        Respondent.hromada_official: ("Посадова особа громади", "Hromada official"),
        Respondent.service_provider: (
            "Надавач послуг (структурний підрозділ соцзахисту, центр соцслужб)",
            "Service provider (social-protection unit, social-services centre)",
        ),
        Respondent.police: ("Національна поліція", "National Police"),
        Respondent.employment_centre: ("Центр зайнятості", "Employment centre"),
        Respondent.survivor: ("Особа, яка постраждала від торгівлі людьми", "Trafficking survivor"),
        Respondent.request_log: ("Журнал запитів на публічну інформацію", "Public-information request log"),
        Respondent.public: ("Населення", "Members of the public"),
    },
    "TerritoryLevel": {
        TerritoryLevel.oblast: ("Область", "Oblast"),
        TerritoryLevel.raion: ("Район", "Raion"),
        TerritoryLevel.hromada: ("Територіальна громада", "Hromada"),
    },
    "ResultLevel": {
        ResultLevel.output: ("Продукт (що зроблено)", "Output (what was done)"),
        ResultLevel.outcome: ("Результат (що змінилося для людей чи установ)", "Outcome (what changed for people or bodies)"),
        ResultLevel.impact: ("Вплив (довгострокова зміна)", "Impact (long-term change)"),
        ResultLevel.context: ("Контекст (поза впливом програми)", "Context (outside the programme's control)"),
    },
    "SurveyDesign": {
        SurveyDesign.census: (
            "Суцільне охоплення: опитано кожну одиницю відомого переліку (органи, громади, усі запити); без "
            "вибіркового інтервалу, невизначеність — невідповіді",
            "Census: every unit of a known list is asked (bodies, hromadas, every request); no sampling interval, "
            "the uncertainty is non-response",
        ),
        SurveyDesign.convenience: (
            "Доступна вибірка: відповіли ті, кого вдалося охопити; результат описує лише їх, без інтервалів і тестів",
            "Convenience sample: whoever could be reached answered; the result describes them only, no interval or test",
        ),
        SurveyDesign.probability: (
            "Імовірнісна вибірка з відомими ймовірностями відбору: 95% інтервали й тести значущості змін",
            "Probability sample with known chances of selection: 95% intervals and significance tests of changes",
        ),
    },
    "RuleOperator": {
        RuleOperator.equal_to: ("ліва частина дорівнює правій", "left equals right"),
        RuleOperator.not_equal_to: ("ліва частина не дорівнює правій", "left differs from right"),
        RuleOperator.greater_than: ("ліва більша (пізніша) за праву", "left is greater (later) than right"),
        RuleOperator.greater_than_or_equal_to: ("ліва не менша (не раніша) за праву", "left is not less (not earlier) than right"),
        RuleOperator.less_than: ("ліва менша (раніша) за праву", "left is less (earlier) than right"),
        RuleOperator.less_than_or_equal_to: ("ліва не більша (не пізніша) за праву", "left is not greater (not later) than right"),
    },
}


def _describe(name: str, schema: dict[str, Any]) -> None:
    notes = FIELD_NOTES.get(name, {})
    for field, prop in schema.get("properties", {}).items():
        if "description" not in prop and field in notes:
            prop["description"] = notes[field]
    if name in ENUM_NOTES and "enum" in schema:
        meanings = ENUM_NOTES[name]
        # Red Hat YAML shows these next to each completion; keep them aligned with `enum`.
        schema["markdownEnumDescriptions"] = [f"{meanings[v][1]} / {meanings[v][0]}" for v in schema["enum"]]


def json_schema(kind: str) -> dict[str, Any]:
    model = ROOT_MODELS[kind]
    schema = model.model_json_schema(mode="validation")
    for name, sub in schema.get("$defs", {}).items():
        _describe(name, sub)
    _describe(model.__name__, schema)
    return {
        "$schema": SCHEMA_DIALECT,
        **schema,
        "title": TITLES[kind],
    }


def json_schemas() -> dict[str, dict[str, Any]]:
    """kind -> JSON Schema, for kinds framework, survey and indicator."""
    return {kind: json_schema(kind) for kind in ROOT_MODELS}


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_schemas(out_dir: Path | str) -> list[Path]:
    """Write <kind>.schema.json files into out_dir; returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, schema in json_schemas().items():
        path = out / f"{kind}.schema.json"
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else PROJECT_ROOT / "schema"
    for path in write_schemas(target):
        print(path)


if __name__ == "__main__":
    main()
