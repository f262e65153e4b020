"""Donor wording: framework text made fit for a report a donor forwards without editing.

The framework's YAML speaks to the coalition (parameter ids, respondent codes, "UNVERIFIED, from
memory", pointers to internal notes). Before any of it reaches a report:
- parameter ids in a definition become the parameter's label ('status_decision_days' → 'Строк
  прийняття рішення…');
- respondent groups, survey units and indicator units become words of the report's language;
- a parameter's source keeps its legal reference and its links, never an internal note: sentences
  about verification are dropped (the report has its own "not verified" column) and pointers to
  internal documents are removed. Source texts are English in the framework; the Ukrainian edition
  prints only their links (a law's address says which law), so no English reaches it.
"""

from __future__ import annotations

import re

from monitor.framework.models import Framework
from monitor.i18n import t

URL = re.compile(r"https?://[^\s),;]+")
# Pointers to the project's own fact pages (docs/domain/*.md, formerly domain.md) are for maintainers.
_POINTER = r"(?:docs/domain/[\w\-]*(?:\.md)?|domain\.md)(?:\s*§\s*[\d.]+)?(?:\s*\([A-Z]+\d*\))?(?:\s*\[[A-Z]\d?\])?"
INTERNAL = re.compile(
    # "(source, pointer)" and "(pointer, source)" keep their source and brackets; a pointer alone goes whole.
    rf",\s*{_POINTER}(?=\s*\))|(?<=\(){_POINTER},\s*|\s*\(?\s*(?>{_POINTER})(?!,)\)?",
    re.IGNORECASE,
)
MARKS = re.compile(r"\s*\[(?:V|P|S|S2)\]")
DEV_SENTENCE = re.compile(r"(unverified|from memory|placeholder|todo|check (?:the|at)|needs checking)", re.IGNORECASE)
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def unit(code: str | None, lang: str) -> str:
    if not code:
        return ""
    text = t(f"reports.unit.{code}", lang)
    return code if text == f"reports.unit.{code}" else text


def respondent(code: str, lang: str) -> str:
    text = t(f"reports.respondent.{code}", lang)
    return code if text == f"reports.respondent.{code}" else text


def survey_unit(code: str, lang: str) -> str:
    text = t(f"reports.survey_unit.{code}", lang)
    return code if text == f"reports.survey_unit.{code}" else text


def with_parameter_labels(text: str, framework: Framework, lang: str) -> str:
    """Parameter ids in a text replaced by the parameters' labels, longest id first."""
    for key in sorted(framework.settings.parameters, key=len, reverse=True):
        if key in text:
            label = framework.settings.parameters[key].label.get(lang)
            text = re.sub(rf"(?<![\w]){re.escape(key)}(?![\w])", f"«{label}»" if lang == "uk" else f"'{label}'", text)
    return text


MEMORY = re.compile(r"(from memory|з пам.ят|placeholder|заповнювач)", re.IGNORECASE)


def clean(text: str) -> str:
    """Internal pointers, [V]/[P] marks and remarks about values held from memory removed; spacing tidied."""
    text = " ".join(s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if not MEMORY.search(s))
    text = INTERNAL.sub("", text)
    text = MARKS.sub("", text)
    text = re.sub(r"\(\s*[,;]?\s*\)", "", text)
    text = re.sub(r"\(\s*[,;]\s*", "(", text)
    text = re.sub(r"\s*[,;]\s*\)", ")", text)
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    return " ".join(text.split()).strip(" ,;:")


def source(text: str, lang: str) -> str:
    """A parameter's source as a donor reads it (see the module docstring)."""
    text = " ".join(text.split())
    if lang != "en":
        links = list(dict.fromkeys(u.rstrip(".") for u in URL.findall(text)))
        return "; ".join(links) if links else "—"
    kept = [s for s in SENTENCE.split(text) if not DEV_SENTENCE.search(s)]
    return clean(" ".join(kept)) or "—"
