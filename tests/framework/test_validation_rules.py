"""Cross-field validation rules declared in the instruments (as DHIS2 validation rules): validated in
the model and by the cross-checks with path:line, checked per row at import and reported with the
file, row and column. Uses the shipped status-procedure and information-request instruments."""

from __future__ import annotations

import zipfile
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from monitor.framework.loader import PROJECT_ROOT, framework_or_raise, load_framework
from monitor.framework.models import QuestionType
from monitor.ingest.pipeline import import_file
from monitor.store import db as store_db
from monitor.store.territory import load_reference
from tests.framework.test_validate import INDICATOR, SURVEY, write

FRAMEWORK = framework_or_raise(PROJECT_ROOT)


@pytest.fixture
def engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = store_db.connect(f"sqlite:///{tmp_path}/rules.db")
    load_reference(engine)
    return engine


def _main_rows(n: int) -> pd.DataFrame:
    """Status-procedure submissions filled with the first choice of every select question."""
    survey = FRAMEWORK.surveys["status-procedure"]
    row: dict[str, str] = {}
    for q in survey.questions:
        if q.type == QuestionType.select_one:
            row[q.name] = survey.choices_of(q)[0].value
        elif q.type == QuestionType.integer:
            row[q.name] = "0"
        elif q.type == QuestionType.text:
            row[q.name] = "ГО"
    # the raion administration: the level that reports the case list (the instrument's reports:)
    row.update({"wave": "2022", "oblast": "Кіровоградська", "raion": "Голованівський", "date": "2022-05-01",
                "body": "raion_administration"})
    frame = pd.DataFrame([row] * n)
    frame["KEY"] = [f"uuid:{i}" for i in range(n)]
    return frame


def _case(parent: int, number: int, applied: str, decided: str) -> dict[str, str]:
    return {"applicant_sex": "female", "applicant_age_group": "18+", "decision": "granted",
            "application_date": applied, "decision_date": decided,
            "PARENT_KEY": f"uuid:{parent}", "KEY": f"uuid:{parent}/cases[{number}]"}


def _zip(tmp_path: Path, main: pd.DataFrame, cases: list[dict[str, str]]) -> Path:
    path = tmp_path / "status.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("status-procedure.csv", main.to_csv(index=False))
        archive.writestr("status-procedure-cases.csv", pd.DataFrame(cases).to_csv(index=False))
    return path


def test_case_with_dates_running_backwards_is_rejected_with_its_row(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    survey = FRAMEWORK.surveys["status-procedure"]
    sexes = [c.value for c in survey.choice_lists["sex"]]
    ages = [c.value for c in survey.choice_lists["age_0_17_18"]]
    cases = [_case(0, 1, "2022-03-01", "2022-03-09"), _case(1, 1, "2022-03-01", "2022-03-05"),
             _case(1, 2, "2022-03-10", "2022-03-02")]  # the third case was decided before it was received
    for case in cases:
        case["applicant_sex"], case["applicant_age_group"] = sexes[0], ages[-1]
    report = import_file(engine, FRAMEWORK, "status-procedure", _zip(tmp_path, _main_rows(2), cases))
    assert report.status == "imported", [i.message_en for i in report.issues]
    assert (report.accepted, report.rejected) == (1, 1)
    broken = [r for r in report.rejected_rows if r["code"] == "ingest-validation-rule"]
    assert len(broken) == 1, report.rejected_rows
    row = broken[0]
    assert row["row"] == 4  # line 4 of the cases file (header + three cases)
    assert row["column"] == "cases/decision_date"
    assert "case-decision-not-before-application" in row["message_en"]
    assert "2022-03-02" in row["message_en"] and "2022-03-10" in row["message_en"]
    assert "раніша за дату реєстрації заяви" in row["message_uk"]
    assert "rejected" in {r["code"].split("-")[-1] for r in report.rejected_rows}  # the submission is held back


# Each step of Procedure 417 after the one before it: (rule, the step's column, its date, the earlier step's dates)
STEP_RULES = [
    ("case-police-request-not-before-application", "police_check_requested_date", "2022-02-27", {}),
    ("case-police-answer-not-before-request", "police_check_answered_date", "2022-03-02",
     {"police_check_requested_date": "2022-03-03"}),
    ("case-interview-not-before-application", "interview_date", "2022-02-28", {"interview": "held"}),
    ("case-file-not-before-application", "file_sent_date", "2022-02-20", {}),
    ("case-decision-not-before-file", "decision_date", "2022-03-04", {"file_sent_date": "2022-03-05"}),
    ("case-certificate-not-before-decision", "certificate_date", "2022-03-06", {"decision_date": "2022-03-07"}),
]


@pytest.mark.parametrize(("rule", "column", "day", "earlier"), STEP_RULES, ids=[r[0] for r in STEP_RULES])
def test_a_step_dated_before_the_step_it_follows_is_rejected_with_its_row(
    engine, tmp_path: Path, rule: str, column: str, day: str, earlier: dict[str, str],  # type: ignore[no-untyped-def]
) -> None:
    survey = FRAMEWORK.surveys["status-procedure"]
    good = _case(0, 1, "2022-03-01", "2022-03-09")
    bad = {**_case(0, 2, "2022-03-01", "2022-03-10"), **earlier, column: day}
    for case in (good, bad):
        case["applicant_sex"] = survey.choice_lists["sex"][0].value
        case["applicant_age_group"] = survey.choice_lists["age_0_17_18"][-1].value
    report = import_file(engine, FRAMEWORK, "status-procedure", _zip(tmp_path, _main_rows(1), [good, bad]))
    broken = [r for r in report.rejected_rows if r["code"] == "ingest-validation-rule"]
    assert [r["row"] for r in broken] == [3], report.rejected_rows  # the second case: line 3 of the cases file
    assert broken[0]["column"] == f"cases/{column}"
    assert rule in broken[0]["message_en"] and day in broken[0]["message_en"]
    assert "перевірте обидві дати" in broken[0]["message_uk"]
    assert report.accepted == 0  # all or nothing per submission: its other case is held back too


def test_a_case_list_from_an_oblast_body_is_rejected_so_no_person_is_counted_twice(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The instrument says raion administrations report the case list (reports:); an oblast department's
    submission carrying one is rejected with the reason, the raion administration's is accepted."""
    survey = FRAMEWORK.surveys["status-procedure"]
    main = _main_rows(2)
    main["body"] = ["raion_administration", "oblast_department"]
    cases = [_case(0, 1, "2022-03-01", "2022-03-09"), _case(1, 1, "2022-03-01", "2022-03-09")]
    for case in cases:
        case["applicant_sex"] = survey.choice_lists["sex"][0].value
        case["applicant_age_group"] = survey.choice_lists["age_0_17_18"][-1].value
    report = import_file(engine, FRAMEWORK, "status-procedure", _zip(tmp_path, main, cases))
    assert (report.accepted, report.rejected) == (1, 1), report.rejected_rows
    (row,) = [r for r in report.rejected_rows if r["code"] == "ingest-reported-by-other-level"]
    assert row["row"] == 3  # the oblast department's submission: line 3 of the main file
    assert "raion_administration" in row["message_en"] and "twice" in row["message_en"]
    assert "двічі" in row["message_uk"] or "подвоїв" in row["message_uk"]


def test_case_dated_in_the_future_is_rejected(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    survey = FRAMEWORK.surveys["status-procedure"]
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    case = _case(0, 1, "2022-03-01", tomorrow)
    case["applicant_sex"] = survey.choice_lists["sex"][0].value
    case["applicant_age_group"] = survey.choice_lists["age_0_17_18"][-1].value
    report = import_file(engine, FRAMEWORK, "status-procedure", _zip(tmp_path, _main_rows(1), [case]))
    codes = {r["code"]: r for r in report.rejected_rows}
    assert "ingest-date-out-of-range" in codes, report.rejected_rows
    assert codes["ingest-date-out-of-range"]["column"] == "cases/decision_date"
    assert codes["ingest-date-out-of-range"]["row"] == 2
    assert report.accepted == 0


RULES = """\
validation_rules:
  - id: not-before
    left: days
    operator: less_than_or_equal_to
    right: staff
    message: {uk: "Днів більше, ніж працівників", en: "More days than staff"}
  - id: not-before
    left: dayz
    operator: equal_to
    right: staff
    message: {uk: Друге, en: Second}
  - id: third
    left: days
    operator: bigger_than
    right: staff
    message: {uk: Третє, en: Third}
"""


def test_rules_are_checked_with_their_line(tmp_path: Path) -> None:
    files = {
        "framework.yaml": "title: {uk: Т, en: T}\nthemes:\n  - {id: capacity, title: {uk: С, en: C}}\nwaves: ['2021', '2022']\n",
        "surveys/officials.yaml": SURVEY.replace("choice_lists:", RULES + "choice_lists:"),
        "indicators/ok.yaml": INDICATOR.format(id="ok"),
    }
    _framework, issues = load_framework(write(tmp_path, files))
    found = {i.code: i for i in issues if i.level == "error"}
    # a bad operator makes the instrument invalid (so the indicator's survey is then unknown)
    assert set(found) == {"wrong-type", "unknown-survey"}, [(i.code, i.message_en) for i in issues]
    text = files["surveys/officials.yaml"]
    assert found["wrong-type"].line == text[: text.index("bigger_than")].count("\n") + 1
    files["surveys/officials.yaml"] = files["surveys/officials.yaml"].replace("bigger_than", "greater_than")
    _framework, issues = load_framework(write(tmp_path, files))
    codes = sorted(i.code for i in issues if i.level == "error")
    assert codes == ["duplicate-rule", "unknown-question"], [(i.code, i.message_en) for i in issues]
    unknown = next(i for i in issues if i.code == "unknown-question")
    assert "dayz" in unknown.message_en and "days" in unknown.message_en and unknown.message_uk != unknown.message_en


# The request log (R01 counts from receipt): each date after the one it follows, with its row named.
REQUEST_RULES = [
    ("receipt-not-before-sending", "date_received", {"date_received": "2022-03-01"}),
    ("answer-not-before-receipt", "date_answered", {"date_received": "2022-03-04", "date_answered": "2022-03-03"}),
    ("appeal-not-before-request", "appeal_date", {"appeal": "court", "appeal_date": "2022-03-01"}),
]


@pytest.mark.parametrize(("rule", "column", "dates"), REQUEST_RULES, ids=[r[0] for r in REQUEST_RULES])
def test_a_request_dated_backwards_is_rejected_with_its_row(
    engine, tmp_path: Path, rule: str, column: str, dates: dict[str, str],  # type: ignore[no-untyped-def]
) -> None:
    good = {"wave": "2022", "oblast": "Кіровоградська", "interviewer_org": "ГО", "addressee_body": "nssu_regional",
            "date_sent": "2022-03-02", "date_received": "2022-03-02", "date_answered": "2022-03-09",
            "extension_notice": "no", "completeness": "full", "channel": "email", "appeal": "none"}
    path = tmp_path / "requests.csv"
    pd.DataFrame([good, {**good, **dates}]).to_csv(path, index=False)
    report = import_file(engine, FRAMEWORK, "information-requests", path)
    broken = [r for r in report.rejected_rows if r["code"] == "ingest-validation-rule"]
    assert [(r["row"], r["column"]) for r in broken] == [(3, column)], report.rejected_rows
    assert rule in broken[0]["message_en"] and broken[0]["message_uk"]
    assert report.accepted == 1
