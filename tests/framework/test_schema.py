"""The generated JSON Schema: up to date, accepts every shipped YAML, and agrees with the models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from pydantic import ValidationError

from monitor.framework import models
from monitor.framework.schema import (
    ENUM_NOTES,
    PROJECT_ROOT,
    ROOT_MODELS,
    json_schemas,
    render,
    write_schemas,
)

SCHEMA_DIR = PROJECT_ROOT / "schema"
SHIPPED: list[tuple[str, Path]] = [
    ("framework", PROJECT_ROOT / "framework.yaml"),
    *(("survey", p) for p in sorted((PROJECT_ROOT / "surveys").glob("*.yaml"))),
    *(("indicator", p) for p in sorted((PROJECT_ROOT / "indicators").glob("*.yaml"))),
]


def _as_json(data: Any) -> Any:
    # What an editor sees: JSON types, mapping keys as text (YAML reads `2022:` as an int).
    return json.loads(json.dumps(data, default=str))


def _validator(kind: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json_schemas()[kind])


@pytest.mark.parametrize("kind", sorted(ROOT_MODELS))
def test_committed_schema_is_current(kind: str) -> None:
    path = SCHEMA_DIR / f"{kind}.schema.json"
    assert path.exists(), "run `python -m monitor.framework.schema` to generate schema/"
    assert path.read_text(encoding="utf-8") == render(json_schemas()[kind]), (
        f"{path} is stale: regenerate with `python -m monitor.framework.schema`"
    )


@pytest.mark.parametrize("kind", sorted(ROOT_MODELS))
def test_schema_is_valid_json_schema(kind: str) -> None:
    jsonschema.Draft202012Validator.check_schema(json_schemas()[kind])


def test_write_schemas_writes_every_kind(tmp_path: Path) -> None:
    written = write_schemas(tmp_path / "out")
    assert sorted(p.name for p in written) == ["framework.schema.json", "indicator.schema.json", "survey.schema.json"]
    assert json.loads(written[0].read_text(encoding="utf-8"))["$schema"].startswith("https://json-schema.org/")


def test_framework_is_shipped() -> None:
    kinds = {kind for kind, _ in SHIPPED}
    assert {"framework", "survey"} <= kinds


@pytest.mark.parametrize(("kind", "path"), SHIPPED, ids=[str(p.relative_to(PROJECT_ROOT)) for _, p in SHIPPED])
def test_shipped_yaml_validates(kind: str, path: Path) -> None:
    data = _as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator(kind).iter_errors(data)]
    assert errors == []


INDICATOR = {
    "id": "x",
    "title": {"uk": "Ікс", "en": "X"},
    "description": {"uk": "Опис", "en": "Description"},
    "theme": "t",
    "survey": "s",
    "type": "share",
    "numerator": "a = 'yes'",
    "direction": "higher-is-better",
    "targets": {2022: 0.9},
    "thresholds": {"green": 0.9, "amber": 0.7},
    "legal_basis": {"uk": "Закон", "en": "Law"},
}
SURVEY = {
    "id": "s",
    "code": "S",
    "title": {"uk": "Опитування", "en": "Survey"},
    "description": {"uk": "Опис", "en": "Description"},
    "respondent": "police",
    "unit": "institution",
    "territory_question": "oblast",
    "territory_level": "oblast",
    "questions": [{"name": "oblast", "type": "territory", "level": "oblast", "label": {"uk": "Область", "en": "Oblast"}}],
}


def _with(base: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    doc = json.loads(json.dumps(base))
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is _DROP:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


_DROP = object()

# (kind, document, valid?): the schema must agree with the pydantic models on each.
CASES = [
    ("indicator", INDICATOR, True),
    ("indicator", _with(INDICATOR, ("type",), "percentage"), False),
    ("indicator", _with(INDICATOR, ("direction",), "up"), False),
    ("indicator", _with(INDICATOR, ("title", "en"), _DROP), False),
    ("indicator", _with(INDICATOR, ("title", "en"), ""), False),
    ("indicator", _with(INDICATOR, ("numerater",), "a = 1"), False),
    ("indicator", _with(INDICATOR, ("id",), "1bad id"), False),
    ("indicator", _with(INDICATOR, ("min_n",), 0), False),
    ("indicator", _with(INDICATOR, ("thresholds", "amber"), "low"), False),
    ("indicator", _with(INDICATOR, ("legal_basis",), _DROP), False),
    ("survey", SURVEY, True),
    ("survey", _with(SURVEY, ("respondent",), "mayor"), False),
    ("survey", _with(SURVEY, ("questions", 0, "type"), "number"), False),
    ("survey", _with(SURVEY, ("questions", 0, "level"), "village"), False),
    ("survey", _with(SURVEY, ("questions", 0, "colour"), "red"), False),
    ("survey", _with(SURVEY, ("min_n",), 11), True),
    ("survey", _with(SURVEY, ("choice_lists",), {"yes_no": [{"value": "yes", "label": {"uk": "Так"}}]}), False),
]


@pytest.mark.parametrize(("kind", "doc", "valid"), CASES)
def test_schema_agrees_with_models(kind: str, doc: dict[str, Any], valid: bool) -> None:
    schema_ok = _validator(kind).is_valid(_as_json(doc))
    try:
        ROOT_MODELS[kind].model_validate(doc)
        model_ok = True
    except ValidationError:
        model_ok = False
    assert (schema_ok, model_ok) == (valid, valid)


@pytest.mark.parametrize("kind", sorted(ROOT_MODELS))
def test_every_field_is_described(kind: str) -> None:
    schema = json_schemas()[kind]
    undescribed = [
        f"{name}.{field}"
        for name, obj in {kind: schema, **schema.get("$defs", {})}.items()
        for field, prop in obj.get("properties", {}).items()
        if not prop.get("description")
    ]
    assert undescribed == []


@pytest.mark.parametrize("enum_name", sorted(ENUM_NOTES))
def test_every_enum_value_has_a_meaning(enum_name: str) -> None:
    enum = getattr(models, enum_name)
    notes = ENUM_NOTES[enum_name]
    assert sorted(notes) == sorted(member.value for member in enum)
    assert all(uk and en for uk, en in notes.values())


def test_enum_descriptions_follow_enum_order() -> None:
    indicator_type = json_schemas()["indicator"]["$defs"]["IndicatorType"]
    assert len(indicator_type["markdownEnumDescriptions"]) == len(indicator_type["enum"])
    assert indicator_type["markdownEnumDescriptions"][0].startswith("Share of answers")
