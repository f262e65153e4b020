"""Spot columns that look like personal data, by their header or by their values.

The instrument declares its own personal questions (never stored); this catches the rest: a phone
column a monitor added in Kobo, a name typed next to the answers in Excel. Such columns are dropped
and flagged, never stored. Values are inspected in memory and never logged.
"""

from __future__ import annotations

import re

import pandas as pd

_LETTER = "a-zа-яіїєґ"
HEADER_WORDS = re.compile(
    # English words whole; Ukrainian/Russian stems also as the start of a word (контактна, адресу, телефону).
    rf"(?<![{_LETTER}])(?:"
    r"(?:name|surname|first ?name|last ?name|full ?name|phone|phone ?number|mobile|telephone|tel|e-?mail|"
    rf"address|passport|contact|піб|фио|имя|моб)(?![{_LETTER}])"
    r"|(?:ім[’'ʼ`]?я|прізвищ|по батькові|телефон|e-?пошт|ел\.? ?пошт|пошт|адрес|паспорт|контакт|фамили)"
    r")",
    re.IGNORECASE,
)
PHONE = r"(?:\+?38)?\s*\(?0\d{2}\)?[\s\-]?\d{3}[\s\-]?\d{2}[\s\-]?\d{2}"
EMAIL = r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"
FULL_NAME = r"[A-ZА-ЯІЇЄҐ][a-zа-яіїєґ’'ʼ\-]+(?:\s+[A-ZА-ЯІЇЄҐ][a-zа-яіїєґ’'ʼ\-]+){1,2}"
SHARE = 0.3
SAMPLE = 500


def header_reason(header: str) -> str | None:
    match = HEADER_WORDS.search(header.replace("_", " "))
    return f"header '{match.group(0)}'" if match else None


def value_reason(values: pd.Series) -> tuple[str, str] | None:
    """(reason en, reason uk) when ≥30% of the non-empty values look like phones, e-mails or full names."""
    sample = values.astype(str).str.strip()
    sample = sample[sample != ""].head(SAMPLE)
    if sample.empty:
        return None
    for pattern, en, uk in (
        (PHONE, "phone numbers", "номери телефонів"),
        (EMAIL, "e-mail addresses", "адреси e-mail"),
        (FULL_NAME, "full names", "повні імена"),
    ):
        if sample.str.fullmatch(pattern).mean() >= SHARE:
            return en, uk
    return None


def reason(header: str, values: pd.Series, *, check_names: bool = True) -> tuple[str, str] | None:
    """Why the column looks personal, in both languages; None when it does not.

    `check_names` is off for columns holding place names or choice labels, which are also
    capitalised words ("Вінницька область").
    """
    by_header = header_reason(header)
    if by_header:
        return by_header, by_header.replace("header", "заголовок")
    found = value_reason(values)
    if found and (check_names or found[0] != "full names"):
        return found
    return None
