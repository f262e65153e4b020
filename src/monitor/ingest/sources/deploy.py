"""The other direction: `monitor survey xlsform` output deployed as the server form's new version.

* ODK Central, through pyodk: `forms.update(form_id, definition=xlsx)` creates a draft from the XLSForm
  and publishes it; the version is the one in the XLSForm's settings sheet (the instrument's hash).
* KoboToolbox API v2: POST /api/v2/imports/ (the XLSForm, `destination` = the asset) replaces the
  asset's content; once the import is `complete`, PATCH /api/v2/assets/{uid}/deployment/ redeploys
  the new version. Collection and the framework thus stay the same instrument.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from monitor.errors import MonitorError, issue
from monitor.ingest.sources.config import SourceSpec, read_token
from monitor.ingest.sources.http import Limits, get_json

MAX_XLSFORM = 20 * 1024 * 1024
IMPORT_POLLS = 30


def deploy(spec: SourceSpec, xlsform: Path, limits: Limits | None = None) -> str:
    """Deploy the file; returns the server's version of the form afterwards."""
    limits = limits or Limits()
    path = Path(xlsform)
    if not path.is_file() or path.stat().st_size > MAX_XLSFORM:
        raise MonitorError(issue("ingest-file-not-found", path=path.name, file=str(path)))
    data = path.read_bytes()
    token = read_token(spec)
    if spec.kind == "odk":
        return _odk(spec, token, data, limits)
    return _kobo(spec, token, data, path.name, limits)


def _failed(spec: SourceSpec, detail: str) -> MonitorError:
    return MonitorError(issue("source-deploy-failed", host=spec.host, detail=detail))


def _odk(spec: SourceSpec, token: str, data: bytes, limits: Limits) -> str:
    from pyodk.errors import PyODKError

    from monitor.ingest.sources.odk import OdkClient

    client = OdkClient(spec, token, limits)
    try:
        client.check()  # the login, the token and the form, with the usual messages
        try:
            client.client.forms.update(spec.form, project_id=spec.project, definition=data)
        except PyODKError as error:
            response = error.args[1] if len(error.args) > 1 else None
            raise _failed(spec, f"HTTP {getattr(response, 'status_code', '—')}") from None
        except requests.RequestException as error:
            raise _failed(spec, type(error).__name__) from None
        return str(client.check().get("version") or "")
    finally:
        client.close()


def _kobo(spec: SourceSpec, token: str, data: bytes, filename: str, limits: Limits) -> str:
    from monitor.ingest.sources.kobo import KoboClient

    client = KoboClient(spec, token, limits)
    try:
        client.check()
        session = client.session
        try:
            response = session.post(f"{spec.url}/api/v2/imports/", timeout=limits.timeout,
                                    data={"destination": f"{client.asset}/"},
                                    files={"file": (filename, data, "application/vnd.openxmlformats-"
                                                    "officedocument.spreadsheetml.sheet")})
        except requests.RequestException as error:
            raise _failed(spec, type(error).__name__) from None
        if response.status_code not in (200, 201):
            raise _failed(spec, f"HTTP {response.status_code}")
        uid = _field(response, "uid")
        for _ in range(IMPORT_POLLS):
            state = get_json(session, f"{spec.url}/api/v2/imports/{uid}/", client.target, limits, {"format": "json"})
            status = state.get("status") if isinstance(state, dict) else None
            if status == "complete":
                break
            if status == "error":
                raise _failed(spec, "the server could not read the XLSForm")
            limits.sleep(max(limits.backoff, 0.0))
        else:
            raise _failed(spec, "the import did not finish")
        asset = get_json(session, f"{client.asset}/", client.target, limits, {"format": "json"})
        version = asset.get("version_id") if isinstance(asset, dict) else None
        try:
            response = session.patch(f"{client.asset}/deployment/", timeout=limits.timeout,
                                     json={"active": True, "version_id": version})
        except requests.RequestException as error:
            raise _failed(spec, type(error).__name__) from None
        if response.status_code not in (200, 201):
            raise _failed(spec, f"HTTP {response.status_code}")
        return str(version or "")
    finally:
        client.close()


def _field(response: requests.Response, name: str) -> Any:
    try:
        value = response.json().get(name)
    except (ValueError, AttributeError):
        value = None
    if not value:
        raise MonitorError(issue("source-malformed", host="", detail=f"no '{name}'", detail_uk=f"немає '{name}'"))
    return value
