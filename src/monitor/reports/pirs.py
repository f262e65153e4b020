"""The Performance Indicator Reference Sheet (PIRS, USAID ADS 201) of each indicator, for the report.

One sheet per indicator in the methodology annex (a Definition block, so every renderer lays it out)
and one long table for open data (pirs.csv: indicator × field, both languages). The texts are the
framework's own (`pirs:` in each indicator file); `monitor validate` makes sure they are complete.
"""

from __future__ import annotations

from typing import Any

from monitor.framework.models import PIRS_TEXT_FIELDS, Framework, Indicator, Pirs
from monitor.i18n import t
from monitor.reports import wording
from monitor.reports.model import Definition

FIELDS = (*PIRS_TEXT_FIELDS, "last_review")


def review_text(sheet: Pirs, lang: str) -> str:
    """The data-quality review line: its date and note, or the catalogue's "not yet reviewed"."""
    parts = [sheet.last_review.isoformat()] if sheet.last_review else []
    if sheet.review_note is not None:
        parts.append(sheet.review_note.get(lang))
    return "; ".join(parts) or t("reports.pirs.not_reviewed", lang)


def field_text(framework: Framework, sheet: Pirs, name: str, lang: str) -> str:
    """One field as a donor reads it: the framework's words through the same wording as every definition
    (parameter ids become their labels; internal pointers, [P]/[V] marks and remarks from memory go)."""
    if name == "last_review":
        return review_text(sheet, lang)
    value = getattr(sheet, name)
    if value is None:
        return t("reports.pirs.missing", lang)
    return wording.clean(wording.with_parameter_labels(value.get(lang), framework, lang))


def sheet_block(framework: Framework, indicator: Indicator, lang: str) -> Definition | None:
    """The indicator's PIRS as an annex block; None when the framework carries none (pirs_required off)."""
    sheet = indicator.pirs
    if sheet is None:
        return None
    items = [(t(f"reports.pirs.{name}", lang), field_text(framework, sheet, name, lang)) for name in FIELDS]
    title = t("reports.pirs.title", lang, id=indicator.id, title=indicator.title.get(lang))
    return Definition(f"pirs-{indicator.id}", title, items)


def rows(framework: Framework, order: list[str]) -> list[dict[str, Any]]:
    """pirs.csv: one row per indicator and field, in framework order, with both languages."""
    out: list[dict[str, Any]] = []
    for ident in order:
        sheet = framework.indicators[ident].pirs
        if sheet is None:
            continue
        for name in FIELDS:
            out.append({"indicator": ident, "field": name, "label_en": t(f"reports.pirs.{name}", "en"),
                        "text_uk": field_text(framework, sheet, name, "uk"),
                        "text_en": field_text(framework, sheet, name, "en")})
    return out
