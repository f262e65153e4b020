"""Prose wrapped by word widths (reports/pdf_wrap.py): fpdf2's own widths, no line too wide, every word kept."""

from __future__ import annotations

import pytest
from fpdf import FPDF

from monitor.reports import pdf_wrap
from monitor.reports.pdf import FONT, font_dir

TEXTS = [
    "Серед постраждалих, які потребували правової допомоги (SV-Q07 = «правова»), частка тих, кому допомогу надав "
    "центр з надання безоплатної правничої допомоги (SV-Q08b). Результати для менше ніж 11 відповідей не публікуються.",
    "Among survivors who received any help, the share whom an NGO or IOM helped: NGOs and IOM as providers.",
    "https://zakon.rada.gov.ua/laws/show/417-2012-%D0%BF#Text-a-very-long-address-without-any-space-in-it-at-all",
    "   spaces   collapse\tand\nnewlines too   ",
    "",
]


@pytest.fixture(scope="module")
def pdf() -> FPDF:
    document = FPDF(unit="mm", format="A4")
    document.add_font(FONT, "", str(font_dir() / "DejaVuSans.ttf"))
    document.add_page()
    document.set_font(FONT, "", 7.8)
    return document


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize(("width", "first"), [(180.0, 150.0), (40.0, None), (12.0, 5.0)])
def test_lines_fit_and_keep_every_word(pdf: FPDF, text: str, width: float, first: float | None) -> None:
    measure = pdf_wrap.measurer(pdf)
    lines = pdf_wrap.wrap(text, measure, width, first)
    for i, line in enumerate(lines):
        assert line and pdf.get_string_width(line) <= (first if i == 0 and first is not None else width) + 1e-6 \
            or len(line) == 1
    assert "".join("".join(lines).split()) == "".join(text.split())  # nothing lost, only spaces dropped


def test_measure_is_fpdf2s_width(pdf: FPDF) -> None:
    measure = pdf_wrap.measurer(pdf)
    for text in TEXTS:
        assert measure(text) == pytest.approx(pdf.get_string_width(text), abs=1e-9)


@pytest.mark.parametrize("text", TEXTS[:2])
def test_no_more_lines_than_fpdf2(pdf: FPDF, text: str) -> None:
    """Greedy at spaces, as fpdf2 fills a left-aligned multi_cell: the same number of lines."""
    width = 60.0
    ours = pdf_wrap.wrap(text, pdf_wrap.measurer(pdf), width)
    theirs = pdf.multi_cell(width, 4, text, align="L", dry_run=True, output="LINES", padding=0)
    assert len(ours) == len(theirs)
