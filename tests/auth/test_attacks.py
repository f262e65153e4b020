"""Attacks, each refused and written to the audit log (the numbered list is in docs/security.md)."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from auth_kit import (
    OTHER,
    OWN,
    PASSWORD,
    World,
    audit_count,
    fixture_rows,
    refused_and_logged,
    rows_in,
    write_export,
)
from sqlalchemy import func, insert, inspect, select, text
from sqlmodel import Session

from monitor.auth import accounts, audit, exports, guard, sessions, uploads
from monitor.auth.models import User
from monitor.errors import MonitorError
from monitor.store.models import ImportBatch, Instrument, Response

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
HYPERLINK = '=HYPERLINK("http://x","y")'
SQL = "'; DROP TABLE response; --"


def no_sleep(_: float) -> None:
    return None


_hosts = itertools.count(1)


def fresh_address() -> str:
    """A client address no other test used (the world, and so the address throttle, is shared)."""
    n = next(_hosts)
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


def _table_counts(world: World) -> dict[str, int]:
    names = inspect(world.engine).get_table_names()
    with world.engine.connect() as conn:
        return {n: conn.execute(text(f'SELECT COUNT(*) FROM "{n}"')).scalar_one() for n in names}  # noqa: S608


def _new_user(world: World, role: str = "monitor", oblasts: list[str] | None = None) -> User:
    name = f"u-{uuid.uuid4().hex[:8]}"
    return accounts.add_user(world.engine, None, name, role, PASSWORD, oblasts if oblasts is not None else [OWN])


# 1 ---------------------------------------------------------------------------------------- brute force
def test_1_brute_force_from_one_address_blocks_the_address_not_the_account(world: World) -> None:
    user = _new_user(world)
    attacker, owner = fresh_address(), fresh_address()
    waits: list[float] = []
    for attempt in range(1, sessions.ADDRESS_LIMIT + 1):
        guess = f"guess-{attempt}"
        error = refused_and_logged(
            world.engine,
            lambda g=guess: sessions.login(world.engine, user.name, g, attacker, now=T0, sleep=waits.append), "login")
        assert error.issues[0].code == "login-failed"
    # The attacker's address is blocked now, even with the right password, and that refusal is logged too.
    error = refused_and_logged(world.engine, lambda: sessions.login(world.engine, user.name, PASSWORD, attacker,
                                                                     now=T0, sleep=no_sleep), "login")
    assert error.issues[0].code == "login-throttled"
    entry = audit.entries(world.engine, 1)[0]
    assert (entry.outcome, entry.detail["reason"], entry.ip) == ("refused", "address-throttled", attacker)
    # Back-off: every failure waited longer than the one before.
    assert waits == sorted(waits) and waits[0] > 0 and waits[-1] > waits[0]
    # The account itself is not locked: its owner, elsewhere, logs in.
    assert sessions.login(world.engine, user.name, PASSWORD, owner, now=T0, sleep=no_sleep).name == user.name


def test_1b_a_distributed_attack_locks_the_account_and_the_cli_unlocks_it(world: World) -> None:
    user = _new_user(world)
    for attempt in range(sessions.MAX_FAILED):
        with pytest.raises(MonitorError):
            sessions.login(world.engine, user.name, f"guess-{attempt}", fresh_address(), now=T0, sleep=no_sleep)
    elsewhere = fresh_address()
    error = refused_and_logged(world.engine, lambda: sessions.login(world.engine, user.name, PASSWORD, elsewhere,
                                                                     now=T0, sleep=no_sleep), "login")
    assert error.issues[0].code == "account-locked"
    entry = audit.entries(world.engine, 1)[0]
    assert (entry.actor, entry.outcome, entry.detail["reason"]) == (user.name, "refused", "account-locked")
    accounts.unlock_user(world.engine, None, user.name)
    assert audit.entries(world.engine, 1)[0].action == "user-unlock"
    assert sessions.login(world.engine, user.name, PASSWORD, elsewhere, now=T0, sleep=no_sleep).failed_attempts == 0


# 2 ---------------------------------------------------------------------------------- lock-out timing
@pytest.mark.parametrize(("minutes_later", "locked"), [(0, True), (14.99, True), (15.01, False)])
def test_2_lock_lasts_fifteen_minutes(world: World, minutes_later: float, locked: bool) -> None:
    user = _new_user(world)
    for _ in range(sessions.MAX_FAILED):
        with pytest.raises(MonitorError):
            sessions.login(world.engine, user.name, "wrong password!", fresh_address(), now=T0, sleep=no_sleep)
    later = T0 + timedelta(minutes=minutes_later)
    elsewhere = fresh_address()
    if locked:
        error = refused_and_logged(
            world.engine, lambda: sessions.login(world.engine, user.name, PASSWORD, elsewhere, now=later,
                                                 sleep=no_sleep), "login")
        assert error.issues[0].code == "account-locked"
    else:
        assert sessions.login(world.engine, user.name, PASSWORD, elsewhere, now=later,
                              sleep=no_sleep).failed_attempts == 0


@pytest.mark.parametrize(("failed", "seconds"), [(0, 0), (1, 0.25), (2, 0.5), (3, 1), (4, 2), (5, 4), (9, 4)])
def test_2b_backoff_grows_then_caps(failed: int, seconds: float) -> None:
    assert sessions.backoff_seconds(failed) == seconds


# 3 ------------------------------------------------------------------------------- user enumeration
def test_3_unknown_user_looks_like_a_wrong_password_and_the_name_is_not_logged(world: World) -> None:
    typed = "my secret passphrase typed in the name field"
    error = refused_and_logged(
        world.engine, lambda: sessions.login(world.engine, typed, "x", sleep=no_sleep), "login")
    assert error.issues[0].code == "login-failed"
    entry = audit.entries(world.engine, 1)[0]
    assert typed not in repr(entry) and entry.actor == "anonymous"


# 4 ---------------------------------------------------------------------------------- disabled user
def test_4_disabled_user_cannot_log_in_and_an_open_session_ends(world: World) -> None:
    user = _new_user(world)
    assert sessions.active_user(world.engine, user.id) is not None
    accounts.disable_user(world.engine, None, user.name)
    error = refused_and_logged(world.engine, lambda: sessions.login(world.engine, user.name, PASSWORD, sleep=no_sleep),
                               "login")
    assert error.issues[0].code == "account-disabled"
    assert sessions.active_user(world.engine, user.id) is None


# 5 ------------------------------------------------------------------------------ weak password
@pytest.mark.parametrize("password", ["", "short", "elevenchars"])
def test_5_short_passwords_are_refused(world: World, password: str) -> None:
    name = f"weak-{uuid.uuid4().hex[:6]}"
    error = refused_and_logged(world.engine, lambda: accounts.add_user(world.engine, None, name, "viewer", password),
                               "user-add")
    assert error.issues[0].code == "weak-password"
    error = refused_and_logged(world.engine, lambda: accounts.set_password(world.engine, None, "donor", password),
                               "user-passwd")
    assert error.issues[0].code == "weak-password"
    with Session(world.engine) as session:
        assert sessions.find_user(session, name) is None


# 6 ------------------------------------------------------------------- another oblast's detail
def test_6_coordinator_cannot_get_another_oblasts_hromada_detail(world: World) -> None:
    coordinator = world.user("coordinator")
    error = refused_and_logged(
        world.engine, lambda: guard.authorize(world.engine, coordinator, "view-detail", OTHER), "view-detail")
    assert error.issues[0].code == "forbidden" and OTHER in error.issues[0].message("en")
    refused_and_logged(
        world.engine, lambda: guard.responses_for_view(world.engine, coordinator, "hromada-officials", OTHER))
    # Asking for everything gives their own oblast only, never UA35's answers.
    mine = guard.responses_for_view(world.engine, coordinator, "hromada-officials")
    assert set(mine["oblast_code"]) == {OWN}


def test_6b_coordinator_cannot_read_another_oblasts_rejected_rows(world: World) -> None:
    refused_and_logged(world.engine, lambda: guard.rejected_rows(world.engine, world.user("coordinator"),
                                                                  world.batch_other), "view-rejected-rows")


# 7 ---------------------------------------------------------- import into somebody else's oblast
def test_7_monitor_cannot_import_answers_of_another_oblast(world: World) -> None:
    path = write_export(world.folder / f"other-{uuid.uuid4().hex[:6]}.csv", rows_in(OTHER))
    before = _table_counts(world)
    refused_and_logged(world.engine, lambda: guard.import_as(world.engine, world.framework, world.user("monitor"),
                                                              "hromada-officials", path), "import")
    after = _table_counts(world)
    assert {k: v for k, v in after.items() if k != "auditlog"} == {k: v for k, v in before.items() if k != "auditlog"}


# 8 ----------------------------------------------------------------------------- role limits
def test_8_viewer_cannot_export_raw_responses(world: World) -> None:
    error = refused_and_logged(world.engine, lambda: guard.read_responses(world.engine, world.user("viewer"),
                                                                           "hromada-officials"), "export-raw-responses")
    assert error.issues[0].code == "forbidden"


def test_9_monitor_cannot_manage_users(world: World) -> None:
    monitor = world.user("monitor")
    refused_and_logged(world.engine, lambda: accounts.add_user(world.engine, monitor, "sneaky", "admin", PASSWORD),
                       "manage-users")
    refused_and_logged(world.engine, lambda: accounts.set_password(world.engine, monitor, "admin", PASSWORD + "!"),
                       "manage-users")
    refused_and_logged(world.engine, lambda: accounts.disable_user(world.engine, monitor, "admin"), "manage-users")
    refused_and_logged(world.engine, lambda: guard.audit_entries(world.engine, monitor), "view-audit")
    with Session(world.engine) as session:
        assert sessions.find_user(session, "sneaky") is None
        assert not sessions.find_user(session, "admin").disabled


def test_9b_a_role_changed_in_memory_is_not_a_role_in_the_database(world: World) -> None:
    """Escalation by tampering with the object the session holds: the session keeps only the id and
    re-reads the row, so the database's role is what counts."""
    monitor = world.user("monitor")
    forged = monitor.model_copy(update={"role": "admin"})
    assert sessions.active_user(world.engine, forged.id).role == "monitor"
    refused_and_logged(world.engine, lambda: guard.audit_entries(world.engine,
                                                                 sessions.active_user(world.engine, forged.id)))


# 10 --------------------------------------------------------------------------------- uploads
@pytest.mark.parametrize("name", ["../../etc/passwd.csv", "..\\..\\windows\\win.ini.csv", "/etc/cron.d/x.csv",
                                  "звіт\x00.exe.csv", "ok\u202ecsv.exe"])
def test_10_path_traversal_in_upload_names(world: World, tmp_path: Path, name: str) -> None:
    folder = tmp_path / "uploads"
    error = refused_and_logged(world.engine, lambda: uploads.receive_upload(
        world.engine, world.user("admin"), folder, name, b"wave;oblast\n2022;x\n"), "upload")
    assert error.issues[0].code == "upload-bad-name"
    assert not any(tmp_path.rglob("*.csv")) and not Path("/etc/passwd.csv").exists()


@pytest.mark.parametrize(("name", "expected"), [
    ("../../etc/passwd.csv", "passwd.csv"), ("C:\\Users\\x\\звіт 2022.csv", "звіт 2022.csv"),
    ("a\x00b\x07c.xlsx", "abc.xlsx"), ("..csv", None), ("...", None), ("", None), ("Анкета..final.zip", "Анкета.final.zip"),
])
def test_10b_safe_name(name: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(MonitorError):
            uploads.safe_name(name)
    else:
        assert uploads.safe_name(name) == expected


def test_11_oversized_upload(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_MAX_UPLOAD_MB", "1")
    data = b"wave;oblast\n" + b"2022;x\n" * 200_000  # 1.4 MB
    error = refused_and_logged(world.engine, lambda: uploads.receive_upload(
        world.engine, world.user("admin"), tmp_path, "big.csv", data), "upload")
    assert error.issues[0].code == "upload-too-large"
    assert not (tmp_path / "big.csv").exists()


@pytest.mark.parametrize(("name", "data"), [
    ("export.csv", b"%PDF-1.7\n..."),
    ("export.csv", b"PK\x03\x04" + b"\x00" * 30),
    ("export.csv", b"\x1f\x8b\x08\x00gzip"),
    ("export.xlsx", b"wave;oblast\n2022;x\n"),
    ("export.zip", b"MZ\x90\x00 windows executable"),
    ("export.exe", b"MZ\x90\x00"),
    ("export.xls", b"\xd0\xcf\x11\xe0"),
    ("export", b"wave;oblast\n"),
])
def test_12_wrong_type_or_magic_bytes(world: World, tmp_path: Path, name: str, data: bytes) -> None:
    error = refused_and_logged(world.engine, lambda: uploads.receive_upload(
        world.engine, world.user("admin"), tmp_path, name, data), "upload")
    assert error.issues[0].code in ("upload-bad-type", "upload-bad-name")
    assert list(tmp_path.iterdir()) == []


def test_12b_good_uploads_pass_and_are_logged(world: World, tmp_path: Path) -> None:
    good = Path(__file__).resolve().parents[1] / "fixtures" / "exports" / "good"
    for path in (good / "police_plain-xlsx.xlsx", good / "police_odk-central.zip", good / "police_excel-cp1251.csv"):
        stored = uploads.receive_upload(world.engine, world.user("monitor"), tmp_path, path.name, path.read_bytes())
        assert stored.parent == tmp_path.resolve() and stored.read_bytes() == path.read_bytes()
        assert audit.entries(world.engine, 1)[0].action == "upload"


def test_12c_viewer_cannot_upload(world: World, tmp_path: Path) -> None:
    refused_and_logged(world.engine, lambda: uploads.receive_upload(
        world.engine, world.user("viewer"), tmp_path, "x.csv", b"a;b\n"), "import")


# 13 ------------------------------------------------------------------------- formula injection
def test_13_formula_injection_from_an_upload_never_reaches_an_export_as_a_formula(world: World, tmp_path: Path) -> None:
    rows = rows_in(OWN)
    rows[0]["obstacles/obstacles_other"] = HYPERLINK  # a text answer: accepted and stored as data
    bad = rows_in(OWN, spending=HYPERLINK)[0]  # a number column: the row is rejected, the value shown
    path = write_export(tmp_path / "formula.csv", [*rows, bad])
    report = guard.import_as(world.engine, world.framework, world.user("admin"), "hromada-officials", path)
    assert report.status == "imported" and report.rejected == 1
    assert audit.entries(world.engine, 1)[0].action == "import"

    rejected_csv = report.write_rejected_csv(tmp_path / "rejected.csv").read_text(encoding="utf-8-sig")
    assert HYPERLINK.replace('"', '""') in rejected_csv
    assert "'" + HYPERLINK.replace('"', '""') in rejected_csv  # neutralised: Excel shows it as text
    assert f",{HYPERLINK}" not in rejected_csv and f',"{HYPERLINK}' not in rejected_csv

    raw = exports.export_responses(world.engine, world.user("admin"), "hromada-officials", tmp_path / "raw.csv")
    cells = pd.read_csv(raw, dtype=str, encoding="utf-8-sig").to_numpy().ravel().tolist()
    assert "'" + HYPERLINK in cells and HYPERLINK not in cells
    assert not any(isinstance(c, str) and c.startswith(("=", "+", "@")) for c in cells)
    assert audit.entries(world.engine, 1)[0].action == "export-raw-responses"


@pytest.mark.slow  # builds a whole report
def test_13b_report_xlsx_has_no_formula_cells(world: World, tmp_path: Path) -> None:
    build = pytest.importorskip("monitor.reports.build", reason="the report builder is not there yet")
    import openpyxl

    rows = rows_in(OWN)
    rows[0]["obstacles/obstacles_other"] = HYPERLINK
    rows[0]["interviewer_org"] = HYPERLINK
    report = guard.import_as(world.engine, world.framework, world.user("admin"), "hromada-officials",
                             write_export(tmp_path / "formula-report.csv", rows))
    assert report.status == "imported"
    out = build.build_report(world.engine, world.framework, fmt="xlsx", lang="uk", out=tmp_path / "report.xlsx")
    book = openpyxl.load_workbook(out)
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert cells
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    # A text that starts like a formula (the IPTT's "+/−" direction column) must carry Excel's quote prefix,
    # which is what typing an apostrophe first stores: the spreadsheet shows it as text and never runs it.
    risky = [c for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))]
    assert not [c.coordinate for c in risky if not c.quotePrefix]
    assert not [c.value for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value and not c.quotePrefix]


@pytest.mark.parametrize(("value", "safe"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1+A1", "'-1+A1"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("звичайний текст", "звичайний текст"), (-5, -5), (None, None),
])
def test_13c_safe_cell(value: object, safe: object) -> None:
    assert exports.safe_cell(value) == safe


# 14 --------------------------------------------------------------------------- SQL metacharacters
def test_14_sql_metacharacters_in_every_text_field_are_data(world: World, tmp_path: Path) -> None:
    before = _table_counts(world)
    # user names (login and creation), passwords
    refused_and_logged(world.engine, lambda: sessions.login(world.engine, SQL, SQL, sleep=no_sleep), "login")
    refused_and_logged(world.engine, lambda: sessions.login(world.engine, "admin' --", "x' OR '1'='1",
                                                             sleep=no_sleep), "login")
    refused_and_logged(world.engine, lambda: accounts.add_user(world.engine, None, SQL, "viewer", PASSWORD), "user-add")
    refused_and_logged(world.engine, lambda: accounts.add_user(world.engine, None, "sqlrole", SQL, PASSWORD), "user-add")
    # filters: an oblast code and a survey id
    refused_and_logged(world.engine, lambda: guard.responses_for_view(world.engine, world.user("coordinator"),
                                                                      "hromada-officials", SQL))
    assert guard.read_responses(world.engine, world.user("admin"), SQL).empty
    assert guard.read_responses(world.engine, world.user("admin"), "hromada-officials", SQL).empty
    # survey id of an import, territory names and free text inside an import
    report = guard.import_as(world.engine, world.framework, world.user("admin"), SQL, tmp_path / "none.csv")
    assert report.refused
    rows = rows_in(OWN)
    rows[0]["obstacles/obstacles_other"] = SQL
    bad = dict(rows_in(OWN)[0], hromada=SQL, raion=SQL)
    report = guard.import_as(world.engine, world.framework, world.user("admin"), "hromada-officials",
                             write_export(tmp_path / "sql.csv", [*rows, bad]))
    assert report.status == "imported" and report.rejected == 1
    assert any(r.get("value") == SQL for r in report.rejected_rows)
    # audit detail and targets
    audit.record(world.engine, SQL, SQL, target=SQL, outcome="refused", detail={SQL: SQL})
    assert audit.entries(world.engine, 1)[0].action == SQL[:64]
    after = _table_counts(world)
    assert set(after) == set(before) and after["response"] == before["response"] + 1
    with Session(world.engine) as session:
        stored = session.scalars(select(Response).order_by(Response.id.desc()).limit(1)).one()
    assert SQL in stored.answers.values()


# 15 ------------------------------------------------------------------ recovering a suppressed cell
def _planted_results(tmp_path: Path, url: str) -> tuple[Any, Any, pd.DataFrame]:
    """Oblasts with 20, 3, 8 and 30 hromada answers: Kirovohrad's 3 is below min-n (5)."""
    from monitor.engine.compute import compute
    from monitor.framework.loader import framework_or_raise
    from monitor.store import db as store_db
    from monitor.store.territory import territories

    engine = store_db.connect(url)
    # The shipped H01 publishes institutional answers from n = 1; this attack needs a small-cell rule,
    # so it runs on a copy of the framework with H01's min_n at 5.
    import shutil

    root = Path(__file__).resolve().parents[2]
    copy = tmp_path / "framework"
    for part in ("indicators", "surveys"):
        shutil.copytree(root / part, copy / part)
    shutil.copy(root / "framework.yaml", copy / "framework.yaml")
    h01 = copy / "indicators" / "H01.yaml"
    h01.write_text(h01.read_text(encoding="utf-8").replace("\nmin_n: 1\n", "\nmin_n: 5\n"), encoding="utf-8")
    fw = framework_or_raise(copy)
    assert fw.min_n(fw.indicators["H01"]) == 5
    _, fixture = fixture_rows()
    answers = {k.split("/")[-1]: v for k, v in fixture[0].items() if not k.startswith("_")}
    answers.pop("respondent_name"), answers.pop("respondent_phone")
    hromadas = territories(engine, level="hromada")
    plan = {"UA53000000000028050": 20, "UA35000000000016081": 3, "UA63000000000041885": 8, "UA73000000000044923": 30}
    with engine.begin() as conn:
        conn.execute(insert(Instrument).values(id="hromada-officials", definition_hash="x", title_uk="x", title_en="x",
                                               respondent="hromada-official", definition={}))
        batch = conn.execute(insert(ImportBatch).values(
            instrument_id="hromada-officials", file_name="t.csv", sha256="x", format="csv", dropped_columns=[],
            warnings=[])).inserted_primary_key[0]
        for oblast, count in plan.items():
            places = hromadas[hromadas["oblast_code"] == oblast].head(count)
            for i, place in enumerate(places.to_dict("records")):
                conn.execute(insert(Response).values(
                    instrument_id="hromada-officials", batch_id=batch, external_id=f"{oblast}-{i}", content_hash="x",
                    oblast_code=oblast, raion_code=place["raion_code"], hromada_code=place["code"], wave="2022",
                    answers={**answers, "ct_focal_person": "yes" if i % 2 else "no", "wave": "2022"}))
    frame = pd.concat([compute(engine, fw, level=level, period="wave", indicators=["H01"])
                       for level in ("oblast", "all")], ignore_index=True)
    return engine, fw, frame


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any, pd.DataFrame]]:
    """The planted oblasts, once for the attacks below (they only read them): their protected set is
    built once, not once per attack."""
    from monitor.store import db as store_db

    folder = tmp_path_factory.mktemp("planted")
    url = f"sqlite:///{folder}/monitor.db"
    yield _planted_results(folder, url)
    store_db.close(url)


def _shown(engine: Any, fw: Any, user: Any) -> pd.DataFrame:
    """What the dashboard's one door (guard.results_for) gives this person of H01 by wave."""
    shown = pd.concat([guard.results_for(engine, fw, user, level=level, period="wave") for level in ("oblast", "all")],
                      ignore_index=True)
    return shown[shown["indicator"] == "H01"]


@pytest.mark.parametrize("role", ["viewer", "monitor", "coordinator", None])
def test_15_a_suppressed_cell_cannot_be_recovered_by_subtraction(planted: tuple[Any, Any, pd.DataFrame],
                                                                  role: str | None) -> None:
    engine, fw, frame = planted
    user = None if role is None else User(name="u", role=role, oblasts=[OWN], password_hash="x")
    shown = _shown(engine, fw, user)
    totals = shown[(shown["dimension"] == "") & (shown["indicator"] == "H01")]
    national = totals[totals["level"] == "all"].iloc[0]
    oblasts = totals[totals["level"] == "oblast"].set_index("territory_code")
    assert oblasts.loc[OTHER, "suppressed"] and pd.isna(oblasts.loc[OTHER, "numerator"])
    known = oblasts["numerator"].notna()
    hidden = oblasts[~known]
    # Whatever a person can see, national − what they see of the oblasts is never one hidden oblast.
    if pd.notna(national["numerator"]):
        assert len(hidden) >= 2
        truth = frame[(frame["level"] == "oblast") & (frame["dimension"] == "") & (frame["indicator"] == "H01")]
        leftover = national["numerator"] - oblasts.loc[known, "numerator"].sum()
        assert all(leftover != v for v in truth.set_index("territory_code").loc[hidden.index, "numerator"])
    # The same through every disaggregation: where an oblast's total is published, its hidden sub-cells
    # are never alone (total − published sub-cells would be that one cell).
    for (code, dimension), cells in shown[(shown["dimension"] != "") & (shown["level"] == "oblast")].groupby(
            ["territory_code", "dimension"]):
        if pd.notna(oblasts.loc[code, "numerator"]):
            assert cells["suppressed"].astype(bool).sum() != 1, (code, dimension)


def test_15b_a_coordinator_who_knows_the_hidden_own_cell_does_not_get_the_national_total(
        planted: tuple[Any, Any, pd.DataFrame]) -> None:
    """A coordinator of Kirovohrad (the suppressed oblast) knows its value; with the national total they
    could subtract their way to the complementary-suppressed partner: the total is hidden for them."""
    engine, fw, _ = planted
    coordinator = User(name="c35", role="coordinator", oblasts=[OTHER], password_hash="x")
    shown = _shown(engine, fw, coordinator)
    totals = shown[(shown["dimension"] == "") & (shown["indicator"] == "H01")]
    assert totals[(totals["level"] == "oblast") & (totals["territory_code"] == OTHER)]["numerator"].notna().all()
    # Total − published oblasts − their own must never be one other oblast's hidden cell: either the
    # total is hidden from them, or at least two other oblasts are hidden (their sum, not one cell).
    national = totals[totals["level"] == "all"]["numerator"]
    others_hidden = totals[(totals["level"] == "oblast") & (totals["territory_code"] != OTHER)]["numerator"].isna()
    assert national.isna().all() or int(others_hidden.sum()) >= 2


# 16 ---------------------------------------------------------------------------- audit tampering
def test_16_audit_log_refuses_update_and_delete(db_url: str) -> None:
    from monitor.store import db as store_db

    engine = store_db.connect(db_url)
    audit.record(engine, "admin", "login", target="admin")
    for statement in ("UPDATE auditlog SET actor = 'nobody'", "DELETE FROM auditlog", "UPDATE auditlog SET outcome = 'ok'"):
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    if engine.dialect.name == "postgresql":
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text("TRUNCATE auditlog"))
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(audit.AuditLog)) == 1
    entry = audit.entries(engine, 1)[0]
    assert (entry.actor, entry.action) == ("admin", "login")


def test_16b_audit_has_no_update_or_delete_api() -> None:
    public = {name for name in dir(audit) if not name.startswith("_")}
    assert not {n for n in public if any(w in n.lower() for w in ("update", "delete", "remove", "purge", "edit"))}


def test_16c_audit_detail_withholds_personal_data(world: World) -> None:
    audit.record(world.engine, "admin", "note", detail={"comment": "call +380 67 123 45 67 or olena@example.org",
                                                        "password": "hunter2hunter2", "oblast": OWN})
    detail = audit.entries(world.engine, 1)[0].detail
    assert "123 45 67" not in repr(detail) and "example.org" not in repr(detail) and "hunter2" not in repr(detail)
    assert detail["oblast"] == OWN


# 17 ------------------------------------------------------------------------------ session timeout
@pytest.mark.parametrize(("idle_minutes", "expired"), [(0, False), (29, False), (30, False), (30.1, True), (600, True)])
def test_17_session_timeout(idle_minutes: float, expired: bool) -> None:
    assert sessions.expired(T0, T0 + timedelta(minutes=idle_minutes)) is expired


def test_17b_no_last_seen_is_expired() -> None:
    assert sessions.expired(None, T0)


def test_audit_counts_grow_with_attacks(world: World) -> None:
    """Sanity: the world's audit log holds the refusals of the tests above (it is never empty)."""
    assert audit_count(world.engine) > 0


def test_10c_a_link_planted_under_the_upload_name_is_replaced_not_followed(tmp_path: Path) -> None:
    from monitor.auth.uploads import store_upload

    folder = tmp_path / "uploads"
    folder.mkdir(mode=0o700)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    (folder / "police.csv").symlink_to(victim)
    path = store_upload(folder, "police.csv", b"wave,oblast\n2022-1,UA53\n")
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not path.is_symlink() and path.read_bytes() == b"wave,oblast\n2022-1,UA53\n"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
