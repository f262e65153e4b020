"""The error catalogue: every user-facing problem has a stable code and a message in Ukrainian and English.

Families register their codes in sibling modules (framework, ingest, ...); importing this package
imports them all so the catalogue (and docs/errors.md, generated from it) is complete.
Issues are rendered in one place: :func:`render_issue`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]
Lang = Literal["uk", "en"]


@dataclass(frozen=True)
class ErrorType:
    code: str
    family: str
    en: str
    uk: str
    hint_en: str = ""
    hint_uk: str = ""
    severity: Severity = "error"


__all__ = ["CATALOGUE", "ErrorType", "Issue", "MonitorError", "issue", "register", "render_issue"]

CATALOGUE: dict[str, ErrorType] = {}


def register(
    code: str, family: str, en: str, uk: str, hint_en: str = "", hint_uk: str = "", severity: Severity = "error"
) -> ErrorType:
    """Add a code to the catalogue. Codes are stable: never reuse or rename one."""
    if code in CATALOGUE:
        raise ValueError(f"duplicate error code {code}")
    error_type = ErrorType(code, family, en, uk, hint_en, hint_uk, severity)
    CATALOGUE[code] = error_type
    return error_type


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass
class Issue:
    """One problem found in a file: where it is, what it is, in both languages."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    path: str | None = None
    line: int | None = None
    column: int | None = None
    severity: Severity | None = None

    @property
    def type(self) -> ErrorType:
        return CATALOGUE[self.code]

    @property
    def level(self) -> Severity:
        return self.severity or self.type.severity

    def message(self, lang: Lang = "en") -> str:
        template = self.type.uk if lang == "uk" else self.type.en
        return template.format_map(_SafeDict({k: _short(v) for k, v in self.params.items()}))

    @property
    def message_en(self) -> str:
        return self.message("en")

    @property
    def message_uk(self) -> str:
        return self.message("uk")

    def location(self) -> str:
        parts = [_CONTROL.sub("", self.path) if self.path else "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.level,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message_en": self.message_en,
            "message_uk": self.message_uk,
            **{k: _short(v) for k, v in self.params.items()},
        }


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _short(value: Any, limit: int = 200) -> Any:
    """A parameter as shown: without control characters (no terminal escape sequence, no bidi
    override from a file's header reaches a screen) and at most `limit` characters."""
    if not isinstance(value, str):
        return value
    value = _CONTROL.sub("", value)
    if len(value) > limit:
        return value[:limit] + "…"
    return value


def render_issue(issue: Issue, lang: Lang | Literal["both"] = "both") -> str:
    """The one place an issue becomes text: `path:line: CODE message`."""
    text = f"{issue.message_en} / {issue.message_uk}" if lang == "both" else issue.message(lang)
    hint = issue.type.hint_en if lang != "uk" else issue.type.hint_uk
    if hint and lang != "both":
        text = f"{text} {hint}"
    return f"{issue.location()}: {issue.code} {text}"


class MonitorError(Exception):
    """A failure the user must see: carries issues, never a traceback."""

    def __init__(self, issues: list[Issue] | Issue):
        self.issues = issues if isinstance(issues, list) else [issues]
        super().__init__("; ".join(render_issue(i, "en") for i in self.issues))

    def __reduce__(self) -> tuple[type[MonitorError], tuple[list[Issue]]]:
        # Rebuilt from its issues, not its message, when it crosses a process boundary (import worker).
        return (MonitorError, (self.issues,))


def issue(code: str, *, path: str | None = None, line: int | None = None, column: int | None = None, **params: Any) -> Issue:
    if code not in CATALOGUE:
        raise KeyError(f"unknown error code {code}")
    return Issue(code=code, params=params, path=path, line=line, column=column)


# Import the families so the catalogue is complete whenever errors is imported.
from monitor.errors import auth as _auth  # noqa: E402,F401
from monitor.errors import engine as _engine  # noqa: E402,F401
from monitor.errors import framework as _framework  # noqa: E402,F401
from monitor.errors import ingest as _ingest  # noqa: E402,F401
from monitor.errors import oversight as _oversight  # noqa: E402,F401
from monitor.errors import report as _report  # noqa: E402,F401
from monitor.errors import sources as _sources  # noqa: E402,F401
from monitor.errors import territory as _territory  # noqa: E402,F401
