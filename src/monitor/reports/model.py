"""The report as plain data: sections of paragraphs, tables, charts and definitions.

One model, five renderers (pdf, docx, xlsx, html, opendata): the renderers only lay out what is
here, so every format says the same thing. Texts are already in the report's language and numbers
already formatted for it; `Cell.value` keeps the number behind a cell for formats that store
numbers (XLSX), in the scale Excel expects (a share as 0..1 with a percent format).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from monitor.reports.provenance import Provenance

STATUS_FILL: dict[str, str] = {
    "green": "#c8e6c9",
    "amber": "#ffe082",
    "red": "#ffcdd2",
    "suppressed": "#e0e0e0",
    "no-data": "#f5f5f5",
    "incomplete": "#e8eaf6",
    "none": "#eceff1",
    "group": "#cfd8dc",  # a heading row inside a table (e.g. a result level in the IPTT)
}


NUMBER_FORMATS = ("percent", "percent0", "decimal", "integer")  # Cell.number_format of a number
HEAD_FILL = "#263238"  # table headings: white bold text on this fill, in every format


@dataclass
class Paragraph:
    text: str
    style: str = "body"  # body | note | bullet | subheading | warning


@dataclass
class Cell:
    text: str
    value: float | None = None  # the number behind `text`; None for text and withheld cells
    number_format: str = ""  # percent | decimal | integer | '' (text)
    status: str = ""  # traffic light, colours the cell
    bold: bool = False

    @property
    def numeric(self) -> bool:
        """A number (or a '<11' bound of one): right-aligned in every format's table."""
        return self.number_format in NUMBER_FORMATS or self.text.startswith("<")


@dataclass
class HeaderCell:
    text: str
    span: int = 1


@dataclass
class NativeChart:
    """An Excel chart drawn from the table's own cells (XLSX only; other formats use `Chart`)."""

    title: str
    category_column: int
    value_columns: list[int]
    kind: str = "bar"  # bar (horizontal) | column


@dataclass
class Table:
    key: str  # stable id: also the XLSX sheet's base name and the CSV name in open data
    title: str
    header: list[list[HeaderCell]]
    rows: list[list[Cell]]
    widths: list[float]  # relative column widths
    note: str = ""
    native_chart: NativeChart | None = None
    font_size: float = 7.5

    @property
    def columns(self) -> int:
        return sum(h.span for h in self.header[-1])


@dataclass
class Chart:
    key: str  # stable id, also the image file stem
    title: str
    figure: Any  # plotly.graph_objects.Figure from monitor.charts.figures
    caption: str = ""
    width: int = 900
    height: int = 420
    image: bytes | None = None  # PNG filled by images.render_all; None when no browser


@dataclass
class Definition:
    """A titled list of (label, text) pairs: one indicator of the methodology annex."""

    key: str
    title: str
    items: list[tuple[str, str]]


Block = Paragraph | Table | Chart | Definition


@dataclass
class Section:
    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    landscape: bool = False
    new_page: bool = True


@dataclass
class Report:
    lang: str
    title: str
    subtitle: str
    period: str  # the reporting period (e.g. '2022')
    periods: list[str]  # every period in the data up to `period`
    scope: list[str]  # oblast names in the report's language
    oblast_codes: list[str]
    synthetic: bool
    provenance: Provenance
    sections: list[Section]
    generated_line: str  # the one line that changes between two builds of the same content
    footer: str
    results: pd.DataFrame  # public results (after for_audience), oblast level, every period
    results_all: pd.DataFrame  # public results for all oblasts in scope combined
    coverage: pd.DataFrame
    indicator_rows: list[dict[str, Any]] = field(default_factory=list)  # definitions for open data
    pirs_rows: list[dict[str, Any]] = field(default_factory=list)  # pirs.csv: indicator × PIRS field, uk and en
    charts_note: str = ""  # set when static charts could not be rendered
    missing_notes: list[tuple[str, str]] = field(default_factory=list)  # (indicator, period) needing an explanation
    missing_texts: list[str] = field(default_factory=list)  # narrative kinds not written for the round
    proposals: list[Any] = field(default_factory=list)  # findings.Proposal: what the lead may accept
    iati: dict[str, Any] = field(default_factory=dict)  # what the IATI writer needs beyond the tables
    recommendations: pd.DataFrame = field(default_factory=pd.DataFrame)  # open data: monitor.oversight.report
    outputs: pd.DataFrame = field(default_factory=pd.DataFrame)  # open data: the coalition's output indicators

    def charts(self) -> list[Chart]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart)]

    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]
