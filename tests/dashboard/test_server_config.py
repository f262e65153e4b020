"""The server shows users no prompts or pop-ups (#13 item 3): .streamlit/config.toml, read as Streamlit reads it."""

from __future__ import annotations

import tomllib

import pytest
from dashboard_kit import ROOT
from demo_kit import DemoDatabase

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


def test_first_run_of_serve_loads_the_demo_and_prepares_the_public_tables(demo: DemoDatabase,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The shared demo database is what `monitor serve`'s first run (prepare_database) leaves on a new
    database: every demo file imported as synthetic, the protected set stored; a second start adds nothing."""
    from sqlalchemy import func, select

    from monitor.cli.serve import prepare_database
    from monitor.framework.loader import framework_or_raise
    from monitor.privacy.protect import is_stored
    from monitor.store import db as store_db
    from monitor.store.models import ImportBatch

    first = demo.first_run_output
    assert "Перший запуск" in first and "First run: creating the database" in first and "Готово / Done." in first
    engine, framework = store_db.connect(demo.url), framework_or_raise(ROOT)
    surveys = {path.name.split("_")[0] for path in demo.files.iterdir()}
    assert surveys == set(framework.surveys), sorted(demo.files.iterdir())
    assert all(f"  {survey}: " in first for survey in surveys)

    def batches() -> tuple[int, int]:
        with engine.connect() as connection:
            total = connection.execute(select(func.count()).select_from(ImportBatch)).scalar_one()
            real = connection.execute(select(func.count()).select_from(ImportBatch)
                                      .where(ImportBatch.synthetic.is_(False))).scalar_one()  # type: ignore[attr-defined]
        return int(total), int(real)

    assert batches()[0] >= len(framework.surveys) and batches()[1] == 0
    assert is_stored(engine, framework, cache_dir=demo.cache)
    before = batches()
    capsys.readouterr()
    prepare_database(demo.url, ROOT)  # the second start
    assert "First run" not in capsys.readouterr().out and batches() == before


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///data/monitor.db", "sqlite:///{cwd}/data/monitor.db"),  # made absolute where it was typed
        ("sqlite:////srv/monitor.db", "sqlite:////srv/monitor.db"),
        ("sqlite:///:memory:", "sqlite:///:memory:"),
        ("postgresql+psycopg://monitor@db.example/monitor", "postgresql+psycopg://monitor@db.example/monitor"),
    ],
)
def test_serve_hands_the_dashboard_an_absolute_database_path(given: str, expected: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The dashboard runs in the app's folder: a relative SQLite path would open another, empty database
    there while `monitor serve` loaded the demo into the one beside the user (found running the README
    from a second checkout)."""
    from monitor.cli.serve import absolute

    monkeypatch.chdir(tmp_path)
    assert absolute(given) == expected.format(cwd=tmp_path.resolve())
