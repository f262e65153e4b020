"""Synthetic answers (monitor.demo.answers) and the export writers (formats), read back by hand."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from monitor.demo import reference_territories, synth_answers, synth_survey
from monitor.demo.formats import (
    KOBO_META,
    csv_cp1251,
    google_forms_csv,
    kobo_csv_xml,
    kobo_xlsx_labels,
    odk_zip,
    plain_xlsx,
)
from monitor.framework.loader import framework_or_raise
from monitor.framework.models import Framework, QuestionType, Survey

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def framework() -> Framework:
    return framework_or_raise(ROOT)


@pytest.fixture(scope="module")
def places() -> pd.DataFrame:
    return reference_territories()


def _rng(seed: int = 7) -> np.random.Generator:
    return np.random.default_rng(seed)


SURVEYS = ["hromada-officials", "status-procedure", "police", "employment-centres", "survivors",
           "information-requests", "job-seekers"]


# --------------------------------------------------------------------------- answers


@pytest.mark.parametrize("survey_id", SURVEYS)
def test_answers_follow_the_instrument(framework: Framework, places: pd.DataFrame, survey_id: str) -> None:
    survey = framework.surveys[survey_id]
    frame = synth_answers(survey, places, "2022", _rng())
    assert len(frame) > 0
    for question in survey.questions:
        if question.type == QuestionType.repeat:
            continue
        assert question.name in frame, question.name
        values = frame[question.name].dropna()
        codes = {c.value for c in survey.choices_of(question)}
        if question.type == QuestionType.select_one:
            assert set(values) <= codes | {"2022"}, question.name
        elif question.type == QuestionType.select_multiple:
            assert {t for v in values for t in str(v).split()} <= codes, question.name
        elif question.type == QuestionType.integer and question.constraint and ">= 1" in question.constraint:
            assert values.between(1, 5).all(), question.name
        elif question.type in (QuestionType.integer, QuestionType.decimal) and question.constraint == ". >= 0":
            assert (values >= 0).all(), question.name
    date_column = frame[survey.date_question]
    assert (date_column.dt.year == 2022).all()
    if survey_id == "status-procedure":
        # The case list is brought up to date in December; its cases are dated by their steps, over the year.
        assert (date_column.dt.month == 12).all()
        return
    # Spread over the year, so quarters and halves all have data.
    assert date_column.dt.quarter.nunique() == 4 or len(frame) < 8


@pytest.mark.parametrize(("seed_a", "seed_b", "same"), [(1, 1, True), (1, 2, False)])
def test_answers_are_deterministic_for_a_seed(framework: Framework, places: pd.DataFrame, seed_a: int,
                                              seed_b: int, same: bool) -> None:
    survey = framework.surveys["status-procedure"]
    a = synth_survey(survey, places, "2021", _rng(seed_a))
    b = synth_survey(survey, places, "2021", _rng(seed_b))
    equal = a.frame.equals(b.frame) and a.repeats["cases"].equals(b.repeats["cases"])
    assert equal is same


@pytest.mark.parametrize(("survey_id", "low", "high"), [
    ("hromada-officials", 0.6, 0.95),  # coverage has gaps, never 100 %
    ("status-procedure", 0.6, 1.0),
])
def test_coverage_has_gaps(framework: Framework, places: pd.DataFrame, survey_id: str, low: float,
                           high: float) -> None:
    survey = framework.surveys[survey_id]
    level = str(survey.territory_level)
    frame = synth_answers(survey, places, "2021", _rng(3))
    share = len(frame) / (places["level"] == level).sum()
    assert low <= share <= high
    assert share < 1.0


def test_police_answer_once_per_oblast_and_wave(framework: Framework, places: pd.DataFrame) -> None:
    frame = synth_answers(framework.surveys["police"], places, "2022", _rng(4))
    oblasts = places[places["level"] == "oblast"]
    by_name = dict(zip(oblasts["name_uk"], oblasts["code"], strict=True))
    codes = [by_name.get(v, v) for v in frame["oblast"]]
    assert sorted(codes) == sorted(oblasts["code"])


def test_survivor_cells_include_some_below_the_threshold(framework: Framework, places: pd.DataFrame) -> None:
    survey = framework.surveys["survivors"]
    sizes = []
    for wave in ("2021", "2022"):
        frame = synth_answers(survey, places, wave, np.random.default_rng([2021, 5, int(wave)]))
        sizes += frame.groupby("oblast").size().tolist()
    assert max(sizes) <= 40
    assert min(sizes) < 11  # an oblast x wave cell the privacy layer must suppress
    assert max(sizes) >= 11


def test_survivors_carry_no_names_and_random_codes(framework: Framework, places: pd.DataFrame) -> None:
    survey = framework.surveys["survivors"]
    frame = synth_answers(survey, places, "2021", _rng(5))
    personal = [q.name for q in survey.questions if q.personal]
    assert all(frame[name].isna().all() for name in personal)
    codes = frame["respondent_code"].dropna()
    assert codes.is_unique and codes.str.fullmatch(r"SV-[A-Z0-9]{6}").all()


def test_repeat_rows_link_to_their_parent(framework: Framework, places: pd.DataFrame) -> None:
    synth = synth_survey(framework.surveys["status-procedure"], places, "2022", _rng(6))
    cases = synth.repeats["cases"]
    assert set(cases["_parent_uuid"]) <= set(synth.frame["_uuid"])
    per_parent = cases.groupby("_parent_uuid").size()
    totals = synth.frame.set_index("_uuid")["applications_total"]
    assert (totals.reindex(per_parent.index) == per_parent).all()
    decided = cases["decision"].isin(["granted", "refused"])
    assert cases.loc[~decided, "days_to_decision"].isna().all()
    assert (cases.loc[decided, "decision_date"] >= cases.loc[decided, "application_date"]).all()
    # every step after the one before it and none after the day the list was filled in
    filled = cases["_parent_uuid"].map(synth.frame.set_index("_uuid")["date"])
    order = ["application_date", "police_check_requested_date", "police_check_answered_date", "file_sent_date",
             "decision_date", "certificate_date"]
    for before, after in zip(order, order[1:], strict=False):
        both = cases[before].notna() & cases[after].notna()
        assert (cases.loc[both, after] >= cases.loc[both, before]).all(), after
    for name in [*order, "interview_date"]:
        known = cases[name].notna()
        assert (cases.loc[known, name] <= filled[known]).all(), name


def test_territories_mix_names_and_codes(framework: Framework, places: pd.DataFrame) -> None:
    frame = synth_answers(framework.surveys["hromada-officials"], places, "2021", _rng(8))
    values = frame["hromada"]
    codes = values.str.startswith("UA")
    assert 0.05 < codes.mean() < 0.6
    known = set(places["code"]) | set(places["name_uk"]) | set(places["full_name_uk"].dropna())
    assert set(values) <= known


def _share(frame: pd.DataFrame, oblast: str, column: str, value: str) -> float:
    rows = frame[frame["_oblast"] == oblast]
    return float((rows[column] == value).mean())


def test_story_differs_between_oblasts_and_waves(framework: Framework, places: pd.DataFrame) -> None:
    survey = framework.surveys["hromada-officials"]
    oblasts = places[places["level"] == "oblast"]
    names = dict(zip(oblasts["code"], oblasts["name_en"], strict=True))
    hromadas = places[places["level"] == "hromada"].set_index("code")
    by_name = dict(zip(hromadas["name_uk"], hromadas.index, strict=False))
    results = {}
    for wave in ("2021", "2022"):
        frame = synth_answers(survey, places, wave, _rng(9), n=3000)
        code = frame["hromada"].map(lambda v: v if v in hromadas.index else by_name.get(v))
        frame["_oblast"] = code.map(lambda c: names.get(hromadas["oblast_code"].get(c)))
        results[wave] = frame
    first, second = results["2021"], results["2022"]
    assert _share(first, "Kharkivska", "referral_knowledge", "lsa_unit") > _share(
        first, "Chernivetska", "referral_knowledge", "lsa_unit") + 0.1
    assert (second["ct_focal_person"] == "yes").mean() > (first["ct_focal_person"] == "yes").mean() + 0.1
    days = {w: synth_survey(framework.surveys["status-procedure"], places, w, _rng(10)).repeats["cases"]
            ["days_to_decision"].median() for w in ("2021", "2022")}
    assert days["2022"] > days["2021"]  # processing slowed after the February 2022 invasion


def test_unknown_instrument_gets_uniform_answers(framework: Framework, places: pd.DataFrame) -> None:
    other: Survey = framework.surveys["employment-centres"].model_copy(update={"id": "another-coalition"})
    frame = synth_answers(other, places, "2021", _rng(11))
    assert len(frame) > 0 and frame["ct_stand"].isin(["yes", "no"]).all()


# --------------------------------------------------------------------------- export writers


@pytest.fixture(scope="module")
def status(framework: Framework, places: pd.DataFrame):  # type: ignore[no-untyped-def]
    survey = framework.surveys["status-procedure"]
    return survey, synth_survey(survey, places, "2022", _rng(12), n=6)


@pytest.fixture(scope="module")
def officials(framework: Framework, places: pd.DataFrame):  # type: ignore[no-untyped-def]
    survey = framework.surveys["hromada-officials"]
    synth = synth_survey(survey, places, "2021", _rng(13), n=8)
    return survey, synth.frame[synth.frame["consent"] == "yes"].reset_index(drop=True)


def test_kobo_xlsx_labels_matches_kobo(tmp_path: Path, status) -> None:  # type: ignore[no-untyped-def]
    survey, synth = status
    path = kobo_xlsx_labels(tmp_path / "k.xlsx", survey, synth.frame, "uk", children=synth.repeats)
    book = openpyxl.load_workbook(path)
    main, cases = book.worksheets
    assert cases.title == "cases"
    header = [c.value for c in main[1]]
    assert header[-len(KOBO_META):] == KOBO_META
    assert header[0] == "Хвиля моніторингу"
    kid_header = [c.value for c in cases[1]]
    assert {"_index", "_parent_index", "_parent_table_name", "_submission__uuid"} <= set(kid_header)
    parent_index = kid_header.index("_parent_index")
    assert {row[parent_index] for row in cases.iter_rows(min_row=2, values_only=True)} <= set(range(1, 7))
    assert cases.max_row - 1 == len(synth.repeats["cases"])


def test_kobo_labels_select_multiple_both(tmp_path: Path, officials) -> None:  # type: ignore[no-untyped-def]
    survey, frame = officials
    path = kobo_xlsx_labels(tmp_path / "k.xlsx", survey, frame, "en")
    header = [c.value for c in openpyxl.load_workbook(path).worksheets[0][1]]
    label = survey.question("obstacles").label.en
    assert label in header
    assert f"{label}/No funds" in header or any(h.startswith(f"{label}/") for h in header)
    assert "_uuid" in header and "_submission_time" in header


@pytest.mark.parametrize(("mode", "single", "separate"), [("both", True, True), ("single", True, False),
                                                           ("separate", False, True)])
def test_kobo_csv_select_multiple_modes(tmp_path: Path, officials, mode: str, single: bool,  # type: ignore[no-untyped-def]
                                        separate: bool) -> None:
    survey, frame = officials
    path = kobo_csv_xml(tmp_path / "k.csv", survey, frame, mode)
    text = path.read_text(encoding="utf-8")
    header = next(csv.reader(io.StringIO(text), delimiter=";"))
    assert text.startswith('"wave";"oblast"')
    assert ("obstacles/obstacles" in header) is single
    assert ("obstacles/obstacles/no_funds" in header) is separate
    assert "capacity/ct_focal_person" in header  # group path
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == len(frame)


def test_odk_zip_matches_central(tmp_path: Path, status) -> None:  # type: ignore[no-untyped-def]
    survey, synth = status
    path = odk_zip(tmp_path / "o.zip", survey, synth.frame, synth.repeats)
    archive = zipfile.ZipFile(path)
    assert sorted(archive.namelist()) == ["status-procedure-cases.csv", "status-procedure.csv"]
    main = list(csv.DictReader(io.StringIO(archive.read("status-procedure.csv").decode())))
    kids = list(csv.DictReader(io.StringIO(archive.read("status-procedure-cases.csv").decode())))
    assert list(main[0])[0] == "SubmissionDate" and "totals-granted_count" in main[0]
    assert all(row["KEY"] == row["meta-instanceID"] and row["KEY"].startswith("uuid:") for row in main)
    keys = {row["KEY"] for row in main}
    assert all(kid["PARENT_KEY"] in keys and kid["KEY"].startswith(kid["PARENT_KEY"] + "/cases[") for kid in kids)


def test_google_forms_csv(tmp_path: Path, officials) -> None:  # type: ignore[no-untyped-def]
    survey, frame = officials
    path = google_forms_csv(tmp_path / "g.csv", survey, frame, "uk")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows[0][0] == "Позначка часу"
    column = rows[0].index(survey.question("obstacles").label.uk)
    joined = [r[column] for r in rows[1:] if ", " in r[column]]
    assert joined, "several choices are joined by ', '"


def test_cp1251_csv_is_what_excel_saves(tmp_path: Path, officials) -> None:  # type: ignore[no-untyped-def]
    survey, frame = officials
    data = csv_cp1251(tmp_path / "c.csv", survey, frame).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(data.decode("cp1251")), delimiter=";"))
    assert pd.Series([r["date"] for r in rows]).str.fullmatch(r"\d\d\.\d\d\.2021").all()
    assert any("," in r["ct_spending"] or r["ct_spending"].isdigit() for r in rows)
    assert {r["consent"] for r in rows} <= {"Так", "Ні"}


def test_plain_xlsx_has_real_dates(tmp_path: Path, officials) -> None:  # type: ignore[no-untyped-def]
    survey, frame = officials
    sheet = openpyxl.load_workbook(plain_xlsx(tmp_path / "p.xlsx", survey, frame)).worksheets[0]
    header = [c.value for c in sheet[1]]
    date_cell = sheet.cell(row=2, column=header.index("date") + 1)
    assert date_cell.is_date
