"""Generate the reference parts of docs/framework.md and the whole of docs/errors.md.

docs/framework.md is prose written for an M&E officer with generated sections between markers::

    <!-- generated:begin NAME -->
    ...replaced on every run...
    <!-- generated:end NAME -->

The field tables come from the pydantic models (descriptions from the models or schema.FIELD_NOTES),
the enum meanings from schema.ENUM_NOTES, the expression functions from expr.FUNCTIONS, and the lists
of instruments and indicators from the shipped framework, so the docs cannot drift from the code.
docs/errors.md is generated from monitor.errors.CATALOGUE. Regenerate: `python -m monitor.framework.docs`;
tests/framework/test_docs.py fails when either file is stale.
"""

from __future__ import annotations

import enum
import importlib
import pkgutil
import re
import sys
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from monitor import expr
from monitor.framework import models
from monitor.framework.models import Framework
from monitor.framework.schema import ENUM_NOTES, FIELD_NOTES, PROJECT_ROOT

DOCS_DIR = PROJECT_ROOT / "docs"
FRAMEWORK_DOC = DOCS_DIR / "framework.md"
ERRORS_DOC = DOCS_DIR / "errors.md"
EXAMPLE_SURVEY = "surveys/information-requests.yaml"
EXAMPLE_INDICATOR = "indicators/S01.yaml"

# The models documented, in the order of the reference section; each gets a `fields-<Name>` section.
DOCUMENTED: list[type[BaseModel]] = [
    models.Survey,
    models.Question,
    models.Choice,
    models.ValidationRule,
    models.Reporting,
    models.Expectation,
    models.Indicator,
    models.Split,
    models.SplitPart,
    models.Baseline,
    models.Thresholds,
    models.Component,
    models.Pirs,
    models.FrameworkSettings,
    models.Theme,
    models.Parameter,
    models.ParameterValue,
    models.ParamRef,
    models.Text,
]
ENUMS: list[tuple[str, str]] = [
    ("QuestionType", "Question `type`"),
    ("TerritoryLevel", "Territory `level`, `territory_level`"),
    ("Respondent", "Survey `respondent`"),
    ("IndicatorType", "Indicator `type`"),
    ("Direction", "Indicator `direction`"),
    ("ResultLevel", "Indicator `level`"),
    ("RuleOperator", "Validation rule `operator`"),
    ("SurveyDesign", "Survey `design`"),
]

# Every function of the expression language: signature, English, Ukrainian. A test keeps this in step
# with expr.FUNCTIONS.
FUNCTION_DOCS: dict[str, tuple[str, str, str]] = {
    "selected": ("selected(q, 'x')", "True when choice `x` is among the answers to `q` (select_one or select_multiple)",
                 "Істина, якщо варіант `x` є серед відповідей на `q`"),
    "count-selected": ("count-selected(q)", "Number of options chosen in `q`", "Кількість обраних варіантів у `q`"),
    "param": ("param('name')", "The value of a parameter declared in framework.yaml (e.g. a legal deadline)",
              "Значення параметра з framework.yaml (наприклад, строку з нормативного акта)"),
    "days": ("days(d1, d2)", "Calendar days from date `d1` to date `d2`", "Календарні дні від дати `d1` до дати `d2`"),
    "working-days": ("working-days(d1, d2)", "Working days after `d1` up to `d2` on the Ukrainian calendar (holidays, "
                     "moved days off and working Saturdays; the martial-law rule of monitor.deadlines); not expressible "
                     "in XLSForm", "Робочі дні після `d1` до `d2` за календарем України (свята, перенесені вихідні, "
                     "робочі суботи; правило воєнного стану); у XLSForm не переноситься"),
    "request-status": ("request-status(received, answered, as_of, urgent, notice, days, extended, hours)",
                       "'on_time', 'late' or 'pending' for a public-information request (Law No. 2939-VI art. 20): "
                       "`days` working days after receipt, `extended` with an extension notice given within them, "
                       "`hours` when urgent; pending while unanswered and `as_of` is not past the deadline",
                       "'on_time', 'late' або 'pending' для запиту на інформацію (ст. 20 Закону № 2939-VI): робочі "
                       "дні від отримання, продовження за повідомленням, 48 годин для термінових; 'pending' — ще в строку"),
    "step-status": ("step-status(start, end, as_of, days)",
                    "'on_time', 'late' or 'pending' for a step with a deadline of `days` calendar days after `start`",
                    "'on_time', 'late' або 'pending' для етапу зі строком `days` календарних днів від `start`"),
    "subsistence-minimum": ("subsistence-minimum(category, date)",
                            "The subsistence minimum (UAH) for a category on a date, from "
                            "data/reference/subsistence_minimum.csv (parameter subsistence_minimum_table)",
                            "Прожитковий мінімум (грн) для категорії на дату, з довідкової таблиці"),
    "if": ("if(c, a, b)", "`a` where `c` is true, else `b` (also when `c` is unknown)",
           "`a`, якщо `c` істинне, інакше `b` (також коли `c` невідоме)"),
    "coalesce": ("coalesce(a, b, ...)", "The first argument that is not empty", "Перший непорожній аргумент"),
    "is-empty": ("is-empty(x)", "True when `x` is not answered (same as `x = ''`)", "Істина, якщо на `x` не відповіли"),
    "not-empty": ("not-empty(x)", "True when `x` is answered (same as `x != ''`)", "Істина, якщо на `x` відповіли"),
    "min": ("min(a, b, ...)", "The smallest of the numbers", "Найменше з чисел"),
    "max": ("max(a, b, ...)", "The largest of the numbers", "Найбільше з чисел"),
    "round": ("round(x) / round(x, n)", "`x` rounded (half away from zero) to `n` decimals",
              "`x`, округлене до `n` знаків після коми"),
    "true": ("true() / true", "Logical true", "Логічна істина"),
    "false": ("false() / false", "Logical false", "Логічна хиба"),
    "not": ("not(x) / not x", "True when `x` is false", "Істина, якщо `x` хибне"),
}
OPERATORS: list[tuple[str, str, str]] = [
    ("a and b, a or b", "Both / at least one is true (unknown answers: three-valued logic)",
     "Обидва / хоча б один істинні"),
    ("=  !=  <  <=  >  >=", "Comparisons of numbers, dates (ISO text) or text; `q = ''` means not answered",
     "Порівняння чисел, дат або тексту; `q = ''` — немає відповіді"),
    ("q in ('a', 'b'), q not in (...)", "The answer is / is not one of the listed values", "Відповідь є / не є одним зі значень"),
    ("+  -  *  /  div  mod", "Arithmetic; `/` and `div` divide, `mod` is the remainder; division by zero gives empty",
     "Арифметика; `/` і `div` — ділення, `mod` — остача; ділення на нуль дає порожнє значення"),
    (".", "The answer being checked (in `constraint`)", "Відповідь, що перевіряється (у `constraint`)"),
    ("${name}", "A question name written XLSForm-style; same as `name`", "Назва питання у стилі XLSForm; те саме, що `name`"),
    ("'text', \"text\", 3, 2.5", "Literals: text in straight quotes, numbers", "Літерали: текст у прямих лапках, числа"),
]

_MARKER = re.compile(r"<!-- generated:begin (?P<name>[\w.-]+) -->\n(?P<body>.*?)<!-- generated:end (?P=name) -->", re.S)


# ------------------------------------------------------------------------------ field tables


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _is_identifier(metadata: list[Any]) -> bool:
    # Identifier is Annotated[str, Field(pattern=...)]: the pattern sits on the metadata or inside a FieldInfo.
    return any(getattr(m, "pattern", None) or _is_identifier(list(getattr(m, "metadata", []))) for m in metadata)


def _type_name(annotation: Any, metadata: list[Any] | None = None) -> str:
    if _is_identifier(metadata or []):
        return "id"
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0], list(args[1:]))
    if origin in (typing.Union, types.UnionType):
        parts = [_type_name(a) for a in args if a is not type(None)]
        return " or ".join(parts)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"map {_type_name(args[0])} → {_type_name(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    names = {str: "text", int: "integer", float: "number", bool: "true/false"}
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _default(info: FieldInfo) -> str:
    if info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]  # our models' factories take no arguments (pydantic also allows one taking the data)
    elif info.default is PydanticUndefined:
        return ""
    else:
        value = info.default
    if value is None:
        return "`null`"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, enum.Enum):
        value = value.value
    return f"`{value}`"


def description(model: type[BaseModel], name: str) -> str:
    info = model.model_fields[name]
    return info.description or FIELD_NOTES.get(model.__name__, {}).get(name, "")


def fields_table(model: type[BaseModel]) -> str:
    lines = [
        f"#### {model.__name__}",
        "",
        *([_cell((model.__doc__ or "").strip()), ""] if model.__doc__ else []),
        "| field | type | required | default | description |",
        "|---|---|---|---|---|",
    ]
    for name, info in model.model_fields.items():
        required = "yes" if info.is_required() else ""
        kind = _type_name(info.annotation, list(info.metadata))
        lines.append(f"| `{name}` | {kind} | {required} | {_default(info)} | {_cell(description(model, name))} |")
    return "\n".join(lines) + "\n"


def enums_section() -> str:
    out: list[str] = []
    for enum_name, used_in in ENUMS:
        enum_type = getattr(models, enum_name)
        notes = ENUM_NOTES[enum_name]
        out += [f"#### {enum_name}", "", f"Used in: {used_in}.", "", "| value | meaning | значення |", "|---|---|---|"]
        out += [f"| `{m.value}` | {_cell(notes[m.value][1])} | {_cell(notes[m.value][0])} |" for m in enum_type]
        out.append("")
    return "\n".join(out)


def functions_section() -> str:
    out = ["| operator | meaning | значення |", "|---|---|---|"]
    out += [f"| `{_cell(op)}` | {_cell(en)} | {_cell(uk)} |" for op, en, uk in OPERATORS]
    out += ["", "| function | meaning | значення |", "|---|---|---|"]
    for name in expr.FUNCTIONS:
        signature, en, uk = FUNCTION_DOCS[name]
        out.append(f"| `{_cell(signature)}` | {_cell(en)} | {_cell(uk)} |")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------ shipped framework


def instruments_section(framework: Framework) -> str:
    out = ["| id | назва | title | respondent | questions | file |", "|---|---|---|---|---|---|"]
    for survey_id in sorted(framework.surveys):
        survey = framework.surveys[survey_id]
        out.append(
            f"| `{survey_id}` | {_cell(survey.title.uk)} | {_cell(survey.title.en)} | {survey.respondent} | "
            f"{len(survey.all_questions())} | `{framework.sources.get(survey_id, '')}` |"
        )
    return "\n".join(out) + "\n"


def indicators_section(framework: Framework) -> str:
    out = ["| id | назва | title | type | survey |", "|---|---|---|---|---|"]
    for indicator_id in sorted(framework.indicators):
        ind = framework.indicators[indicator_id]
        survey = f"`{ind.survey}`" if ind.survey else "—"
        out.append(f"| `{indicator_id}` | {_cell(ind.title.uk)} | {_cell(ind.title.en)} | {ind.type} | {survey} |")
    return "\n".join(out) + "\n"


def _example(root: Path, relative: str) -> str:
    path = root / relative
    if not path.exists():
        return f"*(`{relative}` is not in this framework)*\n"
    return f"`{relative}`:\n\n```yaml\n{path.read_text(encoding='utf-8').rstrip()}\n```\n"


def sections(framework: Framework | None, root: Path = PROJECT_ROOT) -> dict[str, str]:
    """Every generated section of docs/framework.md by name."""
    out: dict[str, str] = {f"fields-{m.__name__}": fields_table(m) for m in DOCUMENTED}
    out["enums"] = enums_section()
    out["functions"] = functions_section()
    out["example-survey"] = _example(root, EXAMPLE_SURVEY)
    out["example-indicator"] = _example(root, EXAMPLE_INDICATOR)
    if framework is not None:
        out["instruments"] = instruments_section(framework)
        out["indicators"] = indicators_section(framework)
    return out


def fill(text: str, generated: dict[str, str]) -> str:
    """text with the body of every marked section replaced; unknown section names are an error."""
    unknown: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in generated:
            unknown.append(name)
            return match[0]
        return f"<!-- generated:begin {name} -->\n{generated[name].rstrip()}\n<!-- generated:end {name} -->"

    out = _MARKER.sub(replace, text)
    if unknown:
        raise ValueError(f"no generator for section(s): {', '.join(unknown)}")
    return out


def marked_sections(text: str) -> list[str]:
    return [m["name"] for m in _MARKER.finditer(text)]


# ------------------------------------------------------------------------------ errors.md


def _all_error_families() -> None:
    # Import every family module, not only those monitor.errors imports itself, so the document does not
    # depend on which other modules happen to be loaded already.
    import monitor.errors

    for info in pkgutil.iter_modules(monitor.errors.__path__):
        importlib.import_module(f"monitor.errors.{info.name}")


def errors_doc() -> str:
    from monitor.errors import CATALOGUE

    _all_error_families()

    out = [
        "# Error catalogue / Каталог помилок",
        "",
        "<!-- Generated from monitor.errors.CATALOGUE by `python -m monitor.framework.docs`; do not edit. -->",
        "",
        "Every problem the system reports has a stable code, a message in English and Ukrainian and often a",
        "hint. `{name}` in a message is filled in with the details of the problem (file, question, value).",
        "",
        "Кожна проблема, про яку повідомляє система, має сталий код, повідомлення англійською та українською",
        "і часто підказку. `{name}` у повідомленні замінюється подробицями (файл, питання, значення).",
        "",
    ]
    families = sorted({e.family for e in CATALOGUE.values()})
    for family in families:
        out += [f"## {family}", "", "| code | family | severity | English | Українська | hint / підказка |", "|---|---|---|---|---|---|"]
        for code in sorted(c for c, e in CATALOGUE.items() if e.family == family):
            e = CATALOGUE[code]
            hint = " / ".join(h for h in (e.hint_en, e.hint_uk) if h)
            out.append(f"| `{code}` | {family} | {e.severity} | {_cell(e.en)} | {_cell(e.uk)} | {_cell(hint)} |")
        out.append("")
    return "\n".join(out)


# ------------------------------------------------------------------------------ entry point


def load_shipped(root: Path = PROJECT_ROOT) -> Framework | None:
    from monitor.framework.loader import load_framework

    framework, _issues = load_framework(root)
    return framework


def render_framework_doc(current: str, framework: Framework | None, root: Path = PROJECT_ROOT) -> str:
    return fill(current, sections(framework, root))


def regenerate(root: Path = PROJECT_ROOT, echo: Callable[[str], None] = print) -> None:
    framework = load_shipped(root)
    doc = root / "docs" / "framework.md"
    doc.write_text(render_framework_doc(doc.read_text(encoding="utf-8"), framework, root), encoding="utf-8")
    echo(str(doc))
    errors = root / "docs" / "errors.md"
    errors.write_text(errors_doc(), encoding="utf-8")
    echo(str(errors))


if __name__ == "__main__":
    regenerate(Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_ROOT)
