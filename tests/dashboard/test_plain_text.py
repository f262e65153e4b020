"""Text from outside (file names, cell values, server answers) is inert in the dashboard's markdown:
no live link, no remote image, no colour directive, no LaTeX (issue #14 item 8)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from monitor.dashboard.layout import issue_text, plain
from monitor.errors import issue

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("hostile", [
    "![pixel](https://evil.example/p.png)",
    "[click](https://evil.example)",
    "<img src=https://evil.example/p.png>",
    "https://evil.example/autolink www.evil.example",
    ":red[alarm] :material/warning:",
    "$\\frac{1}{2}$",
    "**bold** _it_ `code` # heading",
])
def test_hostile_text_renders_as_typed(hostile: str) -> None:
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(plain(hostile))
    assert "<a " not in html and "<img" not in html and "<strong>" not in html and "<code>" not in html
    # What a person reads is exactly what was typed (the escapes disappear in rendering).
    text = re.sub(r"<[^>]+>", "", html).strip()
    import html as html_lib

    assert html_lib.unescape(text) == hostile


def test_an_issue_quoting_a_file_name_is_inert() -> None:
    problem = issue("upload-bad-name", name="![x](https://evil.example/p.png).csv")
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(issue_text(problem, "uk"))
    assert "<img" not in html and "<a " not in html


def test_every_issue_shown_by_the_dashboard_goes_through_issue_text() -> None:
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src/monitor/dashboard").rglob("*.py"))
    assert not re.search(r"st\.(error|warning|info|success|markdown|caption)\(\s*render_issue\(", sources)
    assert not re.search(r"\(st\.error if [^)]*\)\(\s*render_issue\(", sources)
