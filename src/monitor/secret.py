"""The server's secret key, kept outside the database: keyed hashes (respondent codes, names typed at
the login form) cannot be checked against guesses by someone who holds only the database or a backup.

Where it comes from, first match wins: `MONITOR_SECRET_KEY` (any long string), the file named by
`MONITOR_SECRET_FILE`, else `data/monitor.key` next to the default database. A missing file is created
with 32 random bytes, mode 0600, exclusively (never following a planted link). Back the key up apart
from the database: without it, re-imported respondent codes no longer match the stored ones.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

DEFAULT_FILE = Path("data") / "monitor.key"


def key_file() -> Path:
    return Path(os.environ.get("MONITOR_SECRET_FILE") or DEFAULT_FILE)


def secret_key() -> bytes:
    given = os.environ.get("MONITOR_SECRET_KEY")
    if given:
        return given.encode()
    path = key_file()
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except FileExistsError:  # another process created it first
        return _read(path)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(secrets.token_hex(32).encode())
    return _read(path)


def _read(path: Path) -> bytes:
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(descriptor, "rb") as handle:
        key = handle.read().strip()
    if len(key) < 16:
        raise ValueError(f"{path}: the secret key is too short")
    return key


def keyed_hash(purpose: str, value: str) -> str:
    """HMAC-SHA256 of `value` under the server key, separated by `purpose`; 32 hex characters."""
    message = purpose.encode() + b"\0" + value.encode()
    return hmac.new(secret_key(), message, hashlib.sha256).hexdigest()[:32]
