"""The annex says what uncertainty each instrument's design allows: a census of bodies shows non-response
(answers received of expected, the coverage table's figures), a convenience sample claims no interval."""

from __future__ import annotations

import pytest

from monitor.engine import coverage
from monitor.i18n import t
from monitor.reports.model import Definition

LANGS = ["en", "uk"]


def _items(report, ident: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    block = next(b for s in report.sections for b in s.blocks if isinstance(b, Definition) and b.key == f"def-{ident}")
    return dict(block.items)


@pytest.mark.parametrize("lang", LANGS)
def test_census_shows_non_response_and_convenience_no_interval(reports, demo_engine, framework, lang: str) -> None:
    report = reports(lang)
    label = t("reports.method.interval", lang)
    cov = coverage(demo_engine, framework)
    rows = cov[(cov["survey"] == "hromada-officials") & (cov["level"] == "oblast")
               & cov["territory_code"].isin(report.oblast_codes) & (cov["wave"].astype(str) == report.period)]
    expected = t("reports.design.census_uncertainty", lang, wave=report.period,
                 received=int(rows["received"].sum()), expected=int(rows["expected"].sum()))
    assert int(rows["expected"].sum()) > 0
    assert _items(report, "H01")[label] == expected
    assert _items(report, "V01")[label] == t("reports.design.convenience_uncertainty", lang)
    assert _items(report, "E03")[label] == t("reports.design.convenience_uncertainty", lang)
    # the request log declares no expected answers: said so, not computed
    assert _items(report, "R02")[label] == t("reports.design.census_no_expected", lang)
    instruments = next(tb for tb in report.tables() if tb.key == "instruments")
    designs = {row[0].text: row[4].text for row in instruments.rows}
    assert designs["SV"] == t("reports.design.convenience", lang) and designs["HS"] == t("reports.design.census", lang)


def test_no_shipped_result_claims_an_interval_or_a_significant_change(public_results) -> None:
    # every shipped instrument is a census or a convenience sample (surveys/*.yaml design:)
    assert public_results["ci_low"].isna().all() and public_results["ci_high"].isna().all()
    assert not public_results["change_significant"].astype(bool).any()
