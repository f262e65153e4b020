"""The PDF: real text (pypdf and pdftotext), every indicator, the same numbers as compute, masked cells,
fonts embedded, every page rendered non-blank."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
from helpers_reports import flat, norm, published_cells, shown, suppressed_cell
from PIL import Image

from monitor.i18n import t

LANGS = ["en", "uk"]
# Every test here reads the full PDF of a language: ~30 charts drawn in chromium, then laid out.
pytestmark = pytest.mark.slow


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)


@pytest.mark.parametrize("lang", LANGS)
def test_every_indicator_id_and_title_is_in_the_text(built, framework, lang: str) -> None:
    text = flat(pdf_text(built("pdf", lang)))
    for indicator in framework.indicators.values():
        assert indicator.id in text
        assert flat(indicator.title.get(lang)) in text, indicator.id


@pytest.mark.parametrize("lang", LANGS)
def test_cover_says_synthetic_and_names_the_period(built, lang: str) -> None:
    reader = pypdf.PdfReader(built("pdf", lang))
    cover = norm(reader.pages[0].extract_text())
    assert t("reports.synthetic", lang).split(" — ")[0] in cover
    assert "2022" in cover
    for page in reader.pages[1:]:
        assert t("reports.synthetic_short", lang).upper() in norm(page.extract_text())


@pytest.mark.parametrize("lang", LANGS)
def test_numbers_equal_compute_output(built, public_results, lang: str) -> None:
    text = norm(pdf_text(built("pdf", lang)))
    for row in published_cells(public_results):
        assert norm(shown(row, lang)) in text, (row["indicator"], row["territory_code"])


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("lang", LANGS)
def test_suppressed_survivor_cell_is_masked_in_the_oblast_table(built, reports, internal_results, lang: str) -> None:
    hidden = suppressed_cell(internal_results)
    report = reports(lang)
    oblast = report.scope[report.oblast_codes.index(hidden["territory_code"])]
    layout = subprocess.run(["pdftotext", "-layout", str(built("pdf", lang)), "-"], capture_output=True, text=True,
                            check=True).stdout
    pages = layout.split("\f")
    heading = t("reports.section.oblast", lang, name=oblast)
    start = next(i for i, p in enumerate(pages) if i > 0 and heading in p)  # page 0 lists the contents
    table = "\n".join(pages[start:start + 2])  # the oblast table may run onto a second page
    line = next(ln for ln in table.splitlines() if ln.strip().startswith(hidden["indicator"] + " "))
    assert t("privacy.withheld", lang) in line
    assert norm(shown(hidden, lang)) not in norm(line)


def test_fonts_are_embedded(built) -> None:
    if shutil.which("pdffonts") is None:
        pytest.skip("poppler-utils not installed")
    listing = subprocess.run(["pdffonts", str(built("pdf", "uk"))], capture_output=True, text=True, check=True).stdout
    fonts = listing.splitlines()[2:]
    assert fonts and all(" yes yes yes " in f for f in fonts), listing


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("lang", LANGS)
def test_every_page_renders_non_blank(built, tmp_path: Path, lang: str) -> None:
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(built("pdf", lang)), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(pypdf.PdfReader(built("pdf", lang)).pages) > 10
    for page in pages:
        with Image.open(page) as image:
            grey = image.convert("L")
            assert grey.getextrema()[0] < 128, page.name  # some dark (text) pixels
            dark = sum(grey.histogram()[:200])
            assert dark > 200, page.name


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_has_charts_as_images(built, lang: str) -> None:
    reader = pypdf.PdfReader(built("pdf", lang))
    images = sum(len(page.images) for page in reader.pages)
    assert images >= 20
