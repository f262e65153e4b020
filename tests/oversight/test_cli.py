"""`monitor oversight ...` end to end on a real SQLite file: a round defined, reviewed, approved and
unlocked; a finding, a recommendation and its status; list, export and import back."""

from __future__ import annotations

from pathlib import Path

from oversight_kit import HROMADA
from typer.testing import CliRunner

from monitor.auth import audit
from monitor.cli import _register
from monitor.cli.app import app
from monitor.store.db import connect

ROOT = Path(__file__).resolve().parents[2]


def run(url: str, *args: str):  # type: ignore[no-untyped-def]
    _register()
    return CliRunner().invoke(app, ["oversight", *args, "--db", url])


def test_the_loop_from_the_command_line(sqlite_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    defined = run(sqlite_url, "round", "define", "R2021", "--wave", "2021", "--title-uk", "Базовий раунд",
                  "--title-en", "Baseline round", "--period", "2021-01-01", "2021-12-31", "--reference",
                  "2020-01-01", "2020-12-31", "--instrument", "hromada-officials",
                  "--expected", "UA35000000000016081:hromada-officials:49")
    assert defined.exit_code == 0, defined.output
    finding = run(sqlite_url, "finding", "F1", "--round", "R2021", "--territory", HROMADA, "--indicators", "H01",
                  "--text-uk", "Немає відповідальної особи", "--text-en", "No focal person",
                  "--framework", str(ROOT))
    assert finding.exit_code == 0, finding.output
    bad = run(sqlite_url, "finding", "F2", "--round", "R2021", "--territory", HROMADA, "--indicators", "ZZ9",
              "--text-uk", "x", "--text-en", "y", "--framework", str(ROOT))
    assert bad.exit_code == 1 and "oversight-unknown-indicator" in bad.output and "Невідомий індикатор" in bad.output
    rec = run(sqlite_url, "recommendation", "REC1", "--round", "R2021", "--body", "kirovohrad-osa", "--findings",
              "F1", "--text-uk", "Призначити особу", "--text-en", "Designate a person", "--sent", "2021-11-15",
              "--due", "2022-02-15")
    assert rec.exit_code == 0, rec.output
    status = run(sqlite_url, "status", "REC1", "implemented", "--date", "2022-09-30", "--evidence", "Order 12")
    assert status.exit_code == 0, status.output
    listed = run(sqlite_url, "list", "recommendations", "--as-of", "2022-12-01")
    assert "REC1" in listed.output and "implemented" in listed.output
    for step in ("under-review", "approved"):
        assert run(sqlite_url, "round", "step", "R2021", step).exit_code == 0
    assert "затверджено" in run(sqlite_url, "round", "list").output
    short = run(sqlite_url, "round", "unlock", "R2021", "--reason", "no")
    assert short.exit_code == 1 and "unlock-reason" in short.output
    assert run(sqlite_url, "round", "unlock", "R2021", "--reason", "Kharkiv answers corrected").exit_code == 0
    entry = audit.entries(connect(sqlite_url), 1, action="round-unlock")[0]
    assert entry.actor == "cli" and entry.detail["reason"] == "Kharkiv answers corrected"
    out = tmp_path / "loop.xlsx"
    assert run(sqlite_url, "export", str(out)).exit_code == 0 and out.is_file()
    again = run(sqlite_url, "import", str(out), "--framework", str(ROOT))
    assert again.exit_code == 0 and "+0" in again.output
