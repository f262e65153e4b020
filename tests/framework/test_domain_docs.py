"""The framework cites the project's own fact pages (docs/domain/), never a file outside the project,
and every page it cites exists and names its legal sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitor.framework.loader import PROJECT_ROOT, framework_or_raise
from monitor.reports import wording

FILES = sorted([*(PROJECT_ROOT / "indicators").glob("*.yaml"), *(PROJECT_ROOT / "surveys").glob("*.yaml"),
                PROJECT_ROOT / "framework.yaml"])
CITED = re.compile(r"docs/domain/([\w\-]+\.md)")
PAGES = PROJECT_ROOT / "docs" / "domain"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_no_pointer_outside_the_project(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "/work/" not in text and "../shared" not in text and "shared/" not in text
    assert not re.search(r"(?<!docs/domain/)\bdomain\.md", text), "cite docs/domain/<page>.md instead"


def test_nothing_in_the_product_points_at_the_shared_folder() -> None:
    """The issue's check, `grep -r "shared/" src indicators surveys framework.yaml docs`, as a test."""
    roots = [PROJECT_ROOT / name for name in ("src", "indicators", "surveys", "docs")] + [PROJECT_ROOT / "framework.yaml"]
    files = [p for root in roots for p in ([root] if root.is_file() else root.rglob("*")) if p.is_file()]
    hits = [f"{p.relative_to(PROJECT_ROOT)}:{n}" for p in files if p.suffix not in {".png", ".pdf", ".docx", ".xlsx", ".pyc"}
            for n, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), 1) if "shared/" in line]
    assert not hits


def test_every_cited_page_exists_with_its_legal_sources() -> None:
    cited = {name for path in FILES for name in CITED.findall(path.read_text(encoding="utf-8"))}
    assert {"status-procedure.md", "public-information.md", "data-protection.md", "proposed-indicators.md",
            "instruments.md", "one-time-assistance.md", "rights-of-status-holders.md"} <= cited
    for name in (cited | {p.name for p in PAGES.glob("*.md")}) - {"README.md"}:
        page = (PAGES / name).read_text(encoding="utf-8")
        assert "## Legal sources" in page, name
        assert "/work/" not in page and "shared/" not in page, name
    index = (PAGES / "README.md").read_text(encoding="utf-8")
    assert all(f"({p.name})" in index for p in PAGES.glob("*.md") if p.name != "README.md")


def test_status_page_carries_the_417_amendment_and_the_unverified_deadlines() -> None:
    page = (PAGES / "status-procedure.md").read_text(encoding="utf-8")
    assert "No. 531 of 26.05.2021, in force 01.06.2021" in page
    assert "https://zakon.rada.gov.ua/laws/show/417-2012-п" in page
    assert "art. 15(1)" in page and "[V] **Deadlines: NOT verified.**" in page
    public = (PAGES / "public-information.md").read_text(encoding="utf-8")
    assert "No. 2939-VI of 13.01.2011, **art. 20**" in public and "art. 67(3)" in public


def test_pointers_to_the_pages_never_reach_a_donor() -> None:
    framework = framework_or_raise(PROJECT_ROOT)
    for parameter in framework.settings.parameters.values():
        for lang in ("en", "uk"):
            assert "docs/domain" not in wording.source(parameter.source, lang)
    shown = wording.source('Law No. 2939-VI, art. 20 (docs/domain/public-information.md, https://zak.gp.gov.ua/x)', "en")
    assert shown == "Law No. 2939-VI, art. 20 (https://zak.gp.gov.ua/x)"
