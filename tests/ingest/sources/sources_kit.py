"""Stand-ins for KoboToolbox and ODK Central: real HTTP servers on loopback speaking the documented API.

KoboToolbox API v2 (support.kobotoolbox.org/api.html, /data_endpoint.html): `Authorization: Token …`;
GET /api/v2/assets/{uid}/ and /api/v2/assets/{uid}/data/?format=json&limit&start&query&sort answering
`{"count", "next", "previous", "results"}` (at most 1,000 per page); 401 `{"detail": "Invalid token."}`,
404 `{"detail": "Not found."}`; POST /api/v2/imports/, GET /api/v2/imports/{uid}/, PATCH …/deployment/.
Submission shape as recorded from kf.kobotoolbox.org (`_id`, `_uuid`, `meta/instanceID`,
`meta/deprecatedID` after an edit, `_submission_time`, `_attachments`, group paths, repeats as lists).

ODK Central (docs.getodk.org/central-api): POST /v1/sessions → `{"token"}`; `Authorization: Bearer …`;
GET /v1/projects/{p}/forms/{f}; GET …/{f}.svc/Submissions?$top&$skiptoken&$count&$expand&$filter answering
`{"@odata.context", "@odata.count", "@odata.nextLink", "value"}`, each submission with `__id`,
`__system{submissionDate, updatedAt, edits, …}`, `meta{instanceID, deprecatedID}`, groups nested;
problems as `{"code": 401.2, "message": …}`; POST …/draft and …/draft/publish?version=.

Faults are scripted per request: `stand.fault("data:3", "cut", "cut", …)` makes the 3rd page fail that
many times (500, 503, 429, timeout, cut = the body stops halfway, malformed, shape, huge, foreign, 401, 404).
"""

from __future__ import annotations

import base64
import json
import re
import sys
import threading
import time
import uuid as uuidlib
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest_kit import HROMADA, HROMADA2, OBLAST, make_framework, table_state

from monitor.ingest.sources.config import SourceSpec
from monitor.ingest.sources.http import Limits

KOBO_TOKEN = "kobo-5e3f1c9a7b2d4e6f8a0b1c2d3e4f5a6b"
ODK_PASSWORD = "odk-Secr3t-pa55word-7f1e"
ODK_EMAIL = "sync@coalition.example"
ASSET = "aXf3kQ7pLm2Rt9vWb5yZcD"
FORM = "officials_2022"
PROJECT = 3
T0 = datetime(2022, 3, 14, 9, 0, 0, tzinfo=UTC)
__all__ = ["make_framework", "table_state"]  # the import kit, re-exported (this module puts it on the path)


def fast_limits(**changes: Any) -> Limits:
    """Short timeouts and no real waiting, with the waits recorded."""
    waits: list[float] = []
    limits = Limits(timeout=0.4, deadline=5.0, attempts=3, backoff=0.5, max_backoff=4.0,
                    max_bytes=2 * 1024 * 1024, sleep=waits.append)
    for key, value in changes.items():
        setattr(limits, key, value)
    limits.waits = waits  # type: ignore[attr-defined]
    return limits


def kobo_spec(stand: Stand, **changes: object) -> SourceSpec:
    values = {"name": "kobo-kr", "kind": "kobo", "survey_id": "officials", "url": stand.url, "form": ASSET,
              "token_ref": "env:KOBO_TOKEN", "page_size": 1000, **changes}
    return SourceSpec(**values)  # type: ignore[arg-type]


def odk_spec(stand: Stand, **changes: object) -> SourceSpec:
    values = {"name": "odk-kr", "kind": "odk", "survey_id": "officials", "url": stand.url, "form": FORM,
              "project": PROJECT, "username": ODK_EMAIL, "token_ref": "env:ODK_PASSWORD", "page_size": 1000,
              **changes}
    return SourceSpec(**values)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------ answers


def answers(i: int, **changes: Any) -> dict[str, Any]:
    """The officials survey's answers of submission i, by question (group paths as Kobo names them)."""
    values = {
        "wave": "2022", "oblast": OBLAST, "hromada": HROMADA if i % 2 == 0 else HROMADA2, "date": "2022-03-14",
        "consent": "yes", "form_no": f"{i:04d}", "capacity/focal_person": "yes" if i % 3 else "no",
        "capacity/duties": "partial", "funding/spending": "12.5", "events": str(i % 4),
        "cooperation/partners": "police ngo",
    }
    values.update({k: v for k, v in changes.items()})
    return {k: v for k, v in values.items() if v is not None}


def kobo_record(i: int, when: datetime, values: dict[str, Any], uid: str | None = None) -> dict[str, Any]:
    uid = uid or str(uuidlib.UUID(int=i + 1))
    return {
        "_id": 124961000 + i, "formhub/uuid": "f7bef041e8624f09946bff05ee5cbd4b",
        "start": (when - timedelta(minutes=20)).isoformat(), "end": when.isoformat(), "today": when.date().isoformat(),
        "deviceid": f"collect:device{i % 5}", **values, "__version__": "vLnrnT6Pvzgeh4DVfj6eDz",
        "meta/instanceID": f"uuid:{uid}", "_xform_id_string": ASSET, "_uuid": uid,
        "_attachments": [{"download_url": "http://elsewhere.invalid/a.jpg", "mimetype": "image/jpeg",
                          "filename": "x/a.jpg", "instance": 124961000 + i, "id": 46493730 + i}],
        "_status": "submitted_via_web", "_geolocation": [None, None],
        "_submission_time": when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"), "_tags": [], "_notes": [],
        "_validation_status": {}, "_submitted_by": None,
    }


def _typed(key: str, value: Any) -> Any:
    """ODK Central's OData types: integers and decimals as numbers, everything else as text."""
    name = key.rsplit("/", 1)[-1]
    if name in {"events"} and isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    if name in {"spending"} and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def odk_record(i: int, when: datetime, values: dict[str, Any], uid: str | None = None) -> dict[str, Any]:
    uid = uid or str(uuidlib.UUID(int=i + 1))
    record: dict[str, Any] = {
        "__id": f"uuid:{uid}",
        "__system": {"submissionDate": when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + "000Z",
                     "updatedAt": None, "submitterId": "5", "submitterName": "monitor-app",
                     "attachmentsPresent": 0, "attachmentsExpected": 0, "status": None, "reviewState": None,
                     "deviceId": f"collect:device{i % 5}", "edits": 0, "formVersion": "2022030101"},
        "meta": {"instanceID": f"uuid:{uid}"},
        "location": {"type": "Point", "coordinates": [33.1, 48.5, 0]},
    }
    for key, value in values.items():
        node = record
        *groups, name = key.split("/")
        for group in groups:
            node = node.setdefault(group, {})
        node[name] = _typed(key, value)
    return record


# ------------------------------------------------------------------------------------------ the server


def _xlsform_version(data: bytes) -> str:
    import io

    import openpyxl

    settings = openpyxl.load_workbook(io.BytesIO(data))["settings"]
    header = [c.value for c in settings[1]]
    return str(settings.cell(2, header.index("version") + 1).value)


class Stand:
    """One stand-in server (kind 'kobo' or 'odk') with its submissions, faults and a log of requests."""

    def __init__(self, kind: str):
        self.kind = kind
        self.submissions: list[dict[str, Any]] = []
        self.faults: dict[str, list[str]] = {}
        self.requests: list[dict[str, Any]] = []
        self.session_token = "sess-" + uuidlib.uuid4().hex
        self.form_version = "2022030101"
        self.draft_version = ""
        self.next_links = True  # ODK: False plays a server that pages by $skip only
        self.asset_version = "vLnrnT6Pvzgeh4DVfj6eDz"
        self.deployed: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        stand = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                stand.handle(self, "GET")

            def do_POST(self) -> None:
                stand.handle(self, "POST")

            def do_PATCH(self) -> None:
                stand.handle(self, "PATCH")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fault(self, where: str, *kinds: str) -> None:
        self.faults.setdefault(where, []).extend(kinds)

    def data_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["data"]]

    # ---------------------------------------------------------------- adding and editing submissions

    def add(self, n: int, start: int = 0, when: datetime = T0, step: timedelta = timedelta(hours=1),
            **changes: Any) -> None:
        build = kobo_record if self.kind == "kobo" else odk_record
        for i in range(start, start + n):
            self.submissions.append(build(i, when + (i - start) * step, answers(i, **changes)))

    def edit(self, position: int, **changes: Any) -> str:
        """An edit made on the server (Enketo or Central): a new instanceID, the old one deprecated."""
        record = self.submissions[position]
        new = str(uuidlib.uuid4())
        if self.kind == "kobo":
            old = record["meta/instanceID"]
            record.update({k: v for k, v in changes.items()})
            record.update({"_uuid": new, "meta/instanceID": f"uuid:{new}", "meta/deprecatedID": old})
        else:
            old = record["meta"]["instanceID"]
            for key, value in changes.items():
                node = record
                *groups, name = key.split("/")
                for group in groups:
                    node = node.setdefault(group, {})
                node[name] = _typed(key, value)
            record["meta"] = {"instanceID": f"uuid:{new}", "deprecatedID": old}
            record["__system"]["edits"] += 1
            record["__system"]["updatedAt"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return new

    # ---------------------------------------------------------------- HTTP

    def handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(request.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        is_data = parts.path.endswith("/data/") or parts.path.endswith(".svc/Submissions")
        entry = {"method": method, "path": parts.path, "query": query, "data": is_data,
                 "authorization": request.headers.get("Authorization"), "body": body}
        with self.lock:
            self.requests.append(entry)
        try:
            if self.kind == "kobo":
                self._kobo(request, method, parts.path, query, body)
            else:
                self._odk(request, method, parts.path, query, body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, request: BaseHTTPRequestHandler, status: int, payload: Any, headers: dict[str, str] | None = None
              ) -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            request.send_header(key, value)
        request.end_headers()
        request.wfile.write(data)

    def _take_fault(self, where: str) -> str | None:
        with self.lock:
            pending = self.faults.get(where)
            return pending.pop(0) if pending else None

    def _faulted(self, request: BaseHTTPRequestHandler, where: str, payload: Any) -> bool:
        """Play the next scripted fault for this request, if any; True when it answered instead."""
        fault = self._take_fault(where)
        if fault is None:
            return False
        if fault in {"500", "502", "503"}:
            self._send(request, int(fault), {"detail": "Server error"})
        elif fault == "503-retry-after":
            self._send(request, 503, {"detail": "busy"}, {"Retry-After": "3"})
        elif fault == "429":
            self._send(request, 429, {"detail": "Request was throttled."}, {"Retry-After": "2"})
        elif fault == "401":
            self._send(request, 401, {"detail": "Invalid token."})
        elif fault == "404":
            self._send(request, 404, {"detail": "Not found."})
        elif fault == "timeout":
            time.sleep(1.2)
            self._send(request, 200, payload)
        elif fault == "cut":
            data = json.dumps(payload).encode()
            request.send_response(200)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data[: len(data) // 2])
            request.wfile.flush()
            request.close_connection = True
            request.connection.shutdown(2)
        elif fault == "malformed":
            self._send(request, 200, b"<html><body>Bad gateway</body></html>")
        elif fault == "shape":
            self._send(request, 200, {"detail": "ok", "items": 3})
        elif fault == "huge":
            request.send_response(200)
            request.send_header("Content-Type", "application/json")
            request.end_headers()
            chunk = b'{"results": [' + b" " * 65536
            try:
                for _ in range(200):  # 13 MB, more than the cap of the tests
                    request.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            request.close_connection = True
        else:
            raise AssertionError(f"unknown fault {fault}")
        return True

    # ---------------------------------------------------------------- KoboToolbox

    def _kobo(self, request: BaseHTTPRequestHandler, method: str, path: str, query: dict[str, str], body: bytes
              ) -> None:
        if request.headers.get("Authorization") != f"Token {KOBO_TOKEN}":
            return self._send(request, 401, {"detail": "Invalid token."})
        if method == "POST" and path == "/api/v2/imports/":
            self.deployed.append({"body": body, "content_type": request.headers.get("Content-Type")})
            return self._send(request, 201, {"uid": "iGz8rBxSy9", "status": "processing"})
        if path.startswith("/api/v2/imports/"):
            return self._send(request, 200, {"uid": "iGz8rBxSy9", "status": "complete", "messages": {}})
        match = re.fullmatch(r"/api/v2/assets/([^/]+)/(data/|deployment/)?", path)
        if not match or match.group(1) != ASSET:
            return self._send(request, 404, {"detail": "Not found."})
        if match.group(2) == "deployment/":
            if self.deployed:
                self.asset_version = "v" + uuidlib.uuid4().hex[:20]
            return self._send(request, 200, {"active": True, "version_id": json.loads(body or b"{}").get("version_id")})
        if match.group(2) is None:
            payload = {"uid": ASSET, "name": "Анкета посадовця 2022", "asset_type": "survey",
                       "has_deployment": True, "deployment__submission_count": len(self.submissions),
                       "version_id": self.asset_version}
            if not self._faulted(request, "asset", payload):
                self._send(request, 200, payload)
            return None
        limit = min(int(query.get("limit", 100)), 1000)
        start = int(query.get("start", 0))
        rows = sorted(self.submissions, key=lambda r: r["_id"])
        if "query" in query:
            condition = json.loads(query["query"]).get("_submission_time", {})
            for op, value in condition.items():
                keep = {"$gte": lambda a, b: a >= b, "$gt": lambda a, b: a > b, "$lt": lambda a, b: a < b}[op]
                rows = [r for r in rows if keep(r["_submission_time"], value)]
        page = rows[start:start + limit]
        following = None
        if start + limit < len(rows):
            params = {**query, "limit": limit, "start": start + limit}
            following = f"{self.url}/api/v2/assets/{ASSET}/data/?{urlencode(params)}"
        payload = {"count": len(rows), "next": following,
                   "previous": None if start == 0 else f"{self.url}/api/v2/assets/{ASSET}/data/?start=0",
                   "results": json.loads(json.dumps(page))}
        number = start // max(limit, 1) + 1
        if self._faulted(request, f"data:{number}", payload):
            return None
        if self._take_fault(f"data:{number}:foreign"):
            payload["next"] = "https://collector.evil.example/api/v2/assets/x/data/?start=1"
        return self._send(request, 200, payload)

    # ---------------------------------------------------------------- ODK Central

    def _odk(self, request: BaseHTTPRequestHandler, method: str, path: str, query: dict[str, str], body: bytes
             ) -> None:
        if method == "POST" and path == "/v1/sessions":
            if self._faulted(request, "session", {}):
                return None
            sent = json.loads(body or b"{}")
            if sent.get("email") != ODK_EMAIL or sent.get("password") != ODK_PASSWORD:
                return self._send(request, 401, {"code": 401.2, "message": "Could not authenticate with the "
                                                 "provided credentials."})
            return self._send(request, 200, {"token": self.session_token, "createdAt": "2022-03-14T09:00:00.000Z",
                                             "expiresAt": "2022-03-15T09:00:00.000Z"})
        if request.headers.get("Authorization") != f"Bearer {self.session_token}":
            return self._send(request, 401, {"code": 401.2, "message": "Could not authenticate with the "
                                             "provided credentials."})
        base = f"/v1/projects/{PROJECT}/forms/{FORM}"
        if path in (f"{base}/draft", f"{base}/draft/publish") and method == "POST":
            self.deployed.append({"path": path, "query": query, "body": body,
                                  "content_type": request.headers.get("Content-Type")})
            if path.endswith("/draft"):
                self.draft_version = _xlsform_version(body)
            else:  # Central publishes the draft under the version its XLSForm names, unless one is given
                self.form_version = query.get("version") or self.draft_version
            return self._send(request, 200, {"success": True})
        if path == base:
            payload = {"projectId": PROJECT, "xmlFormId": FORM, "name": "Анкета посадовця", "version":
                       self.form_version, "state": "open", "submissions": len(self.submissions)}
            if not self._faulted(request, "asset", payload):
                self._send(request, 200, payload)
            return None
        if path != f"{base}.svc/Submissions":
            return self._send(request, 404, {"code": 404.1, "message": "Could not find the resource you were "
                                             "looking for."})
        rows = list(self.submissions)
        if "$filter" in query:
            found = re.findall(r"__system/(submissionDate|updatedAt) ge (\S+)", query["$filter"])
            rows = [r for r in rows if any((r["__system"].get(f) or "") >= v for f, v in found)]
        top = int(query.get("$top", 10**9))
        offset = json.loads(base64.b64decode(query["$skiptoken"][2:]))["o"] if "$skiptoken" in query else int(
            query.get("$skip", 0))
        page = rows[offset:offset + top]
        payload: dict[str, Any] = {"@odata.context": f"{self.url}{base}.svc/$metadata#Submissions",
                                   "value": json.loads(json.dumps(page))}
        if query.get("$count") == "true":
            payload["@odata.count"] = len(rows)
        if offset + top < len(rows) and self.next_links:
            token = "01" + base64.b64encode(json.dumps({"o": offset + top}).encode()).decode()
            params = {k: v for k, v in query.items() if k not in ("$skip", "$skiptoken")}
            params["$skiptoken"] = token
            payload["@odata.nextLink"] = f"{self.url}{base}.svc/Submissions?{urlencode(params)}"
        number = offset // max(min(top, 10**6), 1) + 1
        if self._faulted(request, f"data:{number}", payload):
            return None
        if self._take_fault(f"data:{number}:foreign"):
            payload["@odata.nextLink"] = "https://collector.evil.example/v1/x.svc/Submissions?$skiptoken=01"
        return self._send(request, 200, payload)
