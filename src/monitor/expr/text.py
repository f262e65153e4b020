"""Tree -> our own text: canonical spacing, minimal parentheses (by the precedence table), one quote style."""

from __future__ import annotations

import re

import numpy as np

from monitor.expr import nodes
from monitor.expr.precedence import Level, level

__all__ = ["number_text", "to_text"]

_BARE_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _wrap(node: nodes.Node, need: int) -> str:
    text = to_text(node)
    return f"({text})" if level(node) < need else text


def number_text(value: float) -> str:
    """A number as both our text and XPath write it: '3', '2.5', never '3.0' or '1e-05'."""
    if float(value).is_integer():
        return str(int(value))
    return np.format_float_positional(value, trim="-")


def _string_text(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def to_text(node: nodes.Node) -> str:
    """Canonical text: single spaces, minimal parentheses, single quotes. ``parse(to_text(t)) == t``."""
    if isinstance(node, nodes.Number):
        return number_text(node.value)
    if isinstance(node, nodes.String):
        return _string_text(node.value)
    if isinstance(node, nodes.Boolean):
        return "true" if node.value else "false"
    if isinstance(node, nodes.Name):
        bare = _BARE_NAME_RE.match(node.name) and node.name not in nodes.KEYWORDS
        return node.name if bare else "${" + node.name + "}"
    if isinstance(node, nodes.Current):
        return "."
    if isinstance(node, nodes.Neg):
        inner = _wrap(node.operand, Level.NEG)
        return "- " + inner if inner.startswith("-") else "-" + inner
    if isinstance(node, nodes.Not):
        return f"not({to_text(node.operand)})"
    if isinstance(node, nodes.Arith | nodes.Logic):
        own = level(node)
        return f"{_wrap(node.left, own)} {node.op} {_wrap(node.right, own + 1)}"
    if isinstance(node, nodes.Compare):
        return f"{_wrap(node.left, Level.COMPARE + 1)} {node.op} {_wrap(node.right, Level.COMPARE + 1)}"
    if isinstance(node, nodes.In):
        items = ", ".join(to_text(o) for o in node.options)
        return f"{_wrap(node.operand, Level.COMPARE + 1)} {'not in' if node.negated else 'in'} ({items})"
    if isinstance(node, nodes.Call):
        return f"{node.func}({', '.join(to_text(a) for a in node.args)})"
    raise TypeError(f"not an expression node: {node!r}")

