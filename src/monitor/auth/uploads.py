"""Upload hardening: size, type (extension and magic bytes agree) and a safe file name.

`check_upload(name, data)` returns the name to store the file under, or raises MonitorError
(upload-too-large, upload-bad-type, upload-bad-name). Everything is decided on the bytes; nothing
about the uploaded name is trusted.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from monitor.errors import MonitorError, issue

ALLOWED = (".csv", ".xlsx", ".zip")
DEFAULT_MAX_MB = 50
MAX_NAME = 120
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a file, or an empty archive
# Binary formats a CSV must not be: a CSV is text, these are what a renamed file usually is.
BINARY_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0", b"%PDF", b"\x1f\x8b", b"\x7fELF", b"MZ",
                b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"7z\xbc\xaf")
_UNSAFE = re.compile(r'[<>:"/\\|?*]')


def max_bytes() -> int:
    try:
        megabytes = float(os.environ.get("MONITOR_MAX_UPLOAD_MB", DEFAULT_MAX_MB))
    except ValueError:
        megabytes = DEFAULT_MAX_MB
    return int(megabytes * 1024 * 1024)


def safe_name(name: str) -> str:
    """The base name with path parts, '..', NUL and control characters removed; Cyrillic kept.

    Raises upload-bad-name when nothing usable is left (e.g. '..', '/', an empty name).
    """
    original = name or ""
    text = unicodedata.normalize("NFC", original)
    # Both separators, whatever the server's OS: '..\\..\\x.csv' from a Windows browser too.
    text = text.replace("\\", "/").split("/")[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")  # NUL, controls, bidi overrides
    text = _UNSAFE.sub("_", text)
    while ".." in text:
        text = text.replace("..", ".")
    text = text.strip(" .")
    stem, suffix = Path(text).stem, Path(text).suffix
    if not stem or not suffix:
        raise MonitorError(issue("upload-bad-name", name=_shown(original)))
    if len(text) > MAX_NAME:
        text = stem[: MAX_NAME - len(suffix)] + suffix
    return text


def has_path_tricks(name: str) -> bool:
    """Path separators, '..', NUL or other control characters in an uploaded name."""
    return bool(re.search(r"[/\\]|\.\.", name or "")) or any(unicodedata.category(ch)[0] == "C" for ch in name or "")


def _shown(name: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in name)[:80]


REASONS_UK = {
    "not a ZIP/XLSX container": "не контейнер ZIP/XLSX",
    "binary content": "двійковий вміст, не текст",
    "extension": "розширення",
    "no extension": "немає розширення",
}


def sniff_ok(suffix: str, head: bytes) -> tuple[bool, str]:
    """Whether the first bytes fit the extension, and why not (English; REASONS_UK has the Ukrainian)."""
    if suffix in (".xlsx", ".zip"):
        return (head.startswith(ZIP_MAGIC), "not a ZIP/XLSX container")
    if suffix == ".csv":
        if any(head.startswith(magic) for magic in BINARY_MAGIC):
            return False, "binary content"
        return True, ""  # stray NUL bytes, odd encodings: the reader explains those better
    return False, "extension"


def check_upload(name: str, data: bytes) -> str:
    """The safe name for an upload of `data`, after the size, extension and content checks."""
    limit = max_bytes()
    if len(data) > limit:
        raise MonitorError(issue("upload-too-large", size_mb=round(len(data) / 2**20, 1), limit_mb=round(limit / 2**20, 1)))
    clean = safe_name(name)
    suffix = Path(clean).suffix.lower()
    if suffix not in ALLOWED:
        raise MonitorError(issue("upload-bad-type", name=clean, reason=suffix or "no extension",
                                 reason_uk=suffix or REASONS_UK["no extension"], allowed=", ".join(ALLOWED)))
    fits, why = sniff_ok(suffix, data[:4096])
    if not fits:
        raise MonitorError(issue("upload-bad-type", name=clean, reason=why, reason_uk=REASONS_UK.get(why, why),
                                 allowed=", ".join(ALLOWED)))
    return clean


def store_upload(folder: Path | str, name: str, data: bytes) -> Path:
    """Check, then write the upload into `folder` (created private) and return the path.

    The final path is re-checked to lie inside `folder`, whatever the name turned into.
    """
    clean = check_upload(name, data)
    folder = Path(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    # The folder is resolved, the name is not: a link planted under the name must not decide the target.
    target = folder.resolve() / clean
    if clean in ("", ".", "..") or target.parent != folder.resolve() or Path(clean).name != clean:
        raise MonitorError(issue("upload-bad-name", name=_shown(name)))
    # Written to a new private file and renamed into place: a link planted under the final name is
    # replaced, never followed, and nobody else can read the upload while it waits for the import.
    partial = folder / f".{clean}.{os.getpid()}.{os.urandom(4).hex()}.part"
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    partial.replace(target)
    return target


def private_folder() -> Path:
    """A new folder only this process's user can enter (one per dashboard session), never a shared one."""
    import tempfile

    return Path(tempfile.mkdtemp(prefix="monitor-upload-"))


def receive_upload(engine: Engine, user: Any, folder: Path | str, name: str, data: bytes,
                   ip: str | None = None) -> Path:
    """`store_upload` for a person: only roles that may import may upload; refusals are audited."""
    from monitor.auth import audit, guard

    guard.authorize(engine, user, "import", target="upload", ip=ip)
    actor = "anonymous" if user is None else str(user.name)
    try:
        if has_path_tricks(name):
            # A browser sends a bare file name; anything else is somebody trying: refuse, do not repair.
            raise MonitorError(issue("upload-bad-name", name=_shown(name)))
        path = store_upload(folder, name, data)
    except MonitorError as error:
        audit.record(engine, actor, "upload", target=_shown(name), outcome="refused",
                     detail={"code": error.issues[0].code, "bytes": len(data)}, ip=ip)
        raise
    audit.record(engine, actor, "upload", target=path.name, detail={"bytes": len(data)}, ip=ip)
    return path
