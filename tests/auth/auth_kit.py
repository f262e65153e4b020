"""A real database with one user per role, real imports (through the real pipeline) in two oblasts,
rejected rows, and helpers to read the audit log.

Coordinator and monitor work in Poltava (UA53); the 'other' oblast in the tests is Kirovohrad (UA35).
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from monitor.auth import accounts, audit
from monitor.auth.models import AuditLog, User
from monitor.framework.loader import framework_or_raise
from monitor.framework.models import Framework
from monitor.ingest.pipeline import import_file
from monitor.store import db as store_db

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "exports" / "good" / "hromada-officials_kobo-xml-single.csv"
OWN = "UA53000000000028050"  # Полтавська
OTHER = "UA35000000000016081"  # Кіровоградська
PASSWORD = "correct horse battery staple"
_ids = itertools.count(90000000)


def fixture_rows() -> tuple[list[str], list[dict[str, str]]]:
    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        return list(reader.fieldnames or []), list(reader)


def write_export(path: Path, rows: list[dict[str, str]], extra_columns: dict[str, list[str]] | None = None) -> Path:
    """A Kobo-style export of `rows` (fresh submission ids, so no row counts as a duplicate)."""
    header, _ = fixture_rows()
    extra_columns = extra_columns or {}
    header = header + list(extra_columns)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, delimiter=";", quoting=csv.QUOTE_ALL)
        writer.writeheader()
        for i, row in enumerate(rows):
            out = {**row, "_id": str(next(_ids)), "_uuid": f"uuid-{next(_ids)}"}
            for column, values in extra_columns.items():
                out[column] = values[i % len(values)]
            writer.writerow(out)
    return path


# Places set explicitly (KATOTTG codes), so the tests do not depend on which rows the fixture holds.
PLACES = {
    OWN: [("UA53020000000034761", "UA53020010000035494")],  # Лубенський / Глобинська
    OTHER: [("UA35020000000074289", h) for h in ("UA35020010000028961", "UA35020030000022644",
                                                  "UA35020050000014205")]
    + [("UA35040000000034705", "UA35040010000022631")],
}


def rows_in(oblast: str, spending: str | None = None) -> list[dict[str, str]]:
    """Answer rows (the fixture's first consenting row as a template) located in `oblast`'s hromadas."""
    _, rows = fixture_rows()
    template = next(r for r in rows if r.get("consent") == "yes")
    picked = []
    for raion, hromada in PLACES[oblast]:
        row = dict(template, oblast=oblast, raion=raion, hromada=hromada)
        row["funding/ct_spending"] = spending if spending is not None else str(1000 + next(_ids) % 997)
        picked.append(row)
    return picked


@dataclass
class World:
    url: str
    engine: Engine
    framework: Framework
    users: dict[str, User]
    batch_own: int
    batch_other: int
    folder: Path

    def user(self, role: str) -> User:
        return self.users[role]


def build_world(url: str, folder: Path) -> World:
    engine = store_db.connect(url)
    fw = framework_or_raise(ROOT)
    users = {
        "admin": accounts.add_user(engine, None, "admin", "admin", PASSWORD),
        "coordinator": accounts.add_user(engine, None, "coord53", "coordinator", PASSWORD, [OWN]),
        "monitor": accounts.add_user(engine, None, "monitor53", "monitor", PASSWORD, [OWN]),
        "viewer": accounts.add_user(engine, None, "donor", "viewer", PASSWORD),
    }
    batches = []
    for oblast in (OWN, OTHER):
        # One row whose spending is not a number, so every batch has rejected rows.
        rows = rows_in(oblast) + rows_in(oblast, spending="=HYPERLINK(\"http://x\",\"y\")")[:1]
        path = write_export(folder / f"seed-{oblast}.csv", rows)
        report = import_file(engine, fw, "hromada-officials", path, imported_by="admin")
        assert report.status == "imported" and report.rejected == 1, report.to_dict()
        batches.append(report.batch)
    return World(url, engine, fw, users, batches[0], batches[1], folder)


def audit_count(engine: Engine) -> int:
    # A count, not len(audit.entries(...)): the session's world collects thousands of entries.
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(AuditLog)).scalar_one())


def last_entry(engine: Engine) -> AuditLog:
    return audit.entries(engine, 1)[0]


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("auth-world")
    url = f"sqlite:///{folder}/world.db"
    yield build_world(url, folder)
    store_db.close(url)


@pytest.fixture
def fresh_world(db_url: str, tmp_path: Path) -> World:
    """The same world on a fresh database of each backend (for database-side behaviour)."""
    return build_world(db_url, tmp_path)


@pytest.fixture
def production_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """The production argon2 parameters instead of the suite's cheap ones (tests/conftest.py), for a test
    whose point is what a hash costs: with the cheap profile a skipped hash would be too quick to notice."""
    from argon2 import PasswordHasher

    from monitor.auth import passwords

    hasher = PasswordHasher.from_parameters(passwords.PRODUCTION)
    monkeypatch.setattr(passwords, "_HASHER", hasher)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", hasher.hash("not-a-real-password-for-timing"))


def refused_and_logged(engine: Engine, call: Any, action: str | None = None) -> Any:
    """Run `call`; it must raise MonitorError('forbidden'-family) AND add a refused audit entry."""
    from monitor.errors import MonitorError

    before = audit_count(engine)
    with pytest.raises(MonitorError) as caught:
        call()
    entries = audit.entries(engine, audit_count(engine) - before or 1)
    assert audit_count(engine) > before, "refusal was not written to the audit log"
    refusals = [e for e in entries if e.outcome in ("refused", "failed")]
    assert refusals, [(e.action, e.outcome) for e in entries]
    if action is not None:
        assert any(e.action == action for e in refusals), [(e.action, e.outcome) for e in refusals]
    return caught.value
