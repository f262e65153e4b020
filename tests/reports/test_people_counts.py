"""No public output shows a number of people below the survivor threshold (#10 item 6, #14 item 3):
survivors asked, presumed victims, status holders and status cases are 0 or at least k in the report's
content (which every format renders: PDF, DOCX, XLSX, HTML, IATI) and in the open-data CSV."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from monitor.engine import quantities_of
from monitor.framework.models import Framework
from monitor.reports.model import Report


def people_columns(framework: Framework) -> dict[str, list[str]]:
    """Indicator id -> the published statistics that count people (n, numerator, value of a count)."""
    out: dict[str, list[str]] = {}
    for indicator in framework.indicators.values():
        stats = [q.stat for q in quantities_of(framework, indicator) if q.people]
        if stats:
            out[indicator.id] = stats
    return out


def small_people(frame: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    k = framework.settings.survivor_min_n
    columns = people_columns(framework)
    assert columns, "the framework declares counts of people"
    bad = []
    for indicator, stats in columns.items():
        rows = frame[frame["indicator"] == indicator]
        for stat in stats:
            if stat not in rows:
                continue
            values = pd.to_numeric(rows[stat], errors="coerce").to_numpy(float)
            bad.append(rows[(values > 0) & (values < k)].assign(stat=stat))
    return pd.concat(bad) if bad else frame.iloc[0:0]


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_report_content_has_no_small_number_of_people(reports: Callable[[str], Report], framework: Framework,
                                                     lang: str) -> None:
    report = reports(lang)
    both = pd.concat([report.results, report.results_all], ignore_index=True)
    assert not both.empty
    found = small_people(both, framework)
    assert found.empty, found[["indicator", "territory_code", "period", "stat"]].to_string()


def test_open_data_has_no_small_number_of_people(built: Callable[[str, str], Path], framework: Framework) -> None:
    results = pd.read_csv(built("opendata", "en") / "results.csv", dtype={"period": str}, keep_default_na=False,
                          na_values=[""])
    found = small_people(results, framework)
    assert found.empty, found[["indicator", "territory_code", "period", "stat"]].to_string()
    # and the people cells that are small in the engine are really there, hidden (the test can fail)
    hidden = results[results["suppressed"].astype(str).str.lower() == "true"]
    assert len(hidden) > 0 and np.isnan(pd.to_numeric(hidden["n"], errors="coerce")).all()
