"""Shared helpers of the oversight tests: a database with the bodies and two rounds, and the survey
import kit of tests/ingest (a tiny framework, officials' rows, table checksums) reused as it is."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ingest"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "auth"))

import auth_kit
from ingest_kit import (
    HROMADA,
    OBLAST,
    POLTAVA,
    make_framework,
    official_rows,
    table_state,
    write_csv,
)

from monitor.oversight.bodies import load_bodies
from monitor.oversight.rounds import RoundSpec, define_round

__all__ = ["HROMADA", "auth_kit", "OBLAST", "POLTAVA", "make_framework", "official_rows", "prepare", "round_spec",
           "table_state", "write_csv"]


def round_spec(year: str, instruments: tuple[str, ...] = ("officials",)) -> RoundSpec:
    y = int(year)
    return RoundSpec(
        id=f"R{year}", title_uk=f"Моніторинг {year}", title_en=f"Monitoring {year}", wave=year,
        period_start=date(y, 1, 1), period_end=date(y, 12, 31),
        reference_start=date(y - 1, 1, 1), reference_end=date(y - 1, 12, 31),
        instruments=instruments, expected={OBLAST: {"officials": 49}, POLTAVA: {"officials": 60}},
    )


def prepare(engine: Engine) -> Engine:
    """Bodies loaded and the rounds R2021 and R2022 defined (draft)."""
    load_bodies(engine)
    define_round(engine, round_spec("2021"))
    define_round(engine, round_spec("2022"))
    return engine
