"""Every oversight string the CLI, the page, the spreadsheets and the report show exists in Ukrainian and
English, and the two differ (no English leaking into the Ukrainian view)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from monitor.i18n import catalogue
from monitor.oversight.recommendations import STATUSES
from monitor.oversight.sheets import KINDS
from monitor.oversight.tracker import CHANNELS, OUTCOMES, STATES
from monitor.oversight.trainings import SEXES
from monitor.redact import PATTERNS
from monitor.store.oversight import ROUND_STATES, STORY_STATES

BODY_KINDS = sorted(set(pd.read_csv(Path(__file__).resolve().parents[2] / "data/reference/bodies.csv")["kind"]))

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((ROOT / "src/monitor/oversight").glob("*.py")), ROOT / "src/monitor/dashboard/pages/oversight.py",
           ROOT / "src/monitor/dashboard/pages/oversight_outputs.py", ROOT / "src/monitor/reports/stories.py",
           ROOT / "src/monitor/reports/outputs.py",
           ROOT / "src/monitor/reports/tracker.py", ROOT / "src/monitor/cli/oversight.py"]
LITERAL = re.compile(r"""\bt\(\s*["']((?:oversight|reports)\.[a-z0-9_.\-]+)["']""")
DYNAMIC = (
    [f"oversight.status.{s}" for s in STATUSES] + [f"oversight.state.{s}" for s in STATES]
    + [f"oversight.channel.{c}" for c in CHANNELS] + [f"oversight.outcome.{o}" for o in OUTCOMES]
    + [f"oversight.round_state.{s}" for s in ROUND_STATES] + [f"oversight.sheet.{k}" for k in KINDS]
    + [f"oversight.column.{c}" for columns in KINDS.values() for c in columns]
    + [f"oversight.page.tab.{n}" for n in ("recommendations", "timeline", "requests", "outputs", "form")]
    + [f"oversight.body_kind.{k}" for k in BODY_KINDS] + [f"oversight.sex.{s}" for s in SEXES]
    + [f"oversight.story_state.{s}" for s in STORY_STATES]
    + [f"oversight.personal.{kind.replace(' ', '_')}" for kind, _ in PATTERNS]
    + [f"reports.iptt.{o}" for o in ("out01", "out02")]
)


def used() -> set[str]:
    keys: set[str] = set()
    for path in SOURCES:
        keys.update(LITERAL.findall(path.read_text(encoding="utf-8")))
    return {k for k in keys if not k.endswith(".")}  # a prefix completed at run time: DYNAMIC lists those


def test_the_scan_finds_keys() -> None:
    assert len(used()) > 20


@pytest.mark.parametrize("key", sorted(used() | set(DYNAMIC)))
def test_key_in_both_languages(key: str) -> None:
    entry = catalogue().get(key)
    assert entry is not None, f"{key} is missing from src/monitor/i18n/oversight.yaml"
    assert entry.get("uk") and entry.get("en") and entry["uk"] != entry["en"], key
    assert re.search(r"[а-яіїєґ]", entry["uk"], re.IGNORECASE), f"{key}: the Ukrainian text has no Ukrainian"
