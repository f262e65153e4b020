"""URL state: a view survives page switches and writes only what differs from the defaults."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

SCRIPT = '''
import streamlit as st
from monitor.dashboard import state
state.select(st, "oblast", "Oblast", ["", "A", "B"])
state.radio(st, "lang", "Lang", ["uk", "en"])
st.write(state.view())
state.write_url()
'''


def make(tmp_path: Path) -> AppTest:
    path = tmp_path / "state_app.py"
    path.write_text(SCRIPT, encoding="utf-8")
    return AppTest.from_file(str(path))


def test_defaults_leave_the_url_clean(tmp_path: Path) -> None:
    at = make(tmp_path).run()
    assert not at.exception
    assert dict(at.query_params) == {}


def test_a_change_goes_into_the_url_and_back(tmp_path: Path) -> None:
    at = make(tmp_path).run()
    at.selectbox[0].select("B").run()
    assert at.query_params["oblast"] in ("B", ["B"])
    at.selectbox[0].select("").run()
    assert "oblast" not in at.query_params


def test_url_seeds_the_view_and_bad_values_fall_back(tmp_path: Path) -> None:
    at = make(tmp_path)
    at.query_params["oblast"] = "B"
    at.query_params["lang"] = "xx"
    at.run()
    assert at.selectbox[0].value == "B"
    assert at.radio[0].value == "uk"


def test_unknown_option_falls_back_to_the_first(tmp_path: Path) -> None:
    at = make(tmp_path)
    at.query_params["oblast"] = "Z"
    at.run()
    assert at.selectbox[0].value == ""
