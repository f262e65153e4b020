"""Spreadsheet import of the loop: a broken file changes nothing (checksum of every table), a good file
imported again adds nothing, every problem names its row and column in both languages; the export
imports back."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest
from oversight_kit import HROMADA, OBLAST, POLTAVA, prepare, table_state

from monitor.auth.oversight import import_sheets_as
from monitor.errors import render_issue
from monitor.oversight.recommendations import history, recommendations
from monitor.oversight.sheets import export_xlsx, import_sheets
from monitor.oversight.stories import stories
from monitor.oversight.tracker import requests
from monitor.store.db import connect

FINDINGS = pd.DataFrame([
    {"key": "F1", "round": "R2021", "territory": HROMADA, "body": "", "indicators": "S01",
     "text_uk": "Журнал заяв не ведуть", "text_en": "No application journal"},
    {"key": "F2", "round": "R2021", "territory": POLTAVA, "body": "poltava-nssu", "indicators": "S01; S05",
     "text_uk": "Рішення ухвалюють довше за 30 днів", "text_en": "Decisions take longer than 30 days"},
])
RECS = pd.DataFrame([
    {"key": "REC1", "round": "R2021", "body": "kirovohrad-osa", "findings": "F1", "text_uk": "Запровадити журнал",
     "text_en": "Keep a journal", "date_sent": "15.11.2021", "due_date": "15.02.2022"},
    {"key": "REC2", "round": "R2021", "body": "poltava-nssu", "findings": "F2", "text_uk": "Скоротити строки",
     "text_en": "Shorten the terms", "date_sent": "2021-11-15", "due_date": "2022-03-01"},
])
STATUSES = pd.DataFrame([
    {"recommendation": "REC1", "status": "accepted", "date": "2021-12-01", "evidence": "Letter 12/1"},
    {"recommendation": "REC1", "status": "implemented", "date": "2022-09-30", "evidence": "Seen at the visit"},
    {"recommendation": "REC2", "status": "no answer", "date": "2022-03-02", "evidence": ""},
])
REQUESTS = pd.DataFrame([
    {"key": "Q1", "round": "R2021", "body": "poltava-nssu", "subject": "Status applications 2020", "channel": "email",
     "date_sent": "2021-08-18", "date_received": "2021-08-19", "extension_date": "", "reply_date": "2021-08-27",
     "outcome": "full", "refusal_ground": ""},
])

STORIES = pd.DataFrame([
    {"Ключ": "S-35-01", "Раунд": "R2021", "Область": OBLAST, "Дата": "12.10.2021", "Назва українською": "Повернення",
     "Назва англійською": "Coming home", "Текст українською": "Жінка повернулася з-за кордону; обласна служба "
     "допомогла їй отримати статус.", "Текст англійською": "A woman came back from abroad; the oblast's service "
     "helped her obtain the status.", "Згода на оприлюднення": "так"},
    {"Ключ": "S-35-02", "Раунд": "R2021", "Область": OBLAST, "Дата": "13.10.2021", "Назва українською": "Робота",
     "Назва англійською": "Work", "Текст українською": "Центр зайнятості запропонував навчання.",
     "Текст англійською": "The employment centre offered a training.", "Згода на оприлюднення": "ні"},
])
ADDED = {"findings": 2, "recommendations": 2, "statuses": 3, "requests": 1, "trainings": 0, "stories": 2}


def workbook(path, **sheets):  # type: ignore[no-untyped-def]
    chosen = {"Знахідки": FINDINGS, "Рекомендації": RECS, "Статуси": STATUSES, "Запити": REQUESTS,
              "Історії": STORIES}
    for name, frame in sheets.items():
        chosen[name] = frame
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        for name, frame in chosen.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return path


@pytest.fixture
def engine(db_url):  # type: ignore[no-untyped-def]
    return prepare(connect(db_url))


def test_a_good_file_imports_and_again_adds_nothing(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = workbook(tmp_path / "loop.xlsx")
    first = import_sheets(engine, path, known_indicators={"S01", "S05"})
    assert first.status == "imported", [render_issue(i) for i in first.issues]
    assert first.added == ADDED
    state = table_state(engine)
    second = import_sheets(engine, path, known_indicators={"S01", "S05"})
    assert second.status == "unchanged" and sum(second.added.values()) == 0
    assert second.unchanged == ADDED
    assert table_state(engine) == state
    recs = recommendations(engine).set_index("key")
    assert recs.loc["REC1", "status"] == "implemented" and recs.loc["REC2", "status"] == "no-answer"
    assert len(history(engine)) == 5  # two 'sent' steps written with the recommendations, three from the file
    assert requests(engine).iloc[0]["state"] == "answered-on-time"
    told = stories(engine).set_index("key")
    assert list(told["state"]) == ["draft", "draft"]  # approval stays a dashboard action of the lead
    assert told.loc["S-35-01", "consent"] and not told.loc["S-35-02", "consent"]  # «ні» is no consent


def test_a_story_naming_a_person_or_a_village_is_refused_at_its_row(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    told = STORIES.copy()
    told.loc[0, "Текст українською"] = "Її телефон +380 67 123 45 67."
    told.loc[1, "Текст англійською"] = "She lives in the village of Kozelshchyna."
    told.loc[1, "Згода на оприлюднення"] = "можливо"
    before = table_state(engine)
    report = import_sheets(engine, workbook(tmp_path / "stories.xlsx", Історії=told))
    assert report.status == "refused" and table_state(engine) == before
    found = {(r.row, r.column) for r in report.rows().itertuples() if r.row is not pd.NA}
    assert {(2, "text_uk"), (3, "text_en"), (3, "consent")} <= found, found
    assert all("123 45 67" not in i.message_uk + i.message_en for i in report.issues)  # never echoed


def test_a_broken_file_changes_nothing_and_names_rows_and_columns(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    broken_recs = RECS.copy()
    broken_recs.loc[1, "body"] = "poltava-nowhere"
    broken_recs.loc[0, "due_date"] = "31.02.2022"
    broken_status = STATUSES.copy()
    broken_status.loc[2, "status"] = "forgotten"
    path = workbook(tmp_path / "broken.xlsx", Рекомендації=broken_recs, Статуси=broken_status)
    before = table_state(engine)
    report = import_sheets(engine, path, known_indicators={"S01", "S05"})
    assert report.status == "refused"
    assert table_state(engine) == before
    rows = report.rows()
    found = {(r.row, r.column, r.code) for r in rows.itertuples()}
    assert (2, "due_date", "oversight-bad-date") in found
    assert (3, "body", "oversight-unknown-body") in found
    assert (4, "status", "oversight-bad-status") in found
    assert "oversight-file-refused" in set(rows["code"])
    bad_body = next(i for i in report.issues if i.code == "oversight-unknown-body")
    assert bad_body.location() == "broken.xlsx:3:3"  # file, row, column C
    assert "poltava-nowhere" in bad_body.message_uk and "poltava-nowhere" in bad_body.message_en


def test_a_conflicting_key_is_refused_not_overwritten(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert import_sheets(engine, workbook(tmp_path / "a.xlsx")).status == "imported"
    changed = FINDINGS.copy()
    changed.loc[0, "text_en"] = "Something else"
    before = table_state(engine)
    report = import_sheets(engine, workbook(tmp_path / "b.xlsx", Знахідки=changed))
    assert report.status == "refused" and report.issues[0].code == "oversight-conflict"
    assert table_state(engine) == before


def test_a_csv_of_one_kind_with_ukrainian_headers(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import_sheets(engine, workbook(tmp_path / "a.xlsx"))
    frame = pd.DataFrame([{"Рекомендація": "REC2", "Статус": "acknowledged", "Дата": "05.03.2022",
                           "Підтвердження": "Лист 5/3"}])
    path = tmp_path / "statuses.csv"
    frame.to_csv(path, index=False, encoding="cp1251", sep=";")
    report = import_sheets(engine, path)
    assert report.status == "imported" and report.added["statuses"] == 1
    assert recommendations(engine).set_index("key").loc["REC2", "status"] == "acknowledged"


def test_the_export_imports_back_into_an_empty_database(engine, tmp_path, sqlite_url) -> None:  # type: ignore[no-untyped-def]
    import_sheets(engine, workbook(tmp_path / "a.xlsx"))
    out = export_xlsx(engine, tmp_path / "export.xlsx", lang="uk")
    assert import_sheets(engine, out).status == "unchanged"
    other = prepare(connect(sqlite_url.replace("monitor.db", "other.db")))
    again = import_sheets(other, out)
    # Stories are not exported (headers only): their text leaves the dashboard only in an approved report.
    assert again.added == {**ADDED, "stories": 0}, [render_issue(i) for i in again.issues]


def test_the_guard_refuses_a_file_touching_another_oblast(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    coordinator = SimpleNamespace(name="petro", role="coordinator", oblasts=[OBLAST], disabled=False)
    before = table_state(engine)
    from monitor.errors import MonitorError

    with pytest.raises(MonitorError) as caught:
        import_sheets_as(engine, coordinator, workbook(tmp_path / "a.xlsx"))
    assert caught.value.issues[0].code == "forbidden" and POLTAVA in caught.value.issues[0].message_en
    after = table_state(engine)
    assert {k: v for k, v in after.items() if k != "auditlog"} == {k: v for k, v in before.items() if k != "auditlog"}
