"""Resolve what people type for a place (code, Ukrainian or Latin name, centre, former name) to a KATOTTG code.

The matcher never guesses: an exact name or code gives 'exact'; a misspelling is accepted ('fuzzy') only when
it is very close to one unit and clearly closer than to any other; otherwise the answer is 'ambiguous' or
'unknown' with the closest units, so a person can choose. Every answer is memoised per (value, level,
oblast, raion), because an export repeats the same few hundred places across 100,000 rows.

How a value is compared:
1. a KATOTTG code (any case, spaces allowed) is looked up directly;
2. otherwise the text is normalised (case, spaces, apostrophes ’'ʼ`‘, punctuation, type words such as
   "міська територіальна громада", "ТГ", "р-н", "oblast", "city", and Latin look-alike letters inside
   Cyrillic words) and looked up among current names, then among other names (former names, the
   administrative centre, and for oblasts and raions the centre of their namesake hromada);
   Latin values are compared with the KMU-2010 transliteration (as the reference's name_en), so
   "Kremenchutska" and "Krasnohrad" are exact too;
3. finally a similarity search (rapidfuzz ratio; Cyrillic without ь and ’, Latin as transliterated)
   within the given oblast/raion, so
   "Кременчуцка" (ь missing), "Камянська" (’ missing) or "Пирятинская" resolve as 'fuzzy'.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal, NamedTuple

import pandas as pd
from rapidfuzz import fuzz, process
from sqlalchemy.engine import Engine

Status = Literal["exact", "fuzzy", "ambiguous", "unknown"]
Reason = Literal["empty", "unknown", "ambiguous", "outside-scope", "mismatch", "wrong-level"]

# Accept a misspelling only this similar (0-100, rapidfuzz ratio on the Latin forms) ...
FUZZY_MIN_SCORE = 88.0
# ... and only this many points ahead of the next unit; otherwise it is a choice for a person.
# Chosen by simulation: ~6,000 random one-letter typos (substitution, deletion, insertion, transposition)
# of every hromada and centre name gave no wrong code at 88/8 (90/5 gave 5), and resolved ~80% of them.
FUZZY_MIN_MARGIN = 8.0
# How many units to offer when the value does not resolve.
MAX_CANDIDATES = 5
# Issue texts are cut at 200 characters (monitor.errors); candidates are listed whole up to this length.
ISSUE_CANDIDATES_CHARS = 190

LEVEL_UK_PLURAL = {"oblast": "областей", "raion": "районів", "hromada": "громад"}

_CODE = re.compile(r"^UA\d{17}$")
_CODE_LIKE = re.compile(r"^UA\d{8,}$")
_APOSTROPHES = str.maketrans({"'": "’", "ʼ": "’", "`": "’", "‘": "’", "´": "’", "′": "’", "\u02bb": "’"})
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})
_PUNCTUATION = re.compile(r"[.,;:!?\"«»“”„()\[\]{}/\\|_*#№]+")
_CYRILLIC = re.compile(r"[а-яіїєґёыэъ]")
_LATIN = re.compile(r"[a-z]")
# Latin letters that look like Cyrillic ones, found in hand-typed Ukrainian text ("Полтавськa").
_HOMOGLYPHS = str.maketrans({"a": "а", "c": "с", "e": "е", "i": "і", "o": "о", "p": "р", "x": "х", "y": "у",
                             "k": "к", "m": "м", "h": "н", "t": "т", "b": "в"})
# Words that say what kind of unit it is, not which one; dropped before comparing.
_TYPE_WORDS = frozenset({
    # hromada
    "міська", "селищна", "сільська", "територіальна", "громада", "тг", "отг", "рада", "міської", "селищної",
    "сільської", "громади", "miska", "selyshchna", "silska", "terytorialna", "hromada", "hromady", "otg", "tg",
    "rada", "urban", "rural", "settlement", "territorial", "community", "municipality", "city", "town",
    "village", "городская", "поселковая", "сельская", "община",
    # raion
    "район", "району", "р-н", "р-ну", "р", "raion", "rayon", "rajon", "district", "р-он",
    # oblast
    "область", "області", "обл", "oblast", "oblast’", "region", "oblasti",
    # settlement prefixes ("м. Кременчук", "смт Козельщина", "с. Вашківці")
    "м", "місто", "смт", "с", "село", "сел", "селище", "misto", "selo", "selyshche", "smt", "г", "город",
})

# KMU-2010 (CMU resolution No. 55 of 27.01.2010), the table the reference's name_en was made with.
_KMU = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh", "з": "z",
    "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "’": "",
    # Russian letters that turn up in Ukrainian data
    "ё": "io", "ы": "y", "э": "e", "ъ": "",
}
_KMU_WORD_START = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}


def transliterate(text: str) -> str:
    """Lower-case KMU-2010 transliteration (є/ї/й/ю/я differ at the start of a word; зг → zgh)."""
    out: list[str] = []
    previous = " "
    for char in text.lower():
        if char == "г" and previous == "з":
            out.append("gh")
        elif previous in " -" and char in _KMU_WORD_START:
            out.append(_KMU_WORD_START[char])
        else:
            out.append(_KMU.get(char, char))
        previous = char
    return "".join(out)


def _fix_token(token: str) -> str:
    if _CYRILLIC.search(token) and _LATIN.search(token):
        return token.translate(_HOMOGLYPHS)
    return token


def normalise(value: Any) -> str:
    """Comparable form: lower case, one apostrophe, no punctuation or type words, single spaces."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = unicodedata.normalize("NFC", str(value)).lower().translate(_APOSTROPHES).translate(_DASHES)
    text = _PUNCTUATION.sub(" ", text)
    text = re.sub(r"\s*-\s*", "-", text)
    tokens = [_fix_token(t.strip("’-")) for t in text.split()]
    kept = [t for t in tokens if t and t not in _TYPE_WORDS]
    return " ".join(kept)


def latin_key(normalised: str) -> str:
    """The Latin comparison form: transliterated if Cyrillic, apostrophes (soft signs) dropped."""
    return transliterate(normalised).replace("’", "")


class Candidate(NamedTuple):
    code: str
    name_uk: str
    name_en: str
    oblast_uk: str
    score: float


@dataclass(frozen=True)
class Match:
    """The outcome for one value. `code` is set only for 'exact' and 'fuzzy'. Shared between calls: do not mutate."""

    value: str
    level: str
    code: str | None
    status: Status
    candidates: list[Candidate] = field(default_factory=list)
    score: float = 0.0
    # Why there is no code (None when there is one): see `error_code`.
    reason: Reason | None = None
    # (uk, en) text of the oblast/raion the value was looked for in, or the monitored oblasts (outside-scope).
    expected_in: tuple[str, str] | None = None
    # (uk, en) text of where the value was found instead (mismatch).
    found_in: tuple[str, str] | None = None
    labels: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return self.code is not None

    @property
    def error_code(self) -> str | None:
        """The catalogue code for the issue to raise; None when resolved (a 'fuzzy' match is worth a
        `territory-fuzzy` warning) or when the value was empty (the caller knows if it was required)."""
        if self.code is not None or self.reason == "empty":
            return None
        if self.reason == "outside-scope":
            return "territory-outside-scope"
        if self.reason == "mismatch":
            return "territory-mismatch"
        if self.status == "ambiguous":
            return "territory-ambiguous"
        return "territory-unknown"

    def label(self, code: str, lang: str = "uk") -> str:
        uk, en = self.labels.get(code, (code, code))
        return uk if lang == "uk" else en

    def describe_candidates(self, lang: str = "uk", max_chars: int | None = None) -> str:
        """The candidates as one line for a person: name (raion, oblast) code; ...

        With max_chars, only whole candidates that fit are listed, then "+N" for the rest.
        """
        if not self.candidates:
            return "немає" if lang == "uk" else "none"
        labels = [self.label(c.code, lang) for c in self.candidates]
        if max_chars is None:
            return "; ".join(labels)
        shown: list[str] = []
        for position, text in enumerate(labels):
            rest = len(labels) - position - 1
            tail = f"; +{rest}" if rest else ""
            if shown and len("; ".join([*shown, text]) + tail) > max_chars:
                break
            shown.append(text)
        more = len(labels) - len(shown)
        return "; ".join(shown) + (f"; +{more}" if more else "")

    def issue_params(self) -> dict[str, Any]:
        """Parameters for the territory-* error templates (monitor.errors.territory), both languages."""
        expected_uk, expected_en = self.expected_in or ("", "")
        found_uk, found_en = self.found_in or ("", "")
        return {
            "value": self.value,
            "level": self.level,
            "level_uk": LEVEL_UK_PLURAL.get(self.level, self.level),
            "in_oblast": f" in {expected_en}" if expected_en else "",
            "in_oblast_uk": f" ({expected_uk})" if expected_uk else "",
            "candidates": self.describe_candidates("en", ISSUE_CANDIDATES_CHARS),
            "candidates_uk": self.describe_candidates("uk", ISSUE_CANDIDATES_CHARS),
            "expected_in": expected_en,
            "expected_in_uk": expected_uk,
            "found_in": found_en,
            "found_in_uk": found_uk,
            "matched": self.label(self.code, "en") if self.code else "",
            "matched_uk": self.label(self.code, "uk") if self.code else "",
            "score": round(self.score),
        }


@dataclass
class _Unit:
    code: str
    level: str
    name_uk: str
    name_en: str
    oblast_code: str
    raion_code: str | None
    label_uk: str
    label_en: str


# Tiers of names, tried in order: a current name beats a centre or former name.
_NAMES, _OTHER = 0, 1


class TerritoryMatcher:
    """Built from `monitor.store.territory.territories(engine)` (or any frame with its columns)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._units: dict[str, _Unit] = {}
        self._cyrillic_keys: dict[str, list[str]] = {}
        # level -> script ('cyr' / 'lat' / 'loose') -> tier -> key -> codes
        self._index: dict[str, dict[str, list[dict[str, set[str]]]]] = {}
        self._fuzzy_pool: dict[tuple[str, str, str | None, str | None], tuple[list[str], list[str]]] = {}
        self._memo: dict[tuple[str, str, str | None, str | None], Match] = {}
        self._core: dict[tuple[str, str, str | None, str | None], Match] = {}
        self._build(frame)

    @classmethod
    def from_engine(cls, engine: Engine, on: Any = None) -> TerritoryMatcher:
        from monitor.store.territory import territories

        return cls(territories(engine, on=on))

    # building ---------------------------------------------------------------------------------
    def _build(self, frame: pd.DataFrame) -> None:
        rows = frame.to_dict("records")
        names = {r["code"]: (r["name_uk"], r["name_en"]) for r in rows}
        for r in rows:
            level = r["level"]
            raion = _text(r.get("raion_code"))
            # Short labels: three of them must fit in one issue message with their codes.
            oblast_uk, oblast_en = names.get(r["oblast_code"], ("?", "?"))
            if level == "oblast":
                label_uk, label_en = f"{r['name_uk']} обл.", f"{r['name_en']} obl."
            elif level == "raion":
                label_uk = f"{r['name_uk']} р-н ({oblast_uk} обл.)"
                label_en = f"{r['name_en']} raion ({oblast_en} obl.)"
            else:
                raion_uk, raion_en = names.get(raion or "", ("?", "?"))
                label_uk = f"{r['name_uk']} ({raion_uk} р-н, {oblast_uk} обл.)"
                label_en = f"{r['name_en']} ({raion_en} raion, {oblast_en} obl.)"
            self._units[r["code"]] = _Unit(
                r["code"], level, r["name_uk"], r["name_en"], r["oblast_code"], raion,
                f"{label_uk} {r['code']}", f"{label_en} {r['code']}",
            )
            for name in (r["name_uk"], r["name_en"], r.get("full_name_uk"), r.get("full_name_en")):
                self._add(level, _NAMES, name, r["code"])
            others = [*(_list(r.get("former_names"))), r.get("centre_uk"), r.get("centre_en")]
            for name in others:
                self._add(level, _OTHER, name, r["code"])
        # "Poltava oblast", "Kremenchuk raion": oblasts and raions are commonly called after their centre,
        # which is the centre of the hromada with the same name in the same oblast.
        by_name = {(r["oblast_code"], normalise(r["name_uk"])[:-1]): r for r in rows if r["level"] == "hromada"}
        for r in rows:
            if r["level"] in ("oblast", "raion"):
                stem = normalise(r["name_uk"])
                stem = stem[:-2] if r["level"] == "raion" else stem[:-1]  # -ий / -а endings
                hromada = by_name.get((r["oblast_code"], stem))
                if hromada is not None:
                    self._add(r["level"], _OTHER, hromada.get("centre_uk"), r["code"])
                    self._add(r["level"], _OTHER, hromada.get("centre_en"), r["code"])

    def _add(self, level: str, tier: int, name: Any, code: str) -> None:
        key = normalise(name)
        if not key:
            return
        scripts = self._index.setdefault(level, _empty_index())
        if _CYRILLIC.search(key):
            scripts["cyr"][tier].setdefault(key, set()).add(code)
            scripts["loose"][tier].setdefault(_loose(key), set()).add(code)
            self._cyrillic_keys.setdefault(code, []).append(key)
        scripts["lat"][tier].setdefault(latin_key(key), set()).add(code)

    # matching ---------------------------------------------------------------------------------
    def match(self, value: Any, level: str, oblast_code: str | None = None, raion_code: str | None = None) -> Match:
        """Resolve one value at `level` ('oblast' | 'raion' | 'hromada'), optionally within an oblast/raion."""
        memo_key = (value if isinstance(value, str) else _text(value) or "", level, oblast_code, raion_code)
        found = self._memo.get(memo_key)
        if found is None:
            raw = memo_key[0]
            core_key = (normalise(raw) if not _looks_like_code(raw) else _code_form(raw), level,
                        _code_form(oblast_code) if oblast_code else None,
                        _code_form(raion_code) if raion_code and level == "hromada" else None)
            core = self._core.get(core_key)
            if core is None:
                core = self._core[core_key] = self._resolve(raw, *core_key)
            found = self._memo[memo_key] = replace(core, value=raw)
        return found

    def match_many(self, values: Any, level: str, oblast_codes: Any = None, raion_codes: Any = None) -> list[Match]:
        """`match` over a column; oblast_codes/raion_codes are parallel sequences (or None)."""
        values = list(values)
        oblasts = list(oblast_codes) if oblast_codes is not None else [None] * len(values)
        raions = list(raion_codes) if raion_codes is not None else [None] * len(values)
        return [
            self.match(v, level, _text(o) or None, _text(r) or None)
            for v, o, r in zip(values, oblasts, raions, strict=True)
        ]

    def _resolve(self, raw: str, key: str, level: str, oblast: str | None, raion: str | None) -> Match:
        if level not in LEVEL_UK_PLURAL:
            raise ValueError(f"level must be one of {', '.join(LEVEL_UK_PLURAL)}, not {level!r}")
        for code in (oblast, raion):
            if code is not None and code not in self._units:
                raise ValueError(f"unknown scope code {code!r}: pass the code of a matched oblast/raion")
        scope = self._scope_text(oblast, raion) if level != "oblast" else None
        base = Match(value=raw, level=level, code=None, status="unknown", expected_in=scope)
        if not key:
            # Blank, or only type words ("громада"): nothing to look up.
            return replace(base, reason="empty" if not raw.strip() else "unknown")
        if _CODE.match(key):
            return self._resolve_code(base, key, level, oblast, raion)
        if _CODE_LIKE.match(_code_form(raw)):
            # A code with a digit too many or too few: offer the nearest codes, never pick one.
            in_scope = self._in_scope_filter(level, oblast, raion)
            same_level = [c for c, u in self._units.items() if u.level == level and in_scope(c)]
            near = process.extract(_code_form(raw), same_level, scorer=fuzz.ratio, limit=3)
            return self._choice(base, [c for c, _s, _p in near], "unknown", 0.0, {c: float(s) for c, s, _p in near})

        in_scope = self._in_scope_filter(level, oblast, raion)
        cyrillic = bool(_CYRILLIC.search(key))
        lat = latin_key(key)
        # Exact lookups in the value's own script: current names first, then centres and former names.
        script, exact_key = ("cyr", key) if cyrillic else ("lat", lat)
        index = self._index.get(level, _empty_index())
        outside: set[str] = set()
        for tier in (_NAMES, _OTHER):
            codes = index[script][tier].get(exact_key, set())
            inside = {c for c in codes if in_scope(c)}
            outside |= codes - inside
            if len(inside) == 1:
                return self._resolved(base, next(iter(inside)), "exact", 100.0)
            if len(inside) > 1:
                return self._choice(base, sorted(inside), "ambiguous", 100.0)
        if outside:
            # The name exists, but not where the row says it is: a person must check which is wrong.
            found = sorted(outside)
            places = [self._place(c, with_raion=raion is not None) for c in found]
            found_in = ("; ".join(dict.fromkeys(p[0] for p in places)), "; ".join(dict.fromkeys(p[1] for p in places)))
            return replace(self._choice(base, found, "unknown", 100.0), reason="mismatch", found_in=found_in)
        return self._fuzzy(base, key if cyrillic else None, lat, level, oblast, raion)

    def _resolve_code(self, base: Match, code: str, level: str, oblast: str | None, raion: str | None) -> Match:
        unit = self._units.get(code)
        if unit is None:
            known_oblasts = sorted({u.oblast_code[:4] for u in self._units.values()})
            if code[:4] not in known_oblasts:
                oblasts = [u for u in self._units.values() if u.level == "oblast"]
                names = ("; ".join(u.name_uk for u in oblasts), "; ".join(u.name_en for u in oblasts))
                return replace(base, reason="outside-scope", expected_in=names)
            return replace(base, reason="unknown")
        if unit.level != level:
            return replace(self._choice(base, [code], "unknown", 100.0), reason="wrong-level")
        if not self._in_scope_filter(level, oblast, raion)(code):
            return replace(self._choice(base, [code], "unknown", 100.0), reason="mismatch",
                           found_in=self._place(code, with_raion=raion is not None))
        return self._resolved(base, code, "exact", 100.0)

    def _fuzzy(self, base: Match, cyrillic: str | None, lat: str, level: str, oblast: str | None,
               raion: str | None) -> Match:
        # Cyrillic is compared in Cyrillic (a transliteration turns one wrong letter into two: х → kh),
        # without ь and ’, which people often leave out; such a value is still only 'fuzzy' and must beat
        # the runner-up like any typo. Latin is compared with the KMU transliterations.
        script, query = ("loose", _loose(cyrillic)) if cyrillic else ("lat", lat)
        keys, codes = self._pool(script, level, oblast, raion)
        best: dict[str, float] = {}
        for _key, score, position in process.extract(query, keys, scorer=fuzz.ratio, limit=40):
            code = codes[position]
            best[code] = max(best.get(code, 0.0), float(score))
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        if not ranked:
            return replace(base, reason="unknown")
        top_code, top = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if top >= FUZZY_MIN_SCORE and top - runner_up >= FUZZY_MIN_MARGIN:
            # Report how close the spelling the person typed was, not its transliteration.
            shown = min(top, self._cyrillic_score(cyrillic, top_code)) if cyrillic else top
            return self._resolved(base, top_code, "fuzzy", shown)
        close = [(c, s) for c, s in ranked[:MAX_CANDIDATES]]
        if top >= FUZZY_MIN_SCORE:
            # Several units are about equally close: a person must choose.
            close = [(c, s) for c, s in close if top - s < FUZZY_MIN_MARGIN]
            return self._choice(base, [c for c, _ in close], "ambiguous", top, dict(close))
        return self._choice(base, [c for c, _ in close], "unknown", top, dict(close))

    # helpers ----------------------------------------------------------------------------------
    def _pool(self, script: str, level: str, oblast: str | None, raion: str | None) -> tuple[list[str], list[str]]:
        pool_key = (script, level, oblast, raion)
        pool = self._fuzzy_pool.get(pool_key)
        if pool is None:
            in_scope = self._in_scope_filter(level, oblast, raion)
            keys: list[str] = []
            codes: list[str] = []
            for tier in self._index.get(level, _empty_index())[script]:
                for key, key_codes in tier.items():
                    for code in sorted(key_codes):
                        if in_scope(code):
                            keys.append(key)
                            codes.append(code)
            pool = self._fuzzy_pool[pool_key] = (keys, codes)
        return pool

    def _in_scope_filter(self, level: str, oblast: str | None, raion: str | None) -> Callable[[str], bool]:
        units = self._units
        if level == "oblast":
            return lambda code: True
        if raion is not None and level == "hromada":
            return lambda code: units[code].raion_code == raion and (oblast is None or units[code].oblast_code == oblast)
        if oblast is not None:
            return lambda code: units[code].oblast_code == oblast
        return lambda code: True

    def _scope_text(self, oblast: str | None, raion: str | None) -> tuple[str, str] | None:
        parts_uk, parts_en = [], []
        if raion is not None and raion in self._units:
            parts_uk.append(f"{self._units[raion].name_uk} район")
            parts_en.append(f"{self._units[raion].name_en} raion")
        if oblast is not None and oblast in self._units:
            parts_uk.append(f"{self._units[oblast].name_uk} область")
            parts_en.append(f"{self._units[oblast].name_en} oblast")
        return (", ".join(parts_uk), ", ".join(parts_en)) if parts_uk else None

    def _place(self, code: str, with_raion: bool) -> tuple[str, str]:
        unit = self._units[code]
        return self._scope_text(unit.oblast_code, unit.raion_code if with_raion else None) or ("", "")

    def _cyrillic_score(self, key: str, code: str) -> float:
        return max((fuzz.ratio(key, k) for k in self._cyrillic_keys.get(code, [])), default=100.0)

    def _candidate(self, code: str, score: float) -> Candidate:
        unit = self._units[code]
        oblast = self._units.get(unit.oblast_code)
        return Candidate(code, unit.name_uk, unit.name_en, oblast.name_uk if oblast else "", round(score, 1))

    def _labels(self, codes: list[str]) -> dict[str, tuple[str, str]]:
        return {c: (self._units[c].label_uk, self._units[c].label_en) for c in codes}

    def _resolved(self, base: Match, code: str, status: Status, score: float) -> Match:
        return replace(base, code=code, status=status, score=round(score, 1),
                       candidates=[self._candidate(code, score)], labels=self._labels([code]))

    def _choice(self, base: Match, codes: list[str], status: Status, score: float,
                scores: dict[str, float] | None = None) -> Match:
        codes = codes[:MAX_CANDIDATES]
        candidates = [self._candidate(c, (scores or {}).get(c, score)) for c in codes]
        return replace(base, status=status, score=round(score, 1), candidates=candidates,
                       reason="ambiguous" if status == "ambiguous" else "unknown", labels=self._labels(codes))


def _empty_index() -> dict[str, list[dict[str, set[str]]]]:
    # script -> [current names, other names] -> key -> codes; "loose" is Cyrillic without ь and ’.
    return {"cyr": [{}, {}], "lat": [{}, {}], "loose": [{}, {}]}


def _loose(key: str) -> str:
    return key.replace("ь", "").replace("’", "")


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    return str(value)


def _list(value: Any) -> list[str]:
    if value is None or isinstance(value, float):
        return []
    return [str(v) for v in value]


def _code_form(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def _looks_like_code(value: str) -> bool:
    return bool(_CODE.match(_code_form(value)))
