"""`monitor sources deploy`: the XLSForm of `monitor survey xlsform` as the server form's new version."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from sources_kit import KOBO_TOKEN, ODK_PASSWORD, Stand, fast_limits

from monitor.framework.models import Framework
from monitor.framework.xlsform import to_xlsform
from monitor.ingest.sources.deploy import deploy
from monitor.ingest.sources.registry import add_source, get_source


def _xlsform(framework: Framework, tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "officials.xlsx"
    to_xlsform(framework.surveys["officials"], path, params=framework.param_values())
    settings = openpyxl.load_workbook(path)["settings"]
    header = [c.value for c in settings[1]]
    return path, str(settings.cell(2, header.index("version") + 1).value)


def test_deploy_to_odk_central_publishes_the_version(odk: Stand, engine, framework: Framework, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sources_kit import odk_spec

    path, version = _xlsform(framework, tmp_path)
    spec = add_source(engine, odk_spec(odk))
    assert deploy(get_source(engine, spec.name), path, fast_limits()) == version
    draft, publish = odk.deployed
    assert draft["path"].endswith("/forms/officials_2022/draft") and draft["body"] == path.read_bytes()
    assert draft["content_type"].startswith("application/vnd.openxmlformats")
    assert publish["path"].endswith("/draft/publish")
    assert all(ODK_PASSWORD not in r["path"] + repr(r["query"]) for r in odk.requests)


def test_deploy_to_kobo_replaces_and_redeploys(kobo: Stand, engine, framework: Framework, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sources_kit import kobo_spec

    path, _ = _xlsform(framework, tmp_path)
    before = kobo.asset_version
    spec = add_source(engine, kobo_spec(kobo))
    version = deploy(get_source(engine, spec.name), path, fast_limits())
    assert kobo.deployed and path.read_bytes() in kobo.deployed[0]["body"]
    assert b"/api/v2/assets/" in kobo.deployed[0]["body"]  # the destination: this asset
    methods = [(r["method"], r["path"]) for r in kobo.requests]
    assert ("PATCH", f"/api/v2/assets/{spec.form}/deployment/") in methods
    assert version == before  # the version the asset had when redeployed
    assert all(KOBO_TOKEN not in r["path"] + repr(r["query"]) for r in kobo.requests)
