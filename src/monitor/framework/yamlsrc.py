"""Read YAML while remembering the line of every key and item, so problems point at `path:line`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from monitor.errors import Issue, issue

Loc = tuple[str | int, ...]


@dataclass
class YamlDoc:
    path: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line(self, loc: Loc) -> int:
        """Line of the deepest known prefix of loc (a missing key points at its parent)."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


# libyaml's composer when PyYAML was built with it (the same nodes and marks, parsed in C): reading the
# framework's 44 files took 1.3 s of every report with the pure-Python one.
COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _convert(node: yaml.Node, loc: Loc, lines: dict[Loc, int], scalars: yaml.constructor.SafeConstructor) -> Any:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = scalars.construct_object(key_node, deep=True)
            lines[(*loc, key)] = key_node.start_mark.line + 1
            out[key] = _convert(value_node, (*loc, key), lines, scalars)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*loc, i), lines, scalars) for i, item in enumerate(node.value)]
    return scalars.construct_object(node, deep=True)


def read_yaml(path: Path, display: str) -> tuple[YamlDoc | None, list[Issue]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [issue("yaml-syntax", path=display, line=1, detail=f"not UTF-8 ({exc.reason})")]
    try:
        node = yaml.compose(text, Loader=COMPOSER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        detail = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        return None, [issue("yaml-syntax", path=display, line=line, detail=detail)]
    except yaml.YAMLError as exc:
        return None, [issue("yaml-syntax", path=display, line=1, detail=str(exc))]
    if node is None:
        return None, [issue("not-a-mapping", path=display, line=1, found="an empty file")]
    lines: dict[Loc, int] = {}
    # One safe constructor per document (it memoises by node): the same values SafeLoader builds.
    data = _convert(node, (), lines, yaml.constructor.SafeConstructor())
    if not isinstance(data, dict):
        return None, [issue("not-a-mapping", path=display, line=1, found=type(data).__name__)]
    return YamlDoc(display, data, lines), []
