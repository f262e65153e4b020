"""argon2id hashing: strength rule, verification, rehash on outdated parameters."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

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
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("correct horse battery")
    matches, new_hash = verify(weak, "correct horse battery")
    assert matches and new_hash is not None and new_hash != weak
    assert verify(new_hash, "correct horse battery") == (True, None)
