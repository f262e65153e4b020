"""The PDF's own table drawer: headings again on every page, words kept whole, numbers right-aligned, the
IPTT's indented breakdown rows kept indented, rows as tall as their tallest cell. Read back with pypdf."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from fpdf import FPDF

from monitor.reports import pdf_wrap
from monitor.reports.pdf import font_dir
from monitor.reports.pdf_table import CellStyle, TableCell, TableDrawer

HEAD = CellStyle(bold=True, fill=(38, 50, 56), color=(255, 255, 255))
TEXT = CellStyle()
NUMBER = CellStyle(align="R")


def _pdf() -> FPDF:
    pdf = FPDF(unit="mm", format="A4")
    folder = font_dir()
    pdf.add_font("DejaVu", "", str(folder / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(folder / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    pdf.set_font("DejaVu", "", 7.5)
    return pdf


def _draw(pdf: FPDF, body: list[list[TableCell]], widths: tuple[float, ...] = (20.0, 120.0, 40.0)) -> TableDrawer:
    drawer = TableDrawer(pdf, "DejaVu", 7.5, widths, line_height=3.6, padding=0.7)
    heading = [[TableCell("Код", HEAD), TableCell("Показник", HEAD), TableCell("Значення", HEAD)]]
    drawer.table(heading, body)
    return drawer


def _pieces(data: bytes) -> list[list[tuple[float, float, str]]]:
    """Per page, every text piece as (x, y, text) in PDF points (origin bottom left)."""
    pages = []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        found: list[tuple[float, float, str]] = []

        def visit(text: str, cm, tm, font, size, found=found) -> None:  # type: ignore[no-untyped-def]
            if text.strip():
                found.append((float(tm[4]), float(tm[5]), text))

        page.extract_text(visitor_text=visit)
        pages.append(found)
    return pages


def test_headings_repeat_on_every_page_and_no_row_is_lost(tmp_path: Path) -> None:
    pdf = _pdf()
    _draw(pdf, [[TableCell(f"R{i:03d}", TEXT), TableCell(f"Рядок {i}", TEXT), TableCell(str(i), NUMBER)]
                for i in range(150)])
    pages = _pieces(bytes(pdf.output()))
    assert len(pages) >= 3
    for page in pages:
        assert "Показник" in [t.strip() for _, _, t in page]
        heading_y = max(y for x, y, t in page if t.strip() == "Показник")
        assert all(y < heading_y for x, y, t in page if t.startswith("R"))  # the heading is on top
    codes = [t for page in pages for _, _, t in page if t.startswith("R")]
    assert codes == [f"R{i:03d}" for i in range(150)]


def test_numbers_end_at_the_same_right_edge_and_indents_are_kept() -> None:
    pdf = _pdf()
    _draw(pdf, [[TableCell("S01", TEXT), TableCell("Частка", TEXT), TableCell("1", NUMBER)],
                [TableCell("", TEXT), TableCell("    Стать: жінки", TEXT), TableCell("1 000,5", NUMBER)]])
    pdf.set_font("DejaVu", "", 7.5)
    measure = pdf_wrap.measurer(pdf)
    (page,) = _pieces(bytes(pdf.output()))
    x = {t.strip(): px for px, _, t in page}
    ends = [x["1"] + measure("1") * pdf.k, x["1 000,5"] + measure("1 000,5") * pdf.k]
    assert ends[0] == pytest.approx(ends[1], abs=0.05)
    assert ends[0] == pytest.approx((10 + 20 + 120 + 40 - 0.7) * pdf.k, abs=0.05)  # fpdf2's default margin: 10 mm
    share = next(px for px, _, t in page if t.strip() == "Частка")
    indented = next(px for px, _, t in page if "Стать" in t)
    assert indented == pytest.approx(share, abs=0.01)  # the spaces are drawn, so the text begins after them
    assert "    Стать: жінки" in next(t for _, _, t in page if "Стать" in t)


def test_a_long_cell_wraps_at_spaces_and_makes_its_row_taller() -> None:
    pdf = _pdf()
    long = "Частка осіб, які отримали статус особи, яка постраждала від торгівлі людьми, у строк " * 3
    drawer = TableDrawer(pdf, "DejaVu", 7.5, (20.0, 40.0, 40.0), line_height=3.6, padding=0.7)
    laid, height = drawer.lay_out([TableCell("S01", TEXT), TableCell(long, TEXT), TableCell("5", NUMBER)])
    lines = laid[1].lines
    assert len(lines) > 3
    assert " ".join(lines) == " ".join(long.split())  # every word, in order, none cut
    assert height == pytest.approx(len(lines) * 3.6 + 1.4)
    pdf.set_font("DejaVu", "", 7.5)
    assert all(pdf.get_string_width(line) <= 40 - 1.4 + 1e-6 for line in lines)
    single, one = drawer.lay_out([TableCell("S01", TEXT), TableCell("Коротко", TEXT), TableCell("", NUMBER)])
    assert one == pytest.approx(3.6 + 1.4) and single[2].lines == []
