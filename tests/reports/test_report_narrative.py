"""Issue 12: narrative, key findings, IPTT as donors read it, cascade, IATI, Ukrainian throughout."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from helpers_reports import flat, norm
from lxml import etree
from sqlalchemy.engine import Engine

from monitor.i18n import t
from monitor.reports import texts
from monitor.reports.build import render
from monitor.reports.content import build_content, review_items
from monitor.reports.iati import Activity, validate
from monitor.reports.model import Paragraph, Report, Table
from monitor.store import db as store_db

ACTIVITY = Activity("UA-EDR-00000000-PTL", "UA-EDR-00000000")
SECTIONS = ("executive", "context", "limitations", "iptt", "cascade", "coverage")


@pytest.fixture
def own_engine(demo_copy: str) -> Engine:
    """A private copy of the demo database (these tests write texts into it)."""
    return store_db.connect(demo_copy)


def section(report: Report, key: str):
    return next(s for s in report.sections if s.key == key)


def text_of(report: Report, key: str) -> str:
    return " ".join(b.text for b in section(report, key).blocks if isinstance(b, Paragraph))


# --------------------------------------------------------------------------- Markdown


@pytest.mark.parametrize(("body", "expected"), [
    ("One\nline.\n\nTwo.", [("body", "One line."), ("body", "Two.")]),
    ("# Title\n- a **bold** item\n- [site](https://x.org)", [("subheading", "Title"), ("bullet", "a bold item"),
                                                            ("bullet", "site (https://x.org)")]),
    ("1. first\n2) second\n  wrapped", [("bullet", "first"), ("bullet", "second wrapped")]),
    ("<script>alert(1)</script>", [("body", "<script>alert(1)</script>")]),  # text, escaped by the renderers
])
def test_markdown_subset(body: str, expected: list[tuple[str, str]]) -> None:
    assert [(b.style, b.text) for b in texts.markdown_blocks(body)] == expected


# --------------------------------------------------------------------------- content


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_every_new_section_is_there_in_order(reports: Callable[[str], Report], lang: str) -> None:
    keys = [s.key for s in reports(lang).sections]
    for key in SECTIONS:
        assert key in keys
    assert keys.index("executive") < keys.index("context") < keys.index("limitations") < keys.index("iptt")


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_demo_narrative_and_proposed_findings(reports: Callable[[str], Report], lang: str) -> None:
    report = reports(lang)
    assert "24.02.2022" in text_of(report, "context")
    bullets = [b for b in section(report, "executive").blocks if isinstance(b, Paragraph) and b.style == "bullet"]
    assert 1 <= len(bullets) <= 5
    assert [b.text for b in bullets] == [p.text(lang) for p in report.proposals]
    assert t("reports.findings.proposed", lang) in text_of(report, "executive")
    quality = next(b for b in section(report, "limitations").blocks if isinstance(b, Table))
    assert [r[0].text for r in quality.rows] == report.periods  # one data-quality row per round


def test_real_data_without_narrative_says_not_written(own_engine: Engine, framework) -> None:
    with own_engine.begin() as connection:
        connection.exec_driver_sql("UPDATE importbatch SET synthetic = 0")
        connection.exec_driver_sql("UPDATE response SET synthetic = 0")
    report = build_content(own_engine, framework, lang="en")
    assert set(report.missing_texts) == {"summary", "context", "limitations"}
    warnings = [b for b in section(report, "executive").blocks if isinstance(b, Paragraph) and b.style == "warning"]
    assert warnings and "not been written" in warnings[0].text


@pytest.mark.slow  # a PDF of a private copy of the demo
def test_lead_texts_replace_the_defaults_with_author_and_date(own_engine: Engine, framework, tmp_path: Path) -> None:
    texts.save_text(own_engine, kind="summary", round="2022", lang="en", body="**Access improved** in two oblasts.",
                    author="lead")
    texts.save_text(own_engine, kind="finding", round="2022", lang="en", position=1,
                    body="Survivors in Poltava waited longest.", author="lead", proposed="target:S01:ALL")
    texts.save_text(own_engine, kind="finding", round="2022", lang="en", position=1,
                    body="Survivors in Poltava waited longest for a status decision.", author="lead2")
    rows = texts.stored(own_engine, kind="finding")
    assert len(rows) == 1 and rows[0].author == "lead2" and rows[0].updated_at is not None
    report = build_content(own_engine, framework, lang="en")
    executive = text_of(report, "executive")
    assert "Access improved in two oblasts." in executive  # Markdown marks gone
    assert "waited longest for a status decision" in executive
    assert "Survivors in Poltava waited longest." not in executive
    assert t("reports.findings.proposed", "en") not in executive
    out = render(report, "pdf", tmp_path / "r.pdf")
    assert "statusdecision" in flat(" ".join(p.extract_text() for p in pypdf.PdfReader(out).pages[:3]))


def test_position_is_one_to_five(own_engine: Engine) -> None:
    with pytest.raises(ValueError):
        texts.save_text(own_engine, kind="finding", round="2022", lang="en", position=6, body="x", author="a")


# --------------------------------------------------------------------------- IPTT


def iptt(report: Report) -> Table:
    return next(b for b in section(report, "iptt").blocks if isinstance(b, Table))


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_iptt_has_unit_n_notes_and_level_groups(reports: Callable[[str], Report], lang: str) -> None:
    table = iptt(reports(lang))
    header = [h.text for h in table.header[-1]]
    assert header[2] == t("reports.col.unit", lang)
    assert header.count(t("reports.col.n", lang)) == len(reports(lang).periods)
    assert header[-1] == t("reports.col.notes", lang)
    groups = [r[1].text for r in table.rows if r[1].status == "group"]
    assert groups[:2] == [t("reports.level_group.outcome", lang), t("reports.level_group.output", lang)] or \
        t("reports.level_group.output", lang) in groups
    assert all(len(r) == table.columns for r in table.rows)


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_iptt_sex_and_age_rows_under_disaggregated_indicators(reports, public_results, lang: str) -> None:
    table = iptt(reports(lang))
    sex = t("reports.iptt.sex", lang)
    age = t("reports.iptt.age", lang)
    labels = [r[1].text.strip() for r in table.rows]
    assert any(label.startswith(f"{sex}:") for label in labels)
    assert any(label.startswith(f"{age}:") for label in labels)
    s01 = labels.index(next(r[1].text for r in table.rows if r[0].text == "S01").strip())
    below = labels[s01 + 1:s01 + 5]
    assert any(b.startswith(f"{sex}:") for b in below) and any(b.startswith(f"{age}:") for b in below)
    # A withheld group says so with its marker, never a number.
    for row in table.rows:
        if row[1].text.strip().startswith((f"{sex}:", f"{age}:")):
            for cell in row[5:]:
                if cell.text == t("privacy.withheld", lang):
                    assert cell.value is None
                assert not cell.text.startswith("<")  # never a bound that may be false


def test_notes_are_required_below_amber_and_authored_ones_are_shown(own_engine: Engine, framework) -> None:
    review = review_items(own_engine, framework, "2022")
    assert review["notes_needed"], "the demo has results below the amber threshold"
    indicator, period = review["notes_needed"][0]
    before = build_content(own_engine, framework, lang="en")
    assert (indicator, period) in before.missing_notes
    row = next(r for r in iptt(before).rows if r[0].text == indicator)
    assert t("reports.iptt.note_pending", "en") in row[-1].text and row[-1].status == "amber"
    texts.save_text(own_engine, kind="deviation", round=period, indicator=indicator, lang="en",
                    body="Fieldwork in frontline hromadas stopped in March.", author="lead")
    after = build_content(own_engine, framework, lang="en")
    assert (indicator, period) not in after.missing_notes
    row = next(r for r in iptt(after).rows if r[0].text == indicator)
    assert f"{period}: Fieldwork in frontline hromadas stopped in March." in row[-1].text


# --------------------------------------------------------------------------- cascade, files


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_cascade_chart_and_table(reports: Callable[[str], Report], lang: str) -> None:
    report = reports(lang)
    blocks = section(report, "cascade").blocks
    assert any(getattr(b, "key", "") == "cascade" and hasattr(b, "figure") for b in blocks)
    table = next(b for b in blocks if isinstance(b, Table))
    assert len(table.rows) >= 3 and table.columns == 1 + len(report.oblast_codes)


@pytest.mark.parametrize("fmt", [pytest.param("pdf", marks=pytest.mark.slow), pytest.param("docx", marks=pytest.mark.slow),
                                 "html"])  # a full PDF / DOCX build is slow; the HTML carries the same sections
@pytest.mark.parametrize("lang", ["uk", "en"])
def test_every_format_carries_the_new_sections(built, fmt: str, lang: str) -> None:
    path = built(fmt, lang)
    if fmt == "pdf":
        body = " ".join(p.extract_text() for p in pypdf.PdfReader(path).pages)
    elif fmt == "docx":
        import docx

        document = docx.Document(str(path))
        body = " ".join([p.text for p in document.paragraphs]
                        + [c.text for tb in document.tables for r in tb.rows for c in r.cells])
    else:
        body = path.read_text(encoding="utf-8")
    body = norm(body)
    for key in ("executive", "findings", "context", "limitations", "iptt", "cascade"):
        assert norm(t(f"reports.section.{key}", lang)) in body, key
    assert norm(t("reports.iptt.sex", lang)) in body
    assert "24.02.2022" in body


def test_html_first_table_row_is_not_under_a_sticky_header(built) -> None:
    html = built("html", "en").read_text(encoding="utf-8")
    css = html[html.index("<style>"):html.index("</style>")]
    th = re.search(r"th\{[^}]*\}", css).group(0)
    assert "sticky" not in th


# --------------------------------------------------------------------------- IATI


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_iati_file_validates_against_the_official_xsd(reports, framework, tmp_path: Path, lang: str) -> None:
    out = render(reports(lang), "iati", tmp_path / "activity.xml", framework=framework, activity=ACTIVITY)
    assert validate(out) == []
    tree = etree.parse(str(out))
    assert tree.xpath("/iati-activities/@version") == ["2.03"]
    assert tree.xpath("//iati-activity/iati-identifier/text()") == [ACTIVITY.identifier]
    assert tree.xpath("//result/indicator/period/target")
    assert tree.xpath("//result/indicator/period/actual/location/@ref")


def test_iati_holds_public_values_only(reports, internal_results, framework, tmp_path: Path) -> None:
    report = reports("en")
    out = render(report, "iati", tmp_path / "activity.xml", framework=framework, activity=ACTIVITY)
    tree = etree.parse(str(out))
    hidden = internal_results[(internal_results["dimension"] == "") & internal_results["suppressed"].astype(bool)
                              & internal_results["value"].notna()]
    assert not hidden.empty
    for row in hidden.to_dict("records"):
        period = str(row["period"])
        xpath = (f"//indicator[title/narrative[@xml:lang='en']=$title]/period[period-start/@iso-date='{period}-01-01']"
                 f"/actual[location/@ref='{row['territory_code']}']")
        title = framework.indicators[row["indicator"]].title.en
        assert tree.xpath(xpath, title=title, namespaces={"xml": "http://www.w3.org/XML/1998/namespace"}) == [], row


def test_iati_without_an_activity_is_a_clear_error(demo_engine, framework, tmp_path: Path) -> None:
    from monitor.errors import MonitorError
    from monitor.reports import build_report

    with pytest.raises(MonitorError) as caught:
        build_report(demo_engine, framework, fmt="iati", lang="en", out=tmp_path / "a.xml")
    assert caught.value.issues[0].code == "report-iati-activity"


# --------------------------------------------------------------------------- Ukrainian throughout


# Latin-script words a Ukrainian donor report may contain: proper names, standards, units of codes.
ALLOWED = {
    "ptl", "monitor", "iptt", "lop", "iati", "usaid", "iom", "ctdc", "kobotoolbox", "odk", "pdf", "docx", "xlsx",
    "html", "csv", "json", "yaml", "n", "min", "k", "z", "t", "sha", "katottg", "ua", "http", "https", "www", "gov",
    "zakon", "rada", "laws", "show", "org", "com", "net", "php", "uk", "en", "wilson", "welch",
}
CODE = re.compile(r"^(?:[A-Z]{1,4}\d{1,3}[A-Za-z]?|[A-Z]{2,5}-Q\d+[a-z]?|[0-9a-f]{6,}|[A-Z]{2,}\d*)$")


def english_words(text: str) -> list[str]:
    # A link the PDF wrapped onto the next line: its tail (lower case, with '-' or '/') joins it again.
    wrapped = re.compile(r"(https?://\S+)\s+([-/a-z0-9][a-z0-9_.]*[-/][a-z0-9/_.-]*)")
    while wrapped.search(text):
        text = wrapped.sub(r"\1\2", text)
    text = re.sub(r"https?://\S+", " ", text)
    # Short hashes (the provenance stamp prints 12 hex digits): '28451930fb3b' is a hash, not English.
    text = re.sub(r"\b[0-9a-f]{8,64}\b", " ", text)
    text = re.sub(r"\b[A-Z]{2,5}-Q\d+[a-z]?(?:/[a-z])*", " ", text)  # questionnaire codes (HS-Q10a/b)
    # A record's key, as the coalition gave it (a recommendation's DEMO-R-2021-UA35-E01): a reference, not prose.
    text = re.sub(r"\b[A-Z]+(?:-[A-Z0-9]+){2,}\b", " ", text)
    text = re.sub(r"monitor report .*?-o FILE", " ", text, flags=re.S)  # the command that reproduces the report

    out = []
    for word in re.findall(r"[A-Za-z][A-Za-z0-9_'’.-]*", text):
        word = word.strip(".-'’_")
        if not word or CODE.match(word) or word.casefold() in ALLOWED:
            continue
        if any(part.casefold() in ALLOWED for part in re.split(r"[-_.]", word)) and \
                all(part.casefold() in ALLOWED or CODE.match(part) for part in re.split(r"[-_.]", word) if part):
            continue
        out.append(word)
    return out


@pytest.mark.slow  # the full Ukrainian PDF
def test_ukrainian_pdf_has_no_english(built) -> None:
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(built("pdf", "uk")).pages)
    found = english_words(text)
    assert not found, sorted(set(found))[:60]


@pytest.mark.slow  # the full PDF of each language
@pytest.mark.parametrize("lang", ["uk", "en"])
def test_no_developer_notes_reach_the_donor(built, lang: str) -> None:
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(built("pdf", lang)).pages)
    for needle in ("domain.md", "from memory", "з пам", "[V]", "[P]", "[S]", "placeholder", "TODO", ".yaml"):
        assert needle not in text, needle
