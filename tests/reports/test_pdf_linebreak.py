"""The linear line breaking (reports/pdf_linebreak.py) breaks lines exactly where fpdf2's own does."""

from __future__ import annotations

import datetime

import pytest
from fpdf import FPDF

from monitor.reports import pdf_linebreak
from monitor.reports.pdf import FONT, font_dir

TEXTS = [
    "S01A. Частка постраждалих, які отримали статус особи, що постраждала від торгівлі людьми, протягом 90 днів",
    "A short cell",
    "Довге-слово-без-пробілів-яке-не-вміщається-у-вузьку-клітинку-таблиці-і-ріжеться-посимвольно",
    "Line one\nLine two, with\u00a0a no-break space and a soft\u00adhyphen in it",
    "12 345,6 %   (95 % CI 10,1–14,2)   ",
]


def document() -> bytes:
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_creation_date(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    pdf.add_font(FONT, "", str(font_dir() / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(font_dir() / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    for width in (18, 31.5, 80, 0):
        for style, size, spacing, stretch in (("", 9, 0, 100), ("B", 6.5, 0.3, 100), ("", 7.8, 0, 85)):
            pdf.set_font(FONT, style, size)
            pdf.set_char_spacing(spacing)
            pdf.set_stretching(stretch)
            for text in TEXTS:
                pdf.multi_cell(width, 4, text, new_x="LMARGIN", new_y="NEXT", border=1)
            pdf.write(4, TEXTS[0] + " " + TEXTS[2])
            pdf.ln(5)
    with pdf.table(col_widths=(12, 40, 20)) as grid:
        for _ in range(3):
            row = grid.row()
            for text in TEXTS[:3]:
                row.cell(text)
    return bytes(pdf.output())


@pytest.fixture
def restore():
    yield
    pdf_linebreak.install()


def test_same_bytes_as_fpdf2(restore: None) -> None:
    pdf_linebreak.uninstall()
    reference = document()
    pdf_linebreak.install()
    assert document() == reference
    pdf_linebreak.install()  # idempotent
    assert document() == reference
