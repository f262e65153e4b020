"""The report's tables drawn straight onto the page: each cell wrapped at spaces once, each row measured once.

Why: fpdf2's `table()` lays every cell out through `multi_cell` twice (once to measure the row, once
to draw it), with a font face, a graphics-state copy and a character-by-character line breaker per
cell: 69 % of the PDF's layout time for the demo report's ~5,000 cells. A report table needs much
less: one font, plain text, a fill colour per cell, borders on every cell, heading rows repeated
after a page break. So each cell's lines come from `pdf_wrap.wrap` (each distinct word measured
once), the row's height is its tallest cell, and the row is drawn as rectangles and text lines.

The look is fpdf2's table as the report used it: `borders_layout="ALL"`, text vertically centred,
`padding` (mm) around the text on all four sides, numbers right-aligned, spanned headings centred, headings bold white on
a dark fill and repeated at the top of each page the table runs onto.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from monitor.reports import pdf_wrap

BASELINE = 0.3  # fpdf2 puts a line's baseline 0.3 font sizes below the middle of its cell


@dataclass(frozen=True)
class CellStyle:
    bold: bool = False
    fill: tuple[int, int, int] | None = None
    color: tuple[int, int, int] = (0, 0, 0)
    align: str = "L"  # L | R | C


@dataclass(frozen=True)
class TableCell:
    text: str
    style: CellStyle
    span: int = 1


@dataclass
class _Laid:
    x: float
    width: float
    lines: list[str]
    style: CellStyle


class TableDrawer:
    """Draws rows of `TableCell`s at the pdf's current position, `font` at `size` points."""

    def __init__(self, pdf: Any, font: str, size: float, widths: Sequence[float], *, line_height: float,
                 padding: float) -> None:
        self.pdf = pdf
        self.font = font
        self.size = size
        self.widths = list(widths)
        self.line_height = line_height
        self.padding = padding
        self.lefts = [pdf.l_margin + sum(self.widths[:i]) for i in range(len(self.widths) + 1)]
        self._measure: dict[bool, Callable[[str], float]] = {}
        self._bold = False  # the face set last (regular after the loop below)
        for bold in (True, False):
            self._use(bold)
            self._measure[bold] = pdf_wrap.measurer(pdf)

    def _use(self, bold: bool) -> None:
        self.pdf.set_font(self.font, "B" if bold else "", self.size)
        self._bold = bold

    def lay_out(self, row: Sequence[TableCell]) -> tuple[list[_Laid], float]:
        """The row's cells with their lines, and the row's height."""
        laid: list[_Laid] = []
        column = 0
        lines_most = 1
        for cell in row:
            x, right = self.lefts[column], self.lefts[min(column + cell.span, len(self.widths))]
            column += cell.span
            room = right - x - 2 * self.padding
            lines = self._wrap(cell.text, self._measure[cell.style.bold], room)
            lines_most = max(lines_most, len(lines))
            laid.append(_Laid(x, right - x, lines, cell.style))
        return laid, lines_most * self.line_height + 2 * self.padding

    @staticmethod
    def _wrap(text: str, measure: Callable[[str], float], room: float) -> list[str]:
        """The cell's lines; leading spaces are kept on the first line (the IPTT indents its breakdown rows)."""
        words = text.lstrip(" ")
        if not words.strip():
            return []
        lead = text[:len(text) - len(words)]
        lines = pdf_wrap.wrap(words, measure, room, room - measure(lead) if lead else None)
        if lead:
            lines[0] = lead + lines[0]
        return lines

    def draw(self, laid: list[_Laid], height: float) -> None:
        pdf = self.pdf
        y = pdf.y
        font_size = self.size / pdf.k
        for cell in laid:
            style = cell.style
            if style.fill is not None:
                pdf.set_fill_color(*style.fill)
                pdf.rect(cell.x, y, cell.width, height, style="DF")
            else:
                pdf.rect(cell.x, y, cell.width, height, style="D")
            if not cell.lines:
                continue
            if self._bold != style.bold:
                self._use(style.bold)
            pdf.set_text_color(*style.color)
            top = y + (height - len(cell.lines) * self.line_height) / 2
            measure = self._measure[style.bold]
            for number, line in enumerate(cell.lines):
                baseline = top + (number + 0.5) * self.line_height + BASELINE * font_size
                x = cell.x + self.padding  # padding on the sides, no cell margin besides (as fpdf2)
                if style.align != "L":
                    spare = cell.width - 2 * self.padding - measure(line)
                    x += spare if style.align == "R" else spare / 2
                pdf.text(x, baseline, line)
        pdf.set_text_color(0, 0, 0)
        pdf.set_xy(pdf.l_margin, y + height)

    def table(self, heading: Sequence[Sequence[TableCell]], body: Sequence[Sequence[TableCell]]) -> None:
        """Heading rows, then body rows; a row that would cross the page's bottom margin starts a new page
        (same orientation) under the heading rows again. A heading never ends a page alone."""
        pdf = self.pdf
        heads = [self.lay_out(row) for row in heading]
        head_height = sum(h for _, h in heads)
        rows = [self.lay_out(row) for row in body]
        first = rows[0][1] if rows else 0.0
        if pdf.y + head_height + first > pdf.page_break_trigger and pdf.y > pdf.t_margin + 1e-6:
            self._new_page()
        self._heading(heads)
        for laid, height in rows:
            if pdf.y + height > pdf.page_break_trigger and pdf.y > pdf.t_margin + head_height + 1e-6:
                self._new_page()
                self._heading(heads)
            self.draw(laid, height)
        pdf.set_fill_color(255, 255, 255)

    def _heading(self, heads: list[tuple[list[_Laid], float]]) -> None:
        for laid, height in heads:
            self.draw(laid, height)

    def _new_page(self) -> None:
        pdf = self.pdf
        pdf.add_page(orientation=pdf.cur_orientation)
        self._use(self._bold)  # add_page draws the running header in its own font
