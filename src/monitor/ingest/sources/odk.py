"""ODK Central through pyodk, its official client: the session (e-mail + password, or a session token),
the URLs, and the OData `Submissions` feed one page at a time.

GET /v1/projects/{p}/forms/{f}.svc/Submissions?$top=N&$count=true&$expand=*
    &$filter=__system/submissionDate ge T or __system/updatedAt ge T
answers `{"value": [...], "@odata.count": n, "@odata.nextLink": "...$skiptoken=..."}`; the next link is
followed on the same server until there is none. pyodk is configured in memory: no config or cache
file is read or written in the home directory, and its own retries are replaced by ours (`http.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from monitor.errors import MonitorError, issue
from monitor.ingest.sources.config import SourceSpec
from monitor.ingest.sources.http import Limits, Target, expect, get_json, same_origin

log = logging.getLogger(__name__)
logging.getLogger("pyodk").addHandler(logging.NullHandler())  # its error lines quote server bodies; ours are bilingual
MAX_PAGES = 10_000
FORM = "projects/{project_id}/forms/{form_id}"


class OdkClient:
    kind = "odk"

    def __init__(self, spec: SourceSpec, token: str, limits: Limits):
        from pyodk._utils.config import CentralConfig, Config
        from pyodk._utils.session import Session
        from pyodk.client import Client

        self.spec = spec
        self.limits = limits
        self.target = Target(spec.name, spec.host, spec.form)
        username = spec.username or "session-token"
        session = Session(base_url=spec.url, api_version="v1", username=username, password=token, cache_path=None)
        session.max_redirects = 3
        adapter = HTTPAdapter(max_retries=0)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        if not spec.username:
            session.headers["Authorization"] = f"Bearer {token}"
        config = Config(central=CentralConfig(base_url=spec.url, username=username, password=token,
                                              default_project_id=spec.project))
        self.client = Client(config=config, session=session, project_id=spec.project)
        self.session = session
        self._logged_in = bool(not spec.username)

    def close(self) -> None:
        self.session.close()

    def _login(self) -> None:
        """Exchange e-mail and password for a session token (POST /v1/sessions), once."""
        if self._logged_in:
            return
        from pyodk.errors import PyODKError

        host = self.target.host
        for attempt in range(1, self.limits.attempts + 1):
            try:
                self.session.auth.login()
                self._logged_in = True
                return
            except PyODKError as error:
                response = error.args[1] if len(error.args) > 1 else None
                status = getattr(response, "status_code", None)
                if status in (401, 403) or status is None:
                    raise MonitorError(issue("source-auth", host=host, source=self.spec.name,
                                             status=status or "—")) from None
                if status not in (429, 500, 502, 503, 504) or attempt == self.limits.attempts:
                    raise MonitorError(issue("source-server-error", host=host, status=status,
                                             attempts=attempt)) from None
            except requests.Timeout:
                if attempt == self.limits.attempts:
                    raise MonitorError(issue("source-timeout", host=host, seconds=int(self.limits.timeout),
                                             attempts=attempt)) from None
            except requests.RequestException as error:
                if attempt == self.limits.attempts:
                    raise MonitorError(issue("source-unreachable", host=host, detail=type(error).__name__,
                                             attempts=attempt)) from None
            self.limits.sleep(min(self.limits.max_backoff, self.limits.backoff * 2 ** (attempt - 1)))

    def _form_url(self) -> str:
        return self.session.urlformat(FORM, project_id=self.spec.project, form_id=self.spec.form)

    def check(self) -> dict[str, Any]:
        self._login()
        data = get_json(self.session, self._form_url(), self.target, self.limits)
        expect(isinstance(data, dict) and "xmlFormId" in data, self.target, "no xmlFormId", "немає xmlFormId")
        return {"name": data.get("name"), "version": data.get("version"), "submissions": data.get("submissions")}

    def pages(self, since: str | None) -> Iterator[list[dict[str, Any]]]:
        self._login()
        urls = self.client.submissions.urls
        url = self.session.urlformat(urls.get_table, project_id=self.spec.project, form_id=self.spec.form,
                                     table_name="Submissions")
        params: dict[str, Any] | None = {"$top": self.spec.page_size, "$count": "true", "$expand": "*"}
        if since:
            assert params is not None
            params["$filter"] = f"__system/submissionDate ge {since} or __system/updatedAt ge {since}"
        skip = 0
        for _ in range(MAX_PAGES):
            data = get_json(self.session, url, self.target, self.limits, params)
            expect(isinstance(data, dict) and isinstance(data.get("value"), list), self.target,
                   "no 'value' list", "немає списку 'value'")
            values = [v for v in data["value"] if isinstance(v, dict)]
            expect(len(values) == len(data["value"]), self.target, "a submission that is not an object",
                   "відповідь, що не є об'єктом")
            yield values
            following = data.get("@odata.nextLink")
            if following:
                absolute = self.session.urljoin(following) if isinstance(following, str) else ""
                if not absolute or not same_origin(absolute, self.spec.url):
                    raise MonitorError(issue("source-foreign-link", host=self.target.host,
                                             other=str(following)[:80].split("?")[0]))
                url, params = absolute, None
            elif len(values) >= self.spec.page_size and params is not None:
                skip += len(values)  # a server without $skiptoken: page by $skip
                params = {**params, "$skip": skip}
            else:
                return
            if not values:
                return
