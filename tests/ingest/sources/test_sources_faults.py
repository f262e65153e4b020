"""Faults of item 3: timeouts, 401/403, 404, 429 and 5xx with bounded retries and back-off, a page that fails
halfway, malformed JSON, oversized answers, a next link to another server. Each ends in a bilingual message."""

from __future__ import annotations

import pytest
from sources_kit import ODK_EMAIL, fast_limits
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from monitor.errors import render_issue
from monitor.framework.models import Framework
from monitor.ingest.sources.registry import add_source, get_source
from monitor.ingest.sources.sync import sync_source
from monitor.store.models import ImportBatch, Response


def _responses(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(Response).where(
            Response.parent_id.is_(None))).scalar_one()


TRANSIENT = [
    (["500"], []), (["502", "503"], []), (["429"], [2.0]), (["503-retry-after"], [3.0]), (["timeout"], []),
    (["cut"], []),
]


@pytest.mark.parametrize(("faults", "waits"), TRANSIENT, ids=["500", "502-503", "429", "retry-after", "timeout", "cut"])
def test_transient_faults_are_retried_with_back_off(server, engine: Engine, framework: Framework,
                                                    faults: list[str], waits: list[float]) -> None:
    stand, spec = server
    stand.add(3)
    stand.fault("data:1", *faults)
    name = add_source(engine, spec(stand)).name
    limits = fast_limits()
    report = sync_source(engine, framework, name, limits=limits)
    assert (report.status, report.imported) == ("ok", 3), [render_issue(i) for i in report.issues]
    expected = waits or [0.5 * 2 ** k for k in range(len(faults))]  # exponential back-off unless told
    assert limits.waits == expected  # type: ignore[attr-defined]
    assert len(stand.data_requests()) == len(faults) + 1


PERSISTENT = [
    ("500", "source-server-error", 3), ("429", "source-rate-limited", 3), ("timeout", "source-timeout", 3),
    ("cut", "source-unreachable", 3), ("401", "source-auth", 1), ("404", "source-form-not-found", 1),
    ("malformed", "source-malformed", 1), ("shape", "source-malformed", 1), ("huge", "source-too-large", 1),
]


@pytest.mark.parametrize(("fault", "code", "requests"), PERSISTENT, ids=[p[0] for p in PERSISTENT])
def test_persistent_faults_end_in_a_clear_message(server, engine: Engine, framework: Framework, fault: str,
                                                  code: str, requests: int) -> None:
    stand, spec = server
    stand.add(3)
    stand.fault("data:1", *[fault] * 5)
    name = add_source(engine, spec(stand)).name
    report = sync_source(engine, framework, name, limits=fast_limits())
    assert report.status == "failed"
    assert [i.code for i in report.issues] == [code]
    found = report.issues[0]
    assert found.message_en != found.message_uk and "{" not in found.message_en + found.message_uk
    assert "127.0.0.1" in found.message_en  # names the server
    if requests > 1:
        assert f"{requests} attempt" in found.message_en and str(requests) in found.message_uk  # how often it tried
    assert len(stand.data_requests()) == requests  # bounded: 401/404/bad JSON are not retried
    assert _responses(engine) == 0
    assert get_source(engine, name).cursor is None


def test_a_page_that_fails_halfway_writes_nothing_of_that_page(server, engine: Engine, framework: Framework) -> None:
    stand, spec = server
    stand.add(7)
    stand.fault("data:3", *["cut"] * 3)
    name = add_source(engine, spec(stand, page_size=3)).name
    report = sync_source(engine, framework, name, limits=fast_limits())
    assert report.status == "partial" and report.pages == 2 and report.imported == 6
    assert [i.code for i in report.issues] == ["source-page-failed", "source-unreachable"]
    assert _responses(engine) == 6  # pages 1 and 2, nothing of page 3
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(ImportBatch)).scalar_one() == 2
    assert get_source(engine, name).cursor is None  # not advanced
    resumed = sync_source(engine, framework, name, limits=fast_limits())
    assert (resumed.status, resumed.imported, resumed.unchanged) == ("ok", 1, 6)
    assert get_source(engine, name).cursor is not None


def test_a_next_link_to_another_server_is_not_followed(server, engine: Engine, framework: Framework) -> None:
    stand, spec = server
    stand.add(4)
    stand.fault("data:1:foreign", "yes")
    name = add_source(engine, spec(stand, page_size=2)).name
    report = sync_source(engine, framework, name, limits=fast_limits())
    assert report.status == "partial" and report.imported == 2
    assert report.issues[-1].code == "source-foreign-link" and "evil" in report.issues[-1].message_en
    assert len(stand.data_requests()) == 1


def test_unreachable_server(engine: Engine, framework: Framework) -> None:
    from sources_kit import kobo_spec

    class Nowhere:
        url = "http://127.0.0.1:9"

    name = add_source(engine, kobo_spec(Nowhere)).name  # type: ignore[arg-type]
    report = sync_source(engine, framework, name, limits=fast_limits())
    assert [i.code for i in report.issues] == ["source-unreachable"]


def test_odk_wrong_password_is_the_token_message(odk, engine: Engine, framework: Framework,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from sources_kit import odk_spec

    monkeypatch.setenv("ODK_PASSWORD", "not-the-password")
    name = add_source(engine, odk_spec(odk)).name
    report = sync_source(engine, framework, name, limits=fast_limits())
    assert [i.code for i in report.issues] == ["source-auth"]
    assert "token" in report.issues[0].message_en and "токен" in report.issues[0].message_uk
    assert [r["path"] for r in odk.requests] == ["/v1/sessions"]
    assert ODK_EMAIL not in render_issue(report.issues[0])


def test_odk_login_retries_a_busy_server(odk, engine: Engine, framework: Framework) -> None:
    from sources_kit import odk_spec

    odk.add(2)
    odk.fault("session", "503")
    name = add_source(engine, odk_spec(odk)).name
    report = sync_source(engine, framework, name, limits=fast_limits())
    assert (report.status, report.imported) == ("ok", 2)
