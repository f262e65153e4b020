"""Coverage driven by the round: where a round sets the respondents it expects in a territory, coverage
reads the answers located there against that number (the framework's one-per-unit expectation stays
for everything else), the four-oblast total is summed again, and the report's coverage table shows it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from oversight_kit import OBLAST, POLTAVA, auth_kit

from monitor.engine.coverage import coverage
from monitor.framework.loader import framework_or_raise
from monitor.ingest.pipeline import import_file
from monitor.oversight.bodies import load_bodies
from monitor.oversight.rounds import RoundSpec, coverage_with_rounds, define_round
from monitor.reports.content import build_content
from monitor.store.db import connect

ROOT = Path(__file__).resolve().parents[2]
SURVEY = "hromada-officials"


@pytest.fixture
def world(sqlite_url, tmp_path):  # type: ignore[no-untyped-def]
    engine = connect(sqlite_url)
    load_bodies(engine)
    fw = framework_or_raise(ROOT)
    rows = auth_kit.rows_in(OBLAST) + auth_kit.rows_in(POLTAVA)
    assert (
        import_file(engine, fw, SURVEY, auth_kit.write_export(tmp_path / "s.csv", rows)).status == "imported"
    )
    wave = str(rows[0]["wave"])
    answered = len(auth_kit.rows_in(OBLAST))
    y = int(wave)
    define_round(
        engine,
        RoundSpec(
            f"R{wave}",
            "Раунд",
            "Round",
            wave,
            date(y, 1, 1),
            date(y, 12, 31),
            date(y - 1, 1, 1),
            date(y - 1, 12, 31),
            (SURVEY,),
            {OBLAST: {SURVEY: answered + 3}},
        ),
    )
    return engine, fw, wave, answered


def test_the_rounds_expectation_drives_coverage(world) -> None:  # type: ignore[no-untyped-def]
    engine, fw, wave, answered = world
    plain = coverage(engine, fw)
    driven = coverage_with_rounds(engine, plain)

    def row(frame, code):  # type: ignore[no-untyped-def]
        found = frame[
            (frame["survey"] == SURVEY)
            & (frame["wave"].astype(str) == wave)
            & (frame["territory_code"] == code)
            & (frame["level"].isin(["oblast", "all"]))
        ]
        return found.iloc[0]

    kirovohrad = row(driven, OBLAST)
    assert (kirovohrad["expected"], kirovohrad["received"]) == (answered + 3, answered)
    assert kirovohrad["share"] == pytest.approx(answered / (answered + 3))
    assert row(plain, OBLAST)["expected"] != answered + 3  # the framework expected one per hromada
    poltava_plain, poltava = row(plain, POLTAVA), row(driven, POLTAVA)
    assert (poltava["expected"], poltava["received"]) == (
        poltava_plain["expected"],
        poltava_plain["received"],
    )
    total = row(driven, "ALL")
    oblasts = driven[
        (driven["survey"] == SURVEY) & (driven["wave"].astype(str) == wave) & (driven["level"] == "oblast")
    ]
    assert total["expected"] == oblasts["expected"].sum() and total["received"] == oblasts["received"].sum()
    units = plain["level"] == "hromada"  # a round speaking for the oblast leaves its units' rows as they were
    assert driven.loc[units, ["expected", "received"]].equals(plain.loc[units, ["expected", "received"]])


def test_the_report_coverage_reads_against_the_round(world) -> None:  # type: ignore[no-untyped-def]
    engine, fw, wave, answered = world
    report = build_content(engine, fw, lang="en", period=wave)
    table = next(
        b
        for s in report.sections
        if s.key == "coverage"
        for b in s.blocks
        if getattr(b, "key", "") == "coverage"
    )
    texts = [c.text for row in table.rows for c in row]
    assert any(f"{answered}/{answered + 3}" in text.replace(" ", "") for text in texts), texts


def test_a_report_by_round_is_its_reporting_year(world, sqlite_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from monitor.cli import _register
    from monitor.cli.app import app
    from monitor.oversight.rounds import report_period

    engine, _, wave, _ = world
    assert report_period(engine, f"R{wave}") == wave
    _register()
    out = tmp_path / "by-round.html"
    made = CliRunner().invoke(
        app,
        [
            "report",
            "--format",
            "html",
            "--lang",
            "en",
            "--round",
            f"R{wave}",
            "-o",
            str(out),
            "--db",
            sqlite_url,
            "--framework",
            str(ROOT),
        ],
    )
    assert made.exit_code == 0, made.output
    assert f"{wave}" in out.read_text("utf-8")
    clash = CliRunner().invoke(
        app,
        [
            "report",
            "--format",
            "html",
            "--round",
            f"R{wave}",
            "--period",
            "1999",
            "-o",
            str(tmp_path / "x.html"),
            "--db",
            sqlite_url,
            "--framework",
            str(ROOT),
        ],
    )
    assert clash.exit_code != 0 and "1999" in clash.output
    unknown = CliRunner().invoke(
        app,
        [
            "report",
            "--format",
            "html",
            "--round",
            "R1900",
            "-o",
            str(tmp_path / "y.html"),
            "--db",
            sqlite_url,
            "--framework",
            str(ROOT),
        ],
    )
    assert unknown.exit_code != 0 and "R1900" in unknown.output
