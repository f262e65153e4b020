"""Personal data found inside text is replaced before the text is stored, logged or exported.

What is looked for (each replaced by WITHHELD):

- e-mail addresses;
- phone numbers: Ukrainian (`+380 97 555 12 34`, `380975551234`, `097-555-12-34`, `(050) 918-27-36`)
  and international (`+` country code, 8 to 15 digits with spaces, dots, dashes or brackets);
- document numbers: the Ukrainian booklet passport (two Cyrillic letters + 6 digits, `КВ 123456`), the
  ID-card passport (9 digits), the РНОКПП tax number (10 digits), foreign and international passports
  (two Latin letters + 6 or 7 digits, `FE123456`), and `№ 123456`-style numbers of 6 or more digits;
- names of people: a name with a patronymic (`Мирослава Тарасівна`, `Залізняк Мирослава Тарасівна`),
  a surname with initials (`Залізняк М.Т.`, `М. Т. Залізняк`), and two capitalised words of which the
  second has a common Ukrainian surname ending (`Остап Ґудзь` is not caught; `Олена Коваленко` is).

Free text is where this runs (answers of type text, rejected-row values, file names, log and audit
text): a place name that happens to look like a name is withheld rather than a name kept. Counts,
codes and dates are never inspected here: they are not free text.
"""

from __future__ import annotations

import re

WITHHELD = "[withheld]"

_UPPER = "A-ZА-ЯІЇЄҐ"
_LOWER = "a-zа-яіїєґ"
_APOS = "'’ʼ`"
_WORD = rf"[{_UPPER}][{_LOWER}{_APOS}\-]+"
_CYR_WORD = rf"[А-ЯІЇЄҐ][а-яіїєґ{_APOS}\-]+"

EMAIL = r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}"
_SEP = r"[\s.\-]?"
PHONE_UA = (
    r"(?<![\w+])(?:\+?38\s?)?\(?0\d{2}\)?" + _SEP + r"\d{3}" + _SEP + r"\d{2}" + _SEP + r"\d{2}(?![\w])"
)
PHONE_INTL = r"(?<![\w+])\+\s?\d{1,3}(?:[\s.\-]?\(?\d{1,4}\)?){2,6}(?![\w])"
PASSPORT_BOOKLET = r"(?<![\w])[А-ЯІЇЄҐ]{2}\s?№?\s?\d{6}(?![\w])"
PASSPORT_LATIN = r"(?<![\w])[A-Z]{2}\s?\d{6,7}(?![\w])"
# Not part of a longer number, nor of a decimal or thousands group (12,123456789 / 123456789.5).
ID_CARD = r"(?<!\w)(?<!\d[.,])\d{9}(?!\w)(?![.,]\d)"
TAX_NUMBER = r"(?<!\w)(?<!\d[.,])\d{10}(?!\w)(?![.,]\d)"
NUMBERED = r"№\s?\d{6,}"
PATRONYMIC = rf"(?:{_WORD}\s+)?{_CYR_WORD}\s+[А-ЯІЇЄҐ][а-яіїєґ{_APOS}]+(?:ович|евич|євич|йович|ьович|івна|ївна|овна|евна|ична|інична)\b"
INITIALS = (
    rf"{_CYR_WORD}\s+[А-ЯІЇЄҐ]\.\s?(?:[А-ЯІЇЄҐ]\.)?"
    rf"|(?<![\w])[А-ЯІЇЄҐ]\.\s?(?:[А-ЯІЇЄҐ]\.\s?)?{_CYR_WORD}"
)
SURNAME = rf"{_CYR_WORD}\s+[А-ЯІЇЄҐ][а-яіїєґ{_APOS}]+(?:енко|чук|щук|юк|ук|ський|цький|зький|ишин|ович|евич)\b"

PATTERNS: tuple[tuple[str, str], ...] = (
    ("e-mail", EMAIL),
    ("phone", PHONE_UA),
    ("phone", PHONE_INTL),
    ("passport", PASSPORT_BOOKLET),
    ("passport", PASSPORT_LATIN),
    ("document number", NUMBERED),
    ("tax number", TAX_NUMBER),
    ("id card", ID_CARD),
    ("name", PATRONYMIC),
    ("name", INITIALS),
    ("name", SURNAME),
)
_ANY = re.compile("|".join(f"(?:{pattern})" for _, pattern in PATTERNS))
_PHONE_ONLY = re.compile(rf"\s*(?:{PHONE_UA}|{PHONE_INTL})\s*")


def text(value: str) -> str:
    """`value` with every e-mail, phone, document number and person's name replaced by WITHHELD."""
    if not value:
        return value
    return _ANY.sub(WITHHELD, value)


def found(value: str) -> list[str]:
    """Which kinds of personal data `value` holds (for messages; the values themselves never leave)."""
    kinds = []
    for kind, pattern in PATTERNS:
        if kind not in kinds and re.search(pattern, value or ""):
            kinds.append(kind)
    return kinds


def looks_like_phone(value: str) -> bool:
    """The whole cell is a phone number (what a numeric answer must never be)."""
    cell = (value or "").strip()
    digits = sum(ch.isdigit() for ch in cell)
    return digits >= 9 and bool(_PHONE_ONLY.fullmatch(cell))


def file_name(name: str) -> str:
    """A file name with personal data withheld, keeping its extension."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 5:
        return text(name)
    return text(stem) + "." + suffix
