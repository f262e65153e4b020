"""Plain prose wrapped at spaces by word widths, for the PDF's long runs of one-font text.

Why: fpdf2 breaks lines character by character in Python (`MultiLineBreak`), about 20 µs a
character. The methodology annex — one reference sheet of some 2,000 characters per indicator — was
40 % of the PDF's layout time. Prose in one font needs less: measure each distinct word once, fill
lines greedily at spaces, and draw each line as a single cell. A word wider than a whole line (a long
URL) is cut where it must be, as fpdf2 does.

Only plain left-aligned text takes this path; tables and styled text stay with fpdf2.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fpdf.fonts import TTFFont


def wrap(text: str, measure: Callable[[str], float], width: float, first_width: float | None = None) -> list[str]:
    """The lines of `text` (whitespace collapsed) no wider than `width`; the first no wider than `first_width`.

    `measure` gives a string's width in the same unit as the widths (the current font's
    get_string_width). A line holds at least one character, so a too-narrow width still ends.
    """
    lines: list[str] = []
    space = measure(" ")
    limit = width if first_width is None else first_width
    line: list[str] = []
    used = 0.0
    widths: dict[str, float] = {}

    def word_width(word: str) -> float:
        found = widths.get(word)
        if found is None:
            found = widths[word] = measure(word)
        return found

    for word in text.split():
        w = word_width(word)
        extra = w if not line else space + w
        if used + extra <= limit + 1e-9:
            line.append(word)
            used += extra
            continue
        if line:
            lines.append(" ".join(line))
            line, used, limit = [], 0.0, width
        while w > limit + 1e-9:  # a word longer than a line: cut it, as fpdf2 does
            cut = _fit(word, measure, limit)
            lines.append(word[:cut])
            word = word[cut:]
            w = measure(word)
            limit = width
        line, used = [word], w
    if line:
        lines.append(" ".join(line))
    return lines


def measurer(pdf: Any) -> Callable[[str], float]:
    """The current font's string width: fpdf2's get_string_width, summed from the glyph widths directly
    for a plain TrueType font (the same arithmetic, without its per-call font and style bookkeeping)."""
    font = pdf.current_font
    if type(font) is not TTFFont or font.is_symbol or pdf.char_spacing or pdf.font_stretching != 100 \
            or pdf.text_shaping:
        return pdf.get_string_width  # type: ignore[no-any-return]
    cw = font.cw
    factor = pdf.font_size_pt * 0.001 / pdf.k

    def width(text: str) -> float:
        return sum(cw[ord(c)] for c in text) * factor

    return width


def _fit(word: str, measure: Callable[[str], float], limit: float) -> int:
    """The longest prefix of `word` no wider than `limit` (at least one character)."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(word[:middle]) <= limit + 1e-9:
            low = middle
        else:
            high = middle - 1
    return low
