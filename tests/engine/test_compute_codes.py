"""A result row at level L carries only territory codes at or above L (#13 item 7): oblast rows had a
raion code, and `--level all` rows an oblast and a raion code, taken from the cell's first answer."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]




def blank(series: pd.Series) -> pd.Series:
    return series.isna() | (series.astype(str).str.strip().isin(["", "None", "nan"]))


def test_engine_rows_carry_only_codes_at_or_above_their_level(demo_url: str) -> None:
    from monitor.engine.compute import compute
    from monitor.framework.loader import framework_or_raise
    from monitor.store import db as store_db

    engine, fw = store_db.connect(demo_url), framework_or_raise(ROOT)
    results = {lvl: compute(engine, fw, level=lvl, period="year") for lvl in ("all", "oblast", "raion", "hromada")}
    every = results["all"]
    assert not every.empty and blank(every["oblast_code"]).all() and blank(every["raion_code"]).all()
    oblast = results["oblast"]
    assert blank(oblast["raion_code"]).all()
    assert (oblast["oblast_code"] == oblast["territory_code"]).all()  # its own code, still there
    raion = results["raion"]
    assert (raion["raion_code"] == raion["territory_code"]).all()
    assert (raion["oblast_code"].str[:4] == raion["territory_code"].str[:4]).all()
    hromada = results["hromada"]
    located = hromada[~blank(hromada["raion_code"])]
    assert not located.empty and (located["raion_code"].str[:4] == located["territory_code"].str[:4]).all()
    assert (hromada["parent_code"].fillna("") == hromada["raion_code"].fillna("")).all()


@pytest.mark.parametrize("level", ["oblast", "all"])
def test_monitor_compute_csv_has_no_finer_codes(demo_url: str, level: str) -> None:
    from monitor.cli import _register
    from monitor.cli.app import app

    _register()
    result = CliRunner().invoke(app, ["compute", "--level", level, "--period", "year", "--format", "csv",
                                      "--db", demo_url, "--framework", str(ROOT)])
    assert result.exit_code == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout), dtype=str)
    assert not table.empty and set(table["level"]) == {level}
    assert blank(table["raion_code"]).all()
    if level == "all":
        assert blank(table["oblast_code"]).all()
    else:
        assert (table["oblast_code"] == table["territory_code"]).all()
