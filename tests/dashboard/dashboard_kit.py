"""Helpers to read what AppTest rendered (plotly specs, html) and to open pages."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import numpy as np
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
PAGES = ROOT / "src" / "monitor" / "dashboard" / "pages"


def page(at: AppTest, module: str) -> AppTest:
    """Open a page (after a first run, as AppTest requires) and run it."""
    return at.switch_page(str((PAGES / f"{module}.py").relative_to(ROOT))).run()


def decode(values: Any) -> list[Any]:
    """A plotly 7 JSON array: a plain list, or {dtype, bdata} base64-packed numbers."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)




def chart_specs(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(element.proto.spec) for element in at.get("plotly_chart")]


def html(at: AppTest) -> str:
    return "\n".join(getattr(e.proto, "body", "") for e in at.get("html"))


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
