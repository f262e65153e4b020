"""The server shows users no prompts or pop-ups (#13 item 3): .streamlit/config.toml, read as Streamlit reads it."""

from __future__ import annotations

import tomllib

import pytest
from dashboard_kit import ROOT

CONFIG = ROOT / ".streamlit" / "config.toml"


def test_config_turns_off_prompts_popups_and_telemetry() -> None:
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["showEmailPrompt"] is False
    assert config["client"]["showErrorLinks"] is False
    assert config["client"]["showErrorDetails"] == "type"
    assert config["client"]["toolbarMode"] == "minimal"
    assert config["logger"]["hideWelcomeMessage"] is True
    assert config["global"]["showWarningOnDirectExecution"] is False


def test_no_skills_pop_up_even_when_not_headless(monkeypatch: pytest.MonkeyPatch) -> None:
    """`monitor serve` without --headless runs Streamlit non-headless; the in-page 'install skills for
    coding agents' card must still stay away (our config hides the welcome message, which withholds it)."""
    from streamlit import config
    from streamlit.web import skills

    monkeypatch.chdir(ROOT)
    config.get_config_options(force_reparse=True)
    try:
        assert config.get_option("logger.hideWelcomeMessage") is True
        config.set_option("server.headless", False)
        assert skills.nudge_suppression_reason(str(ROOT)) == "welcome_hidden"
    finally:
        config.get_config_options(force_reparse=True)
