"""argon2id hashing: strength rule, verification, rehash on outdated parameters."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles

from monitor.auth import passwords
from monitor.auth.passwords import MIN_LENGTH, check_strength, hash_password, verify
from monitor.errors import MonitorError


@pytest.mark.parametrize(("password", "ok"), [
    ("", False), ("a" * (MIN_LENGTH - 1), False), ("a" * MIN_LENGTH, True), ("пароль-кирилицею", True),
    ("correct horse battery staple", True),
])
def test_minimum_length(password: str, ok: bool) -> None:
    if ok:
        check_strength(password)
    else:
        with pytest.raises(MonitorError) as caught:
            check_strength(password)
        assert caught.value.issues[0].code == "weak-password"


def test_hash_is_argon2id_and_never_the_password() -> None:
    hashed = hash_password("пароль-кирилицею")
    assert hashed.startswith("$argon2id$") and "пароль" not in hashed
    assert hash_password("пароль-кирилицею") != hashed  # salted


@pytest.mark.parametrize(("attempt", "matches"), [("пароль-кирилицею", True), ("пароль-кирилицеЮ", False), ("", False)])
def test_verify(attempt: str, matches: bool) -> None:
    assert verify(hash_password("пароль-кирилицею"), attempt)[0] is matches


@pytest.mark.parametrize("stored", [None, "", "not-a-hash", "$argon2id$broken"])
def test_broken_or_missing_hash_never_matches(stored: str | None) -> None:
    assert verify(stored, "anything at all") == (False, None)


def test_outdated_parameters_are_rehashed_on_login() -> None:
    # Parameters of neither profile (production, test), so outdated whichever the run uses.
    weak = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1).hash("correct horse battery")
    matches, new_hash = verify(weak, "correct horse battery")
    assert matches and new_hash is not None and new_hash != weak
    assert verify(new_hash, "correct horse battery") == (True, None)


def test_production_parameters_are_rfc_9106s() -> None:
    """The test suite hashes with the cheap profile (tests/conftest.py); production must stay RFC 9106's
    recommendation, and no name other than "test" may weaken it."""
    strong = profiles.RFC_9106_LOW_MEMORY
    assert (strong.time_cost, strong.memory_cost, strong.parallelism, strong.hash_len) == (3, 65536, 4, 32)
    for name in (None, "", "production", "TEST", "cheap"):
        assert passwords.profile(name) == strong
    assert passwords.profile("test") == profiles.CHEAPEST


def test_a_process_without_the_profile_hashes_with_production_parameters(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "MONITOR_ARGON2_PROFILE"}
    code = "from monitor.auth.passwords import hash_password, verify; h = hash_password('x' * 12); print(h, verify(h, 'x' * 12))"
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert "$argon2id$v=19$m=65536,t=3,p=4$" in out.stdout and out.stdout.strip().endswith("(True, None)"), out


def test_a_test_profile_hash_is_upgraded_at_the_first_production_login(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap = PasswordHasher.from_parameters(profiles.CHEAPEST).hash("correct horse battery")
    monkeypatch.setattr(passwords, "_HASHER", PasswordHasher.from_parameters(passwords.PRODUCTION))
    matches, new_hash = verify(cheap, "correct horse battery")
    assert matches and new_hash is not None and "$m=65536,t=3,p=4$" in new_hash
