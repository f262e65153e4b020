"""Fixtures of the import tests that use the small test framework of `ingest_kit` (a file with its own
`framework` or `engine` fixture overrides these)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from ingest_kit import make_framework
from sqlalchemy.engine import Engine

from monitor.framework.models import Framework
from monitor.store.db import connect


@pytest.fixture(scope="module")
def framework(tmp_path_factory: pytest.TempPathFactory) -> Framework:
    return make_framework(tmp_path_factory.mktemp("fw"))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A fresh database: SQLite, then (the same test again) PostgreSQL."""
    yield connect(db_url)
