"""A question's rule in words, for messages about answers that break it (#13 item 5).

The framework's constraints are XLSForm expressions ('. >= 0', '. >= 0 and . <= 100'); a coordinator
should read 'не менше 0 і не більше 100', not the expression. Only comparisons of the answer ('.')
with a number, joined by 'and', are put in words; any other rule is shown as written (the survey's
author can give it a constraint_message in the YAML).
"""

from __future__ import annotations

import re

from monitor.i18n import t

_COMPARISON = re.compile(r"^\(?\s*\.\s*(>=|<=|>|<|=|!=)\s*(-?\d+(?:[.,]\d+)?)\s*\)?$")
_OPERATORS = {">=": "ge", "<=": "le", ">": "gt", "<": "lt", "=": "eq", "!=": "ne"}


def describe(rule: str, lang: str) -> str:
    """'. >= 0 and . <= 100' → 'не менше 0 і не більше 100'; anything else unchanged."""
    parts = [p.strip() for p in re.split(r"\s+and\s+", rule.strip())]
    words = []
    for part in parts:
        found = _COMPARISON.match(part)
        if not found:
            return rule
        operator, number = found.groups()
        shown = number.replace(".", ",") if lang == "uk" else number.replace(",", ".")
        words.append(t(f"dashboard.rule.{_OPERATORS[operator]}", lang, value=shown))
    return t("dashboard.rule.and", lang).join(words)
