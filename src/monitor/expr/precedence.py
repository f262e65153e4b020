"""The one precedence table of the expression language: the parser reads it, both printers write by it.

Loosest first: ``or`` < ``and`` < ``not`` < comparison (non-associative) < ``+ -`` < ``* / div mod``
< unary ``-`` < atoms. The parser climbs `BINARY` level by level; a printer wraps a child in
parentheses when the child's level is looser than its position needs, so the text it writes parses
back into the same tree.
"""

from __future__ import annotations

from enum import IntEnum

from monitor.expr.nodes import Arith, Compare, In, Logic, Neg, Node, Number


class Level(IntEnum):
    OR = 1
    AND = 2
    NOT = 3
    COMPARE = 4
    ADD = 5
    MUL = 6
    NEG = 7
    ATOM = 8


# Left-associative binary operators and their level.
BINARY: dict[str, Level] = {
    "or": Level.OR,
    "and": Level.AND,
    "+": Level.ADD,
    "-": Level.ADD,
    "*": Level.MUL,
    "/": Level.MUL,
    "div": Level.MUL,
    "mod": Level.MUL,
}
# Comparisons, all at Level.COMPARE, do not chain: `a < b < c` is a syntax error.
COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">="})


def level(node: Node) -> Level:
    """How tightly a node binds as written in our text (XPath adjusts two rendering cases)."""
    if isinstance(node, Logic | Arith):
        return BINARY[node.op]
    if isinstance(node, Compare | In):
        return Level.COMPARE
    if isinstance(node, Neg) or (isinstance(node, Number) and node.value < 0):
        return Level.NEG
    # Not is always printed as the call not(x), which parses back as an atom.
    return Level.ATOM
