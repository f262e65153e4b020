"""`monitor compute` on the demo data: public by default, bilingual error on an unknown indicator."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from monitor.cli import _register
from monitor.cli.app import app

ROOT = Path(__file__).resolve().parents[2]




def _run(*args: str) -> tuple[int, str, str]:
    _register()
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_hromada_csv_is_public_and_consistent(demo_url) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run("compute", "--level", "hromada", "--period", "year", "--format", "csv",
                        "--db", demo_url, "--framework", str(ROOT))
    assert code == 0
    table = pd.read_csv(io.StringIO(out), dtype=str).astype({"value": float, "n": float})
    table["suppressed"] = table["suppressed"] == "True"
    assert set(table["level"]) == {"hromada"} and "survivor" not in set(table["respondent"].dropna())
    suppressed = table[table["suppressed"]]
    assert not suppressed.empty and suppressed["value"].isna().all() and suppressed["n"].isna().all()
    assert (suppressed["n_display"] == "withheld").all()  # one mark, whatever the reason
    shares = table[(table["type"] == "share") & table["value"].notna()]
    assert shares["value"].between(0, 1).all()
    index = table[(table["type"] == "index") & table["value"].notna()]
    assert index["value"].between(0, 100).all()
    rated = table[table["status"].isin(["green", "amber", "red"])]
    assert rated["value"].notna().all()
    # No data means no answers; an index row with answers whose components are not all there is incomplete.
    assert (table.loc[table["status"] == "no-data", "n"].fillna(0) == 0).all()
    incomplete = table[table["status"] == "incomplete"]
    assert (incomplete["type"] == "index").all() and incomplete["value"].isna().all()
    assert (incomplete["index_missing"].fillna("") != "").all()


def test_oblast_json_has_every_indicator_for_four_oblasts(demo_url) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run("compute", "--level", "oblast", "--format", "json", "--db", demo_url, "--framework", str(ROOT))
    assert code == 0
    rows = json.loads(out)
    from monitor.framework.loader import framework_or_raise

    indicators = set(framework_or_raise(ROOT).indicators)
    assert {r["indicator"] for r in rows} == indicators
    for indicator in indicators:
        assert len({r["territory_code"] for r in rows if r["indicator"] == indicator}) == 4


def test_unknown_indicator_exits_1_in_both_languages(demo_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = _run("compute", "--indicator", "NOPE", "--db", demo_url, "--framework", str(ROOT),
                        "-o", str(tmp_path / "x.csv"))
    assert code == 1
    assert "Unknown indicator 'NOPE'" in err and "Невідомий індикатор 'NOPE'" in err
    assert not (tmp_path / "x.csv").exists()


def test_internal_keeps_suppressed_values(demo_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "internal.csv"
    code, _, _ = _run("compute", "--level", "raion", "--internal", "--db", demo_url, "--framework", str(ROOT),
                      "-o", str(target))
    assert code == 0
    table = pd.read_csv(target, encoding="utf-8")
    # (a ratio over a zero denominator has no value even internally)
    suppressed = table[table["suppressed"] & (table["n"] > 0) & (table["type"] != "ratio")]
    assert not suppressed.empty and suppressed["value"].notna().all()
