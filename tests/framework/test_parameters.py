"""Parameters with validity dates and numbers taken from parameters: the model's rules, with path:line
errors from the catalogue in both languages, and what the shipped framework declares."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from monitor.framework.loader import PROJECT_ROOT, load_framework
from monitor.framework.params import period_end, thresholds_on, unverified_indicators
from tests.framework.test_validate import INDICATOR, PIRS, SURVEY, write

HEAD = """\
title: {uk: Тестова рамка, en: Test framework}
themes:
  - {id: capacity, title: {uk: Спроможність, en: Capacity}}
waves: ["2021", "2022"]
parameters:
  deadline_days:
"""
LABEL = """\
    label: {uk: Строк, en: Deadline}
    verified: false
    source: test
"""
DATED = """\
    values:
      - value: 10
        valid_to: 2021-05-31
      - value: 5
        valid_from: 2021-06-01
"""


def _load(tmp_path: Path, param_body: str, indicator: str | None = None):  # type: ignore[no-untyped-def]
    files = {
        "framework.yaml": HEAD + param_body + LABEL,
        "surveys/officials.yaml": SURVEY,
        "indicators/ok.yaml": indicator or INDICATOR.format(id="ok"),
    }
    return load_framework(write(tmp_path, files))


def test_dated_values_load_and_latest_is_value(tmp_path: Path) -> None:
    framework, issues = _load(tmp_path, DATED)
    assert framework is not None
    assert not [i for i in issues if i.level == "error"]
    parameter = framework.settings.parameters["deadline_days"]
    assert parameter.value == 5  # the latest value stands for "now" in every output that shows one value
    assert parameter.value_on(date(2021, 5, 31)) == 10
    assert parameter.value_on(date(2021, 6, 1)) == 5
    assert framework.dated_params()["deadline_days"] == ((None, date(2021, 5, 31), 10), (date(2021, 6, 1), None, 5))


@pytest.mark.parametrize(
    ("body", "code", "line"),
    [
        # value and values together: which one is meant?
        ("    value: 3\n" + DATED, "param-value-and-values", 8),
        # the end before the start
        ("    values:\n      - {value: 10, valid_from: 2021-06-01, valid_to: 2021-05-01}\n", "param-validity-order", 8),
        # the second period starts inside the first
        ("    values:\n      - {value: 10, valid_to: 2021-05-31}\n      - {value: 5, valid_from: 2021-05-01}\n",
         "param-validity-overlap", 9),
        # an open first period can have no successor
        ("    values:\n      - {value: 10}\n      - {value: 5, valid_from: 2021-06-01}\n", "param-validity-overlap", 9),
        # a day with no value in force
        ("    values:\n      - {value: 10, valid_to: 2021-05-30}\n      - {value: 5, valid_from: 2021-06-01}\n",
         "param-validity-gap", 9),
        # a calendar list cannot change per row
        ("    values:\n      - {value: ['2021-01-01'], valid_to: 2021-05-31}\n"
         "      - {value: ['2022-01-01'], valid_from: 2021-06-01}\n", "param-dated-list", 8),
    ],
)
def test_bad_validity_reported_with_line_in_both_languages(tmp_path: Path, body: str, code: str, line: int) -> None:
    _framework, issues = _load(tmp_path, body)
    found = [i for i in issues if i.code == code]
    assert found, [(i.code, i.message_en) for i in issues]
    assert found[0].path.endswith("framework.yaml")
    assert found[0].line == line
    assert "deadline_days" in found[0].message_en and "deadline_days" in found[0].message_uk
    assert found[0].message_en != found[0].message_uk


S02_LIKE = """\
id: ok
title: {uk: Медіана, en: Median}
description: {uk: Опис, en: Description}
theme: capacity
survey: officials
type: duration
value: days
direction: lower-is-better
targets: {2021: {param: deadline_days}}
lop_target: {param: deadline_days}
thresholds: {green: {param: deadline_days}, amber: {param: deadline_days, times: 2}}
legal_basis: {uk: Закон, en: Law}
"""
S02_LIKE += PIRS


def test_targets_and_thresholds_from_a_parameter(tmp_path: Path) -> None:
    framework, issues = _load(tmp_path, DATED, S02_LIKE)
    assert framework is not None and not [i for i in issues if i.level == "error"]
    indicator = framework.indicators["ok"]
    # 2021 ends on 31.12.2021, when the second value (5) is in force; thresholds take the latest.
    assert indicator.targets == {"2021": 5.0}
    assert indicator.lop_target == 5.0
    assert (indicator.thresholds.green, indicator.thresholds.amber) == (5.0, 10.0)
    assert thresholds_on(indicator, framework.settings, "2021-Q1") == (10.0, 20.0)
    assert thresholds_on(indicator, framework.settings, "2021-Q2") == (5.0, 10.0)
    # an unverified parameter in a target or threshold warns where it is used and marks the indicator
    assert any(i.code == "unverified-parameter" and i.path.endswith("ok.yaml") for i in issues)
    assert unverified_indicators(framework) == {"ok": True}


def test_unknown_parameter_in_a_threshold(tmp_path: Path) -> None:
    broken = S02_LIKE.replace("amber: {param: deadline_days, times: 2}", "amber: {param: deadlne_days}")
    _framework, issues = _load(tmp_path, DATED, broken)
    found = [i for i in issues if i.code == "unknown-param-ref"]
    assert found and found[0].line == 11 and "deadlne_days" in found[0].message_uk


def test_period_end() -> None:
    assert period_end("2021") == date(2021, 12, 31)
    assert period_end("2022-H1") == date(2022, 6, 30)
    assert period_end("2022-Q2") == date(2022, 6, 30)
    assert period_end("wave-a") is None


def test_shipped_417_deadlines_have_validity_and_stay_unverified() -> None:
    framework, issues = load_framework(PROJECT_ROOT)
    assert framework is not None and not [i for i in issues if i.level == "error"]
    for name in ("status_decision_days", "status_interview_days", "status_procedure_total_days"):
        parameter = framework.settings.parameters[name]
        assert not parameter.verified  # domain §9: the 417 deadlines are still not verified
        # 417 as amended by No. 531 is in force from 01.06.2021: one value before, one from that day
        assert [(v.valid_from, v.valid_to) for v in parameter.values] == [
            (None, date(2021, 5, 31)), (date(2021, 6, 1), None)
        ]
    flagged = {k for k, v in unverified_indicators(framework).items() if v}
    assert {"S01", "S02", "R01"} <= flagged  # R01: request-status() counts on the calendar's unverified martial-law rule
    assert "OI" not in flagged  # the index leaves unverified components out (index_excludes_unverified)


def test_shipped_s02_target_and_thresholds_follow_the_deadline() -> None:
    from monitor.framework.models import Parameter
    from monitor.framework.params import resolve_param_refs

    framework, _issues = load_framework(PROJECT_ROOT)
    assert framework is not None
    s02 = framework.indicators["S02"]
    deadline = framework.settings.parameters["status_decision_days"].value
    assert s02.targets["2022"] == deadline and s02.lop_target == deadline
    assert (s02.thresholds.green, s02.thresholds.amber) == (deadline, 2 * deadline)
    assert unverified_indicators(framework)["S02"]
    # once the deadline is verified (say it were 15 days), S02 follows without editing its YAML
    changed = Parameter.model_validate({**framework.settings.parameters["status_decision_days"].model_dump(
        exclude={"value", "values"}), "value": 15})
    settings = framework.settings.model_copy(
        update={"parameters": {**framework.settings.parameters, "status_decision_days": changed}})
    again = resolve_param_refs(s02, settings)
    assert again.targets["2022"] == 15 and (again.thresholds.green, again.thresholds.amber) == (15, 30)
    assert "10" not in (PROJECT_ROOT / "indicators" / "S02.yaml").read_text(encoding="utf-8").split("targets:")[1][:200]
