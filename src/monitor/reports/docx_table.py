"""A report table as one WordprocessingML `w:tbl` element, written as text and parsed once.

Why: python-docx builds a table a cell at a time, each property through its element-ordering
machinery (`get_or_add_*`, `insert_element_before`): ~5,000 cells were three quarters of the DOCX
build. The table the report needs is simple and fixed, so it is written out directly, the same
structure python-docx writes ("Table Grid" style, fixed layout, heading rows repeated on each page,
spanned headings as `gridSpan`, status fills as `shd`), with the grid's column widths set as well
(python-docx leaves its default widths in `w:tblGrid`, which LibreOffice reads instead of the cells').

Text is escaped for XML, and characters XML cannot hold (control characters) are dropped, as
python-docx would refuse them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from monitor.reports.model import HEAD_FILL, STATUS_FILL, Table

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def _cell(text: str, width: int, *, span: int = 1, fill: str = "", bold: bool = False, color: str = "",
          right: bool = False, size: int) -> str:
    properties = f'<w:tcW w:type="dxa" w:w="{width}"/>'
    if span > 1:
        properties += f'<w:gridSpan w:val="{span}"/>'
    if fill:
        properties += f'<w:shd w:val="clear" w:color="auto" w:fill="{fill.lstrip("#")}"/>'
    paragraph = '<w:pPr><w:jc w:val="right"/></w:pPr>' if right else ""
    if text:
        run = ("<w:b/>" if bold else "") + (f'<w:color w:val="{color}"/>' if color else "") + f'<w:sz w:val="{size}"/>'
        lines = text.split("\n")
        body = "<w:br/>".join(f'<w:t xml:space="preserve">{_text(line)}</w:t>' for line in lines)
        paragraph += f"<w:r><w:rPr>{run}</w:rPr>{body}</w:r>"
    return f"<w:tc><w:tcPr>{properties}</w:tcPr><w:p>{paragraph}</w:p></w:tc>"


def table_element(block: Table, widths: Sequence[int], *, style_id: str, size_half_points: int):  # type: ignore[no-untyped-def]
    """The `w:tbl` element of `block`; `widths` per column in twentieths of a point (dxa)."""
    parts = [
        f"<w:tbl {nsdecls('w')}><w:tblPr><w:tblStyle w:val=\"{style_id}\"/><w:tblW w:type=\"auto\" w:w=\"0\"/>"
        '<w:tblLayout w:type="fixed"/><w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" '
        'w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>',
        *(f'<w:gridCol w:w="{width}"/>' for width in widths),
        "</w:tblGrid>",
    ]
    for header_row in block.header:
        parts.append('<w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>')
        column = 0
        for head in header_row:
            width = sum(widths[column:column + head.span])
            parts.append(_cell(head.text, width, span=head.span, fill=HEAD_FILL, bold=True, color="FFFFFF",
                               size=size_half_points))
            column += head.span
        parts.append("</w:tr>")
    for body_row in block.rows:
        parts.append("<w:tr>")
        for item, width in zip(body_row, widths, strict=True):
            fill = STATUS_FILL.get(item.status, "") if item.status else ""
            parts.append(_cell(item.text, width, fill=fill, bold=item.bold, right=item.numeric, size=size_half_points))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return parse_xml("".join(parts))
