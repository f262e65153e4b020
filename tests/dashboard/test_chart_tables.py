"""A table behind every chart, one click away, and its CSV download equals what the table and the chart
show (#13 item 3), on the real demo through AppTest. The CSV is read back from Streamlit's media store."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from dashboard_kit import no_exception, page
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from monitor.charts import figures
from monitor.dashboard.layout import table_panel_key
from monitor.i18n import t

POLTAVA = "UA53000000000028050"


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> list[MemoryMediaFileStorage]:
    """Every media store AppTest creates (it replaces the runtime per run; the files stay in the store)."""
    stores: list[MemoryMediaFileStorage] = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", Recording)
    return stores


def downloaded(stores: list[MemoryMediaFileStorage], url: str) -> bytes:
    name = url.rsplit("/", 1)[-1]
    return stores[-1].get_file(name).content


def shown_texts(spec: dict) -> list[str]:
    """The value texts a chart's hover shows for each drawn value (customdata[1])."""
    out = []
    for trace in spec["data"]:
        custom = trace.get("customdata")
        if not custom or (trace.get("meta") or {}).get("role") == "drill":
            continue  # the scorecard's invisible click targets repeat its cells
        if trace["type"] == "heatmap":
            out += [cell[1] for row in custom for cell in row if cell[0]]
        else:
            out += [cell[1] for cell in custom]
    return sorted(out)


@pytest.mark.parametrize(("module", "keys", "query"), [
    ("overview", ["scorecard", "index"], {}),
    ("explorer", ["map", "ranking", "trend", "breakdown"], {"oblast": POLTAVA, "indicator": "H02", "level": "raion"}),
    ("explorer", ["map", "ranking", "trend", "breakdown"], {"indicator": "V01"}),
])
def test_every_chart_has_its_table_and_the_csv_is_exactly_it(app: AppTest, media, module: str, keys: list[str],
                                                            query: dict) -> None:
    for key, value in query.items():
        app.query_params[key] = value
    at = app.run() if module == "overview" else page(app.run(), module)
    no_exception(at)
    assert not at.get("download_button")  # closed panels send no table and no download
    for key in keys:  # what a click on each panel does: it opens, and the page reruns with its table
        at.session_state[table_panel_key(key)] = True
    at.run()
    no_exception(at)
    specs = [json.loads(e.proto.spec) for e in at.get("plotly_chart")]
    assert len(specs) == len(keys)
    buttons = at.get("download_button")
    assert len(at.dataframe) >= len(keys) and len(buttons) >= len(keys)
    value_col = t("dashboard.chart.value", "uk")
    for i, (key, spec) in enumerate(zip(keys, specs, strict=True)):
        table = at.dataframe[i].value  # the expander under chart i (tables follow their charts)
        assert list(table.columns)[-4:] == [t("dashboard.col.n", "uk"), t("dashboard.chart.interval", "uk"),
                                            t("dashboard.col.target", "uk"), t("dashboard.col.status", "uk")]
        meta = spec["layout"].get("meta") or {}
        if meta.get("no_values") and not meta.get("all_suppressed") and key != "map":
            # Nothing to draw and nothing hidden (an index whose components are not all there): no number.
            assert (table[value_col] == "—").all(), key
        elif meta.get("all_suppressed") and key != "map":
            # The chart is the grey 'hidden' mark; the table lists the same values as hidden, no number.
            # ('—' is a cell with no value at all, e.g. a share with no one asked: nothing to hide.)
            hidden = table[value_col].map(lambda v: v.startswith("<") or v == t("dashboard.suppressed", "uk"))
            assert hidden.any() and (hidden | (table[value_col] == "—")).all()
        else:
            assert sorted(table[value_col]) == shown_texts(spec), key
        csv_button, xlsx_button = (next(b for b in buttons if b.proto.id.endswith(f"-{key}_{kind}"))
                                   for kind in ("csv", "xlsx"))
        csv_bytes = downloaded(media, csv_button.proto.url)
        csv = pd.read_csv(io.BytesIO(csv_bytes), dtype=str, keep_default_na=False, encoding="utf-8-sig")
        assert csv.equals(table.astype(str)), key
        assert csv_bytes == figures.table_csv(table)
        # The workbook, read back with another library than the one that wrote it: the same texts.
        book = pd.read_excel(io.BytesIO(downloaded(media, xlsx_button.proto.url)), dtype=str, keep_default_na=False,
                             engine="openpyxl")
        assert book.equals(table.astype(str)), key


def test_plotly_speaks_ukrainian(app: AppTest) -> None:
    at = app.run()
    config = json.loads(at.get("plotly_chart")[0].proto.config)
    assert config["locale"] == "uk"
    assert config["locales"]["uk"]["dictionary"]["Download plot as a png"] == "Завантажити графік як PNG"
    assert config["locales"]["uk"]["format"]["decimal"] == ","
    at.sidebar.radio[0].set_value("en").run()
    assert "locale" not in json.loads(at.get("plotly_chart")[0].proto.config)
