"""Write answer frames as the files real tools export, header for header.

Each writer mimics one tool's export as monitors download it:

* `kobo_xlsx_labels`: KoboToolbox XLSX, "labels" header style, select_multiple "both" (the labels
  joined by spaces plus one 0/1 column per choice named `<question label>/<choice label>`), meta
  columns `_id … _index`, each repeat on its own sheet with `_parent_index`.
* `kobo_csv_xml`: KoboToolbox CSV, XML names with group paths (`group/question`), `;`, every value
  quoted, select_multiple as space-separated codes and/or `question/choice` 0/1 columns.
* `odk_zip`: ODK Central "Download all": `<form>.csv` (`SubmissionDate` first, groups joined by `-`,
  `meta-instanceID`, `KEY`, Central's system columns) and `<form>-<repeat>.csv` with `PARENT_KEY`, `KEY`.
* `google_forms_csv`: Google Forms responses, question text as headers, `Позначка часу` / `Timestamp`,
  choice labels, several choices joined by ", ".
* `csv_cp1251`: what a monitor saves from Excel on Windows: cp1251, `;`, question names, dd.mm.yyyy,
  decimal commas, choice labels typed in Ukrainian.
* `plain_xlsx`: a hand-made workbook: question names, codes, real dates and numbers.

Input frames come from `synth_answers` (codes, Int64/Float64, datetime64, `_uuid`, `_submitted_at`).
Output is byte-for-byte deterministic for CSV and zip, and content-deterministic for XLSX (fixed
document dates, so in practice the bytes repeat too).
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from monitor.framework.models import Question, QuestionType, Survey

KOBO_META = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
             "__version__", "_tags", "_index"]
ODK_SYSTEM = ["SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status",
              "ReviewState", "DeviceID", "Edits", "FormVersion"]
FIXED_CREATED = datetime(2022, 12, 1, 9, 0, 0)  # document date of every workbook we write
ZIP_TIME = (2022, 12, 1, 9, 0, 0)
GOOGLE_TIMESTAMP = {"uk": "Позначка часу", "en": "Timestamp"}
# cp1251 has ’ but not the modifier letter apostrophe some sources use.
_CP1251_SAFE = str.maketrans({"ʼ": "’", "‘": "’"})


# --------------------------------------------------------------------------- value helpers


def _blank(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value


def _num(value: Any, decimal: str = ".") -> str:
    if _blank(value):
        return ""
    number = float(value)
    text = str(int(number)) if number.is_integer() else repr(number)
    return text.replace(".", decimal)


def _iso(value: Any) -> str:
    return "" if _blank(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _main(survey: Survey) -> list[Question]:
    return [q for q in survey.questions if q.type != QuestionType.repeat]


def _choice_label(survey: Survey, question: Question, code: str, lang: str) -> str:
    for choice in survey.choices_of(question):
        if choice.value == code:
            return choice.label.get(lang)
    return code


def _codes(value: Any) -> list[str]:
    return [] if _blank(value) else str(value).split()


def _kobo_id(survey: Survey) -> int:
    return 10_000_000 + zlib.crc32(survey.id.encode()) % 900_000 * 100


def _kobo_version(survey: Survey) -> str:
    return "v" + format(zlib.crc32(("version:" + survey.id).encode()), "08x") + "Kq3mZ"


def _kobo_meta(survey: Survey, frame: pd.DataFrame) -> list[list[Any]]:
    base = _kobo_id(survey)
    rows = []
    for i, (uid, submitted) in enumerate(zip(frame["_uuid"], frame["_submitted_at"], strict=True)):
        when = pd.Timestamp(submitted).strftime("%Y-%m-%dT%H:%M:%S")
        rows.append([base + i, uid, when, "", "", "submitted_via_web", "", _kobo_version(survey), "", i + 1])
    return rows


def _text(value: Any, question: Question) -> str:
    """A value as an export writes it in XML-name style (codes, ISO dates, plain numbers)."""
    if _blank(value):
        return ""
    if question.type == QuestionType.date:
        return _iso(value)
    if question.type in (QuestionType.integer, QuestionType.decimal):
        return _num(value)
    return str(value)


# --------------------------------------------------------------------------- KoboToolbox XLSX, labels


def _sheet_name(text: str) -> str:
    for bad in "[]:*?/\\":
        text = text.replace(bad, " ")
    return text[:31].strip() or "Sheet1"


def _label_columns(survey: Survey, questions: list[Question], frame: pd.DataFrame, lang: str,
                   ) -> tuple[list[str], list[list[Any]]]:
    """Kobo label-style columns: one per question, plus 0/1 columns after each select_multiple."""
    header: list[str] = []
    columns: list[list[Any]] = []
    for q in questions:
        label = q.label.get(lang)
        values = frame[q.name].tolist() if q.name in frame else [None] * len(frame)
        header.append(label)
        if q.type == QuestionType.select_one:
            columns.append(["" if _blank(v) else _choice_label(survey, q, str(v), lang) for v in values])
        elif q.type == QuestionType.select_multiple:
            columns.append([" ".join(_choice_label(survey, q, c, lang) for c in _codes(v)) for v in values])
            for choice in survey.choices_of(q):
                header.append(f"{label}/{choice.label.get(lang)}")
                columns.append(["" if _blank(v) else int(choice.value in _codes(v)) for v in values])
        elif q.type == QuestionType.date:
            columns.append([None if _blank(v) else pd.Timestamp(v).to_pydatetime() for v in values])
        elif q.type in (QuestionType.integer, QuestionType.decimal):
            columns.append([None if _blank(v) else (int(v) if q.type == QuestionType.integer else float(v))
                            for v in values])
        else:
            columns.append(["" if _blank(v) else str(v) for v in values])
    return header, columns


def _workbook(path: Path) -> xlsxwriter.Workbook:
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                           "strings_to_urls": False})
    book.set_properties({"created": FIXED_CREATED, "author": "", "title": ""})
    return book


def _write_sheet(book: xlsxwriter.Workbook, name: str, header: list[str], rows: Iterable[list[Any]]) -> None:
    sheet = book.add_worksheet(name)
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, datetime):
                sheet.write_datetime(r, c, value, date_format)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))


def kobo_xlsx_labels(path: Path | str, survey: Survey, frame: pd.DataFrame, lang: str = "uk",
                     children: dict[str, pd.DataFrame] | None = None) -> Path:
    path = Path(path)
    children = children if children is not None else frame.attrs.get("repeats", {})
    header, columns = _label_columns(survey, _main(survey), frame, lang)
    meta = _kobo_meta(survey, frame)
    main_name = _sheet_name(survey.title.get(lang))
    book = _workbook(path)
    rows = [[col[i] for col in columns] + meta[i] for i in range(len(frame))]
    _write_sheet(book, main_name, header + KOBO_META, rows)
    index_of = {uid: i for i, uid in enumerate(frame["_uuid"])}
    for repeat in survey.repeats():
        kids = children.get(repeat.name)
        if kids is None:
            continue
        kids = kids[kids["_parent_uuid"].isin(index_of)]
        kid_header, kid_columns = _label_columns(survey, repeat.questions, kids, lang)
        extra = ["_index", "_parent_table_name", "_parent_index"] + [f"_submission_{m}" for m in KOBO_META[:-1]]
        kid_rows = []
        for j, parent_uuid in enumerate(kids["_parent_uuid"]):
            parent = index_of[parent_uuid]
            kid_rows.append([col[j] for col in kid_columns] + [j + 1, main_name, parent + 1] + meta[parent][:-1])
        _write_sheet(book, _sheet_name(repeat.name), kid_header + extra, kid_rows)
    book.close()
    return path


# --------------------------------------------------------------------------- KoboToolbox CSV, XML names


def _xml_path(question: Question, sep: str = "/") -> str:
    return f"{question.group}{sep}{question.name}" if question.group else question.name


def kobo_csv_xml(path: Path | str, survey: Survey, frame: pd.DataFrame, select_multiple: str = "both") -> Path:
    if select_multiple not in {"separate", "single", "both"}:
        raise ValueError("select_multiple must be separate, single or both")
    header: list[str] = []
    columns: list[list[str]] = []
    for q in _main(survey):
        values = frame[q.name].tolist() if q.name in frame else [None] * len(frame)
        name = _xml_path(q)
        if q.type != QuestionType.select_multiple or select_multiple in {"single", "both"}:
            header.append(name)
            columns.append([_text(v, q) for v in values])
        if q.type == QuestionType.select_multiple and select_multiple in {"separate", "both"}:
            for choice in survey.choices_of(q):
                header.append(f"{name}/{choice.value}")
                columns.append(["" if _blank(v) else str(int(choice.value in _codes(v))) for v in values])
    meta = _kobo_meta(survey, frame)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header + KOBO_META)
    for i in range(len(frame)):
        writer.writerow([col[i] for col in columns] + [str(v) for v in meta[i]])
    path = Path(path)
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


# --------------------------------------------------------------------------- ODK Central zip


def _odk_key(uid: str) -> str:
    return f"uuid:{uid}"


def _odk_csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def odk_zip(path: Path | str, survey: Survey, frame: pd.DataFrame,
            children: dict[str, pd.DataFrame] | None = None) -> Path:
    children = children if children is not None else frame.attrs.get("repeats", {})
    questions = _main(survey)
    header = ["SubmissionDate"] + [_xml_path(q, "-") for q in questions] + ["meta-instanceID", "KEY"] + ODK_SYSTEM
    rows = []
    for i in range(len(frame)):
        record = frame.iloc[i]
        key = _odk_key(record["_uuid"])
        submitted = pd.Timestamp(record["_submitted_at"]).strftime("%Y-%m-%dT%H:%M:%S.") + f"{i * 37 % 1000:03d}Z"
        answers = [_text(record[q.name] if q.name in frame else None, q) for q in questions]
        system = ["5", "monitor-app", "0", "0", "", "", f"collect:device{i % 7 + 1}", "0", "2021090101"]
        rows.append([submitted, *answers, key, key, *system])
    files = {f"{survey.id}.csv": _odk_csv(header, rows)}
    for repeat in survey.repeats():
        kids = children.get(repeat.name)
        if kids is None:
            continue
        kid_header = [q.name for q in repeat.questions] + ["PARENT_KEY", "KEY"]
        kid_rows = []
        for j in range(len(kids)):
            record = kids.iloc[j]
            parent = _odk_key(record["_parent_uuid"])
            kid_rows.append([_text(record[q.name], q) for q in repeat.questions]
                            + [parent, f"{parent}/{repeat.name}[{int(record['_position'])}]"])
        files[f"{survey.id}-{repeat.name}.csv"] = _odk_csv(kid_header, kid_rows)
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return path


# --------------------------------------------------------------------------- Google Forms CSV


def google_forms_csv(path: Path | str, survey: Survey, frame: pd.DataFrame, lang: str = "uk") -> Path:
    questions = _main(survey)
    header = [GOOGLE_TIMESTAMP.get(lang, "Timestamp")] + [q.label.get(lang) for q in questions]
    rows = []
    for i in range(len(frame)):
        record = frame.iloc[i]
        stamp = pd.Timestamp(record["_submitted_at"])
        row = [stamp.strftime("%d.%m.%Y %H:%M:%S") if lang == "uk" else stamp.strftime("%Y/%m/%d %-I:%M:%S %p") + " GMT+2"]
        for q in questions:
            value = record[q.name] if q.name in frame else None
            if _blank(value):
                row.append("")
            elif q.type == QuestionType.select_one:
                row.append(_choice_label(survey, q, str(value), lang))
            elif q.type == QuestionType.select_multiple:
                row.append(", ".join(_choice_label(survey, q, c, lang) for c in _codes(value)))
            elif q.type == QuestionType.date:
                row.append(pd.Timestamp(value).strftime("%d.%m.%Y" if lang == "uk" else "%Y-%m-%d"))
            else:
                row.append(_text(value, q))
        rows.append(row)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path = Path(path)
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


# --------------------------------------------------------------------------- Excel on Windows, cp1251


def csv_cp1251(path: Path | str, survey: Survey, frame: pd.DataFrame) -> Path:
    questions = _main(survey)
    rows = []
    for i in range(len(frame)):
        record = frame.iloc[i]
        row = []
        for q in questions:
            value = record[q.name] if q.name in frame else None
            if _blank(value):
                row.append("")
            elif q.type == QuestionType.select_one:
                row.append(_choice_label(survey, q, str(value), "uk"))
            elif q.type == QuestionType.date:
                row.append(pd.Timestamp(value).strftime("%d.%m.%Y"))
            elif q.type in (QuestionType.integer, QuestionType.decimal):
                row.append(_num(value, ","))
            else:
                row.append(str(value))
        rows.append(row)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([q.name for q in questions])
    writer.writerows(rows)
    path = Path(path)
    path.write_bytes(buffer.getvalue().translate(_CP1251_SAFE).encode("cp1251", errors="replace"))
    return path


# --------------------------------------------------------------------------- plain XLSX


def plain_xlsx(path: Path | str, survey: Survey, frame: pd.DataFrame) -> Path:
    questions = _main(survey)
    rows = []
    for i in range(len(frame)):
        record = frame.iloc[i]
        row: list[Any] = []
        for q in questions:
            value = record[q.name] if q.name in frame else None
            if _blank(value):
                row.append(None)
            elif q.type == QuestionType.date:
                row.append(pd.Timestamp(value).to_pydatetime())
            elif q.type == QuestionType.integer:
                row.append(int(value))
            elif q.type == QuestionType.decimal:
                row.append(float(value))
            else:
                row.append(str(value))
        rows.append(row)
    path = Path(path)
    book = _workbook(path)
    _write_sheet(book, "Аркуш1", [q.name for q in questions], rows)
    book.close()
    return path


# Name → writer, with the file extension each one produces (fixtures and the demo iterate over these).
WRITERS: dict[str, tuple[str, Any]] = {
    "kobo-labels": ("xlsx", kobo_xlsx_labels),
    "kobo-xml": ("csv", kobo_csv_xml),
    "odk": ("zip", odk_zip),
    "google-forms": ("csv", google_forms_csv),
    "cp1251": ("csv", csv_cp1251),
    "plain": ("xlsx", plain_xlsx),
}


def write(fmt: str, path: Path | str, survey: Survey, frame: pd.DataFrame, **options: Any) -> Path:
    """Write `frame` in the export format named `fmt` (a key of WRITERS)."""
    _, writer = WRITERS[fmt]
    return writer(path, survey, frame, **options)
