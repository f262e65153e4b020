"""import_file end to end on a real database (SQLite file; PostgreSQL when MONITOR_TEST_PG_URL is set)."""

from __future__ import annotations

import csv
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from ingest_kit import (
    HROMADA,
    HROMADA2,
    OBLAST,
    OBLAST_NAME,
    RAION,
    official_rows,
    table_state,
    write_csv,
    write_xlsx,
)
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from monitor.cli.app import app
from monitor.framework.models import Framework
from monitor.ingest.pipeline import import_file
from monitor.store.db import connect
from monitor.store.models import ImportBatch, RejectedRow, Response, Setting


def responses(engine: Engine, **where: Any) -> list[dict[str, Any]]:
    table = Response.__table__
    query = select(table).order_by(table.c.id)
    for key, value in where.items():
        query = query.where(table.c[key] == value)
    with engine.connect() as connection:
        return [dict(r) for r in connection.execute(query).mappings()]


# ------------------------------------------------------------------------------- one export, every style

LABELS_UK = {"wave": "Хвиля", "oblast": "Область", "hromada": "Громада", "date": "Дата опитування",
             "consent": "Згода на участь", "respondent_name": "Ім'я респондента", "form_no": "Номер анкети",
             "focal_person": "Чи визначено відповідальну особу?", "duties": "Обов’язки в посадових інструкціях",
             "spending": "Видатки, грн", "events": "Кількість заходів", "partners": "Угоди про співпрацю",
             "comment": "Коментар"}
LABELS_EN = {"wave": "Wave", "oblast": "Oblast", "hromada": "Hromada", "date": "Interview date",
             "consent": "Consent to take part", "respondent_name": "Respondent's name", "form_no": "Form number",
             "focal_person": "Is a focal person designated?", "duties": "Duties in job descriptions",
             "spending": "Spending, UAH", "events": "Number of events", "partners": "Cooperation agreements",
             "comment": "Comment"}
GROUPS = {"focal_person": "capacity", "duties": "capacity", "spending": "funding", "partners": "cooperation"}
YES_NO_UK = {"yes": "Так", "no": "Ні"}
DUTIES_UK = {"partial": "Частково (обов'язки розподілено)"}  # straight apostrophe; the YAML has ’


def frame(n: int = 3) -> pd.DataFrame:
    return pd.DataFrame(official_rows(n))


def as_labels(rows: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    out = rows.copy()
    out["consent"] = out["consent"].map(YES_NO_UK)
    out["focal_person"] = out["focal_person"].map(YES_NO_UK)
    out["duties"] = out["duties"].map(DUTIES_UK)
    return out.rename(columns=labels)


def kobo_meta(rows: pd.DataFrame) -> pd.DataFrame:
    out = rows.copy()
    out.insert(0, "start", "2022-03-14T09:00:00.000+02:00")
    out.insert(1, "end", "2022-03-14T09:30:00.000+02:00")
    out["_id"] = range(1001, 1001 + len(out))
    out["_uuid"] = [f"0f3c{i:04d}-aaaa-bbbb-cccc-000000000000" for i in range(len(out))]
    out["_submission_time"] = "2022-03-14T10:15:00"
    out["_validation_status"] = ""
    out["_index"] = range(1, len(out) + 1)
    out["__version__"] = "vX"
    return out


def plain_csv(tmp: Path) -> Path:
    return write_csv(tmp / "officials.csv", frame())


def kobo_csv_labels(tmp: Path) -> Path:
    rows = frame()
    rows["partners"] = "Поліція Громадські організації, фонди"  # Kobo label export: labels joined by spaces
    return write_csv(tmp / "officials-kobo.csv", kobo_meta(as_labels(rows, LABELS_UK)), sep=";")


def kobo_xlsx_groups_both(tmp: Path) -> Path:
    rows = kobo_meta(frame())
    for choice in ("police", "ngo", "employment"):
        rows[f"cooperation/partners/{choice}"] = "1" if choice != "employment" else "0"
    rows = rows.rename(columns={q: f"{g}/{q}" for q, g in GROUPS.items()})
    return write_xlsx(tmp / "officials-kobo.xlsx", {"officials": rows})


def kobo_csv_choice_columns_cp1251(tmp: Path) -> Path:
    rows = as_labels(frame().drop(columns=["partners"]), LABELS_UK)
    rows["Угоди про співпрацю/Поліція"] = "1"
    rows["Угоди про співпрацю/Громадські організації, фонди"] = "1"
    rows["Угоди про співпрацю/Центр зайнятості"] = "0"
    return write_csv(tmp / "officials-1251.csv", kobo_meta(rows), sep=";", encoding="cp1251")


def google_forms_csv(tmp: Path) -> Path:
    rows = frame()
    rows["partners"] = "Поліція, Громадські організації, фонди"
    rows["date"] = "14/03/2022"
    out = as_labels(rows, LABELS_UK)
    out.insert(0, "Позначка часу", "2022/03/14 10:15:00 GMT+2")
    return write_csv(tmp / "officials-google.csv", out)


def odk_zip(tmp: Path) -> Path:
    rows = frame()
    rows = rows.rename(columns={q: f"{g}-{q}" for q, g in GROUPS.items()})
    rows.insert(0, "SubmissionDate", "2022-03-14T10:15:00.000Z")
    rows["meta-instanceID"] = [f"uuid:{i:08d}-odk" for i in range(len(rows))]
    rows["KEY"] = rows["meta-instanceID"]
    rows["SubmitterName"] = "monitor1"
    path = tmp / "officials.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("officials.csv", rows.to_csv(index=False))
    return path


def xlsx_english_labels(tmp: Path) -> Path:
    rows = frame()
    rows["consent"] = "Yes"
    rows["partners"] = "NGOs, foundations, Police"
    return write_xlsx(tmp / "officials-en.xlsx", {"Sheet1": rows.rename(columns=LABELS_EN)})


FORMATS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "plain-csv": (plain_csv, "csv"),
    "kobo-csv-labels": (kobo_csv_labels, "kobo-csv"),
    "kobo-xlsx-groups-both": (kobo_xlsx_groups_both, "kobo-xlsx"),
    "kobo-csv-choice-columns-cp1251": (kobo_csv_choice_columns_cp1251, "kobo-csv"),
    "google-forms-csv": (google_forms_csv, "google-forms-csv"),
    "odk-zip": (odk_zip, "odk-zip"),
    "xlsx-english-labels": (xlsx_english_labels, "xlsx"),
}


@pytest.mark.parametrize("style", list(FORMATS))
def test_every_format_imports_the_same_answers(engine: Engine, framework: Framework, tmp_path: Path, style: str) -> None:
    write, expected_format = FORMATS[style]
    report = import_file(engine, framework, "officials", write(tmp_path))
    assert report.status == "imported", [i.message_en for i in report.issues] + [r["message_en"] for r in report.rejected_rows]
    assert report.format == expected_format
    assert (report.rows, report.accepted, report.rejected, report.duplicates) == (3, 3, 0, 0)
    stored = responses(engine)
    assert [r["hromada_code"] for r in stored] == [HROMADA, HROMADA2, HROMADA]
    assert {r["oblast_code"] for r in stored} == {OBLAST}
    assert {r["raion_code"] for r in stored} == {RAION}
    assert {r["wave"] for r in stored} == {"2022"}
    assert {str(r["period_date"]) for r in stored} == {"2022-03-14"}
    first = stored[0]["answers"]
    assert first == {"wave": "2022", "date": "2022-03-14", "consent": "yes", "form_no": "0000", "focal_person": "no",
                     "duties": "partial", "spending": 12.5, "events": 0, "partners": "police ngo"}
    assert type(stored[1]["answers"]["events"]) is int
    assert all("respondent_name" not in r["answers"] and "hromada" not in r["answers"] for r in stored)


def test_kobo_ids_and_submission_time(engine: Engine, framework: Framework, tmp_path: Path) -> None:
    report = import_file(engine, framework, "officials", kobo_csv_labels(tmp_path))
    stored = responses(engine)
    assert report.status == "imported"
    assert stored[0]["external_id"] == "0f3c0000-aaaa-bbbb-cccc-000000000000"
    assert str(stored[0]["submitted_at"]).startswith("2022-03-14 10:15:00")
    assert report.unmapped_columns == []


# ------------------------------------------------------------------------------- repeats

def cases_main(n: int = 2) -> pd.DataFrame:
    return pd.DataFrame({"wave": ["2022"] * n, "oblast": [OBLAST_NAME] * n, "date": ["2022-05-01"] * n,
                         "consent": ["yes"] * n, "age_group": ["adult"] * n, "rating": ["4"] * n})


def test_kobo_xlsx_repeat_sheet_becomes_child_rows(engine: Engine, framework: Framework, tmp_path: Path) -> None:
    main = cases_main()
    main["_uuid"] = ["c1", "c2"]
    main["_index"] = [1, 2]
    helps = pd.DataFrame({"help_type": ["Медична", "legal", "shelter"], "days": ["3", "0", "12"],
                          "_parent_index": [1, 1, 2], "_parent_table_name": ["cases"] * 3, "_index": [1, 2, 3]})
    path = write_xlsx(tmp_path / "cases.xlsx", {"cases": main, "helps": helps})
    report = import_file(engine, framework, "cases", path)
    assert report.status == "imported", [i.message_en for i in report.issues]
    assert (report.accepted, report.repeat_rows) == (2, 3)
    parents = {r["id"]: r for r in responses(engine) if r["parent_id"] is None}
    children = [r for r in responses(engine) if r["parent_id"] is not None]
    assert [(parents[c["parent_id"]]["external_id"], c["answers"]) for c in children] == [
        ("c1", {"help_type": "medical", "days": 3}), ("c1", {"help_type": "legal", "days": 0}),
        ("c2", {"help_type": "shelter", "days": 12}),
    ]
    assert {(c["repeat"], c["oblast_code"], c["wave"], str(c["period_date"])) for c in children} == {
        ("helps", OBLAST, "2022", "2022-05-01")}


def test_odk_zip_repeat_joined_by_key(engine: Engine, framework: Framework, tmp_path: Path) -> None:
    main = cases_main(3)
    main["KEY"] = ["uuid:a", "uuid:b", "uuid:c"]
    main["SubmissionDate"] = "2022-05-02T08:00:00.000Z"
    helps = pd.DataFrame({"help_type": ["legal", "medical", "legal", "shelter"], "days": ["1", "2", "-4", "5"],
                          "PARENT_KEY": ["uuid:a", "uuid:b", "uuid:c", "uuid:zzz"],
                          "KEY": ["uuid:a/helps[1]", "uuid:b/helps[1]", "uuid:c/helps[1]", "uuid:zzz/helps[1]"]})
    path = tmp_path / "cases.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("cases.csv", main.to_csv(index=False))
        archive.writestr("cases-helps.csv", helps.to_csv(index=False))
    report = import_file(engine, framework, "cases", path)
    assert report.status == "imported"
    # uuid:c has a repeat row breaking its rule: the whole submission is held back; uuid:zzz has no parent.
    assert (report.accepted, report.rejected, report.repeat_rows) == (2, 1, 2)
    codes = sorted(r["code"] for r in report.rejected_rows)
    assert codes == ["ingest-constraint", "ingest-repeat-orphan", "ingest-repeat-rejected"]
    constraint = next(r for r in report.rejected_rows if r["code"] == "ingest-constraint")
    assert constraint["row"] == 4 and constraint["column"] == "helps/days"
    assert constraint["value"] is None  # survivors' values are withheld
    children = [r for r in responses(engine) if r["parent_id"] is not None]
    assert sorted(c["external_id"] for c in children) == ["uuid:a/helps[1]", "uuid:b/helps[1]"]


# ------------------------------------------------------------------------------- guarantees

def test_same_file_twice_adds_nothing(engine: Engine, framework: Framework, tmp_path: Path) -> None:
    path = kobo_xlsx_groups_both(tmp_path)
    first = import_file(engine, framework, "officials", path)
    before = table_state(engine)
    second = import_file(engine, framework, "officials", path)
    assert first.status == "imported" and first.accepted == 3
    assert second.status == "already-imported"
    assert second.batch == first.batch
    assert second.issues[0].code == "ingest-already-imported"
    assert table_state(engine) == before


@pytest.mark.parametrize("with_ids", [True, False])
def test_same_submissions_in_another_file_are_duplicates(engine: Engine, framework: Framework, tmp_path: Path,
                                                         with_ids: bool) -> None:
    rows = frame(4)
    if with_ids:
        rows["_uuid"] = [f"id-{i}" for i in range(4)]
    first = import_file(engine, framework, "officials", write_csv(tmp_path / "a.csv", rows.iloc[:3]))
    # Another file: other column order, one new row, one row repeated inside the file.
    second_rows = pd.concat([rows.iloc[[3, 0, 1, 1]]])[list(reversed(rows.columns))]
    second = import_file(engine, framework, "officials", write_csv(tmp_path / "b.csv", second_rows, sep=";"))
    assert (first.accepted, first.duplicates) == (3, 0)
    assert (second.status, second.accepted, second.duplicates) == ("imported", 1, 3)
    assert any(i.code == "ingest-duplicates" for i in second.issues)
    assert len(responses(engine)) == 4


def test_all_duplicates_is_not_a_refusal(engine: Engine, framework: Framework, tmp_path: Path) -> None:
    import_file(engine, framework, "officials", write_csv(tmp_path / "a.csv", frame()))
    again = import_file(engine, framework, "officials", write_csv(tmp_path / "b.csv", frame(), sep=";"))
    assert (again.status, again.accepted, again.duplicates) == ("imported", 0, 3)


def test_dry_run_writes_nothing(engine: Engine, framework: Framework, tmp_path: Path) -> None:
    rows = frame(4)
    rows.loc[1, "spending"] = "-1"
    before = table_state(engine)
    report = import_file(engine, framework, "officials", write_csv(tmp_path / "a.csv", rows), dry_run=True)
    assert (report.status, report.accepted, report.rejected, report.batch) == ("dry-run", 3, 1, None)
    assert report.rejected_rows[0]["row"] == 3
    assert table_state(engine) == before
    real = import_file(engine, framework, "officials", tmp_path / "a.csv")
    assert (real.status, real.accepted) == ("imported", 3)  # a dry run does not count as imported


def test_consent_no_is_dropped_and_counted(engine: Engine, framework: Framework, tmp_path: Path) -> None:
    rows = frame(4)
    rows.loc[1, ["consent", "focal_person", "spending"]] = ["Ні", "", ""]  # nothing else asked after a "no"
    rows.loc[2, "consent"] = "no"
    report = import_file(engine, framework, "officials", write_csv(tmp_path / "a.csv", rows))
    assert (report.accepted, report.rejected, report.consent_refused) == (2, 0, 2)
    assert [r["answers"]["form_no"] for r in responses(engine)] == ["0000", "0003"]
    with engine.connect() as connection:
        batch = connection.execute(select(ImportBatch.__table__)).mappings().one()
    assert batch["consent_refused"] == 2


def test_rejected_rows_are_stored_and_written_as_csv(engine: Engine, framework: Framework, tmp_path: Path) -> None:
    rows = frame(5)
    rows.loc[1, "spending"] = "-5"
    rows.loc[2, "focal_person"] = "=HYPERLINK(\"http://evil\")"
    rows.loc[3, "date"] = "31.02.2022"
    rows.loc[4, "hromada"] = "Нікудишня"
    report = import_file(engine, framework, "officials", write_csv(tmp_path / "a.csv", rows))
    assert (report.accepted, report.rejected) == (1, 4)
    assert [(r["row"], r["code"]) for r in report.rejected_rows] == [
        (3, "ingest-constraint"), (4, "ingest-unknown-choice"), (5, "ingest-not-date"), (6, "territory-unknown")]
    assert all(r["message_uk"] and r["message_en"] for r in report.rejected_rows)
    with engine.connect() as connection:
        stored = connection.execute(select(RejectedRow.__table__).order_by(RejectedRow.__table__.c.row_number)).mappings().all()
    assert [(r["row_number"], r["column"], r["value"]) for r in stored] == [
        (3, "spending", "-5"), (4, "focal_person", "=HYPERLINK(\"http://evil\")"), (5, "date", "31.02.2022"),
        (6, "hromada", "Нікудишня")]
    out = report.write_rejected_csv(tmp_path / "rejected.csv")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.DictReader(handle))
    assert list(lines[0]) == ["row", "column", "value", "code", "message_uk", "message_en"]
    assert lines[0]["value"] == "'-5" and lines[1]["value"].startswith("'=HYPERLINK")
    assert "Нікудишня" in lines[3]["message_uk"]


def test_survivor_values_are_withheld(engine: Engine, framework: Framework, tmp_path: Path) -> None:
    rows = cases_main(2)
    rows.loc[1, "rating"] = "9"
    report = import_file(engine, framework, "cases", write_csv(tmp_path / "c.csv", rows))
    assert report.rejected_rows[0]["code"] == "ingest-constraint"
    assert report.rejected_rows[0]["value"] is None
    with engine.connect() as connection:
        assert connection.execute(select(RejectedRow.__table__.c.value)).scalars().all() == [None]


def test_synthetic_import_is_marked(engine: Engine, framework: Framework, tmp_path: Path) -> None:
    report = import_file(engine, framework, "officials", plain_csv(tmp_path), synthetic=True, imported_by="demo")
    assert report.status == "imported"
    with engine.connect() as connection:
        batch = connection.execute(select(ImportBatch.__table__)).mappings().one()
        setting = connection.execute(select(Setting.__table__.c.value).where(Setting.__table__.c.key == "synthetic")).scalar()
    assert (batch["synthetic"], batch["imported_by"], setting) == (True, "demo", "true")
    assert {bool(r["synthetic"]) for r in responses(engine)} == {True}


def test_instrument_row_is_upserted(engine: Engine, framework: Framework, tmp_path: Path) -> None:
    import_file(engine, framework, "officials", plain_csv(tmp_path))
    with engine.connect() as connection:
        row = connection.execute(text("select id, definition_hash, title_en, respondent from instrument")).one()
    assert tuple(row) == ("officials", framework.survey_hashes["officials"], "Official questionnaire",
                          "hromada-official")


def test_progress_is_reported(engine: Engine, framework: Framework, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    import_file(engine, framework, "officials", plain_csv(tmp_path), progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, 3) and calls[-1] == (3, 3)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


# ------------------------------------------------------------------------------- personal data

NAME, PHONE, EMAIL = "Оксана Ткачук-Плантована", "+380671112233", "planted.person@example.org"


def test_personal_data_never_reaches_the_database_file(sqlite_url: str, framework: Framework, tmp_path: Path) -> None:
    engine = connect(sqlite_url)
    rows = frame(4)
    rows["respondent_name"] = NAME  # declared personal by the instrument
    rows["Контактна особа"] = NAME  # unexpected column with a personal header
    rows["Примітка"] = [PHONE, "0501234567", "", EMAIL]  # unexpected column whose values are phones/e-mails
    rows["Хто заповнив"] = ["Оксана Ткачук", "Петро Іваненко", "Марія Коваль", "Іван Петренко"]  # full names
    report = import_file(engine, framework, "officials", write_csv(tmp_path / "a.csv", rows))
    assert report.status == "imported"
    assert report.dropped_columns == ["respondent_name", "Контактна особа", "Примітка", "Хто заповнив"]
    flagged = [i.params["header"] for i in report.issues if i.code == "ingest-personal-dropped"]
    assert flagged == ["Контактна особа", "Примітка", "Хто заповнив"]
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(FULL)")
    engine.dispose()
    database = Path(sqlite_url.removeprefix("sqlite:///"))
    blob = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    for planted in (NAME, "Ткачук", PHONE, "671112233", EMAIL, "Петро Іваненко"):
        assert planted.encode() not in blob
        assert json.dumps(planted).encode() not in blob  # nor JSON-escaped


# ------------------------------------------------------------------------------- CLI

def test_cli_exit_codes_and_json(db_url: str, framework: Framework, tmp_path: Path) -> None:
    from monitor.cli import _register

    _register()
    runner = CliRunner()
    good = plain_csv(tmp_path)
    bad = tmp_path / "empty.csv"
    bad.write_bytes(b"")
    rejected = tmp_path / "rej.csv"
    args = ["import", "officials", str(good), "--db", db_url, "--framework", framework.root, "--json",
            "--rejected-csv", str(rejected)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert {k: line[k] for k in ("survey", "file", "rows", "accepted", "rejected", "duplicates", "status")} == {
        "survey": "officials", "file": "officials.csv", "rows": 3, "accepted": 3, "rejected": 0, "duplicates": 0,
        "status": "imported"}
    assert len(line["sha256"]) == 64 and isinstance(line["batch"], int)
    result = runner.invoke(app, ["import", "officials", str(good), str(bad), "--db", db_url,
                                 "--framework", framework.root])
    assert result.exit_code == 1
    assert "ingest-empty-file" in result.output and "Файл порожній" in result.output
    assert "Traceback" not in result.output
    dry = runner.invoke(app, ["import", "officials", str(good), "--dry-run", "--db", db_url, "--framework", framework.root])
    assert dry.exit_code == 0 and "already imported" in dry.output


def test_cli_human_summary(db_url: str, framework: Framework, tmp_path: Path) -> None:
    from monitor.cli import _register

    _register()
    rows = frame(3)
    rows.loc[0, "spending"] = "-2"
    path = write_csv(tmp_path / "a.csv", rows)
    result = CliRunner().invoke(app, ["import", "officials", str(path), "--db", db_url, "--framework", framework.root,
                                      "--rejected-csv", str(tmp_path / "r.csv")])
    assert result.exit_code == 0, result.output
    assert "Прийнято / Accepted" in result.output
    assert "ingest-constraint" in result.output
    assert (tmp_path / "r.csv").exists()


# ------------------------------------------------------------------------------- places

@pytest.mark.parametrize(
    ("oblast", "hromada", "expected"),
    [
        (OBLAST_NAME, HROMADA, HROMADA),  # KATOTTG code
        (OBLAST, "Благовіщенська", HROMADA),  # oblast as a code, hromada by name
        ("Кіровоградська область", "Благовіщенська міська територіальна громада", HROMADA),  # full names
        ("Kirovohradska", "Blahovishchenska", HROMADA),  # Latin
        ("Полтавська", HROMADA, "territory-mismatch"),  # the hromada is not in the oblast given
        (OBLAST_NAME, "Атлантида", "territory-unknown"),
    ],
)
def test_places_resolve_or_reject(engine: Engine, framework: Framework, tmp_path: Path, oblast: str, hromada: str,
                                  expected: str) -> None:
    rows = frame(2)
    rows.loc[0, ["oblast", "hromada"]] = [oblast, hromada]
    report = import_file(engine, framework, "officials", write_csv(tmp_path / "a.csv", rows))
    if expected.startswith("UA"):
        assert report.rejected == 0
        assert responses(engine)[0]["hromada_code"] == expected
    else:
        assert [(r["row"], r["code"]) for r in report.rejected_rows] == [(2, expected)]
        assert report.accepted == 1
