"""Fixtures of the server-source tests: the small test framework, a database, stand-in servers, tokens."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sources_kit import ASSET, FORM, KOBO_TOKEN, ODK_EMAIL, ODK_PASSWORD, PROJECT, Stand, make_framework

from monitor.framework.models import Framework
from monitor.ingest.sources.config import SourceSpec
from monitor.ingest.sources.registry import add_source
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


def kobo_spec(stand: Stand, **changes: object) -> SourceSpec:
    values = {"name": "kobo-kr", "kind": "kobo", "survey_id": "officials", "url": stand.url, "form": ASSET,
              "token_ref": "env:KOBO_TOKEN", "page_size": 1000, **changes}
    return SourceSpec(**values)  # type: ignore[arg-type]


def odk_spec(stand: Stand, **changes: object) -> SourceSpec:
    values = {"name": "odk-kr", "kind": "odk", "survey_id": "officials", "url": stand.url, "form": FORM,
              "project": PROJECT, "username": ODK_EMAIL, "token_ref": "env:ODK_PASSWORD", "page_size": 1000,
              **changes}
    return SourceSpec(**values)  # type: ignore[arg-type]


@pytest.fixture
def add(engine):  # type: ignore[no-untyped-def]
    def adder(spec: SourceSpec) -> SourceSpec:
        return add_source(engine, spec)
    return adder


@pytest.fixture(params=["kobo", "odk"])
def server(request: pytest.FixtureRequest) -> Iterator[tuple[Stand, object]]:
    """Each test twice: against the KoboToolbox stand-in, then the ODK Central one (through pyodk)."""
    stand = Stand(request.param)
    yield stand, (kobo_spec if request.param == "kobo" else odk_spec)
    stand.close()
