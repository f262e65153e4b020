"""The coalition's outputs and its case stories in the report: OUT01 (officials trained, with a row per
body type and per sex) and OUT02 (trainings held) are output-level rows of the IPTT with the numbers the
trainings give; the case-stories section carries only approved stories whose consent stands, in the
report's language; both read back from HTML, XLSX, DOCX and PDF."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from oversight_kit import OBLAST, auth_kit, prepare

from monitor.auth.oversight import add_story_as, add_training_as, approve_story_as, set_story_consent_as
from monitor.framework.loader import framework_or_raise
from monitor.ingest.pipeline import import_file
from monitor.reports.build import build_report
from monitor.reports.content import build_content
from monitor.store.db import connect

ROOT = Path(__file__).resolve().parents[2]
ADMIN = SimpleNamespace(name="lead", role="admin", oblasts=[], disabled=False)


def story(key: str, year: str, consent: bool = True) -> dict[str, object]:
    return {
        "key": key,
        "oblast": OBLAST,
        "date": f"{year}-10-12",
        "consent": consent,
        "title_uk": f"Історія {key}",
        "title_en": f"Story {key}",
        "text_uk": f"Жінці {key} допомогла соціальна служба області.",
        "text_en": f"The oblast's social service helped woman {key}.",
    }


@pytest.fixture
def world(sqlite_url, tmp_path):  # type: ignore[no-untyped-def]
    engine = prepare(connect(sqlite_url))
    fw = framework_or_raise(ROOT)
    rows = auth_kit.rows_in(OBLAST)
    assert (
        import_file(engine, fw, "hromada-officials", auth_kit.write_export(tmp_path / "s.csv", rows)).status
        == "imported"
    )
    year = str(rows[0]["wave"])
    for key, day, seats in (
        ("T1", "03-05", [("kirovohrad-social", 7, 2), ("kirovohrad-nssu", 3, 1)]),
        ("T2", "09-20", [("kirovohrad-social", 4, 4), ("kirovohrad-migration-police", 0, 6)]),
    ):
        add_training_as(
            engine,
            ADMIN,
            {
                "key": key,
                "date": f"{year}-{day}",
                "oblast": OBLAST,
                "topic_uk": "Виявлення постраждалих",
                "topic_en": "Identifying victims",
                "audience": [{"body": b, "women": w, "men": m} for b, w, m in seats],
            },
        )
    for key, consent in (("PUBLISHED", True), ("DRAFT", True), ("WITHDRAWN", True)):
        add_story_as(engine, ADMIN, story(key, year, consent))
    approve_story_as(engine, ADMIN, "PUBLISHED")
    approve_story_as(engine, ADMIN, "WITHDRAWN")
    set_story_consent_as(engine, ADMIN, "WITHDRAWN", False)
    return engine, fw, year


def iptt_rows(report) -> list[list[str]]:  # type: ignore[no-untyped-def]
    table = next(
        b for s in report.sections if s.key == "iptt" for b in s.blocks if getattr(b, "key", "") == "iptt"
    )
    return [[c.text for c in row] for row in table.rows]


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_the_iptt_has_the_coalition_outputs_at_output_level(world, lang) -> None:  # type: ignore[no-untyped-def]
    engine, fw, year = world
    report = build_content(engine, fw, lang=lang, period=year)
    rows = iptt_rows(report)
    years = report.periods
    achieved = (
        5 + 4 * years.index(year) + 1
    )  # ID, title, unit, +/-, baseline, then Target | Achieved | n | % per year
    ids = [r[0] for r in rows]
    out01, out02 = ids.index("OUT01"), ids.index("OUT02")
    groups = [
        i
        for i, row in enumerate(rows)
        if row[0] == "" and row[2] == "" and row[1] and not row[1].startswith(" ")
    ]
    output_heading = "Рівень продуктів" if lang == "uk" else "Output level"
    heading = max(i for i in groups if i < out01)
    assert rows[heading][1] == output_heading
    assert not [i for i in groups if heading < i < out02]  # both inside the output group
    assert rows[out01][achieved] == "27" and rows[out02][achieved] == "2"
    under = {r[1].strip(): r[achieved] for r in rows[out01 + 1 : out02]}
    women, men = ("Стать: жінки", "Стать: чоловіки") if lang == "uk" else ("Sex: women", "Sex: men")
    assert under[women] == "14" and under[men] == "13"
    police = "Тип органу: міграційна поліція" if lang == "uk" else "Body type: migration police"
    social = "Тип органу: соціальний захист населення" if lang == "uk" else "Body type: social protection"
    assert under[police] == "6" and under[social] == "17"
    if lang == "uk":
        assert not any(word in " ".join(rows[out01][:3]) for word in ("Officials", "number", "persons"))


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_the_stories_section_shows_approved_stories_with_consent_only(world, lang) -> None:  # type: ignore[no-untyped-def]
    engine, fw, year = world
    report = build_content(engine, fw, lang=lang, period=year)
    section = next(s for s in report.sections if s.key == "stories")
    text = "\n".join(b.text for b in section.blocks)
    assert ("Історія PUBLISHED" if lang == "uk" else "Story PUBLISHED") in text
    assert ("Жінці PUBLISHED" if lang == "uk" else "woman PUBLISHED") in text
    assert "DRAFT" not in text and "WITHDRAWN" not in text
    other = "Story PUBLISHED" if lang == "uk" else "Історія PUBLISHED"
    assert other not in text  # one language per report


def test_every_format_carries_the_outputs_and_the_story(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pypdf
    from docx import Document

    engine, fw, year = world
    html = build_report(engine, fw, fmt="html", lang="en", period=year, out=tmp_path / "r.html").read_text(
        "utf-8"
    )
    assert "OUT01" in html and "Officials trained by the coalition" in html and "Story PUBLISHED" in html
    assert "WITHDRAWN" not in html
    xlsx = build_report(engine, fw, fmt="xlsx", lang="uk", period=year, out=tmp_path / "r.xlsx")
    frames = pd.read_excel(xlsx, sheet_name=None, header=None, engine="openpyxl").values()
    cells = " ".join(str(v) for frame in frames for v in frame.to_numpy().ravel())
    assert (
        "OUT01" in cells
        and "Посадові особи, які пройшли навчання коаліції" in cells
        and "Історія PUBLISHED" in cells
    )
    docx = build_report(engine, fw, fmt="docx", lang="en", period=year, out=tmp_path / "r.docx")
    document = Document(str(docx))
    texts = [p.text for p in document.paragraphs] + [
        c.text for t in document.tables for r in t.rows for c in r.cells
    ]
    assert "OUT01" in texts and "Story PUBLISHED" in " ".join(texts)
    pdf = build_report(engine, fw, fmt="pdf", lang="uk", period=year, out=tmp_path / "r.pdf")
    text = "".join("".join(page.extract_text() or "" for page in pypdf.PdfReader(pdf).pages).split())
    assert "OUT01" in text and "ІсторіяPUBLISHED" in text and "WITHDRAWN" not in text


def test_open_data_carries_the_output_indicators(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json
    import zipfile

    engine, fw, year = world
    package = build_report(engine, fw, fmt="opendata", lang="en", period=year, out=tmp_path / "open.zip")
    with zipfile.ZipFile(package) as archive:
        table = pd.read_csv(archive.open("outputs.csv"), keep_default_na=False, dtype={"period": str})
        names = [r["name"] for r in json.loads(archive.read("datapackage.json"))["resources"]]
    assert "outputs" in names
    by = table.set_index(["indicator", "period", "dimension", "dimension_value"])["value"]
    assert by[("OUT01", year, "", "")] == 27 and by[("OUT02", year, "", "")] == 2
    assert by[("OUT01", year, "sex", "women")] == 14 and by[("OUT01", year, "body_kind", "police")] == 6

