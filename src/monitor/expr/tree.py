"""Questions about a parsed tree: which names, parameters and choices it uses."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields

from monitor.expr.nodes import Call, Compare, Current, In, Name, Node, String, text_arg

__all__ = ["choice_comparisons", "names", "params", "selected_questions", "uses_current", "walk"]



def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents before children, left to right."""
    yield node
    for f in fields(node):
        value = getattr(node, f.name)
        if isinstance(value, Node):
            yield from walk(value)
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, Node):
                    yield from walk(item)


def names(node: Node) -> set[str]:
    """Question and field names referenced (not ``.``, not function names, not parameters)."""
    return {n.name for n in walk(node) if isinstance(n, Name)}


def params(node: Node) -> set[str]:
    """Parameter names used in ``param('...')``."""
    return {text_arg(n, 0) for n in walk(node) if isinstance(n, Call) and n.func == "param"}


def uses_current(node: Node) -> bool:
    """Whether the expression refers to ``.`` (and so needs :attr:`Bindings.current`)."""
    return any(isinstance(n, Current) for n in walk(node))


def _question_of(node: Node, current: str | None) -> str | None:
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Current):
        return current
    return None


def choice_comparisons(node: Node, current: str | None = None) -> list[tuple[str, str, int]]:
    """(question, string literal, literal's column) wherever a question is compared with a string.

    Covers ``q = 'x'``, ``'x' = q``, ``q != 'x'``, ``q in ('x', 'y')`` (one tuple per string),
    ``selected(q, 'x')``. ``.`` is reported under ``current`` when given, otherwise skipped. The empty
    string (``q = ''``, an emptiness test) is never reported.
    """
    found: list[tuple[str, str, int]] = []
    for n in walk(node):
        if isinstance(n, Compare) and n.op in ("=", "!="):
            for side, other in ((n.left, n.right), (n.right, n.left)):
                q = _question_of(side, current)
                if q is not None and isinstance(other, String) and other.value != "":
                    found.append((q, other.value, other.col))
        elif isinstance(n, In):
            q = _question_of(n.operand, current)
            if q is not None:
                found.extend((q, o.value, o.col) for o in n.options if isinstance(o, String))
        elif isinstance(n, Call) and n.func == "selected":
            q = _question_of(n.args[0], current)
            if q is not None and isinstance(n.args[1], String):
                found.append((q, n.args[1].value, n.args[1].col))
    return found


def selected_questions(node: Node, current: str | None = None) -> set[str]:
    """Questions used as the first argument of ``selected()`` / ``count-selected()``."""
    out: set[str] = set()
    for n in walk(node):
        if isinstance(n, Call) and n.func in ("selected", "count-selected"):
            q = _question_of(n.args[0], current)
            if q is not None:
                out.add(q)
    return out

