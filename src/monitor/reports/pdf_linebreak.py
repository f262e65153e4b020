"""fpdf2's line breaking made linear: the width of the line being filled is kept, not re-measured.

Why: fpdf2 (2.8.9, the newest) decides where a line breaks by asking, for every character it adds,
the width of the whole line so far (`CurrentLine.width`), and that width is measured again from
scratch: a join of the line's characters and a sum of their glyph widths. A cell of n characters
costs O(n²); for the report's tables (every cell measured for row heights, then drawn) and the
methodology annex this was most of the PDF's layout time (8.7 million glyph-width look-ups for the
demo report).

What changes: each fragment keeps the running sum of its glyph widths (an integer, in 1/1000 em,
exactly what fpdf2 sums), extended by the characters appended since the last call. The width is then
computed from that sum with fpdf2's own formula, in the same order of operations, so every width is
bit-for-bit the one fpdf2 computes and the lines break in the same places. Any case off the plain
path (text shaping, a symbol or core font, the page-count placeholder, a fragment whose characters
were replaced rather than appended) is measured by fpdf2 itself.
"""

from __future__ import annotations

from typing import Any

from fpdf import line_break
from fpdf.fonts import TTFFont

_Fragment = line_break.Fragment
_original_width = line_break.CurrentLine.width
_original_character_width = _Fragment.get_character_width
SOFT_HYPHEN, HYPHEN = line_break.SOFT_HYPHEN, line_break.HYPHEN
_installed = False


def plain(fragment: Any) -> bool:
    """Whether fpdf2 measures this fragment as a sum of TTF glyph widths (the case made fast here)."""
    font = fragment.font
    return (
        type(fragment).get_width is _Fragment.get_width
        and type(font) is TTFFont
        and not font.is_symbol
        and not fragment.text_shaping_parameters
    )


def fragment_width(fragment: Any, initial_cs: bool) -> float:
    """`fragment.get_width(initial_cs=...)` over all its characters, from a kept glyph-width sum."""
    font = fragment.font
    if not plain(fragment):
        return float(fragment.get_width(initial_cs=initial_cs))
    chars = fragment.characters
    kept = fragment.__dict__.get("_monitor_width")
    if kept is not None and kept[0] is chars and kept[1] <= len(chars):
        count, units = kept[1], kept[2]
    else:
        count, units = 0, 0
    if count < len(chars):
        cw = font.cw
        units += sum(cw[ord(c)] for c in chars[count:])
        count = len(chars)
    fragment.__dict__["_monitor_width"] = (chars, count, units)
    # The rest is fpdf2's Fragment.get_width and TTFFont.get_text_width, same operations in the same order.
    size = fragment.font_size_pt
    if size > font.biggest_size_pt:
        font.biggest_size_pt = size
    w = units * size * 0.001
    char_spacing = fragment.char_spacing
    if fragment.font_stretching != 100:
        w *= fragment.font_stretching * 0.01
        char_spacing *= fragment.font_stretching * 0.01
    if fragment.char_spacing != 0:
        w += char_spacing * count if initial_cs else char_spacing * (count - 1)
    return float(w / fragment.k)


def _character_width(self: Any, character: str, print_sh: bool = False, initial_cs: bool = True) -> float:
    """`Fragment.get_character_width` without joining and re-summing a one-character string."""
    font = self.font
    if not plain(self):
        return float(_original_character_width(self, character, print_sh, initial_cs))
    if character == SOFT_HYPHEN and not print_sh:
        character = HYPHEN
    size = self.font_size_pt
    if size > font.biggest_size_pt:
        font.biggest_size_pt = size
    w = font.cw[ord(character)] * size * 0.001
    char_spacing = self.char_spacing
    if self.font_stretching != 100:
        w *= self.font_stretching * 0.01
        char_spacing *= self.font_stretching * 0.01
    if self.char_spacing != 0:
        w += char_spacing * 1 if initial_cs else char_spacing * 0
    return float(w / self.k)


def _line_width(self: Any) -> float:
    width: float = 0
    for i, fragment in enumerate(self.fragments):
        width += fragment_width(fragment, i > 0)
    return width


def install() -> None:
    """Replace `CurrentLine.width` (idempotent; affects fpdf2 in this process only)."""
    global _installed
    if not _installed:
        line_break.CurrentLine.width = property(_line_width)  # type: ignore[assignment,method-assign]
        _Fragment.get_character_width = _character_width  # type: ignore[method-assign]
        _installed = True


def uninstall() -> None:
    """Back to fpdf2's own measurement (tests compare the two)."""
    global _installed
    line_break.CurrentLine.width = _original_width  # type: ignore[method-assign]
    _Fragment.get_character_width = _original_character_width  # type: ignore[method-assign]
    _installed = False
