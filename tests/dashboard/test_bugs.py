"""#13 item 7: /overview is a page of its own, and the English hromada profile names the hromada type in English."""

from __future__ import annotations

import re

import pytest
from dashboard_kit import no_exception, page
from streamlit.testing.v1 import AppTest

from monitor.dashboard import pages
from monitor.dashboard.pages.hromada import kind_label

CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def test_overview_has_its_own_url_besides_the_root() -> None:
    """The default page is served at "/" only; "/overview" is a hidden alias of the same script.

    (st.Page needs a script run context to resolve its path, so this reads the declarations; the
    chromium test tests/e2e/test_dashboard_more_e2e.py opens /overview for real.)"""
    paths = [path for _, path, _, _ in pages.PAGES + pages.ALIASES]
    assert len(set(paths)) == len(paths)  # st.navigation refuses duplicate URL paths
    assert pages.PAGES[0][0] == "overview"  # the default page
    assert ("overview", "overview") in {(module, path) for module, path, _, _ in pages.ALIASES}
    assert pages.page_file("overview").is_file()


@pytest.mark.parametrize(("kind", "lang", "expected"), [
    ("сільська", "en", "Rural"), ("міська", "en", "Urban"), ("селищна", "en", "Settlement"),
    ("сільська", "uk", "Сільська"), ("Міська", "uk", "Міська"), ("", "en", ""),
])
def test_hromada_type_is_translated(kind: str, lang: str, expected: str) -> None:
    assert kind_label(kind, lang) == expected


def test_english_hromada_profile_has_no_ukrainian_type(app: AppTest) -> None:
    app.query_params["lang"] = "en"
    at = page(app.run(), "hromada")
    no_exception(at)
    facts = [c.value for c in at.caption if " hromada, " in c.value]
    assert facts, [c.value for c in at.caption]
    assert not CYRILLIC.search(facts[0]), facts[0]
    assert facts[0].split(" hromada,")[0] in {"Urban", "Settlement", "Rural"}
