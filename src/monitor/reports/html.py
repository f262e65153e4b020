"""The report as one self-contained HTML file with interactive charts.

plotly.js is embedded once (`include_plotlyjs=True` for the first figure, False after), the CSS is
inline and uses fonts already on the reader's machine: nothing is loaded from the internet, so the
file works offline and leaks no reader's address to a CDN. Every text is HTML-escaped.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from monitor.i18n import t
from monitor.reports.model import STATUS_FILL, Chart, Definition, Paragraph, Report, Section, Table

CSS = """
body{font-family:"DejaVu Sans",Arial,"Helvetica Neue",sans-serif;margin:0;color:#212121;font-size:14px;line-height:1.45}
main{max-width:1100px;margin:0 auto;padding:16px 24px 64px}
h1{font-size:28px;margin:8px 0}h2{font-size:21px;border-bottom:2px solid #263238;padding-bottom:4px;margin-top:40px}
h3{font-size:16px;margin:20px 0 6px}h4{font-size:14px;margin:14px 0 4px}
.synthetic{background:#ffebee;border:2px solid #b71c1c;color:#b71c1c;font-weight:bold;padding:10px;text-align:center}
.bar{position:sticky;top:0;background:#263238;color:#fff;font-size:12px;padding:4px 24px;z-index:10}
.bar .flag{color:#ff8a80;font-weight:bold;float:right}
table{border-collapse:collapse;margin:8px 0 4px;font-size:12px;width:100%}
th{background:#263238;color:#fff;text-align:left;padding:3px 5px;border:1px solid #90a4ae}
.warning{color:#b71c1c;font-weight:bold}
section,h4{scroll-margin-top:32px}
td{border:1px solid #b0bec5;padding:2px 5px;vertical-align:top}td.num{text-align:right;white-space:nowrap}
.note{color:#616161;font-style:italic;font-size:12px}.wrap{overflow-x:auto}
dl{margin:4px 0 14px}dt{font-weight:bold;float:left;clear:left;width:220px}dd{margin-left:230px}
footer{color:#616161;font-size:12px;border-top:1px solid #ccc;margin-top:40px;padding-top:8px}
nav ol{columns:2}
"""


class Writer:
    def __init__(self, report: Report) -> None:
        self.report = report
        self.parts: list[str] = []
        self.plotly_included = False

    def add(self, text: str) -> None:
        self.parts.append(text)

    def paragraph(self, block: Paragraph) -> None:
        if block.style == "subheading":
            self.add(f"<h3>{escape(block.text)}</h3>")
        elif block.style == "note":
            self.add(f'<p class="note">{escape(block.text)}</p>')
        elif block.style == "warning":
            self.add(f'<p class="warning">{escape(block.text)}</p>')
        elif block.style == "bullet":
            self.add(f"<ul><li>{escape(block.text)}</li></ul>")
        else:
            self.add(f"<p>{escape(block.text)}</p>")

    def table(self, block: Table) -> None:
        self.add(f'<h4>{escape(block.title)}</h4><div class="wrap"><table id="{escape(block.key)}"><thead>')
        for header_row in block.header:
            cells = "".join(
                f'<th colspan="{h.span}">{escape(h.text)}</th>' if h.span > 1 else f"<th>{escape(h.text)}</th>"
                for h in header_row
            )
            self.add(f"<tr>{cells}</tr>")
        self.add("</thead><tbody>")
        for row in block.rows:
            cells = []
            for cell in row:
                classes = "num" if cell.numeric else ""
                style = f' style="background:{STATUS_FILL[cell.status]}"' if cell.status in STATUS_FILL else ""
                text = f"<b>{escape(cell.text)}</b>" if cell.bold else escape(cell.text)
                cells.append(f'<td class="{classes}"{style}>{text}</td>' if classes else f"<td{style}>{text}</td>")
            self.add(f"<tr>{''.join(cells)}</tr>")
        self.add("</tbody></table></div>")
        if block.note:
            self.paragraph(Paragraph(block.note, "note"))

    def chart(self, block: Chart) -> None:
        figure = block.figure
        figure.update_layout(height=block.height)
        html = figure.to_html(
            full_html=False, include_plotlyjs=not self.plotly_included, include_mathjax=False,
            div_id=f"chart-{block.key}", config={"displaylogo": False, "responsive": True},
        )
        self.plotly_included = True
        self.add(f"<h4>{escape(block.title)}</h4>{html}")

    def definition(self, block: Definition) -> None:
        self.add(f'<h4 id="{escape(block.key)}">{escape(block.title)}</h4><dl>')
        for label, value in block.items:
            self.add(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>")
        self.add("</dl>")

    def section(self, number: int, section: Section) -> None:
        self.add(f'<section id="{escape(section.key)}"><h2>{number}. {escape(section.title)}</h2>')
        for block in section.blocks:
            if isinstance(block, Paragraph):
                self.paragraph(block)
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, Chart):
                self.chart(block)
            elif isinstance(block, Definition):
                self.definition(block)
        self.add("</section>")

    def document(self) -> str:
        report = self.report
        lang = report.lang
        flag = f'<span class="flag">{escape(t("reports.synthetic_short", lang).upper())}</span>' if report.synthetic else ""
        self.add(f'<div class="bar">{escape(report.title)} · {escape(report.subtitle)} · {escape(report.period)}{flag}</div>')
        self.add("<main><header>")
        self.add(f"<h1>{escape(report.title)}</h1><p><b>{escape(report.subtitle)}</b></p>")
        self.add(f"<p>{escape(t('reports.period', lang))}: {escape(', '.join(report.periods))} ({escape(report.period)})<br>"
                 f"{escape(t('reports.scope', lang))}: {escape(', '.join(report.scope))}</p>")
        if report.synthetic:
            self.add(f'<p class="synthetic">{escape(t("reports.synthetic", lang))}</p>')
        self.add(f"<nav><h3>{escape(t('reports.contents', lang))}</h3><ol>")
        for section in report.sections:
            self.add(f'<li><a href="#{escape(section.key)}">{escape(section.title)}</a></li>')
        self.add("</ol></nav></header>")
        for number, section in enumerate(report.sections, start=1):
            self.section(number, section)
        prov = report.provenance
        self.add(f"<footer>{escape(report.footer)}<br>{escape(report.generated_line)} · ptl-monitor {escape(prov.version)}"
                 f" · {escape(t('reports.prov.framework_short', lang))} {escape(prov.framework_hash[:12])}"
                 f" · {escape(t('reports.prov.database_short', lang))} {escape(prov.database_hash[:12])}</footer>")
        self.add("</main>")
        body = "\n".join(self.parts)
        title = escape(f"{report.title} — {report.subtitle} ({report.period})")
        return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>{title}</title><style>{CSS}</style></head><body>\n{body}\n</body></html>\n")


def write_html(report: Report, out: Path) -> Path:
    out.write_text(Writer(report).document(), encoding="utf-8")
    return out
