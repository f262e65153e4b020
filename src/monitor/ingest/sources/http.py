"""One GET that returns parsed JSON or a bilingual MonitorError, with bounded retries and a size cap.

Faults and what is done with them:
* timeout, dropped connection, a body cut off halfway, 429 and 5xx: retried up to `attempts` times with
  exponential back-off (Retry-After honoured, capped); then a clear error;
* 401/403: the token (no retry); 404: the form (no retry); any other status: named;
* a body over `max_bytes` is abandoned while streaming, before any parsing (a hostile server cannot
  exhaust memory), as is a body still dripping after `deadline` seconds;
* a body that is not JSON of the expected shape: `source-malformed`.
Nothing here logs a header, a token or a response body.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import orjson
import requests

from monitor.errors import Issue, MonitorError, issue

log = logging.getLogger(__name__)

RETRY_STATUS = {429, 500, 502, 503, 504}
CHUNK = 64 * 1024


@dataclass
class Limits:
    timeout: float = 30.0  # seconds to connect and between bytes
    deadline: float = 300.0  # seconds for a whole answer
    attempts: int = 4
    backoff: float = 1.0  # first wait; doubled after each failed attempt
    max_backoff: float = 60.0
    max_bytes: int = 64 * 1024 * 1024
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)


@dataclass
class Target:
    """What a request is for, to name it in messages."""

    source: str
    host: str
    form: str


class _Retry(Exception):
    def __init__(self, found: Issue, wait: float | None = None):
        self.issue = found
        self.wait = wait


def same_origin(a: str, b: str) -> bool:
    x, y = urlsplit(a), urlsplit(b)
    return (x.scheme, x.hostname, x.port) == (y.scheme, y.hostname, y.port)


def get_json(session: requests.Session, url: str, target: Target, limits: Limits,
             params: dict[str, Any] | None = None) -> Any:
    last: Issue | None = None
    for attempt in range(1, limits.attempts + 1):
        try:
            return _once(session, url, target, limits, params, attempt)
        except _Retry as retry:
            last = retry.issue
            if attempt == limits.attempts:
                break
            wait = min(limits.max_backoff, retry.wait if retry.wait is not None else limits.backoff * 2 ** (attempt - 1))
            log.info("%s: %s, attempt %d of %d; waiting %.1f s", target.host, last.code, attempt, limits.attempts, wait)
            limits.sleep(wait)
    assert last is not None
    raise MonitorError(_final(last, limits.attempts))


def _final(found: Issue, attempts: int) -> Issue:
    """The last transient fault, now with the number of attempts made."""
    return Issue(code=found.code, params={**found.params, "attempts": attempts})


def _once(session: requests.Session, url: str, target: Target, limits: Limits, params: dict[str, Any] | None,
          attempt: int) -> Any:
    host = target.host
    try:
        response = session.get(url, params=params, timeout=limits.timeout, stream=True)
    except requests.Timeout:
        raise _Retry(issue("source-timeout", host=host, seconds=int(limits.timeout))) from None
    except requests.RequestException as error:
        raise _Retry(issue("source-unreachable", host=host, detail=type(error).__name__)) from None
    with response:
        status = response.status_code
        log.debug("%s GET %s -> %d (attempt %d)", host, urlsplit(response.url or url).path, status, attempt)
        if status in (401, 403):
            raise MonitorError(issue("source-auth", host=host, source=target.source, status=status))
        if status == 404:
            raise MonitorError(issue("source-form-not-found", host=host, form=target.form))
        if status in RETRY_STATUS:
            found = (issue("source-rate-limited", host=host) if status == 429
                     else issue("source-server-error", host=host, status=status))
            raise _Retry(found, _retry_after(response.headers.get("Retry-After")))
        if status != 200:
            raise MonitorError(issue("source-http-error", host=host, status=status))
        body = _read(response, target, limits)
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        raise MonitorError(issue("source-malformed", host=host, detail="not JSON", detail_uk="не JSON")) from None


def _read(response: requests.Response, target: Target, limits: Limits) -> bytes:
    declared = response.headers.get("Content-Length")
    limit_mb = limits.max_bytes // (1024 * 1024) or 1
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        raise MonitorError(issue("source-too-large", host=target.host, limit=limit_mb))
    started = time.monotonic()
    parts: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(CHUNK):
            size += len(chunk)
            if size > limits.max_bytes:
                raise MonitorError(issue("source-too-large", host=target.host, limit=limit_mb))
            if time.monotonic() - started > limits.deadline:
                raise _Retry(issue("source-timeout", host=target.host, seconds=int(limits.deadline)))
            parts.append(chunk)
    except requests.Timeout:
        raise _Retry(issue("source-timeout", host=target.host, seconds=int(limits.timeout))) from None
    except requests.RequestException as error:  # the connection dropped halfway through the page
        raise _Retry(issue("source-unreachable", host=target.host, detail=type(error).__name__)) from None
    return b"".join(parts)


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None


def expect(condition: bool, target: Target, what: str, what_uk: str) -> None:
    """Refuse a JSON answer of the wrong shape, saying what was missing."""
    if not condition:
        raise MonitorError(issue("source-malformed", host=target.host, detail=what, detail_uk=what_uk))
