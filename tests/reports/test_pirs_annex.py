"""The methodology annex prints one PIRS (USAID Performance Indicator Reference Sheet) per indicator, in
every format and both languages, with the framework's own texts; open data carries them as pirs.csv."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess

import openpyxl
import pytest
from helpers_reports import flat
from test_docx_xlsx_report import docx_text

from monitor.framework.models import PIRS_TEXT_FIELDS
from monitor.i18n import t
from monitor.reports.pirs import FIELDS, field_text

LANGS = ["en", "uk"]


def pdftotext(path) -> str:  # type: ignore[no-untyped-def]
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def sheet_titles(text: str, framework, lang: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """How many times each indicator's PIRS title appears in the text."""
    return {ident: flat(text).count(flat(t("reports.pirs.title", lang, id=ident, title=ind.title.get(lang))))
            for ident, ind in framework.indicators.items()}


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("lang", LANGS)
def test_pdf_annex_has_one_pirs_per_indicator(built, framework, lang: str) -> None:
    text = pdftotext(built("pdf", lang))
    annex = text[text.rindex(t("reports.section.methodology", lang)):]  # after the contents page's entry
    flat_annex = flat(annex)
    # one sheet per indicator, found by its heading's start ("PIRS — S01."): pdftotext may reorder the
    # words of a heading that wraps onto a second line
    for ident in framework.indicators:
        heading = t("reports.pirs.title", lang, id=ident, title="")
        assert flat_annex.count(flat(heading)) == 1, ident
    # every field's label once per sheet, and the sheet's own words (the first of each prose field)
    for name in FIELDS:
        assert flat_annex.count(flat(t(f"reports.pirs.{name}", lang))) >= len(framework.indicators), name
    for ident, ind in framework.indicators.items():
        for name in ("definition", "limitations", "target_rationale"):
            words = field_text(framework, ind.pirs, name, lang)[:60]
            assert flat(words) in flat_annex, (ident, name)


@pytest.mark.parametrize("lang", LANGS)
def test_docx_html_xlsx_have_one_pirs_per_indicator(built, framework, lang: str) -> None:
    assert sheet_titles(docx_text(built("docx", lang)), framework, lang) == dict.fromkeys(framework.indicators, 1)
    html = re.sub(r"<[^>]+>", " ", built("html", lang).read_text(encoding="utf-8"))
    import html as html_lib

    assert sheet_titles(html_lib.unescape(html), framework, lang) == dict.fromkeys(framework.indicators, 1)
    book = openpyxl.load_workbook(built("xlsx", lang), read_only=True)
    sheet = book[next(n for n in book.sheetnames if n.startswith(t("reports.method.indicators_title", lang)[:20]))]
    titles = {row[0] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    for ident, ind in framework.indicators.items():
        assert t("reports.pirs.title", lang, id=ident, title=ind.title.get(lang)) in titles, ident


def test_opendata_pirs_csv_has_every_field_of_every_indicator(built, framework) -> None:
    folder = built("opendata", "en")
    with (folder / "pirs.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(framework.indicators) * (len(PIRS_TEXT_FIELDS) + 1)
    by_key = {(r["indicator"], r["field"]): r for r in rows}
    for ident, ind in framework.indicators.items():
        for name in FIELDS:
            row = by_key[(ident, name)]
            assert row["text_uk"] == field_text(framework, ind.pirs, name, "uk") and \
                row["text_en"] == field_text(framework, ind.pirs, name, "en")
    import json

    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == "pirs")
    assert resource["schema"]["primaryKey"] == ["indicator", "field"]
