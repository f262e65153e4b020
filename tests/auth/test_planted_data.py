"""Planted personal data: an export with names, phone numbers and e-mails (in the instrument's declared
personal questions and in extra columns a monitor added) is imported; afterwards none of it is anywhere
in the database — the SQLite file and its WAL byte by byte, every row of every PostgreSQL table — nor in
the logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from auth_kit import OTHER, OWN, PASSWORD, rows_in, write_export
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

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


PLANTED = _forms(NAMES + PHONES + EXTRA_PHONES + EMAILS)


def _planted_file(folder: Path) -> Path:
    rows = rows_in(OTHER) + rows_in(OWN) + rows_in(OWN, spending="not a number")
    for i, row in enumerate(rows):
        row["respondent_name"] = NAMES[i % 2]
        row["respondent_phone"] = PHONES[i % 2]
    return write_export(folder / "officials-with-contacts.csv", rows, extra_columns={
        "Контактний телефон": EXTRA_PHONES, "E-mail": EMAILS, "Примітка інтерв'юера": [f"дзвонити {PHONES[0]}"],
    })


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
    assert report.status == "imported" and report.accepted == 5 and report.rejected == 1, report.to_dict()
    assert {"Контактний телефон", "E-mail"} <= set(report.dropped_columns)
    # The answers that were kept are really there (the test is not passing on an empty database).
    assert len(guard.read_responses(engine, admin, "hromada-officials")) == 5
    assert audit.entries(engine, 5)

    stored = _database_text(db_url, engine)
    assert "hromada-officials" in stored and "ct_focal_person" in stored and "Полтавська" in stored
    leaked = [value for value in PLANTED if value in stored]
    assert not leaked, f"personal data in the database: {leaked}"

    logged = caplog.text + "\n".join(repr(r.args) + str(r.msg) for r in caplog.records)
    leaked = [value for value in PLANTED if value in logged]
    assert not leaked, f"personal data in the logs: {leaked}"
