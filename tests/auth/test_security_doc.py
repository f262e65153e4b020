"""docs/security.md carries the permission matrix generated from monitor.auth.roles: they must agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitor.auth.models import ROLES
from monitor.auth.roles import ACTIONS, MATRIX, grant, matrix_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
MARKS = {"✅ yes": "yes", "🔶 own oblasts": "scoped", "— no": "no"}


def doc_table() -> dict[tuple[str, str], str]:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"<!-- matrix -->\n(.*?)<!-- /matrix -->", text, re.S)
    assert block, "docs/security.md lost its <!-- matrix --> markers"
    lines = [line for line in block.group(1).strip().splitlines() if line.startswith("| `")]
    header = [c.strip() for c in block.group(1).splitlines()[0].strip("|").split("|")][1:]
    cells = {}
    for line in lines:
        parts = [c.strip() for c in line.strip("|").split("|")]
        action = parts[0].strip("`")
        for role, mark in zip(header, parts[1:], strict=True):
            cells[(role, action)] = MARKS[mark]
    return cells


def test_doc_block_is_the_generated_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"<!-- matrix -->\n{matrix_markdown()}<!-- /matrix -->" in text


@pytest.mark.parametrize(("role", "action"), [(r, a) for r in ROLES for a in ACTIONS])
def test_every_cell_of_the_doc_equals_the_data(role: str, action: str) -> None:
    assert doc_table()[(role, action)] == MATRIX[role][action]


@pytest.mark.parametrize(("role", "action"), [("root", "view-audit"), ("admin", "launch-missiles"), ("", "")])
def test_unknown_roles_and_actions_fail_closed(role: str, action: str) -> None:
    assert grant(role, action) == "no"
