"""Fixtures of the server-source tests: the small test framework, a database, stand-in servers, tokens."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sources_kit import KOBO_TOKEN, ODK_PASSWORD, Stand, kobo_spec, make_framework, odk_spec

from monitor.framework.models import Framework
from monitor.store.db import connect


@pytest.fixture(scope="module")
def framework(tmp_path_factory: pytest.TempPathFactory) -> Framework:
    return make_framework(tmp_path_factory.mktemp("framework"))


@pytest.fixture
def engine(sqlite_url: str):  # type: ignore[no-untyped-def]
    return connect(sqlite_url)


@pytest.fixture
def kobo() -> Iterator[Stand]:
    stand = Stand("kobo")
    yield stand
    stand.close()


@pytest.fixture
def odk() -> Iterator[Stand]:
    stand = Stand("odk")
    yield stand
    stand.close()


@pytest.fixture(autouse=True)
def tokens(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KOBO_TOKEN", KOBO_TOKEN)
    monkeypatch.setenv("ODK_PASSWORD", ODK_PASSWORD)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()


@pytest.fixture(params=["kobo", "odk"])
def server(request: pytest.FixtureRequest) -> Iterator[tuple[Stand, object]]:
    """Each test twice: against the KoboToolbox stand-in, then the ODK Central one (through pyodk)."""
    stand = Stand(request.param)
    yield stand, (kobo_spec if request.param == "kobo" else odk_spec)
    stand.close()
