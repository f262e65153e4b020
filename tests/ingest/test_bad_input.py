"""Broken files: each is refused with a clear bilingual message, never a traceback, and no table changes."""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from ingest_kit import make_framework, official_rows, table_state, write_csv, write_xlsx
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from monitor.cli.app import app
from monitor.framework.models import Framework
from monitor.ingest.pipeline import import_file
from monitor.store.db import connect


@pytest.fixture(scope="module")
def framework(tmp_path_factory: pytest.TempPathFactory) -> Framework:
    return make_framework(tmp_path_factory.mktemp("fw"))


@pytest.fixture
def engine(db_url: str, framework: Framework, tmp_path: Path) -> Iterator[Engine]:
    engine = connect(db_url)
    # Some data already there: a refused file must leave it exactly as it was.
    seeded = import_file(engine, framework, "officials", write_csv(tmp_path / "seed.csv", official_rows(3, start=50)))
    assert seeded.status == "imported"
    yield engine


def good_frame(n: int = 3) -> pd.DataFrame:
    return pd.DataFrame(official_rows(n))


def good_xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        good_frame().to_excel(writer, index=False)
    return buffer.getvalue()


def empty(p: Path) -> Path:
    p.write_bytes(b"")
    return p


def blank_lines(p: Path) -> Path:
    p.write_bytes(b"\xef\xbb\xbf\r\n  \r\n\t\n")
    return p


def header_only_csv(p: Path) -> Path:
    p.write_text(",".join(good_frame().columns) + "\n", encoding="utf-8")
    return p


def header_only_xlsx(p: Path) -> Path:
    return write_xlsx(p.with_suffix(".xlsx"), {"data": good_frame().iloc[:0]})


def truncated_xlsx(p: Path) -> Path:
    data = good_xlsx_bytes()
    out = p.with_suffix(".xlsx")
    out.write_bytes(data[: len(data) // 2])
    return out


def garbage(p: Path) -> Path:
    p.write_bytes(random.Random(1).randbytes(20_000))
    return p


def high_bytes(p: Path) -> Path:
    rng = random.Random(2)
    p.write_bytes(bytes(rng.choice(range(0x80, 0x100)) for _ in range(5000)))
    return p


def undefined_cp1251(p: Path) -> Path:
    rows = good_frame()
    rows["comment"] = "Коментар"
    data = rows.to_csv(index=False).encode("cp1251")
    p.write_bytes(data.replace("Коментар".encode("cp1251"), b"\x98", 1))  # 0x98 has no character in cp1251
    return p


def mixed_encodings(p: Path) -> Path:
    rows = good_frame(4)
    text = rows.to_csv(index=False)
    lines = text.splitlines(keepends=True)
    p.write_bytes("".join(lines[:3]).encode("utf-8") + "".join(lines[3:]).encode("cp1251"))
    return p


def another_instrument(p: Path) -> Path:
    return write_csv(p, pd.DataFrame({"wave": ["2022"], "oblast": ["Кіровоградська"], "date": ["2022-05-01"],
                                      "consent": ["yes"], "age_group": ["adult"], "rating": ["4"]}))


def unrelated(p: Path) -> Path:
    return write_csv(p, pd.DataFrame({"product": ["tea"], "price": ["12"], "qty": ["3"]}))


def duplicated_columns(p: Path) -> Path:
    rows = good_frame()
    rows["Чи визначено відповідальну особу?"] = rows["focal_person"]
    return write_csv(p, rows)


def missing_required_column(p: Path) -> Path:
    return write_csv(p, good_frame().drop(columns=["focal_person"]))


def formula_cells(p: Path) -> Path:
    out = p.with_suffix(".xlsx")
    rows = good_frame()
    import xlsxwriter

    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, list(rows.columns))
    spending = list(rows.columns).index("spending")
    for r, values in enumerate(rows.itertuples(index=False), start=1):
        sheet.write_row(r, 0, [str(v) for v in values])
        sheet.write_string(r, spending, f"=B{r + 1}*1000")  # formulas typed as text: never run, never numbers
    book.close()
    return out


def huge_cell(p: Path) -> Path:
    rows = good_frame(1)
    rows["comment"] = "ж" * 10_000_000
    return write_csv(p, rows)


def long_answer(p: Path) -> Path:
    rows = good_frame(1)
    rows["comment"] = "ж" * 20_000  # within a spreadsheet cell's limit, beyond what an answer may hold
    return write_csv(p, rows)


def not_odk_zip(p: Path) -> Path:
    out = p.with_suffix(".zip")
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
        archive.writestr("photo.jpg", b"\xff\xd8\xff\xe0")
    return out


def zip_of_repeats_only(p: Path) -> Path:
    out = p.with_suffix(".zip")
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("form-helps.csv", "help_type,PARENT_KEY,KEY\nlegal,uuid:a,uuid:a/helps[1]\n")
    return out


def pdf_named_csv(p: Path) -> Path:
    p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    return p


def docx_named_xlsx(p: Path) -> Path:
    out = p.with_suffix(".xlsx")
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out


def old_xls(p: Path) -> Path:
    out = p.with_suffix(".xls")
    out.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000))
    return out


def all_rows_invalid(p: Path) -> Path:
    rows = good_frame()
    rows["spending"] = "-1"
    rows["date"] = "вчора"
    return write_csv(p, rows)


def unknown_territory(p: Path) -> Path:
    rows = good_frame()
    rows["hromada"] = "Атлантида"
    return write_csv(p, rows)


def all_consent_no(p: Path) -> Path:
    rows = good_frame()
    rows["consent"] = "ні"
    return write_csv(p, rows)


def ragged_rows(p: Path) -> Path:
    p.write_text("wave,hromada,date\n2022,x,2022-01-01\n2022,y,2022-01-01,extra,fields\n", encoding="utf-8")
    return p


def unclosed_quote(p: Path) -> Path:
    header = ",".join(good_frame().columns)
    p.write_text(header + '\n2022,"Кіровоградська,UA35020010000028961\n', encoding="utf-8")
    return p


def blank_header(p: Path) -> Path:
    p.write_text(",,,\n1,2,3,4\n", encoding="utf-8")
    return p


def empty_workbook(p: Path) -> Path:
    return write_xlsx(p.with_suffix(".xlsx"), {"empty": pd.DataFrame()})


def missing_file(p: Path) -> Path:
    return p.with_name("does-not-exist.csv")


CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "empty file": (empty, "ingest-empty-file"),
    "only blank lines": (blank_lines, "ingest-empty-file"),
    "header only (csv)": (header_only_csv, "ingest-header-only"),
    "header only (xlsx)": (header_only_xlsx, "ingest-header-only"),
    "truncated xlsx": (truncated_xlsx, "ingest-xlsx-corrupt"),
    "binary garbage": (garbage, "ingest-unreadable"),
    "random high bytes": (high_bytes, "ingest-encoding"),
    "byte undefined in cp1251": (undefined_cp1251, "ingest-encoding"),
    "mixed encodings": (mixed_encodings, "ingest-encoding"),
    "another instrument's export": (another_instrument, "ingest-wrong-instrument"),
    "unrelated spreadsheet": (unrelated, "ingest-not-this-instrument"),
    "duplicated columns": (duplicated_columns, "ingest-duplicate-columns"),
    "required column missing": (missing_required_column, "ingest-missing-required-column"),
    "formula cells": (formula_cells, "ingest-nothing-acceptable"),
    "10 MB cell": (huge_cell, "ingest-too-big"),
    "20,000-character answer": (long_answer, "ingest-nothing-acceptable"),
    "zip that is not ODK": (not_odk_zip, "ingest-zip-not-odk"),
    "zip of repeat files only": (zip_of_repeats_only, "ingest-zip-not-odk"),
    "PDF named .csv": (pdf_named_csv, "ingest-unsupported-format"),
    "Word file named .xlsx": (docx_named_xlsx, "ingest-unsupported-format"),
    "old .xls": (old_xls, "ingest-unsupported-format"),
    "all rows invalid": (all_rows_invalid, "ingest-nothing-acceptable"),
    "unknown territory": (unknown_territory, "ingest-nothing-acceptable"),
    "every row without consent": (all_consent_no, "ingest-nothing-acceptable"),
    "ragged rows": (ragged_rows, "ingest-unreadable"),
    "unclosed quote": (unclosed_quote, "ingest-unreadable"),
    "blank header": (blank_header, "ingest-no-header"),
    "workbook without data": (empty_workbook, "ingest-empty-file"),
    "file does not exist": (missing_file, "ingest-file-not-found"),
}
# What the rejected rows must say, where the refusal is about rows rather than the file.
ROW_CODES = {
    "formula cells": {"ingest-not-number"},
    "20,000-character answer": {"ingest-value-too-long"},
    "all rows invalid": {"ingest-constraint", "ingest-not-date"},
    "unknown territory": {"territory-unknown"},
}


@pytest.mark.parametrize("case", list(CASES))
def test_broken_file_is_refused_and_nothing_changes(engine: Engine, framework: Framework, tmp_path: Path,
                                                    case: str) -> None:
    make, code = CASES[case]
    path = make(tmp_path / "broken.csv")
    before = table_state(engine)
    report = import_file(engine, framework, "officials", path)
    assert report.status == "refused"
    assert report.batch is None and report.accepted == 0
    errors = report.errors
    assert [e.code for e in errors] == [code], [e.message_en for e in errors]
    assert errors[0].message_en and errors[0].message_uk and errors[0].message_en != errors[0].message_uk
    assert "{" not in errors[0].message_en + errors[0].message_uk  # every template parameter filled
    if case in ROW_CODES:
        assert {r["code"] for r in report.rejected_rows} == ROW_CODES[case]
    if case == "formula cells":
        assert any(i.code == "ingest-formula-cells" for i in report.warnings)
    if case == "another instrument's export":
        assert "'cases'" in errors[0].message_en
    assert table_state(engine) == before


def test_cases_are_distinct_and_enough() -> None:
    assert len(CASES) >= 20
    assert len({make for make, _ in CASES.values()}) == len(CASES)


@pytest.mark.parametrize("case", ["binary garbage", "truncated xlsx", "another instrument's export", "10 MB cell",
                                  "mixed encodings", "all rows invalid"])
def test_cli_shows_codes_in_both_languages_and_exits_1(db_url: str, framework: Framework, tmp_path: Path,
                                                         case: str) -> None:
    from monitor.cli import _register

    _register()
    make, code = CASES[case]
    path = make(tmp_path / "broken.csv")
    engine = connect(db_url)
    before = table_state(engine)
    result = CliRunner().invoke(app, ["import", "officials", str(path), "--db", db_url, "--framework", framework.root])
    assert result.exit_code == 1
    assert code in result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert table_state(engine) == before


def test_unknown_survey_is_refused(engine: Engine, framework: Framework, tmp_path: Path) -> None:
    report = import_file(engine, framework, "nope", write_csv(tmp_path / "a.csv", good_frame()))
    assert report.status == "refused"
    assert report.errors[0].code == "ingest-unknown-survey"
    assert "officials" in report.errors[0].message_en
