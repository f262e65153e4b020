"""Where the reference data lives, and the boundary GeoJSON for maps.

Every map built from these boundaries must show `BOUNDARIES_ATTRIBUTION`: the CC BY 4.0 licence of the
source requires it (see data/reference/PROVENANCE.md).
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

LEVELS = ("oblast", "raion", "hromada")

BOUNDARIES_ATTRIBUTION: dict[str, str] = {
    "uk": "Межі: slawomirmatuszak/ukrainian_geodata (OPORA / F. Gontsa), CC BY 4.0",
    "en": "Boundaries: slawomirmatuszak/ukrainian_geodata (OPORA / F. Gontsa), CC BY 4.0",
}


def reference_dir() -> Path:
    """data/reference of the project.

    $MONITOR_REFERENCE_DIR wins when set. That covers an installed package, where there is no
    project tree beside the code, and tests that point at other data.
    """
    override = os.environ.get("MONITOR_REFERENCE_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "data" / "reference"


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")


@cache
def _geojson(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    for feature in data["features"]:
        # Plotly joins on featureidkey="id"; the KATOTTG code is the join key everywhere else too.
        feature["id"] = feature["properties"]["katottg"]
    return data


def geojson(level: str) -> dict[str, Any]:
    """FeatureCollection of the level's boundaries with `id` = KATOTTG code (read once, shared: do not mutate)."""
    _check_level(level)
    return _geojson(reference_dir() / "geo" / f"{level}s.geojson")
