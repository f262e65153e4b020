"""`monitor sources …` and `monitor sync`, tokens kept out of every output, the audit log and the database."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import orjson
import pytest
from sources_kit import ASSET, FORM, KOBO_TOKEN, ODK_EMAIL, ODK_PASSWORD, PROJECT, Stand
from sqlalchemy import MetaData, select
from typer.testing import CliRunner

from monitor.cli import _register
from monitor.cli.app import app
from monitor.errors import MonitorError
from monitor.ingest.sources.config import SourceSpec, read_token
from monitor.store.db import connect

_register()
runner = CliRunner()


def _run(*args: str, framework: Path | None = None) -> tuple[int, str]:
    extra = ["--framework", str(framework)] if framework is not None and args[0] == "sync" else []
    result = runner.invoke(app, [*args, *extra])
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes is not None else "")


@pytest.fixture
def framework_dir(framework) -> Path:  # type: ignore[no-untyped-def]
    return Path(framework.root)


def _add_kobo(stand: Stand, db: str, *extra: str) -> tuple[int, str]:
    return _run("sources", "add", "kobo-kr", "--kind", "kobo", "--survey", "officials", "--url", stand.url,
                "--form", ASSET, "--token", "env:KOBO_TOKEN", "--db", db, *extra)


def _everything_in_the_database(url: str) -> str:
    engine = connect(url)
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return "\n".join(repr(row) for table in metadata.tables.values() for row in connection.execute(select(table)))


def test_add_list_test_sync_remove(kobo: Stand, sqlite_url: str, framework_dir: Path) -> None:
    kobo.add(3)
    assert _add_kobo(kobo, sqlite_url, "--oblast", "UA35000000000016081") == (0, "Додано джерело kobo-kr / Added source kobo-kr\n")
    code, out = _add_kobo(kobo, sqlite_url)
    assert code == 1 and "source-exists" in out
    code, out = _run("sources", "test", "kobo-kr", "--db", sqlite_url)
    assert code == 0 and "Анкета посадовця 2022" in out and "3" in out
    code, out = _run("sync", "kobo-kr", "--dry-run", "--db", sqlite_url, framework=framework_dir)
    assert code == 0 and "пробний запуск" in out
    code, out = _run("sync", "--json", "--db", sqlite_url, framework=framework_dir)
    assert code == 0
    report = orjson.loads(out.strip().splitlines()[-1])
    assert (report["status"], report["imported"]) == ("ok", 3)
    code, out = _run("sources", "list", "--json", "--db", sqlite_url)
    listed = orjson.loads(out)
    assert listed[0]["imported"] == 3 and listed[0]["token"] == "env:KOBO_TOKEN"
    code, out = _run("sources", "list", "--db", sqlite_url)
    assert code == 0 and "kobo-kr" in out and "успішно" in out
    assert _run("sources", "remove", "kobo-kr", "--db", sqlite_url)[0] == 0
    code, out = _run("sync", "kobo-kr", "--db", sqlite_url, framework=framework_dir)
    assert code == 1 and "source-unknown" in out


@pytest.mark.parametrize("token", ["kobo-5e3f1c9a", "https://x", "env:", "file:", "env:BAD-NAME"])
def test_a_token_itself_is_refused_in_place_of_a_reference(kobo: Stand, sqlite_url: str, token: str) -> None:
    code, out = _run("sources", "add", "k", "--kind", "kobo", "--survey", "officials", "--url", kobo.url,
                     "--form", ASSET, "--token", token, "--db", sqlite_url)
    assert code == 1 and "source-bad-option" in out and "env:VARIABLE" in out


@pytest.mark.parametrize(("url", "ok"), [("https://eu.kobotoolbox.org", True), ("https://kf.kobotoolbox.org/", True),
                                         ("http://127.0.0.1:8000", True), ("http://kobo.example.org", False),
                                         ("ftp://x.org", False), ("https://u:p@x.org", False),
                                         ("https://x.org/?token=1", False), ("kobo", False)])
def test_server_addresses(url: str, ok: bool) -> None:
    spec = SourceSpec(name="s", kind="kobo", survey_id="officials", url=url, form="a", token_ref="env:T")
    if ok:
        spec.check()
    else:
        with pytest.raises(MonitorError) as caught:
            spec.check()
        assert caught.value.issues[0].code == "source-bad-url"
        assert "p@" not in caught.value.issues[0].message_en


def test_token_file_must_be_private(tmp_path: Path) -> None:
    path = tmp_path / "kobo.token"
    path.write_text(KOBO_TOKEN + "\n")
    spec = SourceSpec(name="s", kind="kobo", survey_id="officials", url="https://x.org", form="a",
                      token_ref=f"file:{path}")
    path.chmod(0o644)
    with pytest.raises(MonitorError) as caught:
        read_token(spec)
    assert caught.value.issues[0].code == "source-token-file-open" and "644" in caught.value.issues[0].message_en
    path.chmod(0o600)
    assert read_token(spec) == KOBO_TOKEN
    path.write_text("\n")
    with pytest.raises(MonitorError) as caught:
        read_token(spec)
    assert caught.value.issues[0].code == "source-token-empty"
    spec.token_ref = f"file:{tmp_path / 'missing'}"
    with pytest.raises(MonitorError) as caught:
        read_token(spec)
    assert caught.value.issues[0].code == "source-token-missing"


def test_missing_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KOBO_TOKEN")
    spec = SourceSpec(name="s", kind="kobo", survey_id="officials", url="https://x.org", form="a",
                      token_ref="env:KOBO_TOKEN")
    with pytest.raises(MonitorError) as caught:
        read_token(spec)
    assert caught.value.issues[0].code == "source-token-missing" and "KOBO_TOKEN" in caught.value.issues[0].message_en


def test_token_appears_in_no_log_message_audit_or_table(kobo: Stand, odk: Stand, sqlite_url: str, framework_dir: Path,
                                                         caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    caplog.set_level(logging.DEBUG)
    kobo.add(4)
    odk.add(4)
    token_file = tmp_path / "odk.password"
    token_file.write_text(ODK_PASSWORD)
    token_file.chmod(0o600)
    outputs = [_add_kobo(kobo, sqlite_url, "--page-size", "2")[1]]
    outputs.append(_run("sources", "add", "odk-kr", "--kind", "odk", "--survey", "officials", "--url", odk.url,
                        "--form", FORM, "--project", str(PROJECT), "--username", ODK_EMAIL,
                        "--token", f"file:{token_file}", "--db", sqlite_url)[1])
    kobo.fault("data:2", "500")  # one retry (a real 1 s back-off: the CLI uses the default limits)
    odk.fault("data:1", "timeout")
    for args in (("sources", "test", "kobo-kr"), ("sources", "test", "odk-kr"), ("sync",), ("sync", "--dry-run"),
                 ("sources", "list"), ("sources", "list", "--json")):
        outputs.append(_run(*args, "--db", sqlite_url, framework=framework_dir)[1])
    kobo.fault("data:1", "401")
    odk.fault("data:1", "401", "404")
    outputs.append(_run("sync", "--db", sqlite_url, "--full", framework=framework_dir)[1])
    os.environ["KOBO_TOKEN"] = "wrong-" + KOBO_TOKEN[::-1]
    outputs.append(_run("sync", "kobo-kr", "--db", sqlite_url, framework=framework_dir)[1])
    seen = "\n".join(outputs) + caplog.text + _everything_in_the_database(sqlite_url)
    assert "source-sync" in seen and "source-auth" in seen
    for secret in (KOBO_TOKEN, KOBO_TOKEN[::-1], ODK_PASSWORD, odk.session_token):
        assert secret not in seen
    # On the wire the token travels only in the Authorization header, never in an address.
    for stand in (kobo, odk):
        for request in stand.requests:
            assert KOBO_TOKEN not in request["path"] + repr(request["query"])
            assert ODK_PASSWORD not in request["path"] + repr(request["query"])
    assert not any((tmp_path / "home").iterdir())  # pyodk wrote no config or cache into the home directory
