"""Provenance and determinism: the same database and framework give the same content, timestamps aside."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

from monitor.cli import _register
from monitor.cli.app import app
from monitor.reports.build import build_report, render
from monitor.reports.content import build_content
from monitor.reports.provenance import database_hash
from monitor.store import db as store_db


def without_line(text: str, line: str) -> str:
    return "\n".join(x for x in text.splitlines() if line not in x)


def test_database_hash_is_stable_and_tracks_content(demo_engine, sqlite_url: str) -> None:
    first, responses, batches, synthetic = database_hash(demo_engine)
    assert database_hash(demo_engine)[0] == first and responses > 1000 and batches == 14 and synthetic
    empty = store_db.connect(sqlite_url)
    assert database_hash(empty)[0] != first and database_hash(empty)[1:3] == (0, 0)


@pytest.mark.slow  # a second full PDF
def test_same_database_same_pdf_text(demo_engine, framework, built, tmp_path: Path) -> None:
    later = datetime.now().astimezone().replace(microsecond=0) + timedelta(minutes=3)
    again = build_content(demo_engine, framework, lang="en", generated_at=later)
    second = render(again, "pdf", tmp_path / "again.pdf")
    first_text = "\n".join(p.extract_text() for p in pypdf.PdfReader(built("pdf", "en")).pages)
    second_text = "\n".join(p.extract_text() for p in pypdf.PdfReader(second).pages)
    first_line = next(x for x in first_text.splitlines() if "Generated:" in x)
    assert first_line not in second_text  # the timestamp did change...
    strip = "Generated:"
    assert without_line(first_text, strip) == without_line(second_text, strip)  # ...and nothing else did


@pytest.mark.parametrize("fmt", ["html", "opendata"])
def test_same_database_same_html_and_csv(demo_engine, framework, tmp_path: Path, fmt: str) -> None:
    outputs = []
    for k in range(2):
        stamp = datetime(2026, 11, 28, 10, k, 0).astimezone()
        name = f"r{k}" + (".html" if fmt == "html" else "")
        outputs.append(build_report(demo_engine, framework, fmt=fmt, lang="uk", out=tmp_path / name, generated_at=stamp))
    if fmt == "html":
        a, b = (p.read_text(encoding="utf-8") for p in outputs)
        assert without_line(a, "Створено") == without_line(b, "Створено")
    else:
        for name in ("results.csv", "coverage.csv", "indicators.csv"):
            assert (outputs[0] / name).read_bytes() == (outputs[1] / name).read_bytes()


def test_cli_report_writes_a_file_and_refuses_bad_arguments(demo_url: str, tmp_path: Path) -> None:
    _register()
    runner = CliRunner()
    out = tmp_path / "r.xlsx"
    result = runner.invoke(app, ["report", "--db", demo_url, "--format", "xlsx", "--lang", "en", "--period", "2021",
                                 "--oblast", "Poltavska", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 10_000
    bad = runner.invoke(app, ["report", "--db", demo_url, "--format", "xlsx", "--period", "1999", "-o", str(out)])
    assert bad.exit_code == 1 and "report-unknown-period" in bad.output
    bad = runner.invoke(app, ["report", "--db", demo_url, "--format", "rtf", "-o", str(out)])
    assert bad.exit_code == 1
