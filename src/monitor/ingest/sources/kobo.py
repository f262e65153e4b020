"""KoboToolbox API v2: the asset (for `sources test`) and its data endpoint, one page at a time.

GET /api/v2/assets/{uid}/data/?format=json&limit=N&start=K&sort={"_id":1}&query={"_submission_time":{"$gte":T}}
with `Authorization: Token …`; the answer is `{"count", "next", "previous", "results"}` and `next` is
followed (on the same server only) until it is null. KoboToolbox serves at most 1,000 results per page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import orjson
import requests

from monitor.errors import MonitorError, issue
from monitor.ingest.sources.config import SourceSpec
from monitor.ingest.sources.http import Limits, Target, expect, get_json, same_origin

MAX_PAGES = 10_000
USER_AGENT = "ptl-monitor (monitor sync)"


class KoboClient:
    kind = "kobo"

    def __init__(self, spec: SourceSpec, token: str, limits: Limits):
        self.spec = spec
        self.limits = limits
        self.target = Target(spec.name, spec.host, spec.form)
        self.session = requests.Session()
        self.session.max_redirects = 3
        self.session.headers.update({"Authorization": f"Token {token}", "Accept": "application/json",
                                     "User-Agent": USER_AGENT})
        self.asset = f"{spec.url}/api/v2/assets/{quote(spec.form, safe='')}"

    def close(self) -> None:
        self.session.close()

    def check(self) -> dict[str, Any]:
        data = get_json(self.session, f"{self.asset}/", self.target, self.limits, {"format": "json"})
        expect(isinstance(data, dict) and "uid" in data, self.target, "no asset uid", "немає uid проєкту")
        return {"name": data.get("name"), "submissions": data.get("deployment__submission_count"),
                "deployed": data.get("has_deployment")}

    def pages(self, since: str | None) -> Iterator[list[dict[str, Any]]]:
        url = f"{self.asset}/data/"
        params: dict[str, Any] | None = {"format": "json", "limit": self.spec.page_size, "start": 0,
                                         "sort": '{"_id":1}'}
        if since:
            assert params is not None
            params["query"] = orjson.dumps({"_submission_time": {"$gte": since}}).decode()
        for _ in range(MAX_PAGES):
            data = get_json(self.session, url, self.target, self.limits, params)
            expect(isinstance(data, dict) and isinstance(data.get("results"), list), self.target,
                   "no 'results' list", "немає списку 'results'")
            results = [r for r in data["results"] if isinstance(r, dict)]
            expect(len(results) == len(data["results"]), self.target, "a result that is not an object",
                   "результат, що не є об'єктом")
            yield results
            following = data.get("next")
            if not following or not results:
                return
            if not isinstance(following, str) or not same_origin(following, self.spec.url):
                raise MonitorError(issue("source-foreign-link", host=self.target.host,
                                         other=str(following)[:80].split("?")[0]))
            url, params = following, None
