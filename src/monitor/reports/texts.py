"""Authored report text: read, save and turn into report paragraphs (no Streamlit here).

Where a narrative comes from, first found wins:
1. the database (`ReportText`, edited on the dashboard's Reports page by the M&E lead);
2. the framework folder: `narrative/<round>/<kind>.<lang>.md` (kept in git next to the indicators);
3. for synthetic demo data only, `demo_narrative.yaml` in this package (marked as demo text).
A real report with no narrative says so in its own language ("not yet written") rather than
inventing one; `missing_texts` lists what the lead still has to write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from monitor.i18n import SAFE_LOADER
from monitor.reports.model import Paragraph
from monitor.reports.tables import NARRATIVE_KINDS, ReportText
from monitor.store.models import utcnow

LANGS = ("uk", "en")
MAX_FINDINGS = 5
MAX_LENGTH = 20_000
_BULLET = re.compile(r"^\s*[-*•]\s+")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


@dataclass(frozen=True)
class Text:
    body: str
    source: str  # database | framework | demo
    author: str = ""
    updated_at: datetime | None = None


# --------------------------------------------------------------------------- database


def _clean(body: str) -> str:
    body = body.replace("\r\n", "\n").strip()
    if len(body) > MAX_LENGTH:
        raise ValueError(f"text longer than {MAX_LENGTH} characters / текст довший за {MAX_LENGTH} символів")
    return body


def save_text(engine: Engine, *, kind: str, round: str, lang: str, body: str, author: str, indicator: str = "",
              position: int = 0, proposed: str = "") -> ReportText:
    """Insert or replace the text in its slot (kind × round × indicator × position × language)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be uk or en, not {lang!r}")
    if kind == "finding" and not 1 <= position <= MAX_FINDINGS:
        raise ValueError(f"a key finding's position is 1..{MAX_FINDINGS}")
    body = _clean(body)
    with Session(engine) as session:
        row = session.exec(select(ReportText).where(
            ReportText.kind == kind, ReportText.round == str(round), ReportText.indicator == indicator,
            ReportText.position == position, ReportText.lang == lang)).first()
        if row is None:
            row = ReportText(kind=kind, round=str(round), indicator=indicator, position=position, lang=lang,
                             body=body, proposed=proposed, author=author)
        else:
            row.body, row.proposed, row.author, row.updated_at = body, proposed, author, utcnow()
        session.add(row)
        session.commit()
        session.refresh(row)
        return row


def delete_text(engine: Engine, *, kind: str, round: str, lang: str, indicator: str = "", position: int = 0) -> bool:
    with Session(engine) as session:
        row = session.exec(select(ReportText).where(
            ReportText.kind == kind, ReportText.round == str(round), ReportText.indicator == indicator,
            ReportText.position == position, ReportText.lang == lang)).first()
        if row is None:
            return False
        session.delete(row)
        session.commit()
        return True


def stored(engine: Engine, *, kind: str | None = None, round: str | None = None, lang: str | None = None) -> list[ReportText]:
    with Session(engine) as session:
        query = select(ReportText)
        if kind is not None:
            query = query.where(ReportText.kind == kind)
        if round is not None:
            query = query.where(ReportText.round == str(round))
        if lang is not None:
            query = query.where(ReportText.lang == lang)
        rows = session.exec(query.order_by(ReportText.kind, ReportText.round, ReportText.indicator,
                                           ReportText.position, ReportText.lang)).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


# --------------------------------------------------------------------------- narrative


@lru_cache(maxsize=1)
def demo_narrative() -> dict[str, dict[str, dict[str, str]]]:
    """round -> kind -> lang -> Markdown, for the synthetic demo."""
    path = Path(__file__).with_name("demo_narrative.yaml")
    return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)


def framework_text(root: str | Path | None, round: str, kind: str, lang: str) -> str | None:
    if not root:
        return None
    path = Path(root) / "narrative" / str(round) / f"{kind}.{lang}.md"
    return path.read_text(encoding="utf-8").strip() if path.is_file() else None


def narrative(engine: Engine, root: str | Path | None, round: str, lang: str, synthetic: bool) -> dict[str, Text | None]:
    """kind -> the text to print (None: not written yet) for summary, context and limitations."""
    rows = {r.kind: r for r in stored(engine, round=round, lang=lang) if r.kind in NARRATIVE_KINDS}
    out: dict[str, Text | None] = {}
    for kind in NARRATIVE_KINDS:
        row = rows.get(kind)
        if row is not None:
            out[kind] = Text(row.body, "database", row.author, row.updated_at)
            continue
        body = framework_text(root, round, kind, lang)
        if body:
            out[kind] = Text(body, "framework")
            continue
        demo = demo_narrative().get(str(round), {}).get(kind, {}).get(lang) if synthetic else None
        out[kind] = Text(demo.strip(), "demo") if demo else None
    return out


def findings(engine: Engine, round: str, lang: str) -> list[ReportText]:
    """Accepted (or rewritten) key findings of a round, in order."""
    return [r for r in stored(engine, kind="finding", round=round, lang=lang)][:MAX_FINDINGS]


def deviation_notes(engine: Engine, lang: str) -> dict[tuple[str, str], ReportText]:
    """(indicator, period) -> the authored explanation of a deviation from target."""
    return {(r.indicator, r.round): r for r in stored(engine, kind="deviation", lang=lang)}


# --------------------------------------------------------------------------- Markdown


def inline(text: str) -> str:
    """Markdown inline marks removed: '**x**' → 'x', '[a](url)' → 'a (url)'. Text stays text (escaped later)."""
    text = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text)
    previous = None
    while previous != text:
        previous, text = text, _EMPHASIS.sub(lambda m: m.group(2), text)
    return text


def markdown_blocks(body: str) -> list[Paragraph]:
    """A small, predictable Markdown subset as report paragraphs: '#' headings, '-'/'1.' lists, paragraphs."""
    blocks: list[Paragraph] = []
    lines: list[str] = []

    def flush() -> None:
        if lines:
            blocks.append(Paragraph(inline(" ".join(s.strip() for s in lines))))
            lines.clear()

    for raw in body.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            flush()
            continue
        if line.lstrip().startswith("#"):
            flush()
            blocks.append(Paragraph(inline(line.lstrip().lstrip("#").strip()), "subheading"))
        elif _BULLET.match(line) or _NUMBERED.match(line):
            flush()
            blocks.append(Paragraph(inline(_NUMBERED.sub("", _BULLET.sub("", line)).strip()), "bullet"))
        elif blocks and blocks[-1].style == "bullet" and not lines and raw.startswith(("  ", "\t")):
            blocks[-1].text += " " + inline(line.strip())  # a wrapped list item
        else:
            lines.append(line)
    flush()
    return blocks
