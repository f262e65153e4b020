"""Readers: every container, encoding, delimiter and tool style becomes the same RawTable of text."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
from ingest_kit import write_xlsx
from openpyxl import Workbook

from monitor.errors import MonitorError
from monitor.ingest.readers import read_export
from monitor.ingest.readers.text import sniff_delimiter
from monitor.ingest.readers.xlsx import cell_text

ROWS = [{"id": "007", "hromada": "Кам’янська", "spending": "12,5"}, {"id": "010", "hromada": "Полтавська", "spending": ""}]


@pytest.mark.parametrize(
    ("encoding", "sep", "expected_encoding"),
    [
        ("utf-8", ",", "utf-8"),
        ("utf-8-sig", ",", "utf-8-sig"),
        ("cp1251", ",", "cp1251"),
        ("utf-8", ";", "utf-8"),
        ("cp1251", ";", "cp1251"),
        ("utf-8-sig", "\t", "utf-8-sig"),
        ("cp1251", "\t", "cp1251"),
    ],
)
def test_csv_encodings_and_delimiters_are_detected(tmp_path: Path, encoding: str, sep: str, expected_encoding: str) -> None:
    path = tmp_path / "export.csv"
    pd.DataFrame(ROWS).to_csv(path, sep=sep, index=False, encoding=encoding)
    table = read_export(path)
    assert table.columns == ["id", "hromada", "spending"]
    assert table.encoding == expected_encoding
    assert table.delimiter == sep
    assert table.format == "csv"
    assert table.rows[0].tolist() == ["007", "010"]  # leading zeros survive
    assert table.rows[1].tolist() == ["Кам’янська", "Полтавська"]
    assert table.rows[2].tolist() == ["12,5", ""]  # a decimal comma inside a comma-separated file (quoted)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1,5;2;3\n", ";"),
        ("a\tb\n1,2\t3\n", "\t"),
        ('"x, y";b\n"1, 2";3\n', ";"),
        ("single\nvalue\n", ","),
    ],
)
def test_sniff_delimiter(text: str, expected: str) -> None:
    assert sniff_delimiter(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (7.0, "7"),
        (12.5, "12.5"),
        (44634.0, "44634"),
        (dt.datetime(2022, 3, 14), "2022-03-14"),
        (dt.datetime(2022, 3, 14, 10, 15), "2022-03-14T10:15:00"),
        (dt.date(2022, 3, 14), "2022-03-14"),
        (True, "1"),
        ("", ""),
        ("007", "007"),
        (None, ""),
    ],
)
def test_xlsx_cells_become_the_text_a_user_sees(value: object, expected: str) -> None:
    assert cell_text(value) == expected


def test_xlsx_typed_cells(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["id", "date", "count", "spending"])
    sheet.append(["007", dt.datetime(2022, 3, 14), 3, 12.5])
    sheet.append(["010", "14.03.2022", 4.0, 7500])
    sheet.append([None, None, None, None])  # a blank row in the middle is layout
    sheet.append(["011", 44634, 5, 1])
    path = tmp_path / "typed.xlsx"
    book.save(path)
    table = read_export(path)
    assert table.format == "xlsx"
    assert table.columns == ["id", "date", "count", "spending"]
    assert table.rows[0].tolist() == ["007", "010", "011"]
    assert table.rows[1].tolist() == ["2022-03-14", "14.03.2022", "44634"]
    assert table.rows[2].tolist() == ["3", "4", "5"]
    assert table.rows[3].tolist() == ["12.5", "7500", "1"]
    assert table.row_numbers().tolist() == [2, 3, 5]  # rows keep the numbers Excel shows


def test_xlsx_formulas_are_never_evaluated(tmp_path: Path) -> None:
    path = tmp_path / "formulas.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("data")
    sheet.write_row(0, 0, ["id", "note", "count"])
    sheet.write_row(1, 0, ["1", "ok"])
    sheet.write_string(2, 1, "=HYPERLINK(\"http://x\")")  # text that looks like a formula
    sheet.write_string(2, 0, "2")
    sheet.write_formula(1, 2, "=1+1", None, 7)  # a real formula: Excel's cached value is what counts
    sheet.write_formula(2, 2, "=1+1", None, 7)
    book.close()
    table = read_export(path)
    assert table.rows[1].tolist() == ["ok", "=HYPERLINK(\"http://x\")"]
    assert table.rows[2].tolist() == ["7", "7"]  # cached, not computed (1+1 would be 2)
    assert table.formula_cells == ["C2", "B3", "C3"]  # real formulas and formula-looking text, row by row


def test_kobo_xlsx_with_repeat_sheet(tmp_path: Path) -> None:
    main = pd.DataFrame({"wave": ["2022", "2022"], "_uuid": ["u1", "u2"], "_index": [1, 2]})
    repeat = pd.DataFrame({"help_type": ["medical", "legal", "shelter"], "_parent_index": [1, 1, 2],
                           "_parent_table_name": ["cases", "cases", "cases"]})
    path = write_xlsx(tmp_path / "kobo.xlsx", {"cases": main, "helps": repeat})
    table = read_export(path)
    assert table.format == "kobo-xlsx"
    assert table.key_column == "_index"
    assert list(table.children) == ["helps"]
    child = table.children["helps"]
    assert child.parent_key_column == "_parent_index"
    assert child.column("_parent_index").tolist() == ["1", "1", "2"]


def test_odk_central_zip_main_and_repeat(tmp_path: Path) -> None:
    path = tmp_path / "cases.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("cases.csv", "SubmissionDate,wave,meta-instanceID,KEY\n2022-03-14T10:00:00.000Z,2022,uuid:a,uuid:a\n")
        archive.writestr("cases-helps.csv", "help_type,PARENT_KEY,KEY\nmedical,uuid:a,uuid:a/helps[1]\n")
        archive.writestr("media/photo.jpg", b"\xff\xd8\xff")
    table = read_export(path)
    assert table.format == "odk-zip"
    assert table.key_column == "KEY"
    assert list(table.children) == ["helps"]
    assert table.children["helps"].parent_key_column == "PARENT_KEY"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Timestamp,Хвиля\n", "google-forms-csv"),
        ("Позначка часу,Хвиля\n", "google-forms-csv"),
        ("start;end;wave;_id;_uuid;_submission_time;_index\n", "kobo-csv"),
        ("SubmissionDate,wave,meta-instanceID,KEY\n", "odk-csv"),
        ("wave,hromada\n", "csv"),
    ],
)
def test_flavour_from_header(tmp_path: Path, header: str, expected: str) -> None:
    path = tmp_path / "x.csv"
    columns = len(header.replace(";", ",").split(","))
    sep = ";" if ";" in header else ","
    path.write_text(header + sep.join(["v"] * columns) + "\n", encoding="utf-8")
    assert read_export(path).format == expected


def test_content_not_extension_decides(tmp_path: Path) -> None:
    csv_named_xlsx = tmp_path / "really-a.xlsx"
    csv_named_xlsx.write_text("wave,hromada\n2022,x\n", encoding="utf-8")
    assert read_export(csv_named_xlsx).format == "csv"
    xlsx_named_csv = write_xlsx(tmp_path / "book.xlsx", {"s": pd.DataFrame({"wave": ["2022"]})})
    renamed = xlsx_named_csv.rename(tmp_path / "book.csv")
    assert read_export(renamed).format == "xlsx"


def test_mixed_encodings_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes("a,b\nКиїв,1\n".encode() + "Полтава,2\n".encode("cp1251"))
    with pytest.raises(MonitorError) as caught:
        read_export(path)
    assert caught.value.issues[0].code == "ingest-encoding"
    assert caught.value.issues[0].params["line_no"] == 3
