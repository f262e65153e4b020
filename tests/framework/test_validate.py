"""`monitor validate` on a framework kept outside the project: a valid one, and one with many mistakes."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from monitor.cli import _register
from monitor.cli.app import app
from monitor.framework.loader import load_framework

FRAMEWORK = """\
title: {uk: Тестова рамка, en: Test framework}
themes:
  - {id: capacity, title: {uk: Спроможність, en: Capacity}}
parameters:
  deadline_days:
    value: 10
    label: {uk: Строк, en: Deadline}
    verified: true
    source: test
waves: ["2021", "2022"]
"""

SURVEY = """\
id: officials
code: HS
title: {uk: Посадовці, en: Officials}
description: {uk: Опитування, en: Survey}
respondent: hromada-official
unit: hromada
territory_question: hromada
territory_level: hromada
consent_question: consent
questions:
  - {name: hromada, type: territory, level: hromada, label: {uk: Громада, en: Hromada}, required: true}
  - {name: wave, type: select_one, choices: waves, label: {uk: Хвиля, en: Wave}}
  - {name: date, type: date, label: {uk: Дата, en: Date}}
  - {name: consent, type: select_one, choices: yes_no, label: {uk: Згода, en: Consent}}
  - {name: focal_person, type: select_one, choices: yes_no, label: {uk: Відповідальна особа, en: Focal person}}
  - {name: staff, type: integer, label: {uk: Працівники, en: Staff}, constraint: ". >= 0"}
  - {name: days, type: integer, label: {uk: Дні, en: Days}}
choice_lists:
  yes_no:
    - {value: "yes", label: {uk: Так, en: "Yes"}}
    - {value: "no", label: {uk: Ні, en: "No"}}
  waves:
    - {value: "2021", label: {uk: "2021", en: "2021"}}
    - {value: "2022", label: {uk: "2022", en: "2022"}}
"""

# A complete PIRS (USAID reference sheet): pirs_required is on by default, as in the shipped framework.
PIRS = """\
pirs:
  definition: {uk: Текст, en: Text}
  unit: {uk: Текст, en: Text}
  rationale: {uk: Текст, en: Text}
  disaggregation: {uk: Текст, en: Text}
  data_source: {uk: Текст, en: Text}
  collection_method: {uk: Текст, en: Text}
  frequency: {uk: Текст, en: Text}
  responsible: {uk: Текст, en: Text}
  baseline_rationale: {uk: Текст, en: Text}
  target_rationale: {uk: Текст, en: Text}
  limitations: {uk: Текст, en: Text}
  last_review: 2026-11-30
"""

INDICATOR = """\
id: {id}
title: {{uk: Частка, en: Share}}
description: {{uk: Опис, en: Description}}
theme: capacity
survey: officials
type: share
numerator: "focal_person = 'yes'"
direction: higher-is-better
targets: {{2022: 0.9}}
thresholds: {{green: 0.9, amber: 0.6}}
legal_basis: {{uk: Закон, en: Law}}
"""
INDICATOR += PIRS.replace("{", "{{").replace("}", "}}")


def write(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def valid_files() -> dict[str, str]:
    return {
        "framework.yaml": FRAMEWORK,
        "surveys/officials.yaml": SURVEY,
        "indicators/ok.yaml": INDICATOR.format(id="ok"),
    }


def run_validate(root: Path) -> tuple[int, list[str]]:
    _register()
    result = CliRunner().invoke(app, ["validate", "--framework", str(root)])
    return result.exit_code, result.output.splitlines()


def test_valid_framework_outside_project(tmp_path: Path) -> None:
    root = write(tmp_path / "elsewhere", valid_files())
    code, lines = run_validate(root)
    assert code == 0, lines
    assert lines[-1].startswith("OK: 1 surveys, 1 indicators")


def indicator_with(line_no: int, replacement: str, ident: str) -> str:
    """INDICATOR with line `line_no` (1-based) replaced, id set."""
    lines = INDICATOR.format(id=ident).splitlines()
    lines[line_no - 1] = replacement
    return "\n".join(lines) + "\n"


SUM_INDICATOR = INDICATOR.replace("type: share", "type: sum").replace('numerator: "focal_person = \'yes\'"', "value: staff")


def split_by(name: str, second: str) -> str:
    """A split_by block (its first item on the block's second line, its second part on the sixth)."""
    return (f"split_by:\n- name: {name}\n  label: {{uk: Стать, en: Sex}}\n  parts:\n"
            f"  - {{value: a, label: {{uk: а, en: a}}, expression: staff}}\n"
            f"  - {{value: {second}, label: {{uk: б, en: b}}, expression: days}}\n")


# (file, content, expected line, expected code): one distinct mistake per file.
MISTAKES = [
    ("indicators/unknown_question.yaml", indicator_with(7, "numerator: \"focal_persn = 'yes'\"", "unknown_question"), 7, "unknown-question"),
    ("indicators/unknown_choice.yaml", indicator_with(7, "numerator: \"focal_person = 'maybe'\"", "unknown_choice"), 7, "unknown-choice"),
    ("indicators/bad_syntax.yaml", indicator_with(7, "numerator: \"focal_person = 'yes' and (\"", "bad_syntax"), 7, "expression-syntax"),
    ("indicators/dup_a.yaml", INDICATOR.format(id="dup"), 1, None),
    ("indicators/dup_b.yaml", INDICATOR.format(id="dup"), 1, "duplicate-id"),
    ("indicators/no_english.yaml", indicator_with(2, "title: {uk: Частка}", "no_english"), 2, "missing-label"),
    ("indicators/inverted.yaml", indicator_with(10, "thresholds: {green: 0.5, amber: 0.8}", "inverted"), 10, "thresholds-order"),
    ("indicators/yaml_error.yaml", indicator_with(5, "theme: [capacity", "yaml_error"), 6, "yaml-syntax"),
    ("indicators/wrong_type.yaml", indicator_with(6, "type: percentage", "wrong_type"), 6, "wrong-type"),
    ("indicators/unknown_survey.yaml", indicator_with(5, "survey: officals", "unknown_survey"), 5, "unknown-survey"),
    ("indicators/unknown_theme.yaml", indicator_with(4, "theme: money", "unknown_theme"), 4, "unknown-theme"),
    ("indicators/target_range.yaml", indicator_with(9, "targets: {2022: 90}", "target_range"), 9, "value-out-of-range"),
    ("indicators/typo_field.yaml", indicator_with(8, "directon: higher-is-better", "typo_field"), 8, "unknown-field"),
    ("indicators/no_numerator.yaml", indicator_with(7, "denominator: \"staff > 0\"", "no_numerator"), 1, "missing-expression"),
    ("indicators/unknown_param.yaml", indicator_with(7, "numerator: \"days <= param('deadline')\"", "unknown_param"), 7, "unknown-parameter"),
    ("indicators/bad_disagg.yaml", INDICATOR.format(id="bad_disagg") + "disaggregate_by: [staff]\n",
     len(INDICATOR.splitlines()) + 1, "unknown-disaggregation"),
    ("indicators/missing_field.yaml", indicator_with(11, "", "missing_field"), 1, "missing-field"),
    ("surveys/survivors.yaml", SURVEY.replace("id: officials", "id: survivors").replace("hromada-official", "survivor"), 5, "survivor-identifiers"),
    ("surveys/choices.yaml", SURVEY.replace("id: officials", "id: choices").replace("choices: waves", "choices: wavez"), 12, "unknown-choice-list"),
    ("surveys/dupq.yaml", SURVEY.replace("id: officials", "id: dupq").replace("name: days", "name: staff"), 17, "duplicate-question"),
    ("surveys/notmap.yaml", "- just\n- a list\n", 1, "not-a-mapping"),
    ("indicators/split_share.yaml", INDICATOR.format(id="split_share") + split_by("by_sex", "b"),
     len(INDICATOR.splitlines()) + 2, "split-not-sum"),
    ("indicators/split_taken.yaml", SUM_INDICATOR.format(id="split_taken") + split_by("staff", "b"),
     len(INDICATOR.splitlines()) + 2, "split-name-taken"),
    ("indicators/split_twice.yaml", SUM_INDICATOR.format(id="split_twice") + split_by("by_sex", "a"),
     len(INDICATOR.splitlines()) + 6, "split-duplicate-part"),
]


@pytest.fixture
def broken_root(tmp_path: Path) -> Path:
    files = valid_files()
    files.update({name: content for name, content, _line, _code in MISTAKES})
    return write(tmp_path / "broken", files)


def test_every_mistake_found_in_one_run(broken_root: Path) -> None:
    code, lines = run_validate(broken_root)
    assert code == 1
    found = {(line.split(": ", 1)[0], line.split(": ", 2)[1].split(" ")[0]) for line in lines if ": " in line}
    expected_codes = set()
    for name, _content, line, error_code in MISTAKES:
        if error_code is None:
            continue
        expected_codes.add(error_code)
        location = f"{broken_root.name}/{name}:{line}"
        assert any(loc.endswith(location) and c == error_code for loc, c in found), (location, error_code, lines)
    assert len(expected_codes) >= 15


@pytest.mark.parametrize(
    ("content", "code"),
    [(content, error_code) for _name, content, _line, error_code in MISTAKES if error_code and _name.startswith("indicators/") and error_code != "duplicate-id"],
)
def test_each_mistake_alone(tmp_path: Path, content: str, code: str) -> None:
    files = valid_files()
    files["indicators/broken.yaml"] = content
    _framework, issues = load_framework(write(tmp_path, files))
    codes = {i.code for i in issues}
    assert code in codes
    for found in issues:
        assert found.message_en and found.message_uk and found.message_en != found.message_uk


def test_messages_in_ukrainian(broken_root: Path) -> None:
    _register()
    result = CliRunner().invoke(app, ["validate", "--framework", str(broken_root), "--lang", "uk"])
    assert "посилається на питання 'focal_persn'" in result.output


# --------------------------------------------------------------------------- PIRS (USAID reference sheet)


def _without_pirs_lines(names: tuple[str, ...]) -> str:
    """INDICATOR (id 'sheet') with the PIRS lines of these fields left out."""
    lines = INDICATOR.format(id="sheet").splitlines()
    return "\n".join(line for line in lines if line.strip().split(":")[0] not in names) + "\n"


@pytest.mark.parametrize(
    ("content", "missing", "at_pirs_line"),
    [
        # no sheet at all: every field, reported at the file's first line
        ("\n".join(INDICATOR.format(id="sheet").splitlines()[:11]) + "\n",
         "definition, unit, rationale, disaggregation, data_source, collection_method, frequency, responsible, "
         "baseline_rationale, target_rationale, limitations, last_review", False),
        # an incomplete sheet: the missing fields only, at the `pirs:` line
        (_without_pirs_lines(("rationale", "limitations")), "rationale, limitations", True),
        # no review date and no note saying why: the review is missing
        (_without_pirs_lines(("last_review",)), "last_review", True),
    ],
)
def test_incomplete_pirs_is_an_error_at_its_line(tmp_path: Path, content: str, missing: str, at_pirs_line: bool) -> None:
    files = valid_files()
    files["indicators/sheet.yaml"] = content
    code, lines = run_validate(write(tmp_path, files))
    assert code == 1
    found = [line for line in lines if "pirs-missing" in line]
    line_no = (content.splitlines().index("pirs:") + 1) if at_pirs_line else 1
    assert len(found) == 1
    assert f"indicators/sheet.yaml:{line_no}: pirs-missing Indicator 'sheet': its Performance Indicator " \
        f"Reference Sheet (pirs) lacks {missing}. USAID ADS 201" in found[0]


def test_review_note_stands_in_for_a_review_date(tmp_path: Path) -> None:
    # "not yet reviewed" is an honest answer: no date is invented
    files = valid_files()
    files["indicators/ok.yaml"] = INDICATOR.format(id="ok").replace(
        "  last_review: 2026-11-30\n", "  last_review: null\n  review_note: {uk: Ще не перевірено, en: Not yet reviewed}\n")
    code, lines = run_validate(write(tmp_path, files))
    assert code == 0, lines


def test_pirs_message_in_ukrainian_and_switch_off(tmp_path: Path) -> None:
    files = valid_files()
    files["indicators/ok.yaml"] = "\n".join(INDICATOR.format(id="ok").splitlines()[:11]) + "\n"
    root = write(tmp_path, files)
    _register()
    result = CliRunner().invoke(app, ["validate", "--framework", str(root), "--lang", "uk"])
    assert "indicators/ok.yaml:1: pirs-missing Індикатор 'ok': у довідковому паспорті індикатора (pirs) бракує полів" \
        in result.output
    (root / "framework.yaml").write_text(FRAMEWORK + "pirs_required: false\n", encoding="utf-8")
    code, lines = run_validate(root)
    assert code == 0 and not any("pirs-missing" in line for line in lines)


def test_question_feeding_no_indicator_must_say_why(tmp_path: Path) -> None:
    # 'staff' and 'days' feed no indicator of the valid framework; header questions (hromada, wave, date,
    # consent) never count
    code, lines = run_validate(write(tmp_path, valid_files()))
    found = sorted(line.split(": question-feeds-nothing")[0].rsplit("/", 1)[-1] for line in lines
                   if "question-feeds-nothing" in line)
    assert code == 0 and found == ["officials.yaml:16", "officials.yaml:17"]
    files = valid_files()
    files["surveys/officials.yaml"] = SURVEY.replace(
        "label: {uk: Дні, en: Days}}", "label: {uk: Дні, en: Days}, kept_for: {uk: Контекст, en: Context}}")
    _code, lines = run_validate(write(tmp_path / "kept", files))
    assert [line for line in lines if "question-feeds-nothing" in line and "'days'" in line] == []
    assert any("question-feeds-nothing" in line and "'staff'" in line for line in lines)


def test_shipped_instruments_say_why_an_unused_item_is_collected() -> None:
    """The review's rule: an item feeding no indicator is used, dropped, or says why it is kept (kept_for)."""
    from monitor.framework.loader import load_framework

    _framework, issues = load_framework()
    assert [f"{i.path}:{i.line}" for i in issues if i.code == "question-feeds-nothing"] == []
