"""HTML (one self-contained file) and the open-data package (CSV + Frictionless datapackage.json)."""

from __future__ import annotations

import csv
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from helpers_reports import flat, norm, published_cells, shown, suppressed_cell

from monitor.i18n import t

LANGS = ["en", "uk"]
EXTERNAL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)


class Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.scripts = 0
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self.scripts += 1
            self._in_script = True
        for key in ("src", "href"):
            if values.get(key) and tag in ("script", "link", "img", "iframe"):
                self.sources.append((tag, values[key] or ""))
        if tag == "style" and values.get("src"):
            self.sources.append((tag, values["src"] or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if not self._in_script:
            self.text.append(data)


@pytest.mark.parametrize("lang", LANGS)
def test_html_is_self_contained_and_complete(built, framework, public_results, internal_results, lang: str) -> None:
    source = built("html", lang).read_text(encoding="utf-8")
    parser = Collect()
    parser.feed(source)
    assert not [s for s in parser.sources if EXTERNAL.match(s[1])], parser.sources
    assert "@import" not in source and "@font-face" not in source
    assert source.count("plotly.js v") >= 1 and parser.scripts >= 20  # embedded library + one script per chart
    text = norm(" ".join(parser.text))
    for indicator in framework.indicators.values():
        assert flat(indicator.title.get(lang)) in flat(text), indicator.id
    for row in published_cells(public_results):
        assert norm(shown(row, lang)) in text
    hidden = suppressed_cell(internal_results)
    table = source.split(f'<table id="oblast-{hidden["territory_code"]}">')[1].split("</table>")[0]
    row = next(r for r in table.split("<tr>") if r.startswith(f"<td><b>{hidden['indicator']}</b>"))
    assert t("privacy.withheld", lang) in row and "&lt;" not in row and norm(shown(hidden, lang)) not in norm(row)
    assert t("reports.synthetic", lang) in text


@pytest.mark.parametrize("lang", LANGS)
def test_opendata_package_matches_its_csvs(built, public_results, internal_results, lang: str) -> None:
    folder = built("opendata", lang)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["profile"] == "tabular-data-package" and descriptor["licenses"] and descriptor["sources"]
    assert re.fullmatch(r"[a-z0-9._-]+", descriptor["name"])
    assert descriptor["ptl_monitor"]["synthetic"] is True
    for resource in descriptor["resources"]:
        with (folder / resource["path"]).open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert header == [f["name"] for f in resource["schema"]["fields"]]
        assert all(f["type"] in {"string", "integer", "number", "boolean"} for f in resource["schema"]["fields"])
        assert set(resource["schema"].get("primaryKey", [])) <= set(header)
    results = pd.read_csv(folder / "results.csv", dtype={"period": str, "dimension": str, "dimension_value": str},
                          keep_default_na=False, na_values=[""])
    for row in published_cells(public_results):
        match = results[(results["indicator"] == row["indicator"]) & (results["territory_code"] == row["territory_code"])
                        & (results["period"] == "2022") & results["dimension"].isna()]
        assert match["value"].iloc[0] == pytest.approx(row["value"], rel=1e-9)
    hidden = suppressed_cell(internal_results)
    match = results[(results["indicator"] == hidden["indicator"]) & (results["territory_code"] == hidden["territory_code"])
                    & (results["period"] == "2022") & results["dimension"].isna()]
    assert match["n_display"].iloc[0] == "withheld" and pd.isna(match["value"].iloc[0]) and pd.isna(match["n"].iloc[0])
    # no survivor rows below oblast level, ever
    assert set(results["level"]) <= {"oblast", "all"}
    # A value resting on an unverified parameter says so in its own column (S01: the 417 deadlines).
    flag = results.set_index("indicator")["unverified"].astype(str).str.lower()
    assert set(flag.loc[["S01"]]) == {"true"} and "false" in set(flag)


def test_opendata_zip(reports, tmp_path: Path) -> None:
    import zipfile

    from monitor.reports.build import render

    out = render(reports("en"), "opendata", tmp_path / "package.zip")
    with zipfile.ZipFile(out) as archive:
        assert {"datapackage.json", "results.csv", "coverage.csv", "indicators.csv"} <= set(archive.namelist())
