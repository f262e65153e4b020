"""Item 4 of #14 beyond the planted-data test: a phone in a numeric answer, rejected rows scoped to the
oblast of each row, no real import into the demo database."""

from __future__ import annotations

import uuid

from auth_kit import OTHER, OWN, World, rows_in, write_export
from sqlalchemy import func, select
from sqlmodel import Session

from monitor.auth import accounts, guard
from monitor.ingest.pipeline import import_file
from monitor.store import db as store_db
from monitor.store.models import ImportBatch, Response


def test_a_phone_typed_into_a_number_is_refused_and_not_stored(world: World) -> None:
    path = write_export(world.folder / f"phone-{uuid.uuid4().hex[:6]}.csv",
                        rows_in(OWN) + rows_in(OWN, spending="+380 67 404 55 66"))
    report = import_file(world.engine, world.framework, "hromada-officials", path, imported_by="admin")
    assert report.status == "imported" and report.rejected == 1
    [row] = report.rejected_rows
    assert (row["code"], row["value"], row["column"]) == ("ingest-phone-in-number", None, "funding/ct_spending")
    assert "looks like a phone number" in row["message_en"] and "схоже на номер телефону" in row["message_uk"]
    with Session(world.engine) as session:
        stored = session.scalars(select(Response.answers).where(Response.batch_id == report.batch)).all()
    assert all(a.get("ct_spending") != 380674045566 and a.get("ct_spending") != 674045566 for a in stored)


def test_rejected_rows_are_seen_only_in_the_oblast_of_each_row(world: World) -> None:
    """One file, bad rows in two oblasts, imported by the admin: each coordinator sees only their own
    oblast's rejected rows; a coordinator of neither oblast cannot open the batch."""
    path = write_export(world.folder / f"two-{uuid.uuid4().hex[:6]}.csv",
                        rows_in(OWN) + rows_in(OWN, spending="many")[:1] + rows_in(OTHER, spending="lots")[:1])
    report = import_file(world.engine, world.framework, "hromada-officials", path, imported_by="admin")
    assert report.rejected == 2
    other = accounts.add_user(world.engine, None, f"coord35-{uuid.uuid4().hex[:4]}", "coordinator",
                              "correct horse battery staple", [OTHER])
    own_rows = guard.rejected_rows(world.engine, world.user("coordinator"), report.batch)
    other_rows = guard.rejected_rows(world.engine, other, report.batch)
    assert list(own_rows["value"]) == ["many"] and set(own_rows["oblast_code"]) == {OWN}
    assert list(other_rows["value"]) == ["lots"] and set(other_rows["oblast_code"]) == {OTHER}
    assert len(guard.rejected_rows(world.engine, world.user("admin"), report.batch)) == 2


def test_a_real_import_into_the_demo_database_is_refused(sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from auth_kit import ROOT

    from monitor.framework.loader import framework_or_raise

    engine = store_db.connect(sqlite_url)
    framework = framework_or_raise(ROOT)
    demo = import_file(engine, framework, "hromada-officials", write_export(tmp_path / "demo.csv", rows_in(OWN)),
                       synthetic=True, imported_by="demo")
    assert demo.status == "imported"
    real = import_file(engine, framework, "hromada-officials", write_export(tmp_path / "real.csv", rows_in(OTHER)))
    assert real.status == "refused" and [i.code for i in real.issues] == ["ingest-demo-database"]
    assert "synthetic demo" in real.issues[0].message_en and "демонстраційні" in real.issues[0].message_uk
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 1
