"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106's recommendations)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from monitor.errors import MonitorError, issue
from monitor.errors import auth as _codes  # noqa: F401  (registers the auth codes)

MIN_LENGTH = 12
_HASHER = PasswordHasher()
# Verified against when the user does not exist, so a wrong name costs as long as a wrong password
# (no user enumeration by timing).
_DUMMY_HASH = _HASHER.hash("not-a-real-password-for-timing")


def check_strength(password: str) -> None:
    """Length is what matters (NIST SP 800-63B); composition rules only make people write passwords down."""
    if len(password) < MIN_LENGTH:
        raise MonitorError(issue("weak-password", min=MIN_LENGTH))


def hash_password(password: str) -> str:
    check_strength(password)
    return _HASHER.hash(password)


def verify(password_hash: str | None, password: str) -> tuple[bool, str | None]:
    """(matches, new hash when the stored one uses outdated parameters, else None)."""
    try:
        _HASHER.verify(password_hash or _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, None
    if password_hash is None:
        return False, None
    return True, (_HASHER.hash(password) if _HASHER.check_needs_rehash(password_hash) else None)
