"""What a source is, and where its token lives: an environment variable or a file only its owner can read.

The token never enters the database, a log line, an error message or the audit log: the source keeps
only a reference (`env:KOBO_TOKEN`, `file:/etc/monitor/kobo.token`), read at the moment of the request.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from monitor.errors import MonitorError, issue

KINDS = ("kobo", "odk")
EDIT_POLICIES = ("report", "replace")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
MAX_PAGE = 1000  # KoboToolbox serves at most 1,000 submissions per page (2026)
MAX_TOKEN = 4096


@dataclass
class SourceSpec:
    """A source as configured (the `source` table's row, without its sync state)."""

    name: str
    kind: str
    survey_id: str
    url: str
    form: str
    token_ref: str
    project: int | None = None
    username: str | None = None
    oblast_code: str | None = None
    on_edit: str = "report"
    page_size: int = MAX_PAGE
    cursor: str | None = None
    id: int | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return host_of(self.url)

    def check(self) -> None:
        """Refuse a configuration that cannot work, with the option named."""
        if not NAME.match(self.name):
            raise MonitorError(issue("source-bad-name", source=self.name))
        if self.kind not in KINDS:
            raise MonitorError(issue("source-bad-option", option="kind", problem=f"one of {', '.join(KINDS)}",
                                     problem_uk=f"одне з: {', '.join(KINDS)}"))
        self.url = normalise_url(self.url)
        if not self.form.strip() or "/" in self.form or len(self.form) > 128:
            raise MonitorError(issue("source-bad-option", option="form", problem="the form or asset id, without '/'",
                                     problem_uk="ідентифікатор форми чи проєкту, без '/'"))
        if self.kind == "odk" and self.project is None:
            raise MonitorError(issue("source-bad-option", option="project", problem="ODK Central needs --project N",
                                     problem_uk="для ODK Central потрібен --project N"))
        if self.on_edit not in EDIT_POLICIES:
            raise MonitorError(issue("source-bad-option", option="on-edit", problem="report or replace",
                                     problem_uk="report або replace"))
        if not 1 <= self.page_size <= MAX_PAGE:
            raise MonitorError(issue("source-bad-option", option="page-size", problem=f"between 1 and {MAX_PAGE}",
                                     problem_uk=f"від 1 до {MAX_PAGE}"))
        parse_token_ref(self.token_ref)


def host_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.hostname + (f":{parts.port}" if parts.port else "") if parts.hostname else "?"


def normalise_url(url: str) -> str:
    """`https://host[:port][/prefix]` without query, fragment or credentials; http only for this computer."""
    text = url.strip().rstrip("/")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise MonitorError(issue("source-bad-url", url=_shown(text))) from None
    local = parts.hostname in LOCAL_HOSTS
    if (parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment
            or parts.username or parts.password or (parts.scheme == "http" and not local)):
        raise MonitorError(issue("source-bad-url", url=_shown(text)))
    return text


def _shown(url: str) -> str:
    """A URL fit for a message: credentials and query cut off."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{parts.path}" if parts.scheme else url[:60]


def parse_token_ref(ref: str) -> tuple[str, str]:
    """('env', NAME) or ('file', path); anything else is refused (a token typed in place of a reference, too)."""
    kind, _, value = ref.partition(":")
    if kind == "env" and ENV_NAME.match(value):
        return kind, value
    if kind == "file" and value:
        return kind, value
    raise MonitorError(issue("source-bad-option", option="token", problem="env:VARIABLE or file:/path/to/token",
                             problem_uk="env:ЗМІННА або file:/шлях/до/токена"))


def read_token(spec: SourceSpec) -> str:
    """The token, read now from where the reference points; a file must be private to its owner (0600)."""
    kind, value = parse_token_ref(spec.token_ref)
    if kind == "env":
        token = os.environ.get(value)
        if token is None:
            raise MonitorError(issue("source-token-missing", source=spec.name, where=f"environment variable {value}",
                                     where_uk=f"змінну середовища {value}"))
    else:
        path = Path(value).expanduser()
        try:
            info = path.stat()
        except OSError:
            raise MonitorError(issue("source-token-missing", source=spec.name, where=f"file {path.name}",
                                     where_uk=f"файл {path.name}")) from None
        if not stat.S_ISREG(info.st_mode):
            raise MonitorError(issue("source-token-missing", source=spec.name, where=f"file {path.name}",
                                     where_uk=f"файл {path.name}"))
        if info.st_mode & 0o077:
            raise MonitorError(issue("source-token-file-open", source=spec.name, mode=oct(info.st_mode & 0o777)[2:]))
        with path.open("rb") as handle:
            token = handle.read(MAX_TOKEN + 1).decode("utf-8", "replace")
    token = token.strip()
    if not token or len(token) > MAX_TOKEN or any(c in token for c in "\r\n\0"):
        raise MonitorError(issue("source-token-empty", source=spec.name))
    return token
