"""Mapping headers to questions, choices to codes, and text to typed answers."""

from __future__ import annotations

import pandas as pd
import pytest
from ingest_kit import make_framework

from monitor.errors import MonitorError
from monitor.framework.models import Framework
from monitor.ingest import coerce, personal
from monitor.ingest.mapping import check_instrument, choice_index, map_columns, norm
from monitor.ingest.readers.table import RawTable


@pytest.fixture(scope="module")
def framework(tmp_path_factory: pytest.TempPathFactory) -> Framework:
    return make_framework(tmp_path_factory.mktemp("fw"))


def table(columns: list[str], rows: list[list[str]] | None = None) -> RawTable:
    rows = rows or [["" for _ in columns]]
    frame = pd.DataFrame(rows, dtype=str)
    frame.columns = range(len(columns))
    return RawTable(columns=columns, rows=frame, format="csv", name="t.csv")


@pytest.mark.parametrize(
    ("header", "question", "choice"),
    [
        ("focal_person", "focal_person", None),  # name
        ("FOCAL_PERSON", "focal_person", None),  # case
        ("form_number", "form_no", None),  # alias
        ("katottg", "hromada", None),  # alias
        ("Чи визначено відповідальну особу?", "focal_person", None),  # label uk
        ("Is a focal person designated?*", "focal_person", None),  # label en, required star
        ("  is a FOCAL person   designated? ", "focal_person", None),  # spaces and case
        ("Обов’язки в посадових інструкціях", "duties", None),  # typographic apostrophe vs ' in the YAML
        ("Обовʼязки в посадових інструкціях:", "duties", None),  # modifier apostrophe, trailing colon
        ("capacity/focal_person", "focal_person", None),  # Kobo group path
        ("capacity-focal_person", "focal_person", None),  # ODK Central group path
        ("Спроможність/Чи визначено відповідальну особу?", "focal_person", None),  # label with group label
        ("partners/police", "partners", "police"),  # 0/1 column per choice
        ("cooperation/partners/ngo", "partners", "ngo"),  # ... under a group
        ("Угоди про співпрацю/Поліція", "partners", "police"),  # label mode
        ("Cooperation agreements/NGOs, foundations", "partners", "ngo"),  # English label mode
        ("cooperation-partners-employment", "partners", "employment"),  # ODK separators
    ],
)
def test_headers_map_to_questions(framework: Framework, header: str, question: str, choice: str | None) -> None:
    survey = framework.surveys["officials"]
    result = map_columns(survey, table([header]))
    if choice is None:
        assert result.questions == {question: 0}
    else:
        assert result.choice_columns == {question: {choice: 0}}


def test_meta_unmapped_and_personal_columns(framework: Framework) -> None:
    survey = framework.surveys["officials"]
    columns = ["_uuid", "_submission_time", "_index", "start", "Ім'я респондента", "Телефон", "contact_info", "notes",
               "wave"]
    rows = [["u1", "2022-03-14T10:00:00", "1", "", "Олена", "+380501234567", "olena@example.org", "x", "2022"],
            ["u2", "2022-03-14T11:00:00", "2", "", "Петро", "0671234567", "petro@example.org", "y", "2022"]]
    result = map_columns(survey, table(columns, rows))
    assert result.id_column == 0
    assert result.submitted_column == 1
    assert result.declared_personal == ["Ім'я респондента"]
    assert [h for h, _, _ in result.flagged_personal] == ["Телефон", "contact_info"]
    assert result.unmapped == ["notes"]
    assert result.dropped_columns == ["Ім'я респондента", "Телефон", "contact_info"]


@pytest.mark.parametrize(
    ("header", "values", "personal_expected"),
    [
        ("Примітка", ["+380 50 123 45 67", "050-123-45-67", "x"], True),  # phones by value
        ("Примітка", ["Олена Петренко", "Іван Франко", "так"], True),  # full names by value
        ("Примітка", ["a@b.ua", "", ""], True),
        ("Примітка", ["так", "ні", "12"], False),
        ("ПІБ", ["", "", ""], True),  # by header
        ("e-mail", ["", "", ""], True),
        ("Email Address", ["", "", ""], True),  # Google Forms' collected e-mail
        ("SubmitterName", ["x", "y", "z"], False),  # not the word "name"
        ("comment", ["ok", "fine", "good"], False),
    ],
)
def test_personal_detection(header: str, values: list[str], personal_expected: bool) -> None:
    assert (personal.reason(header, pd.Series(values, dtype=str)) is not None) is personal_expected


def test_duplicate_columns_are_refused_naming_both(framework: Framework) -> None:
    survey = framework.surveys["officials"]
    with pytest.raises(MonitorError) as caught:
        map_columns(survey, table(["focal_person", "capacity/focal_person"]))
    found = caught.value.issues[0]
    assert found.code == "ingest-duplicate-columns"
    assert "'focal_person', 'capacity/focal_person'" in found.message_en


def test_another_instruments_export_is_named(framework: Framework) -> None:
    survey = framework.surveys["officials"]
    export = table(["wave", "oblast", "date", "consent", "age_group", "rating"])
    with pytest.raises(MonitorError) as caught:
        check_instrument(survey, export, map_columns(survey, export), framework)
    found = caught.value.issues[0]
    assert found.code == "ingest-wrong-instrument"
    assert "export of 'cases', not 'officials'" in found.message_en
    assert "'cases'" in found.message_uk


def test_unrelated_header_lists_expected_columns(framework: Framework) -> None:
    survey = framework.surveys["officials"]
    export = table(["foo", "bar"])
    with pytest.raises(MonitorError) as caught:
        check_instrument(survey, export, map_columns(survey, export), framework)
    assert caught.value.issues[0].code == "ingest-not-this-instrument"
    assert "'wave'" in caught.value.issues[0].message_en


def test_missing_required_column(framework: Framework) -> None:
    survey = framework.surveys["officials"]
    export = table(["wave", "oblast", "hromada", "date", "consent", "spending"])
    with pytest.raises(MonitorError) as caught:
        check_instrument(survey, export, map_columns(survey, export), framework)
    assert caught.value.issues[0].code == "ingest-missing-required-column"
    assert "'focal_person'" in caught.value.issues[0].message_en


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("yes", "yes"), ("YES", "yes"), ("Так", "yes"), ("так ", "yes"), ("Don't know", "dont_know"),
     ("Don’t know", "dont_know"), ("dontʼ know", None), ("dk", "dont_know"), ("не знаю", "dont_know"), ("maybe", None)],
)
def test_choice_by_code_label_alias(framework: Framework, cell: str, expected: str | None) -> None:
    survey = framework.surveys["officials"]
    index = choice_index(survey, survey.question("focal_person"))
    result = coerce.to_choice(pd.Series([cell], dtype=str), index)
    assert (None if pd.isna(result.values[0]) else result.values[0]) == expected
    assert bool(result.bad[0]) is (expected is None)


def test_choice_label_with_apostrophe_variants(framework: Framework) -> None:
    survey = framework.surveys["officials"]
    index = choice_index(survey, survey.question("duties"))
    cells = ["Частково (обов’язки розподілено)", "частково (обов'язки розподілено)", "Частково (обовʼязки розподілено)"]
    assert coerce.to_choice(pd.Series(cells, dtype=str), index).values.tolist() == ["partial"] * 3


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("police ngo", "police ngo"),
        ("ngo police", "police ngo"),  # stored in the order of the choice list
        ("Поліція, Громадські організації, фонди", "police ngo"),  # Google Forms: labels joined by ", "
        ("NGOs, foundations, Employment centre", "ngo employment"),
        ("Громадські організації, фонди", "ngo"),  # one label holding a comma
        ("Поліція Центр зайнятості", "police employment"),  # Kobo label export: labels joined by spaces
        ("police unknown", None),
    ],
)
def test_select_multiple_text(framework: Framework, cell: str, expected: str | None) -> None:
    survey = framework.surveys["officials"]
    question = survey.question("partners")
    result = coerce.to_multiple(pd.Series([cell], dtype=str), choice_index(survey, question),
                                [c.value for c in survey.choices_of(question)])
    assert (None if pd.isna(result.values[0]) else result.values[0]) == expected


@pytest.mark.parametrize(
    ("police", "ngo", "expected"),
    [("1", "1", "police ngo"), ("0", "1", "ngo"), ("1", "0", "police"), ("0", "0", None), ("", "", None),
     ("True", "False", "police")],
)
def test_select_multiple_from_choice_columns(police: str, ngo: str, expected: str | None) -> None:
    columns = {"police": pd.Series([police], dtype=str), "ngo": pd.Series([ngo], dtype=str)}
    result = coerce.from_choice_columns(columns, ["police", "ngo", "employment"], pd.RangeIndex(1))
    assert (None if pd.isna(result.values[0]) else result.values[0]) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2022-03-14", "2022-03-14"), ("14.03.2022", "2022-03-14"), ("14/03/2022", "2022-03-14"),
        ("4.3.2022", "2022-03-04"), ("44634", "2022-03-14"), ("44634.5", "2022-03-14"),
        ("2022-03-14T10:15:00.000+02:00", "2022-03-14"), ("2022/03/14 10:15:00 GMT+2", "2022-03-14"),
        ("14.03.2022 10:15:00", "2022-03-14"), ("2022-02-30", None), ("31.13.2022", None), ("вчора", None),
        ("12", None),
    ],
)
def test_dates(cell: str, expected: str | None) -> None:
    result = coerce.to_date(pd.Series([cell], dtype=str))
    assert (None if pd.isna(result.values[0]) else result.values[0]) == expected
    assert bool(result.bad[0]) is (expected is None)


@pytest.mark.parametrize(
    ("cell", "decimal", "integer"),
    [("12,5", 12.5, None), ("12.5", 12.5, None), ("7 500", 7500.0, 7500), ("7\u00a0500,25", 7500.25, None),
     ("1,234.5", 1234.5, None), ("-3", -3.0, -3), ("3.0", 3.0, 3), ("0", 0.0, 0), ("abc", None, None),
     ("1e3", 1000.0, 1000)],
)
def test_numbers(cell: str, decimal: float | None, integer: int | None) -> None:
    as_decimal = coerce.to_decimal(pd.Series([cell], dtype=str)).values[0]
    as_integer = coerce.to_integer(pd.Series([cell], dtype=str)).values[0]
    assert (None if pd.isna(as_decimal) else as_decimal) == decimal
    assert (None if pd.isna(as_integer) else as_integer) == integer
    assert integer is None or type(as_integer) is int


def test_ids_stay_text() -> None:
    assert coerce.to_text(pd.Series(["007", " 0010 "], dtype=str)).values.tolist() == ["007", "0010"]


@pytest.mark.parametrize(("text", "expected"), [("  A  b ", "a b"), ("Обов’язки*", "обов'язки"), ("Q:", "q")])
def test_norm(text: str, expected: str) -> None:
    assert norm(text) == expected


