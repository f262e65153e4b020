"""Shared helpers of the import tests: a tiny framework, files written in every export style, table checksums."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import MetaData, select
from sqlalchemy.engine import Engine

from monitor.framework.loader import load_framework
from monitor.framework.models import Framework

FRAMEWORK = {
    "framework.yaml": """
title: {uk: "Тестова рамка", en: "Test framework"}
waves: ["2021", "2022"]
survivor_min_n: 11
themes:
  - {id: capacity, title: {uk: "Спроможність", en: "Capacity"}}
""",
    "surveys/officials.yaml": """
id: officials
code: OF
title: {uk: "Анкета посадовця", en: "Official questionnaire"}
description: {uk: "Тест", en: "Test"}
respondent: hromada-official
unit: hromada
territory_question: hromada
territory_level: hromada
consent_question: consent
questions:
  - {name: wave, type: select_one, choices: waves, required: true, label: {uk: "Хвиля", en: "Wave"}}
  - {name: oblast, type: territory, level: oblast, required: true, label: {uk: "Область", en: "Oblast"}}
  - {name: hromada, type: territory, level: hromada, required: true, label: {uk: "Громада", en: "Hromada"},
     aliases: [katottg]}
  - {name: date, type: date, required: true, label: {uk: "Дата опитування", en: "Interview date"}}
  - {name: consent, type: select_one, choices: yes_no, required: true,
     label: {uk: "Згода на участь", en: "Consent to take part"}}
  - {name: respondent_name, type: text, personal: true, label: {uk: "Ім'я респондента", en: "Respondent's name"}}
  - {name: form_no, type: text, label: {uk: "Номер анкети", en: "Form number"}, aliases: [form_number]}
  - {name: focal_person, type: select_one, choices: yes_no_dk, required: true, group: capacity,
     label: {uk: "Чи визначено відповідальну особу?", en: "Is a focal person designated?"}}
  - {name: duties, type: select_one, choices: duties, group: capacity,
     label: {uk: "Обов'язки в посадових інструкціях", en: "Duties in job descriptions"}}
  - {name: spending, type: decimal, required: true, constraint: ". >= 0", group: funding,
     constraint_message: {uk: "Сума не може бути від'ємною", en: "The amount cannot be negative"},
     label: {uk: "Видатки, грн", en: "Spending, UAH"}}
  - {name: events, type: integer, constraint: ". >= 0", label: {uk: "Кількість заходів", en: "Number of events"}}
  - {name: partners, type: select_multiple, choices: partners, group: cooperation,
     label: {uk: "Угоди про співпрацю", en: "Cooperation agreements"}}
  - {name: comment, type: text, label: {uk: "Коментар", en: "Comment"}}
choice_lists:
  waves:
    - {value: "2021", label: {uk: "2021 (базова)", en: "2021 (baseline)"}}
    - {value: "2022", label: {uk: "2022", en: "2022"}}
  yes_no:
    - {value: "yes", label: {uk: "Так", en: "Yes"}}
    - {value: "no", label: {uk: "Ні", en: "No"}}
  yes_no_dk:
    - {value: "yes", label: {uk: "Так", en: "Yes"}}
    - {value: "no", label: {uk: "Ні", en: "No"}}
    - {value: "dont_know", label: {uk: "Не знаю", en: "Don't know"}, aliases: [dk]}
  duties:
    - {value: "full", label: {uk: "Повністю", en: "Fully"}}
    - {value: "partial", label: {uk: "Частково (обов’язки розподілено)", en: "Partly (duties shared)"}}
    - {value: "none", label: {uk: "Немає", en: "None"}}
  partners:
    - {value: "police", label: {uk: "Поліція", en: "Police"}}
    - {value: "ngo", label: {uk: "Громадські організації, фонди", en: "NGOs, foundations"}}
    - {value: "employment", label: {uk: "Центр зайнятості", en: "Employment centre"}}
""",
    "surveys/cases.yaml": """
id: cases
code: CS
title: {uk: "Анкета постраждалої особи", en: "Survivor questionnaire"}
description: {uk: "Тест", en: "Test"}
respondent: survivor
unit: person
territory_question: oblast
territory_level: oblast
consent_question: consent
holds_personal_identifiers: false
min_n: 11
questions:
  - {name: wave, type: select_one, choices: waves, required: true, label: {uk: "Хвиля", en: "Wave"}}
  - {name: oblast, type: territory, level: oblast, required: true, label: {uk: "Область", en: "Oblast"}}
  - {name: date, type: date, required: true, label: {uk: "Дата", en: "Date"}}
  - {name: consent, type: select_one, choices: yes_no, required: true, label: {uk: "Згода", en: "Consent"}}
  - {name: age_group, type: select_one, choices: ages, required: true, label: {uk: "Вік", en: "Age group"}}
  - {name: rating, type: integer, constraint: ". >= 1 and . <= 5", label: {uk: "Оцінка", en: "Rating"}}
  - name: helps
    type: repeat
    label: {uk: "Допомога", en: "Help received"}
    questions:
      - {name: help_type, type: select_one, choices: helps, required: true, label: {uk: "Вид допомоги", en: "Type of help"}}
      - {name: days, type: integer, constraint: ". >= 0", label: {uk: "Днів до отримання", en: "Days until received"}}
choice_lists:
  waves:
    - {value: "2021", label: {uk: "2021", en: "2021"}}
    - {value: "2022", label: {uk: "2022", en: "2022"}}
  yes_no:
    - {value: "yes", label: {uk: "Так", en: "Yes"}}
    - {value: "no", label: {uk: "Ні", en: "No"}}
  ages:
    - {value: "child", label: {uk: "До 18", en: "Under 18"}}
    - {value: "adult", label: {uk: "18 і старше", en: "18 and older"}}
  helps:
    - {value: "medical", label: {uk: "Медична", en: "Medical"}}
    - {value: "legal", label: {uk: "Правова", en: "Legal"}}
    - {value: "shelter", label: {uk: "Притулок", en: "Shelter"}}
""",
}

# Real units of the shipped reference (data/reference): Kirovohrad oblast and two of its hromadas.
OBLAST = "UA35000000000016081"
OBLAST_NAME = "Кіровоградська"
HROMADA = "UA35020010000028961"  # Благовіщенська
HROMADA_NAME = "Благовіщенська"
HROMADA2 = "UA35020030000022644"  # Вільшанська
HROMADA2_NAME = "Вільшанська"
RAION = "UA35020000000074289"
POLTAVA = "UA53000000000028050"


def make_framework(root: Path) -> Framework:
    for name, text in FRAMEWORK.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.lstrip(), encoding="utf-8")
    (root / "indicators").mkdir(exist_ok=True)
    framework, issues = load_framework(root)
    assert framework is not None, [i.message_en for i in issues]
    assert not [i for i in issues if i.level == "error"], [i.message_en for i in issues]
    return framework


def official_rows(n: int = 3, start: int = 0) -> list[dict[str, str]]:
    """Rows of the officials survey with question names as headers (values as a monitor types them)."""
    rows = []
    for i in range(start, start + n):
        rows.append({
            "wave": "2022", "oblast": OBLAST_NAME, "hromada": HROMADA if i % 2 == 0 else HROMADA2_NAME,
            "date": "14.03.2022", "consent": "yes", "respondent_name": "", "form_no": f"{i:04d}",
            "focal_person": "yes" if i % 3 else "no", "duties": "partial", "spending": "12,5",
            "events": str(i % 4), "partners": "police ngo", "comment": "",
        })
    return rows


def write_csv(path: Path, rows: list[dict[str, Any]] | pd.DataFrame, *, sep: str = ",",
              encoding: str = "utf-8") -> Path:
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    frame.to_csv(path, sep=sep, index=False, encoding=encoding)
    return path


def write_xlsx(path: Path, sheets: dict[str, pd.DataFrame]) -> Path:
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return path


def table_state(engine: Engine) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every table's contents (ordered by all columns)."""
    metadata = MetaData()
    metadata.reflect(engine)
    state = {}
    with engine.connect() as connection:
        for name, table in sorted(metadata.tables.items()):
            rows = connection.execute(select(table)).all()
            text = "\n".join(sorted(repr(tuple(r)) for r in rows))
            state[name] = (len(rows), hashlib.sha256(text.encode()).hexdigest())
    return state
