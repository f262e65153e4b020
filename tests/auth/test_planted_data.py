"""Planted personal data: an export with names, phone numbers, e-mails and document numbers (in the
instrument's declared personal questions, in extra columns a monitor added, inside free-text answers,
in a numeric answer, and in the file's own name) is imported; afterwards none of it is anywhere in the
database — the SQLite file and its WAL byte by byte, every row of every PostgreSQL table — nor in the
logs, nor in the exports (rejected-rows CSV, raw-response export). A survivor export's free text is not
stored at all and its respondent codes only as keyed hashes."""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import pytest
from auth_kit import OTHER, OWN, PASSWORD, rows_in, write_export
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from monitor import redact
from monitor.auth import accounts, audit, guard
from monitor.framework.loader import framework_or_raise
from monitor.store import db as store_db

ROOT = Path(__file__).resolve().parents[2]
NAMES = ["Залізняк Мирослава Тарасівна", "Ґудзь Остап Євгенович"]
PHONES = ["+380 97 555 12 34", "+380931234987"]
EXTRA_PHONES = ["067 404 55 66", "(050) 918-27-36"]
EMAILS = ["myroslava.planted@example.org", "ostap_planted@ukr.net"]


def _forms(values: list[str]) -> list[str]:
    """Each planted value as written, and phone numbers also as bare digits."""
    out = list(values)
    for value in values:
        digits = "".join(ch for ch in value if ch.isdigit())
        if len(digits) >= 9:
            out.append(digits[-9:])  # the subscriber part, whatever prefix or spacing
    return out


DOCUMENTS = ["КВ 123456", "004512398", "3012345678", "FE123456"]  # passport, ID card, РНОКПП, passport
FREE_TEXT = (f"ГО «Ла Страда», контакт: {NAMES[0]}, {PHONES[0]}, {EMAILS[0]}; "
             f"паспорт {DOCUMENTS[0]}, картка {DOCUMENTS[1]}, РНОКПП {DOCUMENTS[2]}, закордонний {DOCUMENTS[3]}")
FILE_NAME = f"{NAMES[1]} {PHONES[1]} {EMAILS[1]}.csv"
PHONE_IN_NUMBER = "0674045566"
SURVIVOR_CODES = ["SV-PLANTED-7Q", "SV-PLANTED-8R"]
SURVIVOR_TEXT = f"записала {NAMES[1]}, тел. {EXTRA_PHONES[1]}"

PLANTED = _forms(NAMES + PHONES + EXTRA_PHONES + EMAILS + DOCUMENTS + [PHONE_IN_NUMBER]) + SURVIVOR_CODES


def _planted_file(folder: Path) -> Path:
    rows = rows_in(OTHER) + rows_in(OWN) + rows_in(OWN, spending="not a number") + rows_in(OWN, PHONE_IN_NUMBER)
    for i, row in enumerate(rows):
        row["respondent_name"] = NAMES[i % 2]
        row["respondent_phone"] = PHONES[i % 2]
        row["interviewer_org"] = FREE_TEXT
    return write_export(folder / FILE_NAME, rows, extra_columns={
        "Контактний телефон": EXTRA_PHONES, "E-mail": EMAILS, "Примітка інтерв'юера": [f"дзвонити {PHONES[0]}"],
    })


def _survivor_file(folder: Path) -> Path:
    source = ROOT / "tests" / "fixtures" / "exports" / "good" / "survivors_kobo-xml-single.csv"
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        header, rows = list(reader.fieldnames or []), [r for r in reader if r["consent"] == "yes"][:2]
    for n, (row, code) in enumerate(zip(rows, SURVIVOR_CODES, strict=True)):
        row["respondent_code"], row["interviewer_org"] = code, SURVIVOR_TEXT
        row["_uuid"] = f"uuid-planted-{n}"
    path = folder / "survivors-planted.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, delimiter=";", quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _database_text(url: str, engine) -> str:  # type: ignore[no-untyped-def]
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        database = Path(make_url(url).database or "")
        blobs = [p.read_bytes() for p in sorted(database.parent.glob(database.name + "*"))]  # file, -shm, -wal
        assert database.stat().st_size > 0
        return "\n".join(b.decode("utf-8", errors="replace") for b in blobs) + "\n".join(
            b.decode("utf-16-le", errors="replace") for b in blobs)
    parts = []
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            parts.extend(conn.execute(text(f'SELECT t::text FROM "{table}" t')).scalars().all())  # noqa: S608
    return "\n".join(parts)


def test_planted_personal_data_is_nowhere(db_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    engine = store_db.connect(db_url)
    admin = accounts.add_user(engine, None, "admin", "admin", PASSWORD)
    framework = framework_or_raise(ROOT)
    path = _planted_file(tmp_path)
    raw = path.read_text(encoding="utf-8")
    assert all(value in raw for value in NAMES + PHONES + EXTRA_PHONES + EMAILS)  # the file really carries them

    report = guard.import_as(engine, framework, admin, "hromada-officials", path)
    assert report.status == "imported" and report.accepted == 5 and report.rejected == 2, report.to_dict()
    assert {"Контактний телефон", "E-mail"} <= set(report.dropped_columns)
    # The phone typed as a number was refused, saying why, in both languages.
    phone_row = next(r for r in report.rejected_rows if r["code"] == "ingest-phone-in-number")
    assert phone_row["value"] is None and "phone" in phone_row["message_en"] and "телефону" in phone_row["message_uk"]
    # The answers that were kept are really there (the test is not passing on an empty database),
    # with their free text minus the personal data.
    raw = guard.read_responses(engine, admin, "hromada-officials")
    assert len(raw) == 5
    assert set(raw["answer.interviewer_org"]) == {redact.text(FREE_TEXT)}
    assert "ГО «Ла Страда», контакт:" in redact.text(FREE_TEXT)
    survivors = guard.import_as(engine, framework, admin, "survivors", _survivor_file(tmp_path))
    assert survivors.status == "imported" and survivors.accepted == 2, survivors.to_dict()
    stored_survivors = guard.read_responses(engine, admin, "survivors")
    assert "answer.interviewer_org" not in stored_survivors  # survivor free text: not stored at all
    assert stored_survivors["answer.respondent_code"].str.fullmatch(r"k:[0-9a-f]{32}").all()
    assert audit.entries(engine, 5)

    stored = _database_text(db_url, engine)
    assert "hromada-officials" in stored and "ct_focal_person" in stored and "Полтавська" in stored
    leaked = [value for value in PLANTED if value in stored]
    assert not leaked, f"personal data in the database: {leaked}"

    logged = caplog.text + "\n".join(repr(r.args) + str(r.msg) for r in caplog.records)
    leaked = [value for value in PLANTED if value in logged]
    assert not leaked, f"personal data in the logs: {leaked}"

    exported = report.write_rejected_csv(tmp_path / "rejected.csv").read_text(encoding="utf-8")
    exported += raw.to_csv() + stored_survivors.to_csv() + report.to_json()
    assert "not a number" in exported  # the rejected value that is no personal data is kept for fixing
    leaked = [value for value in PLANTED if value in exported]
    assert not leaked, f"personal data in the exports: {leaked}"
