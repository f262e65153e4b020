"""mypy ([tool.mypy] in pyproject.toml) on the packages that type-check clean today.

A package joins CLEAN when `mypy src/monitor/<package>` reports nothing; from then on an error there,
or a `# type: ignore` that silences nothing (warn_unused_ignores), fails this test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLEAN = ["cli", "i18n", "privacy", "geo.py", "redact.py", "secret.py", "deadlines.py", "subsistence.py"]


@pytest.mark.slow
def test_clean_packages_type_check(tmp_path: Path) -> None:
    targets = [str(ROOT / "src" / "monitor" / name) for name in CLEAN]
    env = {k: v for k, v in os.environ.items() if k != "MYPYPATH"}
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
         "--cache-dir", str(tmp_path / "mypy"), *targets],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
