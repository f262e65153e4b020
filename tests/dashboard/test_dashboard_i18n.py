"""Every string the dashboard and the charts show exists in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitor.dashboard.state import GRANULARITIES, MAP_LEVELS
from monitor.engine.cascade import ADMIN_STEPS, SURVIVOR_STEPS
from monitor.i18n import catalogue

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "app.py", *sorted((ROOT / "src/monitor/dashboard").rglob("*.py")), ROOT / "src/monitor/charts/figures.py"]
LITERAL = re.compile(r"""\bt\(\s*["'](dashboard\.[a-z0-9_.\-]+)["']""")

DYNAMIC = (
    [f"dashboard.status.{s}" for s in ("green", "amber", "red", "none", "suppressed", "no-data")]
    + [f"dashboard.gran.{g}" for g in GRANULARITIES]
    + [f"dashboard.level.{lv}" for lv in (*MAP_LEVELS, "oblast")]
    + [f"dashboard.cascade.step.{s}" for s in (*ADMIN_STEPS, *SURVIVOR_STEPS)]
    + [f"dashboard.data.tab_{k}" for k in ("coverage", "history", "import", "framework")]
    + [f"dashboard.page.{p}" for p in ("overview", "explorer", "cascade", "hromada", "data")]
)


def used_keys() -> set[str]:
    keys: set[str] = set()
    for path in SOURCES:
        keys.update(LITERAL.findall(path.read_text(encoding="utf-8")))
    return keys


def test_sources_use_keys() -> None:
    assert len(used_keys()) > 50  # the scan works


@pytest.mark.parametrize("key", sorted(used_keys() | set(DYNAMIC)))
def test_key_has_both_languages(key: str) -> None:
    entry = catalogue().get(key)
    assert entry is not None, f"{key} is missing from src/monitor/i18n/dashboard.yaml"
    assert entry.get("uk") and entry.get("en"), key
