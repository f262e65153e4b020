"""Survey instruments as XLSForms (KoboToolbox / ODK) and back.

`to_xlsform` writes the `survey`, `choices` and `settings` sheets so monitors collect with exactly the
instrument the system reads back; `from_xlsform` reads an XLSForm (ours or anybody's) into a dict
ready to be written as surveys/<id>.yaml.

What XLSForm cannot say is kept in extra `monitor_*` columns, which KoboToolbox and pyxform ignore:
the paper code, aliases, the personal-data, addressee and counts-of-people flags, why an item feeding no indicator is kept, a group's own name when it had to be renamed, and the
original expression when the XPath translation is not a faithful copy (e.g. `param()` replaced by its
value). Reading our own form back therefore gives the same questions and choices.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from monitor import expr
from monitor.expr import Untranslatable, XPath
from monitor.framework.models import Choice, Question, QuestionType, Survey, Text

UK = "Українська (uk)"
EN = "English (en)"
LANGS = (("uk", UK), ("en", EN))
TERRITORY_LIST = "katottg_{level}"
ALIAS_SEP = " | "
# Extra survey-sheet columns; XLSForm tools ignore columns they do not know.
EXTRA = ("monitor_code", "monitor_aliases", "monitor_personal", "monitor_addressee", "monitor_counts_people", "monitor_group", "monitor_relevant", "monitor_constraint")

PERSONAL_HINT = Text(
    uk="Персональні дані: збираються лише для зворотного зв’язку і не зберігаються системою моніторингу.",
    en="Personal data: collected only to follow up, never stored by the monitoring system.",
)


# ------------------------------------------------------------------------------ expressions → XPath


def _canonical(text: str) -> str | None:
    try:
        return expr.to_text(expr.parse(text))
    except expr.ExprSyntaxError:
        return None


# ------------------------------------------------------------------------------ territory choices


@dataclass(frozen=True)
class Place:
    code: str
    uk: str
    en: str
    oblast: str = ""
    raion: str = ""


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def territory_places(reference: Path | None = None) -> dict[str, list[Place]]:
    """level -> places from data/reference/{oblasts,raions,hromadas}.csv, with their parents' codes."""
    from monitor.geo import reference_dir

    folder = reference or reference_dir()
    oblasts = [Place(r["katottg"], f"{r['name_uk']} область", f"{r['name_en']} oblast") for r in _read_csv(folder / "oblasts.csv")]
    raions = [
        Place(r["katottg"], f"{r['name_uk']} район", f"{r['name_en']} raion", oblast=r["oblast_katottg"])
        for r in _read_csv(folder / "raions.csv")
    ]
    hromadas = [
        Place(
            r["katottg"],
            f"{r['name_uk']} {r['type']}".strip(),
            f"{r['name_en']} {r.get('type_en', '')}".strip(),
            oblast=r["oblast_katottg"],
            raion=r["raion_katottg"],
        )
        for r in _read_csv(folder / "hromadas.csv")
    ]
    key = lambda p: (p.oblast, p.raion, p.uk)  # noqa: E731 - a sort key
    return {"oblast": sorted(oblasts, key=key), "raion": sorted(raions, key=key), "hromada": sorted(hromadas, key=key)}


# ------------------------------------------------------------------------------ writing


def survey_hash(survey: Survey) -> str:
    """The survey's definition hash, computed as the loader does (Framework.survey_hashes)."""
    canonical = json.dumps(survey.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class XlsForm:
    """The three sheets as rows of dicts, before they are written to a workbook."""

    survey: list[dict[str, Any]]
    choices: list[dict[str, Any]]
    settings: dict[str, Any]
    notes: list[str]


def _texts(prefix: str, text: Text | None) -> dict[str, str]:
    if text is None:
        return {}
    return {f"{prefix}::{lang_name}": getattr(text, lang) for lang, lang_name in LANGS}


class _Builder:
    def __init__(self, survey: Survey, params: Mapping[str, Any], places: dict[str, list[Place]] | None):
        self.survey = survey
        self.xpath = XPath(dict(params))
        self.places = places
        self.rows: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self.names = {q.name for q in survey.all_questions()}
        self.levels_used: set[str] = set()

    # -- expressions
    def expression(self, question: Question, kind: str) -> dict[str, str]:
        text = getattr(question, kind)
        if not text:
            return {}
        try:
            xpath = self.xpath(expr.parse(text))
        except (Untranslatable, expr.ExprSyntaxError) as exc:
            self.notes.append(f"{question.name}: {kind} '{text}' left out of the XLSForm ({exc})")
            return {f"monitor_{kind}": text}
        out = {kind: xpath}
        if _canonical(xpath) != _canonical(text):
            out[f"monitor_{kind}"] = text  # the XPath is not a copy: keep the original for the way back
        return out

    # -- groups
    def group_name(self, name: str) -> str:
        # Groups share their parent's namespace with questions: `hromada` cannot be both.
        if name not in self.names:
            return name
        renamed = f"{name}_group"
        while renamed in self.names:
            renamed += "_"
        return renamed

    def emit_questions(self, questions: Iterable[Question]) -> None:
        stack: list[str] = []
        for question in questions:
            path = [p for p in (question.group or "").split("/") if p]
            common = 0
            while common < min(len(stack), len(path)) and stack[common] == path[common]:
                common += 1
            while len(stack) > common:
                self.rows.append({"type": "end_group", "name": self.group_name(stack.pop())})
            for part in path[common:]:
                name = self.group_name(part)
                row: dict[str, Any] = {"type": "begin_group", "name": name}
                if name != part:
                    row["monitor_group"] = part
                self.rows.append(row)
                stack.append(part)
            self.emit(question)
        while stack:
            self.rows.append({"type": "end_group", "name": self.group_name(stack.pop())})

    # -- one question
    def emit(self, question: Question) -> None:
        row: dict[str, Any] = {"name": question.name, **_texts("label", question.label)}
        if question.type == QuestionType.repeat:
            self.rows.append({"type": "begin_repeat", **row, **self.extras(question), **self.expression(question, "relevant")})
            self.emit_questions(question.questions)
            self.rows.append({"type": "end_repeat", "name": question.name})
            return
        row["type"] = self.type_of(question)
        hint = question.hint
        if question.personal:
            hint = Text(
                uk=f"{hint.uk} {PERSONAL_HINT.uk}" if hint else PERSONAL_HINT.uk,
                en=f"{hint.en} {PERSONAL_HINT.en}" if hint else PERSONAL_HINT.en,
            )
        row.update(_texts("hint", hint))
        if question.required:
            row["required"] = "yes"
        row.update(self.expression(question, "constraint"))
        if question.constraint:
            row.update(_texts("constraint_message", question.constraint_message))
        row.update(self.expression(question, "relevant"))
        if question.type == QuestionType.territory:
            row.update(self.territory_filter(question))
        row.update(self.extras(question))
        self.rows.append(row)

    def extras(self, question: Question) -> dict[str, str]:
        out: dict[str, str] = {}
        if question.code:
            out["monitor_code"] = question.code
        if question.aliases:
            out["monitor_aliases"] = ALIAS_SEP.join(question.aliases)
        if question.personal:
            out["monitor_personal"] = "yes"
        if question.addressee:
            out["monitor_addressee"] = "yes"
        if question.counts_people:
            out["monitor_counts_people"] = "yes"
        out.update(_texts("monitor_kept_for", question.kept_for))
        return out

    def type_of(self, question: Question) -> str:
        kind = str(question.type)
        if kind in (QuestionType.select_one, QuestionType.select_multiple):
            return f"{kind} {question.choices}"
        if kind == QuestionType.territory:
            level = str(question.level or self.survey.territory_level)
            self.levels_used.add(level)
            return f"select_one {TERRITORY_LIST.format(level=level)}"
        return kind  # text, integer, decimal, date are XLSForm types already

    def territory_filter(self, question: Question) -> dict[str, str]:
        # Cascade oblast → raion → hromada through the nearest coarser territory question.
        level = str(question.level or self.survey.territory_level)
        coarser = {"raion": ["oblast"], "hromada": ["raion", "oblast"]}.get(level, [])
        by_level = {str(q.level): q.name for q in self.survey.all_questions() if q.type == QuestionType.territory}
        for parent in coarser:
            if parent in by_level:
                return {"choice_filter": f"{parent}=${{{by_level[parent]}}}"}
        return {}

    # -- choices
    def choices(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for list_name, options in self.survey.choice_lists.items():
            rows.extend(_choice_row(list_name, choice) for choice in options)
        if self.levels_used:
            places = self.places if self.places is not None else territory_places()
            for level in ("oblast", "raion", "hromada"):
                if level not in self.levels_used:
                    continue
                for place in places[level]:
                    row = {"list_name": TERRITORY_LIST.format(level=level), "name": place.code,
                           f"label::{UK}": place.uk, f"label::{EN}": place.en}
                    if level != "oblast":
                        row["oblast"] = place.oblast
                    if level == "hromada":
                        row["raion"] = place.raion
                    rows.append(row)
        return rows


def _choice_row(list_name: str, choice: Choice) -> dict[str, Any]:
    row: dict[str, Any] = {"list_name": list_name, "name": choice.value, **_texts("label", choice.label)}
    if choice.aliases:
        row["monitor_aliases"] = ALIAS_SEP.join(choice.aliases)
    return row


def build_xlsform(
    survey: Survey, params: Mapping[str, Any] | None = None, places: dict[str, list[Place]] | None = None
) -> XlsForm:
    """The sheets of the survey's XLSForm. `params` gives param('x') its value (framework parameters)."""
    builder = _Builder(survey, params or {}, places)
    builder.emit_questions(survey.questions)
    settings = {
        "form_title": survey.title.uk,
        "form_id": survey.id,
        "version": survey_hash(survey)[:10],
        "default_language": UK,
    }
    return XlsForm(builder.rows, builder.choices(), settings, builder.notes)


SURVEY_COLUMNS = [
    "type", "name", f"label::{UK}", f"label::{EN}", f"hint::{UK}", f"hint::{EN}", "required", "constraint",
    f"constraint_message::{UK}", f"constraint_message::{EN}", "relevant", "choice_filter", *EXTRA,
    f"monitor_kept_for::{UK}", f"monitor_kept_for::{EN}",
]
CHOICE_COLUMNS = ["list_name", "name", f"label::{UK}", f"label::{EN}", "oblast", "raion", "monitor_aliases"]
SETTINGS_COLUMNS = ["form_title", "form_id", "version", "default_language"]


def _used(columns: list[str], rows: list[dict[str, Any]], always: int) -> list[str]:
    present = {key for row in rows for key in row}
    return [c for i, c in enumerate(columns) if i < always or c in present]


def _sheet(workbook: Workbook, title: str, columns: list[str], rows: list[dict[str, Any]]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(c) for c in columns])
    sheet.freeze_panes = "A2"


def write_xlsform(form: XlsForm, path: Path | str) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, "survey", _used(SURVEY_COLUMNS, form.survey, 4), form.survey)
    _sheet(workbook, "choices", _used(CHOICE_COLUMNS, form.choices, 4), form.choices)
    _sheet(workbook, "settings", SETTINGS_COLUMNS, [form.settings])
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(out)
    return out


def to_xlsform(
    survey: Survey,
    path: Path | str,
    params: Mapping[str, Any] | None = None,
    places: dict[str, list[Place]] | None = None,
) -> list[str]:
    """Write the survey as an XLSForm at path; returns notes on what XLSForm could not express."""
    form = build_xlsform(survey, params, places)
    write_xlsform(form, path)
    return form.notes


# ------------------------------------------------------------------------------ reading


def _lang_of(suffix: str) -> str | None:
    low = suffix.lower()
    if "(uk)" in low or "україн" in low or "ukrain" in low or low.strip() == "uk":
        return "uk"
    if "(en)" in low or "english" in low or "англ" in low or low.strip() == "en":
        return "en"
    return None


def _rows(sheet: Any) -> list[dict[str, Any]]:
    values = list(sheet.iter_rows(values_only=True))
    if not values:
        return []
    header = [str(h).strip() if h is not None else "" for h in values[0]]
    out = []
    for raw in values[1:]:
        row = {h: v for h, v in zip(header, raw, strict=False) if h and v is not None and str(v).strip() != ""}
        if row:
            out.append({k: _cell(v) for k, v in row.items()})
    return out


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a choice name typed as 1 in Excel comes back as 1.0
    return str(value).strip()


def _text(row: dict[str, Any], prefix: str) -> dict[str, str] | None:
    texts: dict[str, str] = {}
    plain = row.get(prefix)
    for key, value in row.items():
        if key.startswith(prefix + "::"):
            lang = _lang_of(key.split("::", 1)[1])
            if lang:
                texts.setdefault(lang, value)
    if plain:
        texts.setdefault("uk", plain)
        texts.setdefault("en", plain)
    if not texts:
        return None
    # A form in one language: both keys get it, so `monitor validate` flags nothing unreadable.
    return {"uk": texts.get("uk") or texts["en"], "en": texts.get("en") or texts["uk"]}


def _our_expression(row: dict[str, Any], kind: str, name: str, notes: list[str]) -> str | None:
    if row.get(f"monitor_{kind}"):
        return row[f"monitor_{kind}"]
    text = row.get(kind)
    if not text:
        return None
    canonical = _canonical(text)  # XPath with ${name} is mostly our syntax already
    if canonical is None:
        notes.append(f"{name}: {kind} '{text}' is not in the expression language; left out")
    return canonical


_TYPE_ALIASES = {"int": "integer", "string": "text", "datetime": "date", "dateTime": "date", "select one": "select_one",
                 "select multiple": "select_multiple", "begin group": "begin_group", "end group": "end_group",
                 "begin repeat": "begin_repeat", "end repeat": "end_repeat"}


def _split_type(raw: str) -> tuple[str, str | None]:
    text = " ".join(raw.split())
    for alias, real in _TYPE_ALIASES.items():
        if text == alias or text.startswith(alias + " "):
            text = real + text[len(alias):]
            break
    parts = text.split(" ")
    kind = parts[0]
    list_name = parts[1] if len(parts) > 1 and kind in ("select_one", "select_multiple") else None
    return kind, list_name


def read_xlsform(path: Path | str) -> tuple[dict[str, Any], list[str]]:
    """(survey YAML-ready dict with questions and choice_lists, notes on what was left out)."""
    workbook = load_workbook(Path(path), read_only=True, data_only=True)
    sheets = {name.lower(): workbook[name] for name in workbook.sheetnames}
    survey_rows = _rows(sheets["survey"]) if "survey" in sheets else []
    choice_rows = _rows(sheets["choices"]) if "choices" in sheets else []
    settings_rows = _rows(sheets["settings"]) if "settings" in sheets else []
    workbook.close()
    notes: list[str] = []

    territory_lists = {TERRITORY_LIST.format(level=lvl): lvl for lvl in ("oblast", "raion", "hromada")}
    choice_lists: dict[str, list[dict[str, Any]]] = {}
    for row in choice_rows:
        list_name = row.get("list_name")
        if not list_name or list_name in territory_lists or "name" not in row:
            continue
        choice: dict[str, Any] = {"value": row["name"], "label": _text(row, "label") or {"uk": row["name"], "en": row["name"]}}
        if row.get("monitor_aliases"):
            choice["aliases"] = row["monitor_aliases"].split(ALIAS_SEP)
        choice_lists.setdefault(list_name, []).append(choice)

    top: list[dict[str, Any]] = []
    containers: list[list[dict[str, Any]]] = [top]
    groups: list[list[str]] = [[]]  # group path inside the current container
    for row in survey_rows:
        kind, list_name = _split_type(row.get("type", ""))
        name = row.get("name", "")
        if kind == "begin_group":
            groups[-1].append(row.get("monitor_group") or name)
            continue
        if kind == "end_group":
            if groups[-1]:
                groups[-1].pop()
            continue
        if kind == "end_repeat":
            containers.pop()
            groups.pop()
            continue
        question = _question(row, kind, list_name, territory_lists, notes)
        if question is None:
            continue
        if groups[-1]:
            question["group"] = "/".join(groups[-1])
        containers[-1].append(question)
        if kind == "begin_repeat":
            question["questions"] = []
            containers.append(question["questions"])
            groups.append([])

    settings = settings_rows[0] if settings_rows else {}
    out: dict[str, Any] = {}
    if settings.get("form_id"):
        out["id"] = settings["form_id"]
    if settings.get("form_title"):
        out["title"] = {"uk": settings["form_title"], "en": settings["form_title"]}
    out["questions"] = top
    out["choice_lists"] = choice_lists
    return out, notes


_KINDS = {"text", "integer", "decimal", "date", "select_one", "select_multiple", "begin_repeat"}


def _question(
    row: dict[str, Any], kind: str, list_name: str | None, territory_lists: dict[str, str], notes: list[str]
) -> dict[str, Any] | None:
    name = row.get("name", "")
    if kind not in _KINDS:
        if kind:
            notes.append(f"{name or '?'}: XLSForm type '{kind}' has no survey question type; left out")
        return None
    question: dict[str, Any] = {"name": name}
    if row.get("monitor_code"):
        question["code"] = row["monitor_code"]
    if kind == "begin_repeat":
        question["type"] = "repeat"
    elif list_name in territory_lists:
        question["type"] = "territory"
        question["level"] = territory_lists[list_name]
    else:
        question["type"] = kind
    question["label"] = _text(row, "label") or {"uk": name, "en": name}
    hint = _text(row, "hint")
    if hint and row.get("monitor_personal"):
        hint = {
            lang: hint[lang].replace(getattr(PERSONAL_HINT, lang), "").strip() for lang in ("uk", "en")
        }
        hint = hint if all(hint.values()) else None
    if hint:
        question["hint"] = hint
    if kind in ("select_one", "select_multiple") and question["type"] != "territory":
        question["choices"] = list_name
    if str(row.get("required", "")).lower() in ("yes", "true", "true()", "1"):
        question["required"] = True
    constraint = _our_expression(row, "constraint", name, notes)
    if constraint:
        question["constraint"] = constraint
        message = _text(row, "constraint_message")
        if message:
            question["constraint_message"] = message
    relevant = _our_expression(row, "relevant", name, notes)
    if relevant:
        question["relevant"] = relevant
    if row.get("monitor_personal"):
        question["personal"] = True
    if row.get("monitor_addressee"):
        question["addressee"] = True
    if row.get("monitor_counts_people"):
        question["counts_people"] = True
    kept_for = _text(row, "monitor_kept_for")
    if kept_for:
        question["kept_for"] = kept_for
    if row.get("monitor_aliases"):
        question["aliases"] = row["monitor_aliases"].split(ALIAS_SEP)
    return question


def from_xlsform(path: Path | str) -> dict[str, Any]:
    """A survey YAML-ready dict (questions, choice_lists, labels) from an XLSForm."""
    return read_xlsform(path)[0]
