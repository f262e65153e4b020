"""Command-line entry point: `monitor`. Each command lives in its own module and registers on `app`."""

from __future__ import annotations

import importlib

from monitor.cli.app import app

COMMAND_MODULES = [
    "validate", "importing", "compute", "demo", "serve", "report", "survey", "users", "sources", "privacy",
    "oversight", "columnar",
]


def _register() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"monitor.cli.{name}")


def main() -> None:
    _register()
    app()

__all__ = ["app", "main"]
