"""Every recipe of CONTRIBUTING.md, run from the guide's own code blocks.

A block's first line names where it goes (```yaml indicators/H10.yaml); the tests copy the project's
framework into a temporary folder, apply the blocks as the recipe says and check what the recipe
promises: the indicator validates, computes on the demo's answers and shows in a report; the
instrument's CSV imports (and re-imports nothing); the new reader imports its format; the report
section appears; the dashboard page runs. Editing a block changes what is tested.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd
import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from monitor import format as fmt
from monitor.demo import write_demo_files
from monitor.engine import compute
from monitor.framework.loader import load_framework
from monitor.framework.models import Framework
from monitor.i18n import catalogue
from monitor.ingest import readers
from monitor.ingest.pipeline import import_file
from monitor.privacy import n_label
from monitor.reports import content as report_content
from monitor.reports.model import Paragraph, Report, Table
from monitor.store import db as store_db
from monitor.store.models import Response
from monitor.store.territory import load_reference

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "CONTRIBUTING.md"
BLOCK = re.compile(r"^```(?P<lang>[a-z]+) (?P<target>\S+)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)
RECIPE_BLOCKS = {
    "indicators/H10.yaml", "surveys/shelter-visits.yaml", "shelter-visits.csv", "jsonl_reader.py",
    "shelter-visits.jsonl", "src/monitor/i18n/reports.yaml", "focal_section.py",
    "src/monitor/i18n/dashboard.yaml", "src/monitor/dashboard/pages/answers.py", "PAGES",
}


def guide_blocks() -> dict[str, str]:
    found: dict[str, str] = {}
    for match in BLOCK.finditer(GUIDE.read_text(encoding="utf-8")):
        assert match["target"] not in found, f"CONTRIBUTING.md names {match['target']} twice"
        found[match["target"]] = match["body"]
    return found


BLOCKS = guide_blocks()


def write_block(target: str, folder: Path, name: str | None = None) -> Path:
    path = folder / (name or target)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(BLOCKS[target], encoding="utf-8")
    return path


def load_module(path: Path) -> ModuleType:
    """Import a recipe's Python file as the guide tells a contributor to (it registers itself)."""
    spec = importlib.util.spec_from_file_location(f"recipe_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def add_translations(monkeypatch: pytest.MonkeyPatch, target: str) -> dict[str, dict[str, str]]:
    """The recipe's catalogue lines, added to the loaded catalogue for this test only."""
    entries = yaml.safe_load(BLOCKS[target])
    merged = catalogue()
    for key, value in entries.items():
        assert key not in merged, f"{key} is already in the catalogue: the recipe must add new keys"
        assert set(value) == {"uk", "en"} and all(value.values()), f"{key} needs uk and en"
        monkeypatch.setitem(merged, key, value)
    return entries


def texts(report: Report) -> list[str]:
    out: list[str] = []
    for section in report.sections:
        out.append(section.title)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out.append(block.text)
            elif isinstance(block, Table):
                out.extend(cell.text for row in block.rows for cell in row)
    return out


# ----------------------------------------------------------------------------- the project, copied


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped framework in a temporary folder, with the recipe's indicator and instrument added."""
    root = tmp_path_factory.mktemp("project")
    shutil.copy(ROOT / "framework.yaml", root / "framework.yaml")
    for folder in ("indicators", "surveys", "docs"):
        shutil.copytree(ROOT / folder, root / folder)
    write_block("indicators/H10.yaml", root)
    write_block("surveys/shelter-visits.yaml", root)
    return root


@pytest.fixture(scope="module")
def framework(project: Path) -> Framework:
    loaded, issues = load_framework(project)
    assert loaded is not None and not [i for i in issues if i.level == "error"], [i.code for i in issues]
    return loaded


@pytest.fixture(scope="module")
def demo_engine(framework: Framework, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The demo's hromada answers (both waves), imported as the demo imports them."""
    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder}/demo.db"
    engine = store_db.connect(url)
    load_reference(engine)
    for survey_id, path in write_demo_files(framework, out_dir=folder / "files"):
        if survey_id == "hromada-officials":
            report = import_file(engine, framework, survey_id, path, synthetic=True)
            assert report.status == "imported", [i.code for i in report.issues]
    yield engine
    store_db.close(url)


@pytest.fixture
def fresh_engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path}/real.db"
    engine = store_db.connect(url)
    load_reference(engine)
    yield engine
    store_db.close(url)


@pytest.fixture(scope="module")
def report(framework: Framework, demo_engine: Engine) -> Iterator[Report]:
    """One Ukrainian report of the demo answers, with the recipe's section registered."""
    with pytest.MonkeyPatch.context() as patch:
        add_translations(patch, "src/monitor/i18n/reports.yaml")
        patch.setattr(report_content, "SECTION_BUILDERS", [])
        load_module(write_block("focal_section.py", Path(framework.root)))
        yield report_content.build_content(demo_engine, framework, lang="uk")


def responses(engine: Engine, survey: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(
            select(func.count()).select_from(Response).where(Response.instrument_id == survey)  # type: ignore[arg-type]
        ).scalar_one())


# ----------------------------------------------------------------------------- the recipes


def test_the_guide_holds_exactly_the_recipe_blocks() -> None:
    """A block added, renamed or dropped in CONTRIBUTING.md must be run here too."""
    assert set(BLOCKS) == RECIPE_BLOCKS


def test_recipe_indicator_computes_on_the_demo_answers(framework: Framework, demo_engine: Engine) -> None:
    assert framework.indicators["H10"].survey == "hromada-officials"
    results = compute(demo_engine, framework, level="oblast", indicators=["H10"])
    totals = results[(results["dimension"] == "") & results["value"].notna()]
    assert set(totals["period"].astype(str)) == {"2021", "2022"}
    assert totals["value"].between(0, 1).all() and totals["n"].gt(0).all()
    # Not a constant: the share follows the answers (HS-Q13 has 'none' and partner choices).
    assert totals["value"].nunique() > 1


def test_recipe_indicator_shows_in_the_report(framework: Framework, report: Report) -> None:
    title = framework.indicators["H10"].title.uk
    shown = texts(report)
    assert any(title in text or (framework.indicators["H10"].short_title.uk in text) for text in shown)
    # Its theme's table (not the IPTT, which shows the four oblasts together) shows the oblasts' values.
    tables = [b for s in report.sections for b in s.blocks if isinstance(b, Table) and b.key != "iptt"
              and any(title in c.text for row in b.rows for c in row)]
    published = report.results[(report.results["indicator"] == "H10") & (report.results["dimension"] == "")]
    percent = [fmt.value(v, "percent", "uk") for v in published["value"].dropna()]
    assert tables and percent and any(p in c.text for p in percent for b in tables for row in b.rows for c in row)


def test_recipe_instrument_imports_its_csv_once(framework: Framework, fresh_engine: Engine, tmp_path: Path) -> None:
    csv = write_block("shelter-visits.csv", tmp_path)
    first = import_file(fresh_engine, framework, "shelter-visits", csv)
    assert first.status == "imported", [(i.code, i.message) for i in first.issues]
    assert (first.rows, first.accepted, first.rejected) == (3, 3, 0)
    again = import_file(fresh_engine, framework, "shelter-visits", csv)
    assert again.status == "already-imported"
    assert responses(fresh_engine, "shelter-visits") == 3


def test_recipe_instrument_refuses_a_bad_cell_with_its_row_and_column(
    framework: Framework, fresh_engine: Engine, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    lines = BLOCKS["shelter-visits.csv"].splitlines()
    bad.write_text("\n".join([lines[0], lines[1].replace(",12,", ",900,")]) + "\n", encoding="utf-8")
    refused = import_file(fresh_engine, framework, "shelter-visits", bad)
    assert refused.status != "imported" and responses(fresh_engine, "shelter-visits") == 0
    problem = refused.rejected_rows[0]
    assert (problem["row"], problem["column"]) == (2, "місця")
    assert problem["message_uk"] and problem["message_en"]


def test_recipe_import_format_reads_json_lines(
    framework: Framework, fresh_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "READERS", [])
    load_module(write_block("jsonl_reader.py", tmp_path))
    assert [r.format for r in readers.READERS] == ["jsonl"]
    export = write_block("shelter-visits.jsonl", tmp_path)
    done = import_file(fresh_engine, framework, "shelter-visits", export)
    assert done.status == "imported", [(i.code, i.message) for i in done.issues]
    assert (done.format, done.accepted) == ("jsonl", 2)
    assert responses(fresh_engine, "shelter-visits") == 2
    # The built-in readers still read what they read: a CSV is not taken for JSON Lines.
    assert readers.read_export(write_block("shelter-visits.csv", tmp_path)).format != "jsonl"


def test_recipe_report_section_appears_with_formatted_values(report: Report) -> None:
    section = next(s for s in report.sections if s.key == "focal-persons")
    assert section.title == "Відповідальні особи в громадах"
    lines = [b.text for b in section.blocks if isinstance(b, Paragraph)]
    assert len(lines) == len(report.oblast_codes) == 4
    published = report.results[(report.results["indicator"] == "H01") & (report.results["dimension"] == "")
                               & (report.results["period"].astype(str) == report.period)]
    for code, line in zip(report.oblast_codes, lines, strict=True):
        row = published[published["territory_code"] == code].iloc[0]
        assert line.endswith(fmt.value(row["value"], "percent", "uk") if not row["suppressed"] else n_label(row["n_display"], "uk"))


def test_recipe_dashboard_page_runs(
    project: Path, demo_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    from monitor.dashboard.pages import PAGES

    words = add_translations(monkeypatch, "src/monitor/i18n/dashboard.yaml")
    row: Any = ast.literal_eval(BLOCKS["PAGES"].strip().rstrip(","))
    module, url_path, title_key, icon = row
    assert "src/monitor/dashboard/pages/" + module + ".py" in BLOCKS
    assert url_path not in {p[1] for p in PAGES} and module not in {p[0] for p in PAGES}
    assert title_key in words and icon.startswith(":material/")

    page = write_block(f"src/monitor/dashboard/pages/{module}.py", tmp_path, f"{module}.py")
    monkeypatch.setenv("MONITOR_DB", str(demo_engine.url))
    monkeypatch.setenv("MONITOR_FRAMEWORK", str(project))
    at = AppTest.from_file(str(page), default_timeout=180).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [h.value for h in at.subheader] == [words[title_key]["uk"]]
    table: pd.DataFrame = at.dataframe[0].value
    instrument = words["dashboard.answers.instrument"]["uk"]
    assert "Анкета для посадової особи територіальної громади" in set(table[instrument])
    assert all(fmt.NBSP + "%" in text for text in table[words["dashboard.answers.received"]["uk"]])


@pytest.mark.parametrize("page", ["CONTRIBUTING.md", "docs/GLOSSARY.md", "docs/TENETS.md"])
def test_the_guides_link_inside_the_project(page: str) -> None:
    """Every relative link resolves to a file of the project; nothing points at ../shared."""
    path = ROOT / page
    text = path.read_text(encoding="utf-8")
    assert "shared/" not in text
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    assert targets
    missing = [t for t in targets if "://" not in t and not (path.parent / t).exists()]
    assert missing == []
