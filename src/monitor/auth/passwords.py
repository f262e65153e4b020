"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106's recommendations).

`MONITOR_ARGON2_PROFILE=test` selects argon2-cffi's cheapest parameters, for the test suite only
(tests/conftest.py sets it): a production hash costs about a second of a busy core, and the suite hashes
hundreds of passwords. Any other value, or none, is the production profile. A hash records its own
parameters, so one made under the test profile still verifies in production and is rehashed with
the production parameters at the next login (`verify` returns the new hash).
"""

from __future__ import annotations

import os

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from monitor.errors import MonitorError, issue

MIN_LENGTH = 12
PRODUCTION = profiles.RFC_9106_LOW_MEMORY  # argon2-cffi's default: 64 MiB, 3 passes, 4 lanes
PROFILES: dict[str, Parameters] = {"production": PRODUCTION, "test": profiles.CHEAPEST}


def profile(name: str | None) -> Parameters:
    """The argon2 parameters for a profile name; unknown names and None are production."""
    return PROFILES.get(name or "production", PRODUCTION)


_HASHER = PasswordHasher.from_parameters(profile(os.environ.get("MONITOR_ARGON2_PROFILE")))
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
