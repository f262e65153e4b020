"""The report as an editable Word document (python-docx): the coalition edits it before sending.

Real Word structures, so editing is easy: headings (navigation pane), bulleted lists, tables with
repeating header rows, pictures for the charts, a landscape section for the IPTT, page numbers in
the footer, the synthetic-data marker in the header and footer of every page.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

from monitor.i18n import t
from monitor.reports import docx_table
from monitor.reports.images import Pending
from monitor.reports.model import Chart, Definition, Paragraph, Report, Section, Table

RED = RGBColor(0xB7, 0x1C, 0x1C)
GREY = RGBColor(0x60, 0x60, 0x60)
FONT = "Arial"  # present in Word everywhere, with Cyrillic; the PDF embeds DejaVu instead


def _page_field(paragraph) -> None:  # type: ignore[no-untyped-def]
    """Append a PAGE field (Word fills in the page number)."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


class Writer:
    def __init__(self, report: Report, pending: Pending | None) -> None:
        self.report = report
        self.pending = pending
        self.doc = Document()
        normal = self.doc.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(9.5)
        for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
            self.doc.styles[name].font.name = FONT
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        for side in ("left_margin", "right_margin"):
            setattr(section, side, Mm(18))
        section.top_margin = section.bottom_margin = Mm(18)
        self.doc.core_properties.title = f"{report.title} — {report.subtitle} ({report.period})"
        self.doc.core_properties.author = "ptl-monitor"
        self.doc.core_properties.language = report.lang
        self._header_footer(section)
        self.charts_noted = False

    def _header_footer(self, section) -> None:  # type: ignore[no-untyped-def]
        header = section.header.paragraphs[0]
        header.text = ""
        run = header.add_run(f"{self.report.title} · {self.report.subtitle}")
        run.font.size, run.font.color.rgb = Pt(7), GREY
        if self.report.synthetic:
            marker = header.add_run("    " + t("reports.synthetic_short", self.report.lang).upper())
            marker.font.size, marker.font.bold, marker.font.color.rgb = Pt(7), True, RED
        footer = section.footer.paragraphs[0]
        footer.text = ""
        text = footer.add_run(self.report.footer + " · ")
        text.font.size = Pt(7)
        text.font.color.rgb = RED if self.report.synthetic else GREY
        _page_field(footer)

    @property
    def width(self):  # type: ignore[no-untyped-def]
        section = self.doc.sections[-1]
        return section.page_width - section.left_margin - section.right_margin

    # ------------------------------------------------------------------ blocks
    def paragraph(self, block: Paragraph) -> None:
        if block.style == "subheading":
            self.doc.add_heading(block.text, level=2)
            return
        if block.style == "bullet":
            self.doc.add_paragraph(block.text, style="List Bullet")
            return
        p = self.doc.add_paragraph()
        run = p.add_run(block.text)
        if block.style == "warning":
            run.bold = True
            run.font.color.rgb = RED
        if block.style == "note":
            run.italic = True
            run.font.size = Pt(8)
            run.font.color.rgb = GREY

    def table(self, block: Table) -> None:
        title = self.doc.add_paragraph()
        title.add_run(block.title).bold = True
        total = sum(block.widths)
        widths = [Emu(int(self.width * w / total)).twips for w in block.widths]
        style_id = self.doc.styles["Table Grid"].style_id
        # Written as one element (docx_table.py): python-docx's cell-by-cell API was most of the build.
        element = docx_table.table_element(block, widths, style_id=style_id,
                                           size_half_points=round((block.font_size + 0.5) * 2))
        self.doc.element.body._insert_tbl(element)
        if block.note:
            self.paragraph(Paragraph(block.note, "note"))

    def chart(self, block: Chart) -> None:
        if self.pending is not None:
            self.pending.wait(block)
        if block.image is None:
            note = self.pending.note if self.pending is not None else self.report.charts_note
            if note and not self.charts_noted:
                self.paragraph(Paragraph(note, "note"))
                self.charts_noted = True
            return
        title = self.doc.add_paragraph()
        title.add_run(block.title).bold = True
        title.paragraph_format.keep_with_next = True
        width = self.width
        height = int(width * block.height / block.width)
        limit = Mm(220)
        if height > limit:
            width = int(width * limit / height)
        self.doc.add_picture(io.BytesIO(block.image), width=width)
        self.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER

    def definition(self, block: Definition) -> None:
        self.doc.add_heading(block.title, level=3)
        for label, value in block.items:
            p = self.doc.add_paragraph()
            p.paragraph_format.space_after = Pt(1)
            p.add_run(f"{label}: ").bold = True
            p.add_run(value)

    # ------------------------------------------------------------------ pages
    def cover(self) -> None:
        report = self.report
        lang = report.lang
        self.doc.add_paragraph("\n\n")
        self.doc.add_heading(report.title, level=0)
        subtitle = self.doc.add_paragraph()
        subtitle.add_run(report.subtitle).font.size = Pt(14)
        self.doc.add_paragraph(f"{t('reports.period', lang)}: {', '.join(report.periods)} ({report.period})")
        self.doc.add_paragraph(f"{t('reports.scope', lang)}: {', '.join(report.scope)}")
        if report.synthetic:
            marker = self.doc.add_paragraph()
            marker.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = marker.add_run(t("reports.synthetic", lang))
            run.bold, run.font.size, run.font.color.rgb = True, Pt(13), RED
        self.doc.add_heading(t("reports.contents", lang), level=2)
        for number, section in enumerate(report.sections, start=1):
            self.doc.add_paragraph(f"{number}. {section.title}")
        prov = report.provenance
        self.paragraph(Paragraph(f"{report.generated_line} · ptl-monitor {prov.version} · "
                                 f"{t('reports.prov.framework_short', lang)} {prov.framework_hash[:12]} · "
                                 f"{t('reports.prov.database_short', lang)} {prov.database_hash[:12]}", "note"))

    def section(self, number: int, section: Section, previous_landscape: bool) -> None:
        if section.landscape != previous_landscape:
            new = self.doc.add_section(WD_SECTION.NEW_PAGE)
            new.orientation = WD_ORIENT.LANDSCAPE if section.landscape else WD_ORIENT.PORTRAIT
            new.page_width, new.page_height = (Mm(297), Mm(210)) if section.landscape else (Mm(210), Mm(297))
        elif section.new_page:
            self.doc.add_page_break()
        self.doc.add_heading(f"{number}. {section.title}", level=1)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                self.paragraph(block)
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, Chart):
                self.chart(block)
            elif isinstance(block, Definition):
                self.definition(block)


def write_docx(report: Report, out: Path, pending: Pending | None = None) -> Path:
    writer = Writer(report, pending)
    writer.cover()
    landscape = False
    for number, section in enumerate(report.sections, start=1):
        writer.section(number, section, landscape)
        landscape = section.landscape
    writer.doc.save(str(out))
    return out
