"""#14 item 8 on the import side: dates outside the instrument's range, NUL characters, control
characters in headers; result cache files are private."""

from __future__ import annotations

import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from ingest_kit import make_framework, official_rows, write_csv, write_xlsx
from sqlalchemy import select
from sqlmodel import Session

from monitor.errors import render_issue
from monitor.framework.models import Framework
from monitor.ingest.pipeline import import_file
from monitor.ingest.readers import read_export
from monitor.store import db as store_db
from monitor.store.models import Response


@pytest.fixture
def framework(tmp_path: Path) -> Framework:
    return make_framework(tmp_path / "fw")


TOMORROW = (date.today() + timedelta(days=1)).strftime("%d.%m.%Y")


@pytest.mark.parametrize(("typed", "refused"), [
    ("31.12.2020", True), ("2019-05-01", True), (TOMORROW, True), ("01.01.2021", False), ("14.03.2022", False),
])
def test_dates_before_2021_or_in_the_future_are_refused(sqlite_url: str, framework: Framework, tmp_path: Path,
                                                        typed: str, refused: bool) -> None:
    rows = official_rows(2)
    rows[1]["date"] = typed
    report = import_file(store_db.connect(sqlite_url), framework, "officials", write_csv(tmp_path / "d.csv", rows))
    codes = [r["code"] for r in report.rejected_rows]
    assert codes == (["ingest-date-out-of-range"] if refused else []), report.rejected_rows
    if refused:
        message = report.rejected_rows[0]
        assert "2021-01-01" in message["message_en"] and date.today().isoformat() in message["message_uk"]


def test_nul_characters_are_stored_alike_on_sqlite_and_postgresql(db_url: str, framework: Framework,
                                                                  tmp_path: Path) -> None:
    """An XLSX cell can carry a NUL (`_x0000_`): PostgreSQL could not store it, SQLite would. The reader
    drops it, so both backends hold the same text and the import succeeds on both."""
    import pandas as pd

    rows = official_rows(2)
    rows[0]["comment"] = "до\x00після"
    path = write_xlsx(tmp_path / "nul.xlsx", {"Sheet1": pd.DataFrame(rows)})
    engine = store_db.connect(db_url)
    report = import_file(engine, framework, "officials", path)
    assert report.status == "imported", report.to_dict()
    with Session(engine) as session:
        comments = [a.get("comment") for a in session.scalars(select(Response.answers)).all()]
    assert "допісля" in comments


def test_nul_in_a_login_name_is_a_wrong_login_on_both_backends(db_url: str) -> None:
    from monitor.auth import accounts, audit, sessions
    from monitor.errors import MonitorError

    engine = store_db.connect(db_url)
    accounts.add_user(engine, None, "admin", "admin", "correct horse battery staple")
    with pytest.raises(MonitorError) as caught:
        sessions.login(engine, "adm\x00in", "wrong\x00password", "192.0.2.1", sleep=lambda s: None)
    assert caught.value.issues[0].code == "login-failed"
    audit.record(engine, "cli", "test", target="a\x00b", detail={"note": "x\x00y"})
    assert audit.entries(engine, 1)[0].target == "ab"


def test_control_characters_in_headers_never_reach_a_terminal(framework: Framework, tmp_path: Path) -> None:
    path = tmp_path / "escape.csv"
    body = "".join(f"2022,звичайний текст відповіді {i},Полтавська\n" for i in range(40))
    path.write_text("wave,\x1b[2J\x1b[31mevil\x1b[0m,\u202eoblast\n" + body, encoding="utf-8")
    table = read_export(path)
    assert table.columns == ["wave", "[2J[31mevil[0m", "oblast"]
    assert all(ch.isprintable() for header in table.columns for ch in header)
    report = import_file(store_db.connect(f"sqlite:///{tmp_path}/m.db"), framework, "officials", path)
    shown = "\n".join(render_issue(i) for i in report.issues)
    assert shown and "\x1b" not in shown and "\u202e" not in shown


def test_result_cache_files_are_private(sqlite_url: str, framework: Framework, tmp_path: Path) -> None:
    from monitor.engine.cache import clear_cache, compute_cached

    engine = store_db.connect(sqlite_url)
    import_file(engine, framework, "officials", write_csv(tmp_path / "ok.csv", official_rows(3)))
    clear_cache()
    compute_cached(engine, framework, level="oblast", period="year")
    folder = Path(sqlite_url.removeprefix("sqlite:///")).parent / "cache"
    files = list(folder.glob("results-*.parquet"))
    assert files and stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert not list(folder.glob("*.tmp"))
