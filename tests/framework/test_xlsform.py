"""XLSForm out and back: every shipped instrument converts with pyxform, and reading it back gives the same survey."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from pyxform.xls2xform import convert
from typer.testing import CliRunner

import monitor.cli.survey  # noqa: F401 - registers `monitor survey` on the app
from monitor.cli.app import app
from monitor.framework.loader import PROJECT_ROOT, load_framework
from monitor.framework.models import Choice, Framework, Question, Survey
from monitor.framework.xlsform import (
    EN,
    PERSONAL_HINT,
    UK,
    build_xlsform,
    from_xlsform,
    read_xlsform,
    survey_hash,
    territory_places,
    to_xlsform,
)

HAS_JAVA = shutil.which("java") is not None
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# ODK Validate (bundled with pyxform) is a Java program; in CI a missing Java is a failure, not a skip.
needs_java = pytest.mark.skipif(not HAS_JAVA and not IN_CI, reason="ODK Validate needs Java (default-jre-headless)")


@pytest.fixture(scope="module")
def framework() -> Framework:
    loaded, issues = load_framework(PROJECT_ROOT)
    assert loaded is not None, [i.message_en for i in issues]
    return loaded


SHIPPED = sorted(p.stem for p in (PROJECT_ROOT / "surveys").glob("*.yaml"))


def _sheet(path: Path, name: str) -> list[dict[str, Any]]:
    workbook = load_workbook(path, read_only=True)
    rows = list(workbook[name].iter_rows(values_only=True))
    workbook.close()
    header = rows[0]
    return [{h: v for h, v in zip(header, row, strict=True) if v is not None} for row in rows[1:]]


# --------------------------------------------------------------------------- shipped instruments


def test_there_are_instruments() -> None:
    assert len(SHIPPED) >= 6


@pytest.mark.parametrize("survey_id", SHIPPED)
def test_shipped_survey_converts_with_pyxform(survey_id: str, framework: Framework, tmp_path: Path) -> None:
    path = tmp_path / f"{survey_id}.xlsx"
    to_xlsform(framework.surveys[survey_id], path, params=framework.param_values())
    result = convert(xlsform=str(path), validate=False)
    assert result.warnings == []
    assert f'id="{survey_id}"' in result.xform
    assert 'lang="Українська (uk)"' in result.xform and 'lang="English (en)"' in result.xform


@pytest.mark.parametrize("survey_id", SHIPPED)
def test_shipped_survey_round_trips(survey_id: str, framework: Framework, tmp_path: Path) -> None:
    survey = framework.surveys[survey_id]
    path = tmp_path / "form.xlsx"
    to_xlsform(survey, path, params=framework.param_values())
    data, notes = read_xlsform(path)
    assert notes == []
    assert [Question.model_validate(q) for q in data["questions"]] == survey.questions
    assert {k: [Choice.model_validate(c) for c in v] for k, v in data["choice_lists"].items()} == survey.choice_lists
    assert data["id"] == survey_id


@pytest.mark.parametrize("survey_id", SHIPPED)
def test_settings_sheet(survey_id: str, framework: Framework, tmp_path: Path) -> None:
    survey = framework.surveys[survey_id]
    path = tmp_path / "form.xlsx"
    to_xlsform(survey, path)
    [settings] = _sheet(path, "settings")
    assert settings == {
        "form_title": survey.title.uk,
        "form_id": survey_id,
        "version": framework.survey_hashes[survey_id][:10],
        "default_language": UK,
    }
    assert survey_hash(survey) == framework.survey_hashes[survey_id]


@needs_java
def test_shipped_surveys_pass_odk_validate(framework: Framework, tmp_path: Path) -> None:
    for survey_id in SHIPPED:
        path = tmp_path / f"{survey_id}.xlsx"
        to_xlsform(framework.surveys[survey_id], path, params=framework.param_values())
        convert(xlsform=str(path), validate=True)  # raises on an XForm ODK Collect would refuse


# --------------------------------------------------------------------------- a survey with every feature


def _t(uk: str, en: str) -> dict[str, str]:
    return {"uk": uk, "en": en}


SURVEY = Survey.model_validate(
    {
        "id": "every-feature",
        "code": "EF",
        "title": _t("Усе", "Everything"),
        "description": _t("Опис", "Description"),
        "respondent": "service-provider",
        "unit": "institution",
        "territory_question": "hromada",
        "territory_level": "hromada",
        "questions": [
            {"name": "oblast", "type": "territory", "level": "oblast", "label": _t("Область", "Oblast"), "required": True},
            {"name": "raion", "type": "territory", "level": "raion", "label": _t("Район", "Raion")},
            {"name": "hromada", "type": "territory", "level": "hromada", "label": _t("Громада", "Hromada"),
             "aliases": ["громада", "katottg"]},
            {"name": "name", "type": "text", "personal": True, "label": _t("Ім'я", "Name")},
            {"name": "phone", "type": "text", "personal": True, "label": _t("Телефон", "Phone"),
             "hint": _t("Мобільний", "Mobile")},
            {"name": "applied", "type": "date", "label": _t("Заява", "Applied"), "group": "hromada"},
            {"name": "decided", "type": "date", "label": _t("Рішення", "Decided"), "group": "hromada/dates",
             "constraint": "days(applied, .) <= param('deadline')",
             "constraint_message": _t("Пізно", "Too late")},
            {"name": "answered", "type": "date", "label": _t("Відповідь", "Answered"), "group": "hromada/dates",
             "constraint": "working-days(applied, .) <= 5"},
            {"name": "help", "type": "select_multiple", "choices": "help", "code": "EF-Q01",
             "label": _t("Допомога", "Help"), "group": "services"},
            {"name": "help_other", "type": "text", "label": _t("Інша", "Other"), "group": "services",
             "relevant": "selected(help, 'other') and count-selected(help) >= 1"},
            {"name": "cases", "type": "repeat", "label": _t("Випадки", "Cases"), "relevant": "not-empty(hromada)",
             "questions": [
                 {"name": "decision", "type": "select_one", "choices": "decision", "label": _t("Рішення", "Decision")},
                 {"name": "days_taken", "type": "integer", "label": _t("Днів", "Days"), "group": "timing",
                  "relevant": "decision in ('granted', 'refused')", "constraint": ". >= 0 and . <= 365"},
                 {"name": "amount", "type": "decimal", "label": _t("Сума", "Amount"),
                  "relevant": "if(decision = 'granted', 1, 0) = 1 and coalesce(days_taken, 0) < 100"},
             ]},
        ],
        "choice_lists": {
            "help": [
                {"value": "medical", "label": _t("Медична", "Medical"), "aliases": ["мед", "med"]},
                {"value": "other", "label": _t("Інша", "Other")},
            ],
            "decision": [
                {"value": "granted", "label": _t("Встановлено", "Granted")},
                {"value": "refused", "label": _t("Відмовлено", "Refused")},
            ],
        },
    }
)
PARAMS = {"deadline": 10}


def test_every_feature_converts_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "ef.xlsx"
    notes = to_xlsform(SURVEY, path, params=PARAMS)
    assert len(notes) == 1 and notes[0].startswith("answered: constraint")
    convert(xlsform=str(path), validate=False)
    back = from_xlsform(path)
    assert [Question.model_validate(q) for q in back["questions"]] == SURVEY.questions
    assert {k: [Choice.model_validate(c) for c in v] for k, v in back["choice_lists"].items()} == SURVEY.choice_lists


@needs_java
def test_every_feature_passes_odk_validate(tmp_path: Path) -> None:
    path = tmp_path / "ef.xlsx"
    to_xlsform(SURVEY, path, params=PARAMS)
    convert(xlsform=str(path), validate=True)


def test_survey_sheet_rows(tmp_path: Path) -> None:
    path = tmp_path / "ef.xlsx"
    to_xlsform(SURVEY, path, params=PARAMS)
    rows = {(r["type"], r.get("name")): r for r in _sheet(path, "survey")}
    types = [r["type"] for r in _sheet(path, "survey")]
    assert types.count("begin_group") == types.count("end_group") == 4  # hromada, hromada/dates, services, timing
    assert types.count("begin_repeat") == types.count("end_repeat") == 1
    # a group may not share a question's name: `hromada` becomes `hromada_group`, the original kept aside
    assert rows[("begin_group", "hromada_group")]["monitor_group"] == "hromada"
    assert rows[("select_one katottg_raion", "raion")]["choice_filter"] == "oblast=${oblast}"
    assert rows[("select_one katottg_hromada", "hromada")]["choice_filter"] == "raion=${raion}"
    assert rows[("select_one katottg_oblast", "oblast")]["required"] == "yes"
    decided = rows[("date", "decided")]
    assert decided["constraint"] == "round(decimal-date-time(.) - decimal-date-time(${applied}), 0) <= 10"
    assert decided["monitor_constraint"] == "days(applied, .) <= param('deadline')"
    assert decided[f"constraint_message::{EN}"] == "Too late"
    answered = rows[("date", "answered")]
    assert "constraint" not in answered and answered["monitor_constraint"] == "working-days(applied, .) <= 5"
    assert rows[("text", "name")][f"hint::{UK}"] == PERSONAL_HINT.uk
    assert rows[("text", "phone")][f"hint::{EN}"] == f"Mobile {PERSONAL_HINT.en}"
    assert rows[("text", "phone")]["monitor_personal"] == "yes"
    assert rows[("select_multiple help", "help")]["monitor_code"] == "EF-Q01"
    assert rows[("text", "help_other")]["relevant"] == "selected(${help}, 'other') and count-selected(${help}) >= 1"
    assert "monitor_relevant" not in rows[("text", "help_other")]  # a faithful translation needs no copy


def test_territory_choices(tmp_path: Path) -> None:
    path = tmp_path / "ef.xlsx"
    to_xlsform(SURVEY, path, params=PARAMS)
    choices = _sheet(path, "choices")
    by_list: dict[str, list[dict[str, Any]]] = {}
    for row in choices:
        by_list.setdefault(row["list_name"], []).append(row)
    assert {k: len(v) for k, v in by_list.items()} == {
        "help": 2, "decision": 2, "katottg_oblast": 4, "katottg_raion": 18, "katottg_hromada": 217,
    }
    oblasts = {r["name"] for r in by_list["katottg_oblast"]}
    raions = {r["name"]: r["oblast"] for r in by_list["katottg_raion"]}
    assert set(raions.values()) == oblasts
    assert all(r["raion"] in raions and raions[r["raion"]] == r["oblast"] for r in by_list["katottg_hromada"])
    assert all(r["name"].startswith("UA") and r[f"label::{UK}"] and r[f"label::{EN}"] for r in choices
               if r["list_name"].startswith("katottg_"))
    assert any(r[f"label::{UK}"].endswith(" область") for r in by_list["katottg_oblast"])


def test_only_used_territory_levels_are_listed() -> None:
    survey = SURVEY.model_copy(update={"questions": SURVEY.questions[:1], "territory_question": "oblast"})
    form = build_xlsform(survey, places=territory_places())
    assert {r["list_name"] for r in form.choices} == {"help", "decision", "katottg_oblast"}


# --------------------------------------------------------------------------- a foreign XLSForm


def _write(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def test_from_foreign_xlsform(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "kobo.xlsx",
        {
            "survey": [
                ["type", "name", "label::Ukrainian (uk)", "label::English (en)", "required", "relevant", "constraint"],
                ["start", "start", None, None, None, None, None],
                ["begin group", "about", "Про вас", "About you", None, None, None],
                ["integer", "age", "Вік", "Age", "true", None, "${age} >= 18 and ${age} < 120"],
                ["select_one yes_no or_other", "works", "Працюєте?", "Working?", None, None, None],
                ["end group", None, None, None, None, None, None],
                ["note", "thanks", "Дякуємо", "Thanks", None, None, None],
                ["calculate", "twice", None, None, None, None, None],
                ["text", "why", "Чому?", "Why?", None, "${works} = 'no' and string-length(${age}) > 0", None],
            ],
            "choices": [
                ["list_name", "name", "label::Ukrainian (uk)", "label::English (en)"],
                ["yes_no", "yes", "Так", "Yes"],
                ["yes_no", 0, "Ні", "No"],
            ],
            "settings": [["form_title", "form_id"], ["Опитування", "kobo_form"]],
        },
    )
    data, notes = read_xlsform(path)
    assert data["id"] == "kobo_form"
    assert data["questions"] == [
        {"name": "age", "type": "integer", "label": {"uk": "Вік", "en": "Age"}, "required": True,
         "constraint": "age >= 18 and age < 120", "group": "about"},
        {"name": "works", "type": "select_one", "label": {"uk": "Працюєте?", "en": "Working?"}, "choices": "yes_no",
         "group": "about"},
        {"name": "why", "type": "text", "label": {"uk": "Чому?", "en": "Why?"}},
    ]
    assert data["choice_lists"] == {
        "yes_no": [{"value": "yes", "label": {"uk": "Так", "en": "Yes"}}, {"value": "0", "label": {"uk": "Ні", "en": "No"}}]
    }
    assert [n.split(":")[0] for n in notes] == ["start", "thanks", "twice", "why"]


def test_single_language_labels_fill_both(tmp_path: Path) -> None:
    path = _write(tmp_path / "one.xlsx", {"survey": [["type", "name", "label"], ["text", "q", "Питання"]]})
    assert from_xlsform(path)["questions"] == [{"name": "q", "type": "text", "label": {"uk": "Питання", "en": "Питання"}}]


# --------------------------------------------------------------------------- the command line

runner = CliRunner()
FRAMEWORK = ["--framework", str(PROJECT_ROOT)]


def test_cli_list() -> None:
    result = runner.invoke(app, ["survey", "list", *FRAMEWORK])
    assert result.exit_code == 0, result.output
    for survey_id in SHIPPED:
        assert survey_id in result.output


def test_cli_xlsform_and_back(tmp_path: Path, framework: Framework) -> None:
    survey_id = SHIPPED[0]
    out = tmp_path / "form.xlsx"
    result = runner.invoke(app, ["survey", "xlsform", survey_id, "-o", str(out), *FRAMEWORK])
    assert result.exit_code == 0, result.output
    convert(xlsform=str(out), validate=False)
    yaml_out = tmp_path / "surveys" / "copy.yaml"
    result = runner.invoke(app, ["survey", "from-xlsform", str(out), "-o", str(yaml_out)])
    assert result.exit_code == 0, result.output
    import yaml

    data = yaml.safe_load(yaml_out.read_text(encoding="utf-8"))
    assert [Question.model_validate(q) for q in data["questions"]] == framework.surveys[survey_id].questions


def test_cli_unknown_survey(tmp_path: Path) -> None:
    result = runner.invoke(app, ["survey", "xlsform", "no-such-survey", "-o", str(tmp_path / "x.xlsx"), *FRAMEWORK])
    assert result.exit_code == 1
    assert "no-such-survey" in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_cli_schema(tmp_path: Path) -> None:
    result = runner.invoke(app, ["survey", "schema", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "framework.schema.json", "indicator.schema.json", "survey.schema.json",
    ]
