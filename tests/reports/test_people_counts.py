"""A count of people affected by trafficking is never published between 1 and the survivor threshold (#10 item 6).

Institutional answers carry numbers of people (status cases, presumed victims identified and
referred, persons accommodated, referrals, payments: `counts_people` in surveys/). Whatever the
instrument's own min_n, each such count — and n where each answer is one person — is hidden below
the survivor threshold in every public output: the protected set (dashboard for viewers and the
public, charts, report tables), `monitor compute` and the open data package.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from monitor.cli import _register
from monitor.cli.app import app
from monitor.engine import compute, quantities_of
from monitor.framework.models import Framework
from monitor.privacy import protected_set
from monitor.reports.model import Report

ROOT = Path(__file__).resolve().parents[2]


def people_quantities(framework: Framework) -> dict[str, list[str]]:
    """indicator -> the result columns that are numbers of people (from the framework's flags)."""
    out: dict[str, list[str]] = {}
    for indicator_id, indicator in framework.indicators.items():
        stats = [q.stat for q in quantities_of(framework, indicator) if q.people]
        if stats:
            out[indicator_id] = stats
    return out


def small_people_cells(table: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Rows of a results table that show a number of people in 1 … threshold − 1."""
    threshold = framework.settings.survivor_min_n
    found = []
    for indicator_id, stats in people_quantities(framework).items():
        rows = table[table["indicator"] == indicator_id]
        for stat in stats:
            if stat not in rows:
                continue
            values = pd.to_numeric(rows[stat], errors="coerce")
            hit = rows[(values > 0) & (values < threshold)]
            if not hit.empty:
                found.append(hit.assign(stat=stat))
    return pd.concat(found, ignore_index=True) if found else table.iloc[0:0]


def test_institutional_counts_of_people_are_flagged(framework: Framework) -> None:
    """The instruments' people counts reach the privacy layer as people (not as bodies' answers)."""
    people = people_quantities(framework)
    # status cases (one row a person), presumed victims referred, persons accommodated, referrals
    for indicator_id, stat in [("S01", "n"), ("S03", "numerator"), ("P01", "numerator"), ("P01", "denominator"),
                               ("S08", "numerator"), ("S09", "numerator"), ("S09B", "numerator"),
                               ("P03", "numerator"), ("V01", "n")]:
        assert stat in people.get(indicator_id, []), (indicator_id, stat)
    # answers of bodies about staff or events are not people affected by trafficking
    assert "H07" not in people and "E02" not in people


def test_the_demo_holds_small_counts_of_people(demo_engine: Engine, framework: Framework) -> None:
    """Staff see them: without this the tests below could not fail."""
    internal = pd.concat([compute(demo_engine, framework, level=level, period="year") for level in ("oblast", "raion")])
    small = small_people_cells(internal, framework)
    assert {"S08", "S09", "P01"} <= set(small["indicator"])


def test_protected_set_shows_no_small_count_of_people(demo_engine: Engine, framework: Framework) -> None:
    """Every level × granularity × disaggregation that any public view or report reads."""
    public = protected_set(demo_engine, framework).public
    small = small_people_cells(public, framework)
    assert small.empty, small[["indicator", "level", "territory_code", "period", "stat"]].head(10).to_string()


def test_compute_cli_shows_no_small_count_of_people(demo_url: str, framework: Framework) -> None:
    _register()
    for level in ("hromada", "raion", "oblast"):
        result = CliRunner().invoke(app, ["compute", "--level", level, "--period", "quarter", "--format", "csv",
                                          "--db", demo_url, "--framework", str(ROOT)])
        assert result.exit_code == 0, result.stderr
        table = pd.read_csv(io.StringIO(result.stdout), dtype=str)
        assert small_people_cells(table, framework).empty, level


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_open_data_shows_no_small_count_of_people(built: Callable[[str, str], Path], framework: Framework,
                                                  lang: str) -> None:
    results = pd.read_csv(built("opendata", lang) / "results.csv", dtype=str)
    assert not results.empty
    assert small_people_cells(results, framework).empty


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_report_content_shows_no_small_count_of_people(reports: Callable[[str], Report], framework: Framework,
                                                       lang: str) -> None:
    """The content every report format renders (PDF, DOCX, XLSX, HTML, IATI)."""
    report = reports(lang)
    both = pd.concat([report.results, report.results_all], ignore_index=True)
    assert not both.empty
    small = small_people_cells(both, framework)
    assert small.empty, small[["indicator", "territory_code", "period", "stat"]].to_string()
