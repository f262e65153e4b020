"""`monitor privacy audit` on the demo (as CI must show): the LP interval attack over the union of every
public output — every level × granularity × disaggregation and the oblast-subset totals the reports
print — leaves no primary cell below its protection."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from monitor.cli import _register
from monitor.cli.app import app

_register()  # the commands live in their modules; registering them is what `monitor` does first


@pytest.mark.slow  # the LP interval attack on both sides of every protected quantity of the demo
def test_privacy_audit_on_the_demo_finds_nothing_below_protection(demo_url: str, tmp_path: Path) -> None:
    out = tmp_path / "audit.csv"
    result = CliRunner().invoke(app, ["privacy", "audit", "--db", demo_url, "--csv", str(out)])
    assert result.exit_code == 0, result.output[-3000:]
    found = re.search(r"Audited (\d+) protected quantities of (\d+) primary cells .*; (\d+) below protection", result.output)
    assert found, result.output[-2000:]
    quantities, cells, failing = (int(g) for g in found.groups())
    assert failing == 0 and cells > 1000 and quantities >= cells
    table = pd.read_csv(out)
    assert len(table) == quantities and table["ok"].all()
    # Survivor cells and people counts are among the audited cells, at every granularity.
    assert {"year", "half", "quarter"} <= set(table["granularity"])
    print(result.output.splitlines()[-2])
