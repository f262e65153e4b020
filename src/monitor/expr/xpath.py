"""Tree -> ODK XPath for XLSForm (`${name}` references, `div`, `true()`), by the shared precedence table.

Some of our language has no XPath equivalent (working-days, engine fields, list parameters): those
raise :class:`Untranslatable` and the XLSForm writer keeps the original text beside the form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from monitor.expr import nodes
from monitor.expr.parser import parse
from monitor.expr.precedence import Level, level
from monitor.expr.text import number_text

__all__ = ["Untranslatable", "XPath", "to_xpath"]


class Untranslatable(Exception):
    """Part of an expression XLSForm has no equivalent for (working-days, engine fields, list params)."""


def _level(node: nodes.Node) -> Level:
    """The shared table's level, except where XPath renders a node differently from our text."""
    if isinstance(node, nodes.Call) and node.func in ("is-empty", "not-empty"):
        return Level.COMPARE  # rendered as a comparison with ''
    if isinstance(node, nodes.In):
        return Level.ATOM  # rendered as a parenthesised chain of '=' joined by 'or', or not(...)
    return level(node)


def _string(value: str) -> str:
    # XPath 1.0 strings have no escape: pick the quote the text does not contain.
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise Untranslatable(f"text {value!r} holds both kinds of quotes")


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true()" if value else "false()"
    if isinstance(value, int | float):
        return number_text(float(value))
    if isinstance(value, str):
        return _string(value)
    raise Untranslatable(f"a parameter holding {type(value).__name__} has no XPath literal")


@dataclass
class XPath:
    """Translate our expression tree into ODK XPath (`${name}` references)."""

    params: Mapping[str, Any] = field(default_factory=dict)

    def __call__(self, node: nodes.Node) -> str:
        return self._x(node)

    def _wrap(self, node: nodes.Node, need: int) -> str:
        text = self._x(node)
        return f"({text})" if _level(node) < need else text

    def _x(self, node: nodes.Node) -> str:
        if isinstance(node, nodes.Number):
            return number_text(node.value)
        if isinstance(node, nodes.String):
            return _string(node.value)
        if isinstance(node, nodes.Boolean):
            return "true()" if node.value else "false()"
        if isinstance(node, nodes.Name):
            if node.name.startswith("_"):
                raise Untranslatable(f"engine field {node.name} does not exist while collecting")
            return "${" + node.name + "}"
        if isinstance(node, nodes.Current):
            return "."
        if isinstance(node, nodes.Neg):
            return "-" + self._wrap(node.operand, Level.NEG)
        if isinstance(node, nodes.Not):
            return f"not({self._x(node.operand)})"
        if isinstance(node, nodes.Arith):
            op = "div" if node.op == "/" else node.op
            prec = _level(node)
            return f"{self._wrap(node.left, prec)} {op} {self._wrap(node.right, prec + 1)}"
        if isinstance(node, nodes.Logic):
            prec = _level(node)
            return f"{self._wrap(node.left, prec)} {node.op} {self._wrap(node.right, prec + 1)}"
        if isinstance(node, nodes.Compare):
            return f"{self._wrap(node.left, Level.COMPARE + 1)} {node.op} {self._wrap(node.right, Level.COMPARE + 1)}"
        if isinstance(node, nodes.In):
            subject = self._wrap(node.operand, Level.COMPARE + 1)
            ors = " or ".join(f"{subject} = {self._x(option)}" for option in node.options)
            return f"not({ors})" if node.negated else f"({ors})"
        if isinstance(node, nodes.Call):
            return self._call(node)
        raise Untranslatable(f"unknown expression node {type(node).__name__}")

    def _call(self, node: nodes.Call) -> str:
        args = [self._x(a) for a in node.args] if node.func != "param" else []
        match node.func:
            case "param":
                name = node.args[0].value if isinstance(node.args[0], nodes.String) else None
                if name is None or name not in self.params:
                    raise Untranslatable(f"param('{name}') has no value here")
                return _literal(self.params[name])
            case "days":
                # Dates are midnights; rounding absorbs the hour a daylight-saving change adds or removes.
                return f"round(decimal-date-time({args[1]}) - decimal-date-time({args[0]}), 0)"
            case "working-days" | "request-status" | "step-status" | "subsistence-minimum":
                raise Untranslatable(f"{node.func}() has no XPath equivalent")
            case "is-empty":
                return f"{args[0]} = ''"
            case "not-empty":
                return f"{args[0]} != ''"
            case "coalesce":
                # ODK's coalesce takes exactly two arguments: nest from the right.
                text = args[-1]
                for arg in reversed(args[:-1]):
                    text = f"coalesce({arg}, {text})"
                return text
            case "true" | "false":
                return f"{node.func}()"
            case _:
                return f"{node.func}({', '.join(args)})"


def to_xpath(text: str, params: Mapping[str, Any] | None = None) -> str:
    """XPath for one expression of ours; raises Untranslatable (or ExprSyntaxError)."""
    return XPath(dict(params or {}))(parse(text))
