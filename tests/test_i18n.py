"""The translation catalogue: every key in both languages; every error code in both languages."""

from __future__ import annotations

import pytest

from monitor.errors import CATALOGUE
from monitor.i18n import LANGS, catalogue, t


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_string_has_both_languages(key: str) -> None:
    entry = catalogue()[key]
    for lang in LANGS:
        assert entry.get(lang), f"{key} has no {lang} text"


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_error_code_has_both_languages(code: str) -> None:
    error_type = CATALOGUE[code]
    assert error_type.en and error_type.uk and error_type.en != error_type.uk


def test_unknown_key_falls_back_to_the_key() -> None:
    assert t("no.such.key", "uk") == "no.such.key"
