"""The DOCX table written as one element: what python-docx (and so Word) reads back from it."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from monitor.reports.docx_table import table_element
from monitor.reports.model import STATUS_FILL, Cell, HeaderCell, Table

BLOCK = Table(
    key="t", title="Таблиця",
    header=[[HeaderCell(""), HeaderCell("2022", span=2)], [HeaderCell("Показник"), HeaderCell("n"), HeaderCell("%")]],
    rows=[
        [Cell("S01 <частка> & ін.", bold=True), Cell("41", 41, "integer"), Cell("53,7 %", 0.537, "percent", "red")],
        [Cell("рядок\x07 з керівним символом"), Cell("приховано"), Cell("")],
    ],
    widths=[3, 1, 1],
)


def _read(tmp_path: Path):  # type: ignore[no-untyped-def]
    document = Document()
    widths = [Mm(90).twips, Mm(30).twips, Mm(30).twips]
    document.element.body._insert_tbl(table_element(BLOCK, widths, style_id="TableGrid", size_half_points=16))
    document.save(str(tmp_path / "t.docx"))
    return Document(str(tmp_path / "t.docx")).tables[0]


def test_texts_spans_and_escaping_read_back(tmp_path: Path) -> None:
    table = _read(tmp_path)
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["", "2022", "2022"],  # a spanned cell is one cell, seen under each column it covers
        ["Показник", "n", "%"],
        ["S01 <частка> & ін.", "41", "53,7 %"],
        ["рядок з керівним символом", "приховано", ""],  # a control character XML cannot hold is dropped
    ]
    assert table.style.name == "Table Grid"


def test_headings_repeat_numbers_align_right_statuses_fill(tmp_path: Path) -> None:
    table = _read(tmp_path)
    rows = table._tbl.tr_lst
    assert [row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for row in rows] == [True, True, False, False]
    body = table.rows[2].cells
    assert body[0].paragraphs[0].runs[0].bold
    assert body[0].paragraphs[0].alignment is None
    assert body[1].paragraphs[0].alignment == 2  # WD_ALIGN_PARAGRAPH.RIGHT
    fill = body[2]._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))
    assert fill == STATUS_FILL["red"].lstrip("#")
    heading = table.rows[0].cells[1]._tc
    assert heading.tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "2"
    assert heading.tcPr.find(qn("w:tcW")).get(qn("w:w")) == str(2 * Mm(30).twips)
    assert table.rows[0].cells[1].paragraphs[0].runs[0].font.size.pt == 8


def test_the_grid_carries_the_column_widths(tmp_path: Path) -> None:
    table = _read(tmp_path)
    assert [column.width.twips for column in table.columns] == [Mm(90).twips, Mm(30).twips, Mm(30).twips]
