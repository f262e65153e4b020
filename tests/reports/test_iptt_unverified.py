"""The IPTT row of an indicator that rests on an unverified parameter carries '‡', with a footnote naming the
parameter, in every report format (the mark follows the framework, not the data: a withheld value is marked too)."""

from __future__ import annotations

import html as html_lib
import re
import shutil
import subprocess

import openpyxl
import pytest
from helpers_reports import flat
from test_docx_xlsx_report import docx_text

from monitor.framework.params import unverified_parameters
from monitor.i18n import t
from monitor.reports.iptt import UNVERIFIED_MARK

LANGS = ["en", "uk"]


def marked(framework) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    return {i: p for i in framework.indicators if (p := unverified_parameters(framework, i))}


def footnote(framework, lang: str) -> str:  # type: ignore[no-untyped-def]
    params = sorted(set().union(*marked(framework).values()))
    labels = "; ".join(framework.settings.parameters[p].label.get(lang) for p in params)
    return t("reports.iptt.unverified_row_note", lang, mark=UNVERIFIED_MARK, params=labels)


@pytest.mark.parametrize("lang", LANGS)
def test_iptt_model_marks_exactly_the_unverified_rows(reports, framework, lang: str) -> None:
    expected = marked(framework)
    assert {"S01", "S02"} <= set(expected)  # Procedure 417's deadlines are unverified placeholders
    table = next(tb for tb in reports(lang).tables() if tb.key == "iptt")
    rows = {r[0].text: r[1].text for r in table.rows if r[0].text and r[0].status != "group"}
    for ident, ind in framework.indicators.items():
        title = ind.title.get(lang)
        assert rows[ident] == (f"{title} {UNVERIFIED_MARK}" if ident in expected else title), ident
    assert footnote(framework, lang) in table.note
    # the index leaves such components out (index_excludes_unverified): OI itself is not marked
    assert "OI" not in expected and t("reports.iptt.unverified_index_note", lang) in table.note


def _rendered(built, fmt: str, lang: str) -> str:  # type: ignore[no-untyped-def]
    path = built(fmt, lang)
    if fmt == "pdf":
        # -raw: the order the cells are written in, so a title wrapped beside taller cells stays one run of text.
        return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    if fmt == "docx":
        return docx_text(path)
    if fmt == "html":
        return html_lib.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))
    book = openpyxl.load_workbook(path, read_only=True)
    return "\n".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx", "html"])
@pytest.mark.parametrize("lang", LANGS)
def test_every_format_shows_the_mark_and_its_footnote(built, framework, fmt: str, lang: str) -> None:
    if fmt == "pdf" and shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    text = flat(_rendered(built, fmt, lang))
    for ident in marked(framework):
        assert flat(f"{framework.indicators[ident].title.get(lang)} {UNVERIFIED_MARK}") in text, (fmt, ident)
    assert flat(footnote(framework, lang)) in text, fmt
