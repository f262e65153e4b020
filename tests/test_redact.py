"""monitor.redact: personal data inside free text is withheld; ordinary text, numbers and codes are not."""

from __future__ import annotations

import pytest

from monitor import redact

W = redact.WITHHELD


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("пишіть на olena.k@ukr.net", f"пишіть на {W}"),
        ("тел. +380 97 555 12 34", f"тел. {W}"),
        ("тел. 380975551234", f"тел. {W}"),
        ("(050) 918-27-36 після 18:00", f"{W} після 18:00"),
        ("097-555-12-34", W),
        ("call +48 22 123 45 67 or +1 (202) 555-0147", f"call {W} or {W}"),
        ("паспорт КВ 123456", f"паспорт {W}"),
        ("паспорт КВ123456", f"паспорт {W}"),
        ("ID-картка 004512398.", f"ID-картка {W}."),
        ("РНОКПП 3012345678", f"РНОКПП {W}"),
        ("закордонний FE123456", f"закордонний {W}"),
        ("довідка № 1234567", f"довідка {W}"),
        ("контакт Залізняк Мирослава Тарасівна", f"контакт {W}"),
        ("з Остапом: Остап Євгенович", f"з Остапом: {W}"),
        ("відповідав Коваль М.Т.", f"відповідав {W}"),
        ("відповідав М. Т. Коваль", f"відповідав {W}"),
        ("Олена Коваленко з ЦНАПу", f"{W} з ЦНАПу"),
        # Not personal data: kept as typed.
        ("Бракує фахівців із соціальної роботи", "Бракує фахівців із соціальної роботи"),
        ("ГО «Ла Страда-Україна»", "ГО «Ла Страда-Україна»"),
        ("Витрачено 1 250 000 грн у 2022 році", "Витрачено 1 250 000 грн у 2022 році"),
        ("код громади UA53020010000035494", "код громади UA53020010000035494"),
        ("сума 12,123456789 і 123456789.5", "сума 12,123456789 і 123456789.5"),
        ("2022-03-14, 14.03.2022", "2022-03-14, 14.03.2022"),
        ("", ""),
    ],
)
def test_text(text: str, expected: str) -> None:
    assert redact.text(text) == expected


@pytest.mark.parametrize(
    ("value", "phone"),
    [("0674045566", True), ("+380 67 404 55 66", True), ("(067) 404-55-66", True), ("380674045566", True),
     ("12", False), ("1500000", False), ("12 500", False), ("123456789012345678", False), ("", False)],
)
def test_looks_like_phone(value: str, phone: bool) -> None:
    assert redact.looks_like_phone(value) is phone


def test_file_name_keeps_the_extension() -> None:
    assert redact.file_name("Залізняк Мирослава Тарасівна 0975551234.csv") == f"{W} {W}.csv"
    assert redact.file_name("police_2022-Q1.xlsx") == "police_2022-Q1.xlsx"
