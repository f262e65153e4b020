"""docs/framework.md and docs/errors.md are generated from the code: they must be current and complete."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from pydantic import BaseModel

from monitor import expr
from monitor.errors import CATALOGUE
from monitor.framework import models
from monitor.framework.docs import (
    DOCUMENTED,
    ENUMS,
    ERRORS_DOC,
    FRAMEWORK_DOC,
    FUNCTION_DOCS,
    _type_name,
    errors_doc,
    fill,
    load_shipped,
    marked_sections,
    render_framework_doc,
    sections,
)
from monitor.framework.schema import PROJECT_ROOT

REGENERATE = "regenerate with `python -m monitor.framework.docs`"


@pytest.fixture(scope="module")
def framework_doc() -> str:
    return FRAMEWORK_DOC.read_text(encoding="utf-8")


def test_framework_doc_is_current(framework_doc: str) -> None:
    assert render_framework_doc(framework_doc, load_shipped()) == framework_doc, f"docs/framework.md is stale: {REGENERATE}"


def test_errors_doc_is_current() -> None:
    assert ERRORS_DOC.read_text(encoding="utf-8") == errors_doc(), f"docs/errors.md is stale: {REGENERATE}"


def test_every_generated_section_is_placed(framework_doc: str) -> None:
    placed = marked_sections(framework_doc)
    assert sorted(placed) == sorted(sections(load_shipped()))
    assert len(placed) == len(set(placed))


def _yaml_models() -> list[type[BaseModel]]:
    # Every model of the YAML format (Strict subclasses); Framework is the loaded result, not a file.
    return [
        cls for _, cls in inspect.getmembers(models, inspect.isclass)
        if issubclass(cls, models.Strict) and cls is not models.Strict
    ]


def test_every_yaml_model_is_documented() -> None:
    assert sorted(m.__name__ for m in _yaml_models()) == sorted(m.__name__ for m in DOCUMENTED)


@pytest.mark.parametrize("model", DOCUMENTED, ids=lambda m: m.__name__)
def test_every_field_appears_in_the_doc(model: type[BaseModel], framework_doc: str) -> None:
    missing = [name for name in model.model_fields if f"| `{name}` |" not in framework_doc]
    assert missing == []


def test_every_enum_value_appears_in_the_doc(framework_doc: str) -> None:
    missing = [
        f"{name}.{member.value}"
        for name, _ in ENUMS
        for member in getattr(models, name)
        if f"| `{member.value}` |" not in framework_doc
    ]
    assert missing == []


def test_every_expression_function_is_documented(framework_doc: str) -> None:
    assert sorted(FUNCTION_DOCS) == sorted(expr.FUNCTIONS)
    for signature, _, _ in FUNCTION_DOCS.values():
        assert f"| `{signature}` |" in framework_doc


def test_shipped_framework_is_listed(framework_doc: str) -> None:
    framework = load_shipped()
    assert framework is not None
    for survey_id in framework.surveys:
        assert f"| `{survey_id}` |" in framework_doc
    for indicator_id, indicator in framework.indicators.items():
        assert f"| `{indicator_id}` | {indicator.title.uk} |" in framework_doc


def test_every_error_code_is_in_the_catalogue_doc() -> None:
    text = errors_doc()  # imports every family first
    missing = [code for code in CATALOGUE if f"| `{code}` |" not in text]
    assert missing == []


def test_the_doc_links_the_commands(framework_doc: str) -> None:
    for command in ("monitor validate", "--framework DIR", "monitor survey xlsform", "monitor survey from-xlsform"):
        assert command in framework_doc


@pytest.mark.parametrize(
    ("text", "generated", "expected"),
    [
        ("a\n<!-- generated:begin x -->\nold\n<!-- generated:end x -->\nb",
         {"x": "new\n"},
         "a\n<!-- generated:begin x -->\nnew\n<!-- generated:end x -->\nb"),
        ("<!-- generated:begin x -->\n<!-- generated:end x -->",
         {"x": "1\n2"},
         "<!-- generated:begin x -->\n1\n2\n<!-- generated:end x -->"),
        ("no markers", {"x": "unused"}, "no markers"),
        ("<!-- generated:begin x -->\n1\n<!-- generated:end x -->\n<!-- generated:begin y -->\n2\n<!-- generated:end y -->",
         {"x": "a", "y": "b"},
         "<!-- generated:begin x -->\na\n<!-- generated:end x -->\n<!-- generated:begin y -->\nb\n<!-- generated:end y -->"),
    ],
)
def test_fill(text: str, generated: dict[str, str], expected: str) -> None:
    assert fill(text, generated) == expected


def test_fill_rejects_an_unknown_section() -> None:
    with pytest.raises(ValueError, match="nope"):
        fill("<!-- generated:begin nope -->\n<!-- generated:end nope -->", {})


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        (str, "text"),
        (int, "integer"),
        (float, "number"),
        (bool, "true/false"),
        (models.Identifier, "id"),
        (models.Identifier | None, "id"),
        (list[models.Identifier], "list of id"),
        (dict[str, float], "map text → number"),
        (models.Text | None, "[Text](#text)"),
        (models.Direction, "[Direction](#direction)"),
        (float | int | str | list[str], "number or integer or text or list of text"),
    ],
)
def test_type_names(annotation: Any, expected: str) -> None:
    assert _type_name(annotation) == expected


def test_examples_are_real_files(framework_doc: str) -> None:
    for relative in ("surveys/information-requests.yaml", "indicators/S01.yaml"):
        body = (PROJECT_ROOT / relative).read_text(encoding="utf-8").rstrip()
        assert body in framework_doc
