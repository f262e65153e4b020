"""Honest empty states on the real demo (#13 item 4): coverage tiles of the selected wave only, a change
table only when the previous period has data, and a fully suppressed chart that says so."""

from __future__ import annotations

import json

import pytest
from dashboard_kit import no_exception, page
from streamlit.testing.v1 import AppTest

from monitor.i18n import t


def sidebar_select(at: AppTest, key: str):  # type: ignore[no-untyped-def]
    return next(s for s in at.sidebar.selectbox if s.key == f"w_{key}")


def demo_coverage(url: str):  # type: ignore[no-untyped-def]
    from dashboard_kit import ROOT

    from monitor.engine.coverage import coverage
    from monitor.framework.loader import framework_or_raise
    from monitor.store import db as store_db

    return coverage(store_db.connect(url), framework_or_raise(ROOT))


@pytest.mark.parametrize(("gran", "period", "wave"), [("year", "2021", "2021"), ("year", "2022", "2022"),
                                                      ("wave", "2021", "2021"), ("quarter", "2022-Q2", "2022")])
def test_coverage_tiles_follow_the_selected_period(app: AppTest, demo_url: str, gran: str, period: str,
                                                   wave: str) -> None:
    app.query_params["gran"] = gran
    app.query_params["period"] = period
    at = app.run()
    no_exception(at)
    cov = demo_coverage(demo_url)
    oblast = cov[(cov["level"] == "oblast") & (cov["wave"].astype(str) == wave)]
    expected = oblast.groupby("territory_code")[["received", "expected"]].sum()
    deltas = sorted(m.proto.delta for m in at.metric)
    assert deltas == sorted(f"{int(r.received)}/{int(r.expected)}" for r in expected.itertuples())
    both = cov[cov["level"] == "oblast"].groupby("territory_code")[["received", "expected"]].sum()
    assert deltas != sorted(f"{int(r.received)}/{int(r.expected)}" for r in both.itertuples())  # not both rounds
    assert any(t("dashboard.overview.coverage_wave", "uk", wave=wave) in m.value for m in at.markdown)


def test_no_change_table_without_a_previous_period_with_data(app: AppTest) -> None:
    app.query_params["gran"] = "quarter"
    at = app.run()
    earliest = sidebar_select(at, "period").options[-1]
    sidebar_select(at, "period").select(earliest).run()
    no_exception(at)
    assert len(at.dataframe) == 0  # no change table (and the chart tables wait for their panels to open)
    assert any(m.value == f"**{t('dashboard.overview.no_changes', 'uk')}**" for m in at.markdown)


def test_change_table_when_the_previous_period_has_data(app: AppTest) -> None:
    app.query_params["gran"] = "year"
    app.query_params["period"] = "2022"
    at = app.run()
    no_exception(at)
    assert any(m.value.startswith("**" + t("dashboard.overview.changes", "uk", previous="2021", period="2022")[:20])
               for m in at.markdown)
    assert len(at.dataframe) == 1 and not at.dataframe[0].value.empty  # the change table (chart tables: closed)


def test_a_fully_suppressed_chart_on_the_explorer_says_so(app: AppTest) -> None:
    """Survivor indicators per quarter: fewer than 11 answers in every oblast, every value hidden."""
    app.query_params["gran"] = "quarter"
    app.query_params["indicator"] = "V01"
    at = page(app.run(), "explorer")
    no_exception(at)
    specs = [json.loads(e.proto.spec) for e in at.get("plotly_chart")]
    hidden = [s for s in specs if (s["layout"].get("meta") or {}).get("all_suppressed")]
    assert hidden, [s["layout"].get("meta") for s in specs]
    texts = " ".join(a.get("text", "") for s in hidden for a in s["layout"].get("annotations", []))
    assert t("dashboard.chart.all_suppressed", "uk", min_n=11) in texts.replace("<br>", " ")
