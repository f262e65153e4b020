"""DOCX (python-docx) and XLSX (openpyxl): every indicator, numbers equal compute, masked cells,
frozen headers, filters, native charts, and text cells safe from formula injection."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from demo_kit import DemoDatabase, carry_protected_set
from docx import Document
from helpers_reports import flat, norm, published_cells, shown, suppressed_cell

from monitor.framework.loader import framework_or_raise
from monitor.framework.models import Framework
from monitor.i18n import t
from monitor.reports.build import build_report
from monitor.reports.xlsx import safe_text, sheet_name

LANGS = ["en", "uk"]


def docx_tables(path: Path) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in Document(str(path)).tables]


def docx_text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell for table in docx_tables(path) for row in table for cell in row]
    return "\n".join(parts)


@pytest.mark.slow  # the full DOCX (charts drawn in chromium)
@pytest.mark.parametrize("lang", LANGS)
def test_docx_has_every_indicator_and_the_synthetic_marker(built, framework, lang: str) -> None:
    path = built("docx", lang)
    text = docx_text(path)
    for indicator in framework.indicators.values():
        assert flat(indicator.title.get(lang)) in flat(text), indicator.id
    assert t("reports.synthetic", lang) in text
    header = Document(str(path)).sections[0].header.paragraphs[0].text
    assert t("reports.synthetic_short", lang).upper() in header
    assert len(Document(str(path)).inline_shapes) >= 20  # the charts


@pytest.mark.slow  # the full DOCX
@pytest.mark.parametrize("lang", LANGS)
def test_docx_oblast_table_numbers_and_masks(built, reports, public_results, internal_results, lang: str) -> None:
    report = reports(lang)
    tables = docx_tables(built("docx", lang))
    oblast_tables = {code: tables[[i for i, tb in enumerate(tables) if tb[0][0] == t("reports.col.id", lang)
                                   and tb[0][2] == t("reports.col.value", lang)][k]]
                     for k, code in enumerate(report.oblast_codes)}
    for row in published_cells(public_results):
        table = oblast_tables[row["territory_code"]]
        line = next(r for r in table if r[0] == row["indicator"])
        assert norm(line[2]) == norm(shown(row, lang))
    hidden = suppressed_cell(internal_results)
    line = next(r for r in oblast_tables[hidden["territory_code"]] if r[0] == hidden["indicator"])
    assert line[2] == t("privacy.withheld", lang) and norm(shown(hidden, lang)) not in norm(" ".join(line))


@pytest.mark.parametrize("lang", LANGS)
def test_xlsx_sheets_numbers_masks_and_structure(built, reports, public_results, internal_results, lang: str) -> None:
    path = built("xlsx", lang)
    book = openpyxl.load_workbook(path)
    report = reports(lang)
    used: set[str] = set()
    sheet_name(report.title, used)
    names = {table.key: sheet_name(table.title, used) for table in report.tables()}
    assert set(names.values()) <= set(book.sheetnames)  # a sheet per table
    for code in report.oblast_codes:
        sheet = book[names[f"oblast-{code}"]]
        assert sheet.freeze_panes is not None and sheet.auto_filter.ref
        values = {r[0]: r for r in sheet.iter_rows(values_only=True) if r and r[0]}
        for row in published_cells(public_results):
            if row["territory_code"] == code:
                assert values[row["indicator"]][2] == pytest.approx(row["value"])
        hidden = suppressed_cell(internal_results)
        if hidden["territory_code"] == code:
            assert values[hidden["indicator"]][2] == t("privacy.withheld", lang)
    with zipfile.ZipFile(path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) >= 3  # native Excel charts
    text = " ".join(str(c) for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r if c)
    assert t("reports.synthetic", lang) in text


@pytest.mark.parametrize(("text", "expected"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("Полтавська", "Полтавська"), ("<11", "<11"), ("−5,1", "−5,1"),
])
def test_safe_text(text: str, expected: str) -> None:
    assert safe_text(text) == expected


def _definitions(framework: Framework) -> dict[str, object]:
    """What the protected set is built from, labels left out."""
    labels = {"title", "short_title"}
    return {"settings": framework.settings.model_dump(mode="json"),
            "surveys": {k: v.model_dump(mode="json") for k, v in framework.surveys.items()},
            "indicators": {k: v.model_dump(mode="json", exclude=labels) for k, v in framework.indicators.items()}}


def test_formula_in_a_framework_title_is_not_a_formula_in_xlsx(demo: DemoDatabase, demo_engine, tmp_path: Path) -> None:
    root = tmp_path / "framework"
    root.mkdir()
    source = Path(framework_or_raise().root)
    for part in ("framework.yaml", "indicators", "surveys"):
        target = root / part
        if (source / part).is_dir():
            shutil.copytree(source / part, target)
        else:
            shutil.copy(source / part, target)
    path = root / "indicators" / "H01.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    evil = '=HYPERLINK("http://evil.example","click")'
    data["title"] = {"uk": evil, "en": evil}
    data["short_title"] = {"uk": "+cmd|' /C calc'!A0", "en": "@SUM(1+1)*cmd"}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    framework = framework_or_raise(root)
    # Only labels changed, so the demo's protected set is this framework's set too: carried over under
    # its key rather than built again (~45 s of LP audit that would prove nothing about the XLSX).
    assert _definitions(framework) == _definitions(framework_or_raise(source))
    assert framework.indicators["H01"].title != framework_or_raise(source).indicators["H01"].title
    carry_protected_set(demo, demo_engine, framework)
    out = build_report(demo_engine, framework, fmt="xlsx", lang="en", out=tmp_path / "evil.xlsx")
    book = openpyxl.load_workbook(out)
    seen = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@", "\t", "\r")):
                    # Excel's invisible quote prefix: shown as typed, never evaluated, no literal apostrophe.
                    assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
                    seen += cell.value.startswith(("=HYPERLINK", "+cmd", "@SUM"))
    assert seen >= 2


def test_direction_column_shows_plus_minus_without_apostrophes(built) -> None:
    book = openpyxl.load_workbook(built("xlsx", "en"))
    values = [c.value for s in book.worksheets for r in s.iter_rows() for c in r if isinstance(c.value, str)]
    assert "+/−" in values and "+" in values
    assert not any(v.startswith(("'+", "'-", "'−", "'=", "'@")) for v in values)


@pytest.mark.parametrize("title", [
    "Access to status and one-off financial assistance for survivors",
    "Спроможність територіальних громад щодо протидії торгівлі людьми",
])
def test_sheet_names_are_cut_between_words(title: str) -> None:
    name = sheet_name(title, set())
    assert len(name) <= 31 and title.startswith(name) and title[len(name)] == " "
