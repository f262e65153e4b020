"""The coalition's trainings: one record with its audience per body by sex, entered directly or by
spreadsheet (one row per training × body) with the loop's guarantees — a broken file changes nothing
(checksum of every table) and names row and column in both languages, a good file re-imported adds
nothing, a known key with other content is refused, the export imports back — and the output
indicators they give (officials trained by body type and by sex, trainings held) per year."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest
from oversight_kit import HROMADA, OBLAST, POLTAVA, prepare, table_state

from monitor.auth.oversight import add_training_as, import_sheets_as
from monitor.errors import MonitorError, render_issue
from monitor.oversight.sheets import export_xlsx, import_sheets
from monitor.oversight.trainings import add_training, output_indicators, trainings
from monitor.store.db import connect

ROWS = pd.DataFrame(
    [
        {
            "key": "T1",
            "round": "R2021",
            "date": "2021-10-05",
            "oblast": OBLAST,
            "topic_uk": "Виявлення постраждалих",
            "topic_en": "Identifying victims",
            "body": "kirovohrad-social",
            "women": 7,
            "men": 2,
        },
        {
            "key": "T1",
            "round": "R2021",
            "date": "2021-10-05",
            "oblast": OBLAST,
            "topic_uk": "Виявлення постраждалих",
            "topic_en": "Identifying victims",
            "body": "kirovohrad-nssu",
            "women": 3,
            "men": 1,
        },
        {
            "key": "T1",
            "round": "R2021",
            "date": "2021-10-05",
            "oblast": OBLAST,
            "topic_uk": "Виявлення постраждалих",
            "topic_en": "Identifying victims",
            "body": "nssu",
            "women": 1,
            "men": 0,
        },
        {
            "key": "T2",
            "round": "R2022",
            "date": "05.04.2022",
            "oblast": POLTAVA,
            "topic_uk": "Встановлення статусу",
            "topic_en": "Granting the status",
            "body": "poltava-social",
            "women": 9,
            "men": 4,
        },
    ]
)


def workbook(path, frame=ROWS, sheet="Навчання"):  # type: ignore[no-untyped-def]
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        frame.to_excel(writer, sheet_name=sheet, index=False)
    return path


@pytest.fixture
def engine(db_url):  # type: ignore[no-untyped-def]
    return prepare(connect(db_url))


def test_a_training_sheet_imports_once_and_gives_the_output_indicators(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = workbook(tmp_path / "trainings.xlsx")
    first = import_sheets(engine, path)
    assert first.status == "imported", [render_issue(i) for i in first.issues]
    assert first.added["trainings"] == 2
    state = table_state(engine)
    second = import_sheets(engine, path)
    assert (
        second.status == "unchanged" and second.unchanged["trainings"] == 2 and table_state(engine) == state
    )
    held = trainings(engine)
    assert len(held) == 4 and set(held[held["key"] == "T1"]["body_id"]) == {
        "kirovohrad-social",
        "kirovohrad-nssu",
        "nssu",
    }
    out01, out02 = output_indicators(engine)
    assert out01.totals == {"2021": 14, "2022": 13}
    assert out01.by_sex == {"women": {"2021": 11, "2022": 9}, "men": {"2021": 3, "2022": 4}}
    assert out01.by_kind == {
        "social_protection": {"2021": 9, "2022": 13},
        "nssu_regional": {"2021": 4},
        "nssu": {"2021": 1},
    }
    assert out02.totals == {"2021": 1, "2022": 1}
    only_kirovohrad = output_indicators(engine, [OBLAST], ["2021", "2022"])[0]
    assert only_kirovohrad.totals == {"2021": 14}


def test_a_broken_training_sheet_changes_nothing_and_names_the_rows(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    broken = ROWS.astype({"women": object})
    broken.loc[1, "date"] = "2021-10-06"  # row 3: not the date of T1's first row
    broken.loc[2, "body"] = "poltava-social"  # row 4: a Poltava body in a Kirovohrad training
    broken.loc[3, "women"] = "дев'ять"  # row 5: not a number
    broken = pd.concat([broken, broken.iloc[[0]]], ignore_index=True)  # row 6: T1's first body again
    before = table_state(engine)
    report = import_sheets(engine, workbook(tmp_path / "broken.xlsx", broken))
    assert report.status == "refused" and table_state(engine) == before
    found = {(r.row, r.column, r.code) for r in report.rows().itertuples()}
    assert {
        (3, "date", "training-rows-differ"),
        (4, "body", "training-body-oblast"),
        (5, "women", "oversight-bad-count"),
        (6, "body", "training-body-twice"),
    } <= found
    wrong = next(i for i in report.issues if i.code == "training-body-oblast")
    assert "poltava-social" in wrong.message_uk and "poltava-social" in wrong.message_en
    assert wrong.location() == "broken.xlsx:4:7"  # file, row, column G (body)


def test_a_known_key_with_other_participants_is_a_conflict(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert import_sheets(engine, workbook(tmp_path / "a.xlsx")).status == "imported"
    changed = ROWS.copy()
    changed.loc[0, "women"] = 8
    before = table_state(engine)
    report = import_sheets(engine, workbook(tmp_path / "b.xlsx", changed))
    assert report.status == "refused" and report.issues[0].code == "oversight-conflict"
    assert table_state(engine) == before


def test_the_export_imports_back_into_an_empty_database(engine, tmp_path, sqlite_url) -> None:  # type: ignore[no-untyped-def]
    import_sheets(engine, workbook(tmp_path / "a.xlsx"))
    out = export_xlsx(engine, tmp_path / "export.xlsx", lang="en")
    assert import_sheets(engine, out).status == "unchanged"
    other = prepare(connect(sqlite_url.replace("monitor.db", "other.db")))
    again = import_sheets(other, out)
    assert again.added["trainings"] == 2, [render_issue(i) for i in again.issues]
    assert output_indicators(other)[0].by_kind == output_indicators(engine)[0].by_kind


def test_a_direct_training_with_every_problem_at_once(engine) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MonitorError) as caught:
        add_training(
            engine,
            {
                "key": "T9",
                "date": "2021-13-01",
                "oblast": "UA00",
                "topic_uk": "",
                "topic_en": "x",
                "audience": [{"body": "kirovohrad-social", "women": -1, "men": 0}],
            },
        )
    codes = {i.code for i in caught.value.issues}
    assert {
        "oversight-bad-date",
        "oversight-unknown-territory",
        "oversight-missing",
        "oversight-bad-count",
    } <= codes


def test_a_body_before_it_existed_is_refused(engine) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MonitorError) as caught:  # the military administration exists from 24.02.2022
        add_training(
            engine,
            {
                "key": "T8",
                "date": "2021-10-05",
                "oblast": OBLAST,
                "topic_uk": "Тема",
                "topic_en": "Topic",
                "body": "kirovohrad-ova",
                "women": 2,
                "men": 1,
            },
        )
    assert caught.value.issues[0].code == "oversight-body-not-valid"


def test_the_guard_keeps_a_coordinator_in_their_oblast(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    coordinator = SimpleNamespace(name="petro", role="coordinator", oblasts=[OBLAST], disabled=False)
    one = {
        "key": "T3",
        "date": "2021-11-01",
        "oblast": HROMADA,
        "topic_uk": "Тема",
        "topic_en": "Topic",
        "audience": [{"body": "kirovohrad-social", "women": 2, "men": 2}],
    }
    assert add_training_as(engine, coordinator, one) > 0
    assert trainings(engine).iloc[0]["oblast_code"] == OBLAST  # a hromada's code counts for its oblast
    with pytest.raises(MonitorError) as caught:
        add_training_as(
            engine,
            coordinator,
            {**one, "key": "T4", "oblast": POLTAVA, "audience": [{"body": "poltava-social", "women": 1}]},
        )
    assert caught.value.issues[0].code == "forbidden"
    before = {k: v for k, v in table_state(engine).items() if k != "auditlog"}
    with pytest.raises(MonitorError):
        import_sheets_as(engine, coordinator, workbook(tmp_path / "t.xlsx"))  # T2 is Poltava's
    assert {k: v for k, v in table_state(engine).items() if k != "auditlog"} == before
