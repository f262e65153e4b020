"""Indicators asked in parts (split_by) get a table of their parts in their theme: H07 by sex, P03 by sex and age, S09 by
source and S09B by destination (the referral table, with the social-protection body at one end)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from monitor import format as fmt
from monitor.framework.models import Framework
from monitor.reports.model import Report


@pytest.mark.parametrize("lang", ["uk", "en"])
@pytest.mark.parametrize("indicator", ["H07", "S09", "S09B", "P03"])
def test_each_part_is_a_row_with_the_published_values(reports: Callable[[str], Report], framework: Framework,
                                                      lang: str, indicator: str) -> None:
    report = reports(lang)
    split = framework.indicators[indicator].split_by[0]
    table = next(tb for tb in report.tables() if tb.key == f"split-{indicator}")
    assert [row[0].text for row in table.rows] == [part.label.get(lang) for part in split.parts]
    assert table.header[-1][0].text == split.label.get(lang)
    results = report.results
    oblasts = sorted(results["territory_code"].unique())
    for row, part in zip(table.rows, split.parts, strict=True):
        for cell, code in zip(row[1:1 + len(oblasts)], oblasts, strict=True):
            found = results[(results["indicator"] == indicator) & (results["territory_code"] == code)
                            & (results["period"].astype(str) == report.period) & (results["dimension"] == split.name)
                            & (results["dimension_value"] == part.value)]
            assert len(found) == 1
            value = found["value"].iloc[0]
            if found["suppressed"].iloc[0]:
                assert cell.text not in ("", fmt.DASH) and not any(ch.isdigit() for ch in cell.text)
            else:
                assert cell.text == fmt.value(value, framework.indicators[indicator].unit, lang)
