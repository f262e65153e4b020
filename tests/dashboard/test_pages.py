"""Every page through AppTest on the real demo database, and filters that change what they should."""

from __future__ import annotations

import pytest
from dashboard_kit import APP, ROOT, chart_specs, decode, html, no_exception, page
from streamlit.testing.v1 import AppTest

from monitor.i18n import t

POLTAVA = "UA53000000000028050"


def scorecard(at: AppTest) -> dict:
    spec = chart_specs(at)[0]
    assert spec["data"][0]["type"] == "heatmap"
    return spec["data"][0]


def sidebar_select(at: AppTest, key: str):  # type: ignore[no-untyped-def]
    return next(s for s in at.sidebar.selectbox if s.key == f"w_{key}")


def test_overview_scorecard_banner_and_freshness(app: AppTest) -> None:
    at = app.run()
    no_exception(at)
    assert at.subheader[0].value == t("dashboard.overview.title", "uk")
    heat = scorecard(at)
    assert len(heat["x"]) == 4  # the four oblasts
    assert "synthetic-banner" in html(at)
    assert t("dashboard.legend.unverified", "uk") in html(at)  # the legend explains the '*' of unverified values
    assert any(c.value.startswith("Останній імпорт") for c in at.sidebar.caption)
    cells = [cell for row in heat["text"] for cell in row]
    assert t("privacy.withheld", "uk") in cells  # suppressed cells show the withheld mark...
    assert len(chart_specs(at)) >= 2  # ...and the oversight index is there too
    assert len(at.metric) == 4  # share of expected answers, one per oblast


def test_overview_oblast_filter_narrows_the_scorecard(app: AppTest) -> None:
    at = app.run()
    sidebar_select(at, "oblast").select(POLTAVA).run()
    no_exception(at)
    heat = scorecard(at)
    assert heat["x"] == ["Полтавська"]
    assert at.query_params["oblast"] == [POLTAVA] or at.query_params["oblast"] == POLTAVA


def test_overview_period_filter_changes_the_numbers(app: AppTest) -> None:
    at = app.run()
    period = sidebar_select(at, "period")
    assert period.options[:2] == ["2022", "2021"]  # newest first
    latest = [cell for row in scorecard(at)["text"] for cell in row]
    period.select("2021").run()
    no_exception(at)
    earlier = [cell for row in scorecard(at)["text"] for cell in row]
    assert latest != earlier


def test_theme_filter_keeps_only_its_indicators(app: AppTest) -> None:
    # Hromada capacity: bodies' answers, published; the survivors' theme is mostly withheld in the demo.
    at = app.run()
    before = len(scorecard(at)["y"])
    sidebar_select(at, "theme").select("hromada-capacity").run()
    no_exception(at)
    rows = scorecard(at)["y"]
    assert len(rows) < before
    assert rows[0] == "<b>Спроможність територіальних громад</b>"
    assert [r for r in rows if r.startswith("<b>")] == [rows[0]]  # one theme heading: no other theme left


def test_language_switch_and_url_state(app: AppTest) -> None:
    at = app.run()
    at.sidebar.radio[0].set_value("en").run()
    no_exception(at)
    assert at.subheader[0].value == t("dashboard.overview.title", "en")
    assert scorecard(at)["x"][0] == "Kirovohradska"
    assert at.query_params["lang"] in ("en", ["en"])


def test_a_shared_link_opens_the_same_view(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_DB", demo_url)
    monkeypatch.setenv("MONITOR_FRAMEWORK", str(ROOT))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["lang"] = "en"
    at.query_params["oblast"] = POLTAVA
    at.query_params["period"] = "2021"
    at.run()
    no_exception(at)
    assert at.subheader[0].value == t("dashboard.overview.title", "en")
    assert scorecard(at)["x"] == ["Poltavska"]
    assert sidebar_select(at, "period").value == "2021"


def test_a_stale_link_falls_back_to_defaults(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_DB", demo_url)
    monkeypatch.setenv("MONITOR_FRAMEWORK", str(ROOT))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["lang"] = "fr"
    at.query_params["oblast"] = "UA99"
    at.run()
    no_exception(at)
    assert len(scorecard(at)["x"]) == 4
    assert at.subheader[0].value == t("dashboard.overview.title", "uk")


def test_explorer_definition_map_ranking_trend_breakdown(app: AppTest) -> None:
    at = page(app.run(), "explorer")
    no_exception(at)
    assert at.selectbox(key="w_indicator").value == "H01"  # first theme first
    specs = chart_specs(at)
    assert [s["data"][0]["type"] for s in specs][:2] == ["choropleth", "bar"]
    assert len(specs) == 4
    assert any("CC BY 4.0" in c.value for c in at.caption)  # the boundaries' attribution under the map
    expander_text = " ".join(m.value for m in at.expander[0].markdown)
    assert t("dashboard.explorer.legal_basis", "uk") in expander_text
    assert t("dashboard.explorer.numerator", "uk") in expander_text
    assert "Share of hromadas" in expander_text  # the other language too
    assert t("dashboard.explorer.legal_basis", "en") in expander_text


def test_explorer_oblast_filter_changes_the_ranking(app: AppTest) -> None:
    at = page(app.run(), "explorer")
    ranking_all = chart_specs(at)[1]["data"][0]["y"]
    sidebar_select(at, "oblast").select(POLTAVA).run()
    no_exception(at)
    ranking_poltava = chart_specs(at)[1]["data"][0]["y"]
    assert set(ranking_poltava) < set(ranking_all)
    assert "Полтавський" in ranking_poltava


def test_explorer_indicator_choice_changes_the_numbers(app: AppTest) -> None:
    at = page(app.run(), "explorer")
    first = decode(chart_specs(at)[1]["data"][0]["x"])
    # H02: published at raion level in the public view (the S indicators count status cases, which the
    # protected set hides below k at raion level).
    at.selectbox(key="w_indicator").select("H02").run()
    no_exception(at)
    assert decode(chart_specs(at)[1]["data"][0]["x"]) != first
    assert at.query_params["indicator"] in ("H02", ["H02"])


def test_cascade_chart_table_and_period_filter(app: AppTest) -> None:
    at = page(app.run(), "cascade")
    no_exception(at)
    specs = chart_specs(at)
    assert specs and specs[0]["data"][0]["type"] == "bar"
    table = at.dataframe[0].value
    assert len(table) == 9  # five administrative steps and four survivor steps
    cells = table.drop(columns=table.columns[0]).to_numpy().ravel().tolist()
    assert "<11" in cells  # small survivor groups are hidden, never a number
    # The table's oblasts in the chart's legend order, in both languages (English names sort otherwise).
    for lang in ("uk", "en"):
        if lang == "en":
            at.sidebar.radio[0].set_value("en").run()
        legend = [trace["name"] for trace in chart_specs(at)[0]["data"] if trace.get("showlegend")]
        assert list(at.dataframe[0].value.columns[1:]) == legend, lang
    at.sidebar.radio[0].set_value("uk").run()
    sidebar_select(at, "period").select("2021").run()
    no_exception(at)
    assert at.dataframe[0].value.to_numpy().tolist() != table.to_numpy().tolist()


def test_hromada_profile_and_answers(app: AppTest) -> None:
    at = page(app.run(), "hromada")
    no_exception(at)
    assert at.subheader[0].value.startswith(t("dashboard.hromada.title", "uk"))
    indicators = at.table[0].value
    assert t("dashboard.col.median", "uk") in indicators.columns
    assert len(at.table) >= 2  # the indicators and what the officials answered
    first = at.selectbox(key="w_hromada").value
    assert len(at.selectbox(key="w_hromada").options) == 217
    answers_before = at.table[1].value
    # Numbers through the one formatter, Ukrainian typography: '226 700', never '226700' or '12.5'.
    from monitor import format as fmt

    answered = [str(v) for v in answers_before.iloc[:, 0]]
    numbers = [v for v in answered if v.replace(fmt.decimal(1000, "uk", 0)[1], "").replace(",", "").isdigit()]
    assert numbers and all(v == fmt.integer(int(v.replace(fmt.decimal(1000, "uk", 0)[1], "")), "uk")
                           for v in numbers if "," not in v), numbers
    assert not [v for v in answered if v.replace(".", "", 1).isdigit() and "." in v]  # no English decimal point
    assert any(c.value.endswith(fmt.integer(5851, "uk")) for c in at.caption), [c.value for c in at.caption]
    other = "UA53040030000088898"  # Lubenska, Poltava oblast
    at.selectbox(key="w_hromada").set_value(other).run()
    no_exception(at)
    assert at.selectbox(key="w_hromada").value == other != first
    assert "Лубенська" in at.subheader[0].value
    assert not at.table[0].value.equals(indicators) or not at.table[1].value.equals(answers_before)
    sidebar_select(at, "oblast").select(POLTAVA).run()
    no_exception(at)
    assert len(at.selectbox(key="w_hromada").options) == 60


def test_hromada_names_sort_the_ukrainian_way() -> None:
    from monitor.dashboard.pages.hromada import sort_key

    names = ["Ізюмська", "Адамівська", "Їжаківська", "Бабаївська", "Ґалаґівська", "Гадяцька", "Яготинська"]
    assert sorted(names, key=sort_key) == [
        "Адамівська", "Бабаївська", "Гадяцька", "Ґалаґівська", "Ізюмська", "Їжаківська", "Яготинська"
    ]


def test_data_page_tabs(app: AppTest) -> None:
    at = page(app.run(), "data")
    no_exception(at)
    assert len(at.tabs) == 5  # coverage, history, import, framework, collection servers
    assert chart_specs(at)[0]["data"][0]["type"] == "bar"  # coverage
    frames = [d.value for d in at.dataframe]
    batches = next(f for f in frames if t("dashboard.col.when", "uk") in f.columns)
    assert len(batches) >= 14  # every demo file
    # The open demo's visitor is anonymous: no file names, no importers, no rejected rows (issue #14).
    assert t("dashboard.col.file", "uk") not in batches.columns and t("dashboard.col.by", "uk") not in batches.columns
    rejected = [f for f in frames if t("dashboard.col.message", "uk") in f.columns and t("dashboard.col.row", "uk") in f.columns]
    assert not rejected
    assert not at.get("file_uploader")
    indicators = next(f for f in frames if t("dashboard.explorer.legal_basis", "uk") in f.columns)
    assert len(indicators) >= 28


def test_reports_page_is_in_the_navigation(app: AppTest) -> None:
    at = page(app.run(), "reports")
    no_exception(at)
    assert at.header[0].value == t("reports.page.title", "uk")
    assert any(b.key == "report_build" for b in at.button)


@pytest.mark.parametrize("module", ["overview", "explorer", "cascade", "hromada", "data", "reports"])
def test_every_page_in_english(app: AppTest, module: str) -> None:
    at = app.run()
    at.sidebar.radio[0].set_value("en").run()
    at = page(at, module)
    no_exception(at)
    assert "Synthetic demo data" in html(at)
