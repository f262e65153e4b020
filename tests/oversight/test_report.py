"""The report carries the loop: the recommendation walked to "implemented" in the recommendations
section (grouped by authority, approved rounds only), the tracker summary, in the content every format
renders (HTML and XLSX read back here), and the open-data recommendations table."""

from __future__ import annotations

import zipfile
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from oversight_kit import HROMADA, OBLAST, auth_kit, prepare

from monitor.auth.oversight import (
    add_finding_as,
    add_recommendation_as,
    add_request_as,
    approve_round,
    set_status_as,
)
from monitor.framework.loader import framework_or_raise
from monitor.ingest.pipeline import import_file
from monitor.reports.build import build_report
from monitor.reports.content import build_content
from monitor.store.db import connect

ROOT = Path(__file__).resolve().parents[2]
ADMIN = SimpleNamespace(name="setup", role="admin", oblasts=[], disabled=False)


@pytest.fixture
def world(sqlite_url, tmp_path):  # type: ignore[no-untyped-def]
    engine = prepare(connect(sqlite_url))
    fw = framework_or_raise(ROOT)
    rows = auth_kit.rows_in(OBLAST)
    assert import_file(engine, fw, "hromada-officials", auth_kit.write_export(tmp_path / "s.csv", rows)).status == "imported"
    year = str(rows[0]["wave"])
    other = "R2022" if year == "2021" else "R2021"
    for step in ("under-review", "approved"):
        approve_round(engine, ADMIN, f"R{year}", step)
    add_finding_as(engine, ADMIN, {"key": "F1", "round": f"R{year}", "territory": HROMADA, "indicators": "S01",
                                   "text_uk": "Журнал заяв не ведуть", "text_en": "No application journal"})
    for key, round_id, body in (("REC-A", f"R{year}", "kirovohrad-social"), ("REC-B", f"R{year}", "kirovohrad-nssu"),
                                ("REC-DRAFT", other, "kirovohrad-social")):
        add_recommendation_as(engine, ADMIN, {"key": key, "round": round_id, "body": body, "findings": "F1",
                                              "text_uk": f"Рекомендація {key}", "text_en": f"Recommendation {key}",
                                              "date_sent": f"{year}-03-01", "due_date": f"{year}-06-01"})
    for status, on, evidence in (("acknowledged", "03-10", "Letter 3/10"), ("implemented", "11-30", "Journal seen")):
        set_status_as(engine, ADMIN, {"recommendation": "REC-A", "status": status, "date": f"{year}-{on}",
                                      "evidence": evidence})
    add_request_as(engine, ADMIN, {"key": "Q1", "body": "kirovohrad-social", "subject": "Applications",
                                   "channel": "email", "date_sent": f"{year}-04-01", "date_received": f"{year}-04-02",
                                   "reply_date": f"{year}-04-05", "outcome": "full"})
    return engine, fw, year


def section(report, key):  # type: ignore[no-untyped-def]
    return next(s for s in report.sections if s.key == key)


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_the_report_content_shows_the_implemented_recommendation(world, lang) -> None:  # type: ignore[no-untyped-def]
    engine, fw, year = world
    report = build_content(engine, fw, lang=lang, period=year)
    table = next(b for b in section(report, "recommendations").blocks if getattr(b, "key", "") == "recommendations")
    rows = [[c.text for c in row] for row in table.rows]
    implemented = "implemented" if lang == "en" else "виконано"
    done = next(r for r in rows if r[1] == "REC-A")
    assert done[3] == implemented and done[5] == "Journal seen"
    assert "REC-DRAFT" not in {r[1] for r in rows}  # a round not approved stays out of a public report
    authorities = [r[0] for r in rows]
    assert authorities == sorted(authorities)  # grouped by authority
    overdue = next(row for row in table.rows if row[1].text == "REC-B")
    assert overdue[3].status == "red"  # only 'sent' and past its due date
    requests = section(report, "requests")
    tracker = next(b for b in requests.blocks if getattr(b, "key", "") == "requests")
    assert tracker.rows and tracker.rows[0][0].text
    assert set(report.recommendations["key"]) == {"REC-A", "REC-B"}


def test_html_xlsx_and_open_data_carry_it(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine, fw, year = world
    html = build_report(engine, fw, fmt="html", lang="en", period=year, out=tmp_path / "r.html").read_text("utf-8")
    assert "REC-A" in html and "Journal seen" in html and "REC-DRAFT" not in html
    xlsx = build_report(engine, fw, fmt="xlsx", lang="uk", period=year, out=tmp_path / "r.xlsx")
    sheets = pd.read_excel(xlsx, sheet_name=None, engine="openpyxl")
    assert any(frame.astype(str).apply(lambda c: c.str.contains("REC-A")).any().any() for frame in sheets.values())
    package = build_report(engine, fw, fmt="opendata", lang="en", period=year, out=tmp_path / "open.zip")
    with zipfile.ZipFile(package) as archive:
        table = pd.read_csv(archive.open("recommendations.csv"), keep_default_na=False)
        assert "recommendations" in archive.read("datapackage.json").decode()
    assert set(table["key"]) == {"REC-A", "REC-B"}
    assert table.set_index("key").loc["REC-A", "status"] == "implemented"
    assert not {"created_by", "recorded_by"} & set(table.columns)  # no names of who typed it
