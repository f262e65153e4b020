"""The report as a print-ready A4 PDF (fpdf2), DejaVu Sans embedded so Cyrillic is real, searchable text.

fpdf2 refuses non-Latin text in its core fonts (it raises instead of drawing blanks), and we always
register a Unicode TTF, so a missing glyph can never pass silently. Sections open on a new page;
the IPTT section is landscape. Every page carries the report title and, for demo data, the
synthetic-data marker in the header and footer.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from fpdf import FPDF

from monitor.i18n import t
from monitor.reports import pdf_linebreak, pdf_table, pdf_wrap
from monitor.reports.images import Pending
from monitor.reports.model import (
    HEAD_FILL,
    STATUS_FILL,
    Cell,
    Chart,
    Definition,
    HeaderCell,
    Paragraph,
    Report,
    Section,
    Table,
)

FONT_DIRS = (
    os.environ.get("MONITOR_FONT_DIR", ""),
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
)
FONT = "DejaVu"
RED = (183, 28, 28)
GREY = (96, 96, 96)
DEFINITION_LINE = 3.8  # mm, a line of the methodology annex


def _rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def font_dir() -> Path:
    for folder in FONT_DIRS:
        if folder and (Path(folder) / "DejaVuSans.ttf").is_file():
            return Path(folder)
    raise FileNotFoundError(
        "DejaVuSans.ttf not found (install fonts-dejavu-core or set MONITOR_FONT_DIR) / "
        "не знайдено DejaVuSans.ttf (встановіть fonts-dejavu-core або задайте MONITOR_FONT_DIR)"
    )


class ReportPDF(FPDF):
    def __init__(self, report: Report, pending: Pending | None = None) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.report = report
        self.pending = pending
        folder = font_dir()
        self.add_font(FONT, "", str(folder / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(folder / "DejaVuSans-Bold.ttf"))
        oblique = folder / "DejaVuSans-Oblique.ttf"
        self.add_font(FONT, "I", str(oblique if oblique.is_file() else folder / "DejaVuSans.ttf"))
        self.set_margins(15, 16, 15)
        self.set_auto_page_break(True, margin=16)
        self.set_title(f"{report.title} — {report.subtitle} ({report.period})")
        self.set_author("ptl-monitor")
        self.set_creator(f"ptl-monitor {report.provenance.version}")
        self.set_lang("uk-UA" if report.lang == "uk" else "en-GB")
        self.cover = True

    def header(self) -> None:
        if self.cover:
            return
        self.set_font(FONT, "", 7)
        self.set_text_color(*GREY)
        self.set_y(7)
        self.cell(0, 4, f"{self.report.title} · {self.report.subtitle}", align="L")
        if self.report.synthetic:
            self.set_text_color(*RED)
            self.set_font(FONT, "B", 7)
            self.set_x(self.l_margin)
            self.cell(0, 4, t("reports.synthetic_short", self.report.lang).upper(), align="R")
        self.set_text_color(0, 0, 0)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, "", 7)
        self.set_text_color(*(RED if self.report.synthetic else GREY))
        self.cell(0, 4, self.report.footer, align="L")
        self.set_x(self.l_margin)
        self.set_text_color(*GREY)
        self.cell(0, 4, t("reports.page", self.report.lang, page=self.page_no(), pages="{nb}"), align="R")
        self.set_text_color(0, 0, 0)

    # ------------------------------------------------------------------ blocks
    def paragraph_block(self, block: Paragraph) -> None:
        if block.style == "subheading":
            if self.will_page_break(18):
                self.add_page(orientation=self.cur_orientation)
            self.ln(2)
            self.set_font(FONT, "B", 11)
            self.multi_cell(0, 5.5, block.text, new_x="LMARGIN", new_y="NEXT")
            self.ln(1)
            return
        if block.style == "note":
            self.set_font(FONT, "I", 7.5)
            self.set_text_color(*GREY)
            self.multi_cell(0, 3.8, block.text, new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(0, 0, 0)
            self.ln(1)
            return
        if block.style == "warning":
            self.set_font(FONT, "B", 9)
            self.set_text_color(*RED)
            self.multi_cell(0, 4.4, block.text, new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(0, 0, 0)
            self.ln(1.2)
            return
        self.set_font(FONT, "", 9)
        if block.style == "bullet":
            self.set_x(self.l_margin + 3)
            self.multi_cell(self.epw - 3, 4.4, "• " + block.text, new_x="LMARGIN", new_y="NEXT")
        else:
            self.multi_cell(0, 4.4, block.text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1.2)

    def table_block(self, block: Table) -> None:
        size = block.font_size
        self.set_font(FONT, "B", 9.5)
        if self.will_page_break(25):
            self.add_page(orientation=self.cur_orientation)
        self.multi_cell(0, 5, block.title, new_x="LMARGIN", new_y="NEXT")
        self.ln(0.5)
        heading = [[pdf_table.TableCell(cell.text, self.heading_style(cell), cell.span) for cell in header_row]
                   for header_row in block.header]
        body = [[pdf_table.TableCell(cell.text, self.cell_style(cell)) for cell in body_row] for body_row in block.rows]
        drawer = pdf_table.TableDrawer(self, FONT, size, self.fitted_widths(block), line_height=size * 0.48,
                                       padding=0.7)
        drawer.table(heading, body)
        if block.note:
            self.ln(0.8)
            self.paragraph_block(Paragraph(block.note, "note"))
        self.ln(2)

    @staticmethod
    def heading_style(cell: HeaderCell) -> pdf_table.CellStyle:
        return pdf_table.CellStyle(True, _rgb(HEAD_FILL), (255, 255, 255), "C" if cell.span > 1 else "L")

    @staticmethod
    def cell_style(cell: Cell) -> pdf_table.CellStyle:
        fill = STATUS_FILL.get(cell.status) if cell.status else None
        return pdf_table.CellStyle(cell.bold, _rgb(fill) if fill else None, (0, 0, 0), "R" if cell.numeric else "L")

    def fitted_widths(self, block: Table) -> tuple[float, ...]:
        """Column widths in which no header word breaks: a column narrower than its longest header word
        (bold, plus padding) is widened, and the widest columns give the difference back."""
        total = sum(block.widths)
        widths = [self.epw * w / total for w in block.widths]
        self.set_font(FONT, "B", block.font_size)
        need = [0.0] * len(widths)
        for header_row in block.header:
            col = 0
            for head in header_row:
                if head.span == 1 and col < len(need):
                    longest = max((self.get_string_width(word) for word in head.text.split()), default=0.0)
                    need[col] = max(need[col], longest + 2.2)
                col += head.span
        for col, width in enumerate(self.token_widths(block)):
            if col < len(need):
                need[col] = max(need[col], width)
        self.set_font(FONT, "", block.font_size)
        short = sum(max(0.0, n - w) for n, w in zip(need, widths, strict=True))
        if short <= 0:
            return tuple(widths)
        widths = [max(w, n) for w, n in zip(widths, need, strict=True)]
        for _ in range(len(widths)):
            spare = [i for i, (w, n) in enumerate(zip(widths, need, strict=True)) if w - n > 1]
            if short <= 0.01 or not spare:
                break
            room = sum(widths[i] - need[i] for i in spare)
            take = min(short, room)
            for i in spare:
                widths[i] -= take * (widths[i] - need[i]) / room
            short -= take
        return tuple(widths)

    def token_widths(self, block: Table) -> list[float]:
        """Per column, the width its longest cell needs when every body cell of it is one word (an
        indicator id, a code, a number): such a column is never wrapped ('S01A', not 'S01' / 'A').
        0 for other columns, and for a word wider than a quarter of the page (it wraps as before)."""
        columns = len(block.widths)
        longest = [0.0] * columns
        words_only = [True] * columns
        for body_row in block.rows:
            if len(body_row) != columns:
                return [0.0] * columns  # spanning rows: no column structure to fit
            for col, cell in enumerate(body_row):
                if not cell.text:
                    continue
                if len(cell.text.split()) != 1:
                    words_only[col] = False
                    continue
                self.set_font(FONT, "B" if cell.bold else "", block.font_size)
                longest[col] = max(longest[col], self.get_string_width(cell.text) + 2.2)
        return [w if ok and w <= self.epw / 4 else 0.0 for w, ok in zip(longest, words_only, strict=True)]

    def chart_block(self, block: Chart) -> None:
        self.set_font(FONT, "B", 9)
        if self.pending is not None:
            self.pending.wait(block)
        if block.image is None:
            return
        width = self.epw
        if block.width < 700:
            width = self.epw * block.width / 900
        height = width * block.height / block.width
        if height > self.eph - 10:
            height = self.eph - 10
            width = height * block.width / block.height
        if self.will_page_break(height + 7):
            self.add_page(orientation=self.cur_orientation)
        self.multi_cell(0, 4.5, block.title, new_x="LMARGIN", new_y="NEXT")
        self.image(io.BytesIO(block.image), x=self.l_margin + (self.epw - width) / 2, w=width, h=height)
        self.ln(2)

    def definition_block(self, block: Definition) -> None:
        if self.will_page_break(22):
            self.add_page(orientation=self.cur_orientation)
        self.set_font(FONT, "B", 9)
        # Left-aligned: justified (fpdf2's default) spaces a wrapped heading word by word.
        self.multi_cell(0, 4.6, block.title, new_x="LMARGIN", new_y="NEXT", align="L")
        for label, value in block.items:
            # Bold label, then the text wrapped at spaces (pdf_wrap: fpdf2's character-by-character line
            # breaker was 40 % of the PDF's layout time here), left-aligned, one text line at a time.
            self.set_font(FONT, "B", 7.8)
            head = f"{label}: "
            head_width = self.get_string_width(head)
            self.set_font(FONT, "", 7.8)
            lines = pdf_wrap.wrap(value, pdf_wrap.measurer(self), self.epw, self.epw - head_width) or [""]
            self.set_font(FONT, "B", 7.8)
            self.line_room(DEFINITION_LINE)
            self.line_text(head, 0.0, DEFINITION_LINE)
            self.set_font(FONT, "", 7.8)
            self.line_text(lines[0], head_width, DEFINITION_LINE)
            for line in lines[1:]:
                self.set_y(self.y + DEFINITION_LINE)
                self.line_room(DEFINITION_LINE)
                self.line_text(line, 0.0, DEFINITION_LINE)
            self.set_xy(self.l_margin, self.y + DEFINITION_LINE)
            self.ln(0.4)
        self.ln(1.8)

    def line_room(self, height: float) -> None:
        """A new page (same orientation) when a line of `height` mm would cross the bottom margin."""
        if self.y + height > self.page_break_trigger:
            self.add_page(orientation=self.cur_orientation)

    def line_text(self, text: str, indent: float, height: float) -> None:
        """One line of text in the current font, `indent` mm from the left margin, in a line `height` mm high
        at the current y (the baseline where fpdf2's cell() puts it). `text()` instead of `cell()`: the
        reference sheets are ~2,700 lines, and `cell()` costs ten times as much per line."""
        if text:
            self.text(self.l_margin + indent, self.y + height / 2 + 0.3 * self.font_size, text)

    # ------------------------------------------------------------------ pages
    def cover_page(self) -> None:
        report = self.report
        lang = report.lang
        self.add_page()
        self.set_y(45)
        self.set_font(FONT, "B", 26)
        self.multi_cell(0, 12, report.title, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 14)
        self.multi_cell(0, 7, report.subtitle, new_x="LMARGIN", new_y="NEXT")
        self.ln(8)
        self.set_font(FONT, "", 11)
        self.multi_cell(0, 6, f"{t('reports.period', lang)}: {', '.join(report.periods)} "
                              f"({report.period})", new_x="LMARGIN", new_y="NEXT")
        self.multi_cell(0, 6, f"{t('reports.scope', lang)}: {', '.join(report.scope)}", new_x="LMARGIN",
                        new_y="NEXT")
        if report.synthetic:
            self.ln(8)
            self.set_fill_color(255, 235, 238)
            self.set_draw_color(*RED)
            self.set_text_color(*RED)
            self.set_font(FONT, "B", 13)
            self.multi_cell(0, 8, t("reports.synthetic", lang), border=1, fill=True, align="C", padding=3,
                            new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(0, 0, 0)
            self.set_draw_color(0, 0, 0)
            self.set_fill_color(255, 255, 255)  # tables fill cells with the current colour
        self.ln(10)
        self.set_font(FONT, "B", 11)
        self.cell(0, 6, t("reports.contents", lang), new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 9.5)
        for number, section in enumerate(report.sections, start=1):
            self.cell(0, 5, f"{number}. {section.title}", new_x="LMARGIN", new_y="NEXT")
        self.set_y(-40)
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        prov = report.provenance
        self.multi_cell(0, 4, f"{report.generated_line}\nptl-monitor {prov.version} · "
                              f"{t('reports.prov.framework_short', lang)} {prov.framework_hash[:12]} · "
                              f"{t('reports.prov.database_short', lang)} {prov.database_hash[:12]}",
                        new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.cover = False

    def section(self, number: int, section: Section) -> None:
        orientation = "L" if section.landscape else "P"
        if section.new_page or self.cur_orientation != orientation or self.will_page_break(60):
            self.add_page(orientation=orientation)
        else:
            self.ln(6)
        self.start_section(section.title, level=0)
        self.set_font(FONT, "B", 15)
        self.multi_cell(0, 7.5, f"{number}. {section.title}", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
        charts_noted = False
        for block in section.blocks:
            if isinstance(block, Paragraph):
                self.paragraph_block(block)
            elif isinstance(block, Table):
                self.table_block(block)
            elif isinstance(block, Chart):
                self.chart_block(block)
                note = self.pending.note if self.pending is not None else self.report.charts_note
                if block.image is None and note and not charts_noted:
                    self.paragraph_block(Paragraph(note, "note"))
                    charts_noted = True
            elif isinstance(block, Definition):
                self.definition_block(block)


def write_pdf(report: Report, out: Path, pending: Pending | None = None) -> Path:
    pdf_linebreak.install()  # linear line breaking, same lines (pdf_linebreak.py)
    pdf = ReportPDF(report, pending)
    pdf.cover_page()
    for number, section in enumerate(report.sections, start=1):
        pdf.section(number, section)
    pdf.output(str(out))
    return out
