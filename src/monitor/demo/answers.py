"""Synthetic answers for any survey instrument, derived from its definition plus a small story.

`synth_answers` returns one row per respondent with one column per question name, in the values a
tool would store: choice *codes* (select_multiple as space-separated codes), integers, floats,
dates (datetime64), territories as Ukrainian names or KATOTTG codes (a realistic mix). Two meta
columns carry what export tools add themselves: `_uuid` and `_submitted_at`. Repeat rows are a
separate frame per repeat, linked by `_parent_uuid` (and `_position`, 1-based).

Everything is drawn from the numpy Generator passed in, so a seed gives the same data every time.
"""

from __future__ import annotations

import re
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from monitor import deadlines, expr, subsistence
from monitor.demo.story import (
    CHERNIVTSI,
    KHARKIV,
    Count,
    Coverage,
    Duration,
    Money,
    Pick,
    Rating,
    Share,
    Spec,
    Story,
    story_of,
)
from monitor.framework.models import Question, QuestionType, Survey
from monitor.geo import reference_dir

LEVELS = ("oblast", "raion", "hromada")
# Choices that exclude every other tick in a select_multiple ("none", "prefer not to say").
EXCLUSIVE = {"none", "no_answer", "dont_know", "not_applicable"}
_SCALE = re.compile(r"\.\s*>=?\s*1\b.*\.\s*<=?\s*5\b")
_UPPER = re.compile(r"\.\s*<=\s*(\d+)")

_FIRST = ["Олена", "Ірина", "Наталія", "Тетяна", "Оксана", "Сергій", "Андрій", "Олександр", "Віктор", "Юлія"]
_LAST = ["Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Шевченко", "Мельник", "Поліщук", "Савченко",
         "Руденко", "Лисенко"]
_PHRASES = ["Немає коментарів", "Див. супровідний лист", "Бракує фахівців", "Потрібне навчання",
            "Відповідь надано частково"]
_ALNUM = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"))


@dataclass
class Synth:
    """Answers of one survey and wave: the main frame and one frame per repeat."""

    frame: pd.DataFrame
    repeats: dict[str, pd.DataFrame] = field(default_factory=dict)


@dataclass
class _Ctx:
    survey: Survey
    story: Story
    rng: np.random.Generator
    wave: str
    wave_index: int
    year: int
    units: pd.DataFrame  # one row per respondent: oblast/raion/hromada codes, oblast_en, kind
    places: pd.DataFrame  # the territory reference, indexed by code
    answer_seed: int = 0  # each question's answers come from their own stream (see question_rng)

    def question_rng(self, name: str) -> np.random.Generator:
        """A stream of its own for one question: adding a question to an instrument changes no other answers."""
        return np.random.default_rng([self.answer_seed, zlib.crc32(name.encode("utf-8"))])

    @property
    def n(self) -> int:
        return len(self.units)

    @property
    def oblasts(self) -> np.ndarray:
        return self.units["oblast_en"].to_numpy(dtype=object)


# --------------------------------------------------------------------------- public API


def reference_territories() -> pd.DataFrame:
    """The territory reference from data/reference (no database needed), shaped like `territories()`."""
    from monitor.store.territory import reference_rows

    return pd.DataFrame(reference_rows())


def synth_answers(
    survey: Survey, territories: pd.DataFrame, wave: str, rng: np.random.Generator, n: int | None = None
) -> pd.DataFrame:
    """One row per respondent (see module doc); repeat frames are in `frame.attrs['repeats']`."""
    synth = synth_survey(survey, territories, wave, rng, n)
    synth.frame.attrs["repeats"] = synth.repeats
    return synth.frame


def synth_survey(
    survey: Survey, territories: pd.DataFrame, wave: str, rng: np.random.Generator, n: int | None = None
) -> Synth:
    story = story_of(survey.id)
    places = territories.drop_duplicates("code").set_index("code", drop=False).rename_axis(None)
    wave_values = _wave_values(survey)
    wave_index = wave_values.index(wave) if wave in wave_values else 0
    year = int(wave[:4]) if wave[:4].isdigit() else date.today().year
    coverage = story.coverage or _default_coverage(survey)
    units = _units(coverage, places, wave_index, rng, n)
    ctx = _Ctx(survey, story, rng, wave, wave_index, year, units, places, int(rng.integers(2**62)))

    columns: dict[str, object] = {}
    dates = _dates(year, ctx.n, rng)
    for question in survey.questions:
        if question.type == QuestionType.repeat:
            continue
        if question.name == survey.wave_question:
            columns[question.name] = np.full(ctx.n, wave, dtype=object)
        elif question.type == QuestionType.territory:
            columns[question.name] = _territory(question, ctx)
        elif question.name == survey.date_question:
            columns[question.name] = dates
        else:
            columns[question.name] = _answer(question, ctx, ctx.n, ctx.oblasts)
    frame = pd.DataFrame(columns)
    frame.insert(0, "_uuid", [_uuid(rng) for _ in range(ctx.n)])
    lag = rng.integers(0, 3, ctx.n) * 86400 + rng.integers(8 * 3600, 19 * 3600, ctx.n)
    frame["_submitted_at"] = pd.to_datetime(dates) + pd.to_timedelta(lag, unit="s")
    _refusals(frame, survey)
    _apply_relevance(frame, survey.questions)

    repeats = {q.name: _repeat(q, frame, ctx) for q in survey.repeats()}
    fixup = _FIXUPS.get(survey.id)
    if fixup is not None:
        fixup(frame, repeats, ctx)
    _refusals(frame, survey)
    for children in repeats.values():
        children.attrs.pop("parent_row", None)
    order = np.argsort(frame["_submitted_at"].to_numpy(), kind="stable")
    frame = frame.iloc[order].reset_index(drop=True)
    return Synth(_typed(frame, survey.questions), {k: _typed(v, _repeat_q(survey, k).questions) for k, v in repeats.items()})


# --------------------------------------------------------------------------- who answers


def _wave_values(survey: Survey) -> list[str]:
    question = survey.question(survey.wave_question or "")
    values = [c.value for c in survey.choices_of(question)] if question else []
    return values or ["2021", "2022"]


def _default_coverage(survey: Survey) -> Coverage:
    if survey.expected is not None:
        return Coverage("each", str(survey.expected.level), share=0.85)
    if survey.unit in {"person", "case", "request"}:
        return Coverage("per_oblast", str(survey.territory_level), low=10, high=30)
    return Coverage("each", str(survey.territory_level), share=0.85)


def _units(coverage: Coverage, places: pd.DataFrame, wave_index: int, rng: np.random.Generator,
           n: int | None) -> pd.DataFrame:
    pool = places[places["level"] == coverage.level].sort_values("code")
    oblast_en = places.loc[places["level"] == "oblast"].set_index("code")["name_en"]
    factor = pool["oblast_code"].map(lambda c: _oblast_factor(coverage, oblast_en.get(c, ""), wave_index))
    weights = pd.to_numeric(pool["population"], errors="coerce").fillna(1000).to_numpy(float) * factor.to_numpy()
    if n is not None:
        replace = n > len(pool) or coverage.mode != "each"
        picked = rng.choice(len(pool), size=n, replace=replace, p=weights / weights.sum() if replace else None)
        chosen = pool.iloc[np.sort(picked)]
    elif coverage.mode == "each":
        chosen = pool[rng.random(len(pool)) < coverage.share * factor.to_numpy()]
    elif coverage.mode == "per_oblast":
        parts = []
        for oblast_code, group in pool.groupby("oblast_code", sort=True):
            f = _oblast_factor(coverage, oblast_en.get(oblast_code, ""), wave_index)
            k = int(round(rng.integers(coverage.low, coverage.high + 1) * f))
            w = pd.to_numeric(group["population"], errors="coerce").fillna(1000).to_numpy(float)
            parts.append(group.iloc[np.sort(rng.choice(len(group), size=k, p=w / w.sum()))])
        chosen = pd.concat(parts) if parts else pool.iloc[:0]
    else:
        k = int(rng.integers(coverage.low, coverage.high + 1))
        chosen = pool.iloc[np.sort(rng.choice(len(pool), size=k, p=weights / weights.sum()))]
    level = coverage.level
    units = pd.DataFrame({
        "oblast_code": chosen["oblast_code"].to_numpy(dtype=object),
        "raion_code": (chosen["raion_code"] if level != "oblast" else pd.Series([None] * len(chosen))).to_numpy(dtype=object),
        "hromada_code": (chosen["code"] if level == "hromada" else pd.Series([None] * len(chosen))).to_numpy(dtype=object),
        "kind": chosen["kind"].to_numpy(dtype=object) if "kind" in chosen else None,
    })
    units["oblast_en"] = units["oblast_code"].map(lambda c: oblast_en.get(c, "")).astype(object)
    return units


def _oblast_factor(coverage: Coverage, oblast: str, wave_index: int) -> float:
    factor = coverage.oblast.get(oblast, 1.0)
    if wave_index > 0:
        factor *= coverage.wave_oblast.get(oblast, 1.0)
    return factor


# --------------------------------------------------------------------------- answers


def _answer(question: Question, ctx: _Ctx, n: int, oblasts: np.ndarray) -> object:
    spec = ctx.story.questions.get(question.name)
    survey, rng = ctx.survey, ctx.question_rng(question.name)
    kind = question.type
    if kind == QuestionType.select_one:
        choices = [c.value for c in survey.choices_of(question)]
        if question.name == survey.consent_question and spec is None:
            spec = Share("yes", 0.97)
        return _share(spec if isinstance(spec, Share) else None, choices, oblasts, ctx.wave_index, rng)
    if kind == QuestionType.select_multiple:
        choices = [c.value for c in survey.choices_of(question)]
        return _pick(spec if isinstance(spec, Pick) else Pick({}, default=0.3), choices, ctx.wave_index, n, rng)
    if kind == QuestionType.integer:
        return _integer(question, spec, oblasts, ctx.wave_index, rng)
    if kind == QuestionType.decimal:
        return _money(spec if isinstance(spec, Money) else Money(1000), oblasts, ctx.wave_index, rng)
    if kind == QuestionType.date:
        return _dates(ctx.year, n, rng)
    if kind == QuestionType.territory:
        return np.full(n, None, dtype=object)
    return _text(question, ctx, n, oblasts)


def _probability(base: float, change: float, offsets: dict | object, oblasts: np.ndarray, wave_index: int) -> np.ndarray:
    offset = np.array([offsets.get(o, 0.0) for o in oblasts], dtype=float)
    return base + change * wave_index + offset


def _share(spec: Share | None, choices: list[str], oblasts: np.ndarray, wave_index: int,
           rng: np.random.Generator) -> np.ndarray:
    n = len(oblasts)
    if not choices:
        return np.full(n, None, dtype=object)
    if spec is None:
        return np.array(choices, dtype=object)[rng.integers(0, len(choices), n)]
    goods = (spec.good,) if isinstance(spec.good, str) else spec.good
    good = [c for c in choices if c in goods]
    others = [c for c in choices if c not in good]
    if not good:
        return np.array(choices, dtype=object)[rng.integers(0, len(choices), n)]
    p = _probability(spec.base, spec.change, spec.oblast, oblasts, wave_index)
    p = np.clip(p, 0.02, 0.98) if others and spec.base < 1 else np.clip(p, 0.0, 1.0)
    w = np.array([spec.others.get(c, 1.0) for c in others], dtype=float)
    w = w / w.sum() if len(w) else w
    probs = np.column_stack([np.repeat(p[:, None] / len(good), len(good), axis=1), (1 - p)[:, None] * w[None, :]])
    idx = (rng.random(n)[:, None] > np.cumsum(probs, axis=1)).sum(axis=1)
    return np.array(good + others, dtype=object)[np.minimum(idx, len(choices) - 1)]


def _pick(spec: Pick, choices: list[str], wave_index: int, n: int, rng: np.random.Generator) -> np.ndarray:
    if not choices:
        return np.full(n, None, dtype=object)
    p = np.array([spec.p.get(c, spec.default) + spec.change.get(c, 0.0) * wave_index for c in choices])
    ticks = rng.random((n, len(choices))) < np.clip(p, 0.0, 1.0)
    exclusive = np.array([c in EXCLUSIVE for c in choices])
    if exclusive.any():
        ticks[:, exclusive] &= ~(ticks[:, ~exclusive].any(axis=1))[:, None]
    empty = ~ticks.any(axis=1)
    fallback = int(np.argmax(exclusive)) if exclusive.any() else int(np.argmax(p))
    ticks[empty, fallback] = True
    return np.array([" ".join(c for c, t in zip(choices, row, strict=True) if t) for row in ticks], dtype=object)


def _integer(question: Question, spec: Spec | None, oblasts: np.ndarray, wave_index: int,
             rng: np.random.Generator) -> np.ndarray:
    n = len(oblasts)
    constraint = question.constraint or ""
    if spec is None and _SCALE.search(constraint):
        spec = Rating(3.5)
    if isinstance(spec, Rating):
        mean = _probability(spec.mean, spec.change, spec.oblast, oblasts, wave_index)
        return np.clip(np.rint(rng.normal(mean, spec.sd)), 1, 5).astype(np.int64)
    if isinstance(spec, Duration):
        return _duration(spec, oblasts, wave_index, rng)
    if spec is None:
        upper = _UPPER.search(constraint)
        if upper:
            return rng.integers(0, int(upper.group(1)) + 1, n)
        spec = Count(3.0)
    if not isinstance(spec, Count):
        spec = Count(3.0)
    factor = np.array([spec.oblast.get(o, 1.0) for o in oblasts])
    values = rng.poisson(spec.mean * spec.change**wave_index * factor)
    values[rng.random(n) < spec.zero] = 0
    return values.astype(np.int64)


def _duration(spec: Duration, oblasts: np.ndarray, wave_index: int, rng: np.random.Generator) -> np.ndarray:
    factor = np.array([spec.oblast.get(o, 1.0) for o in oblasts])
    median = spec.median * spec.change**wave_index * factor
    return np.maximum(np.rint(median * np.exp(rng.normal(0, spec.sigma, len(oblasts)))), 0).astype(np.int64)


def _money(spec: Money, oblasts: np.ndarray, wave_index: int, rng: np.random.Generator) -> np.ndarray:
    factor = np.array([spec.oblast.get(o, 1.0) for o in oblasts])
    median = spec.median * spec.change**wave_index * factor
    values = np.round(median * np.exp(rng.normal(0, spec.sigma, len(oblasts))), -2)
    values[rng.random(len(oblasts)) < spec.zero] = 0.0
    return values


def _dates(year: int, n: int, rng: np.random.Generator) -> np.ndarray:
    start = np.datetime64(f"{year}-01-10")
    end = min(np.datetime64(f"{year}-12-20"), np.datetime64(date.today()))
    span = max(int((end - start).astype(int)), 1)
    return (start + rng.integers(0, span, n).astype("timedelta64[D]")).astype("datetime64[ns]")


def _text(question: Question, ctx: _Ctx, n: int, oblasts: np.ndarray) -> np.ndarray:
    rng, name = ctx.rng, question.name
    if question.personal:
        if ctx.survey.respondent == "survivor":
            return np.full(n, None, dtype=object)  # survivors: never names, never contacts
        if "phone" in name or "tel" in name:
            return np.array([f"+380 {rng.choice(['50', '67', '63', '97'])} {rng.integers(100, 999)} "
                             f"{rng.integers(10, 99)} {rng.integers(10, 99)}" for _ in range(n)], dtype=object)
        return np.array([f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(n)], dtype=object)
    if name == "interviewer_org":
        return np.array([_ORGS.get(o, "ГО «Громадський контроль»") for o in oblasts], dtype=object)
    if name == "respondent_code":
        return np.array(["SV-" + "".join(rng.choice(_ALNUM, 6)) for _ in range(n)], dtype=object)
    phrases = np.array(_PHRASES, dtype=object)[rng.integers(0, len(_PHRASES), n)]
    if not question.required:
        phrases[rng.random(n) < 0.7] = None
    return phrases


_ORGS = {
    "Kirovohradska": "ГО «Кропивницька правозахисна група»",
    "Poltavska": "ГО «Полтавський центр громадського контролю»",
    KHARKIV: "ГО «Харківська правозахисна мережа»",
    CHERNIVTSI: "ГО «Буковинська ініціатива»",
}


def _uuid(rng: np.random.Generator) -> str:
    return str(uuid.UUID(bytes=rng.bytes(16), version=4))


# --------------------------------------------------------------------------- territories


def _territory(question: Question, ctx: _Ctx) -> np.ndarray:
    level = str(question.level or ctx.survey.territory_level)
    codes = ctx.units[f"{level}_code"].to_numpy(dtype=object).copy() if f"{level}_code" in ctx.units else None
    if codes is None:
        codes = np.full(ctx.n, None, dtype=object)
    missing = np.array([c is None or (isinstance(c, float) and np.isnan(c)) for c in codes], dtype=bool)
    if missing.any():
        # Finer than the respondent's unit (a survivor's raion): optional, so mostly left empty.
        pool = ctx.places[ctx.places["level"] == level]
        for i in np.flatnonzero(missing):
            unit = ctx.units.iloc[i]
            children = pool[pool["oblast_code"] == unit["oblast_code"]]
            if level == "hromada" and unit["raion_code"] is not None:
                children = children[children["raion_code"] == unit["raion_code"]]
            if not len(children):
                continue
            if question.required or (question.relevant is None and ctx.rng.random() < 0.3):
                codes[i] = children["code"].iloc[int(ctx.rng.integers(0, len(children)))]
    return _render_places(codes, level, ctx)


def _render_places(codes: np.ndarray, level: str, ctx: _Ctx) -> np.ndarray:
    places = ctx.places
    at_level = places[places["level"] == level]
    ambiguous = set(at_level["name_uk"][at_level["name_uk"].duplicated(keep=False)])
    u = ctx.rng.random(len(codes))
    known = pd.Series(codes, dtype=object).where(pd.Series(codes, dtype=object).isin(places.index))
    name = known.map(places["name_uk"]).to_numpy(dtype=object)
    full = known.map(places["full_name_uk"]).to_numpy(dtype=object) if "full_name_uk" in places else name
    as_code = (u < ctx.story.code_share) | np.isin(name, list(ambiguous))
    as_full = (level == "hromada") & (u > 0.92) & pd.notna(full)
    out = np.where(as_code, known.to_numpy(dtype=object), np.where(as_full, full, name))
    return np.where(known.isna().to_numpy(), None, out).astype(object)


# --------------------------------------------------------------------------- structure


def _refusals(frame: pd.DataFrame, survey: Survey) -> None:
    """Consent "no" ends the interview: everything after the consent question stays empty."""
    consent = survey.consent_question
    if not consent or consent not in frame:
        return
    refused = (frame[consent] == "no").to_numpy()
    if not refused.any():
        return
    names = [q.name for q in survey.questions if q.type != QuestionType.repeat]
    keep = {survey.wave_question, survey.date_question, consent, "interviewer_org"}
    keep |= {q.name for q in survey.questions if q.type == QuestionType.territory}
    after = names[names.index(consent) + 1:] if consent in names else []
    for name in after:
        if name not in keep and name in frame:
            frame[name] = frame[name].astype(object).where(~refused, None)


def _apply_relevance(frame: pd.DataFrame, questions: list[Question]) -> None:
    multi = frozenset(q.name for q in questions if q.type == QuestionType.select_multiple)
    for question in questions:
        if question.relevant and question.name in frame:
            try:
                shown = expr.truthy(expr.evaluate(question.relevant, frame, expr.Bindings(multi=multi)))
            except (KeyError, TypeError, expr.ExprSyntaxError):
                continue  # a condition on something we did not generate: leave the answers
            frame[question.name] = frame[question.name].astype(object).where(shown.to_numpy(), None)


def _repeat_q(survey: Survey, name: str) -> Question:
    question = survey.question(name)
    assert question is not None
    return question


def _repeat(question: Question, frame: pd.DataFrame, ctx: _Ctx) -> pd.DataFrame:
    spec = ctx.story.repeat_rows.get(question.name, Count(3.0))
    counts = _integer(question, spec, ctx.oblasts, ctx.wave_index, ctx.rng)
    consent = ctx.survey.consent_question
    if consent and consent in frame:
        counts = np.where((frame[consent] == "no").to_numpy(), 0, counts)
    parent = np.repeat(np.arange(len(frame)), counts)
    oblasts = ctx.oblasts[parent]
    columns: dict[str, object] = {
        "_parent_uuid": frame["_uuid"].to_numpy(dtype=object)[parent],
        "_position": np.concatenate([np.arange(1, c + 1) for c in counts]) if len(counts) else np.array([], int),
    }
    for child in question.questions:
        columns[child.name] = _answer(child, ctx, len(parent), oblasts)
    children = pd.DataFrame(columns)
    _apply_relevance(children, question.questions)
    children.attrs["parent_row"] = parent
    return children


def _typed(frame: pd.DataFrame, questions: list[Question]) -> pd.DataFrame:
    """Nullable dtypes per question type, so writers can tell a missing answer from a zero."""
    for question in questions:
        name = question.name
        if name not in frame:
            continue
        if question.type == QuestionType.integer:
            frame[name] = pd.array([None if _blank(v) else int(v) for v in frame[name]], dtype="Int64")
        elif question.type == QuestionType.decimal:
            frame[name] = pd.array([None if _blank(v) else float(v) for v in frame[name]], dtype="Float64")
        elif question.type == QuestionType.date:
            frame[name] = pd.to_datetime(frame[name])
        else:
            frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
    return frame


def _blank(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


# --------------------------------------------------------------------------- per-survey plausibility


def _set(frame: pd.DataFrame, name: str, values: object, where: np.ndarray | None = None) -> None:
    if name not in frame:
        return
    if where is None:
        frame[name] = values
    else:
        current = frame[name].astype(object).to_numpy().copy()
        current[where] = np.asarray(values, dtype=object)[where]
        frame[name] = current


def _ints(frame: pd.DataFrame, name: str) -> np.ndarray:
    return pd.to_numeric(frame[name], errors="coerce").fillna(0).to_numpy(np.int64) if name in frame else np.zeros(len(frame), np.int64)


def _fix_hromada(frame: pd.DataFrame, repeats: dict[str, pd.DataFrame], ctx: _Ctx) -> None:
    rng = ctx.rng
    kinds = {"міська": "city", "селищна": "settlement", "сільська": "village"}
    if "hromada_type" in frame:
        _set(frame, "hromada_type", np.array([kinds.get(k) for k in ctx.units["kind"]], dtype=object))
    if "local_programme" in frame and "ct_spending" in frame:
        without = frame["local_programme"].isin(["none", "dont_know"]).to_numpy() & (rng.random(len(frame)) < 0.85)
        _set(frame, "ct_spending", np.zeros(len(frame)), without)
        _set(frame, "ct_planned", np.zeros(len(frame)), without & (rng.random(len(frame)) < 0.8))
    trained = _ints(frame, "staff_trained")
    women = rng.binomial(trained, 0.72)
    has = frame["staff_trained"].notna().to_numpy() if "staff_trained" in frame else np.zeros(len(frame), bool)
    _set(frame, "staff_trained_women", np.where(has, women, None).astype(object))
    _set(frame, "staff_trained_men", np.where(has, trained - women, None).astype(object))
    if "obstacles_other" in frame and "obstacles" in frame:
        other = frame["obstacles"].fillna("").str.split().map(lambda v: "other" in v).to_numpy(bool)
        _set(frame, "obstacles_other", np.where(other, "Часта зміна керівництва", None).astype(object))


def _fix_status(frame: pd.DataFrame, repeats: dict[str, pd.DataFrame], ctx: _Ctx) -> None:
    """Each case walks the steps of Procedure 417 in order, as the list stood on the form's date (mid to late
    December): a step not taken by then is open, so the indicators see pending and late cases."""
    rng, n = ctx.rng, len(frame)
    filled = np.datetime64(f"{ctx.year}-12-15") + rng.integers(0, 8, n).astype("timedelta64[D]")
    filled = np.minimum(filled, np.datetime64(date.today()) - np.timedelta64(1, "D"))
    if "date" in frame:
        frame["date"] = filled.astype("datetime64[ns]")
        lag = rng.integers(0, 3, n) * 86400 + rng.integers(8 * 3600, 19 * 3600, n)
        frame["_submitted_at"] = pd.to_datetime(filled) + pd.to_timedelta(lag, unit="s")
    cases = repeats.get("cases")
    if cases is not None and len(cases):
        _case_steps(cases, filled[cases.attrs["parent_row"]], ctx)
        parent = cases.attrs["parent_row"]
        for name, value in (("applications_total", None), ("granted_count", "granted"), ("refused_count", "refused"),
                            ("pending_count", "pending"), ("withdrawn_count", "withdrawn")):
            hit = np.ones(len(cases), bool) if value is None else (cases["decision"] == value).to_numpy()
            _set(frame, name, np.bincount(parent[hit], minlength=n).astype(object))
    granted = _ints(frame, "granted_count")
    paid = rng.binomial(granted, min(0.95, 0.7 + 0.1 * ctx.wave_index))
    on_time = rng.binomial(paid, max(0.05, 0.65 - 0.2 * ctx.wave_index))
    for name, values in (("paid_count", paid), ("payments_total", paid), ("paid_within_30_days", on_time)):
        _set(frame, name, values.astype(object))


def _case_steps(cases: pd.DataFrame, filled: np.ndarray, ctx: _Ctx) -> None:
    rng, k = ctx.rng, len(cases)
    nat = np.datetime64("NaT")

    def after(start: np.ndarray, median: float, sigma: float = 0.6) -> np.ndarray:
        days = np.maximum(np.round(median * np.exp(rng.normal(0, sigma, k))), 0).astype("timedelta64[D]")
        return start + days

    def by_then(day: np.ndarray) -> np.ndarray:
        return np.where(day <= filled, day, nat)

    start = np.datetime64(f"{ctx.year}-01-05")
    span = np.maximum((filled - start).astype(int) - 10, 1)
    applied = start + (rng.random(k) * span).astype(int).astype("timedelta64[D]")
    slower = 1.8 ** ctx.wave_index  # after the invasion the files took longer (TIP 2023, docs/domain)
    kind = np.array(["held", "not_required", "not_possible"], dtype=object)[
        rng.choice(3, size=k, p=[0.85, 0.12, 0.03])]
    interviewed = after(applied, 2 * slower)
    kind = np.where((kind == "held") & (interviewed > filled), "not_yet", kind)
    police_asked = by_then(after(applied, 1, 0.5))
    police_answered = by_then(after(police_asked, 7 * slower))
    ready = np.maximum(np.where(kind == "held", interviewed, applied), np.where(np.isnat(police_answered), applied, police_answered))
    file_sent = by_then(after(ready, 2))
    days = pd.to_numeric(cases.get("days_to_decision"), errors="coerce").to_numpy(float)
    days = np.where(np.isnan(days), 10, days)
    decided = np.maximum(applied + days.astype("timedelta64[D]"), file_sent + np.timedelta64(1, "D"))
    decision = cases["decision"].to_numpy(object).copy()
    closes = np.isin(decision, ["granted", "refused"])
    late_open = closes & (np.isnat(file_sent) | (decided > filled))
    decision[late_open] = "pending"
    closes &= ~late_open
    certificate = by_then(after(decided, 3, 0.5))
    granted = decision == "granted"
    cases["decision"] = decision
    cases["application_date"] = applied.astype("datetime64[ns]")
    _set(cases, "interview", kind)
    _set(cases, "interview_date", np.where(kind == "held", interviewed, nat).astype("datetime64[ns]"))
    _set(cases, "police_check_requested_date", police_asked.astype("datetime64[ns]"))
    _set(cases, "police_check_answered_date", police_answered.astype("datetime64[ns]"))
    _set(cases, "file_sent_date", file_sent.astype("datetime64[ns]"))
    cases["decision_date"] = np.where(closes, decided, nat).astype("datetime64[ns]")
    if "days_to_decision" in cases:
        cases["days_to_decision"] = np.where(closes, (decided - applied).astype(int), None).astype(object)
    deciders = np.where(rng.random(k) < (0.15 if ctx.wave_index == 0 else 0.7), "nssu", "msp").astype(object)
    _set(cases, "decided_by", np.where(closes, deciders, None))
    _set(cases, "certificate_date", np.where(granted, certificate, nat).astype("datetime64[ns]"))
    for name in ("refusal_reason",):
        if name in cases:
            cases[name] = np.where(decision == "refused", cases[name].to_numpy(object), None)
    _case_payments(cases, granted, certificate, filled, after, by_then, ctx)


def _case_payments(cases: pd.DataFrame, granted: np.ndarray, certificate: np.ndarray, filled: np.ndarray,
                   after: Callable[..., np.ndarray], by_then: Callable[[np.ndarray], np.ndarray], ctx: _Ctx) -> None:
    """The one-time assistance of each person granted status: most apply soon after the certificate; payment
    slower after the invasion; a few paid one minimum instead of three (the 2013 rule), for S06A to find."""
    if "payment_applied_date" not in cases:
        return
    rng, k = ctx.rng, len(cases)
    nat = np.datetime64("NaT")
    child = (cases["applicant_age_group"] == "0_17").to_numpy() if "applicant_age_group" in cases else np.zeros(k, bool)
    category = np.where(child, np.where(rng.random(k) < 0.3, "child_under_6", "child_6_17"),
                        np.where(rng.random(k) < 0.1, "lost_capacity", "able_bodied")).astype(object)
    applies = granted & ~np.isnat(certificate) & (rng.random(k) < 0.85 - 0.1 * ctx.wave_index)
    applied = np.where(applies, by_then(after(np.where(np.isnat(certificate), filled, certificate), 5)), nat)
    paid = by_then(after(applied, 20 * 1.7**ctx.wave_index, 0.5))
    minimum = subsistence.load_table(reference_dir() / "subsistence_minimum.csv").lookup(category, applied)
    times = np.where(rng.random(k) < 0.08, 1.0, 3.0)
    amount = np.where(np.isnat(paid) | np.isnan(minimum), np.nan, times * minimum)
    _set(cases, "person_category", np.where(granted, category, None))
    _set(cases, "payment_applied_date", applied.astype("datetime64[ns]"))
    _set(cases, "payment_date", paid.astype("datetime64[ns]"))
    _set(cases, "payment_amount", np.where(np.isnan(amount), None, amount).astype(object))


def _fix_police(frame: pd.DataFrame, repeats: dict[str, pd.DataFrame], ctx: _Ctx) -> None:
    rng = ctx.rng
    victims = _ints(frame, "victims_identified")
    women = rng.binomial(victims, 0.55)
    children = rng.binomial(victims - women, 0.3)
    _set(frame, "victims_identified_women", women.astype(object))
    _set(frame, "victims_identified_children", children.astype(object))
    _set(frame, "victims_identified_men", (victims - women - children).astype(object))
    # Kharkiv refers most police-identified victims to the administration; Chernivtsi the fewest.
    p = np.clip(_probability(0.5, 0.15, {KHARKIV: 0.25, CHERNIVTSI: -0.1}, ctx.oblasts, ctx.wave_index), 0, 0.97)
    lsa = rng.binomial(victims, p)
    _set(frame, "victims_referred_lsa", lsa.astype(object))
    _set(frame, "victims_referred_ngo", rng.binomial(victims - lsa, 0.4).astype(object))
    _set(frame, "sent_to_court", rng.binomial(_ints(frame, "criminal_proceedings"), 0.45).astype(object))


def _fix_employment(frame: pd.DataFrame, repeats: dict[str, pd.DataFrame], ctx: _Ctx) -> None:
    first = ~ctx.units["oblast_code"].duplicated().to_numpy()
    _set(frame, "centre_type", np.where(first, "oblast_centre", "branch").astype(object))
    names = [ctx.places.loc[c, "name_uk"] if c in ctx.places.index else "" for c in ctx.units["raion_code"]]
    _set(frame, "centre_name", np.array([f"{name} філія обласного центру зайнятості" for name in names], dtype=object))


def _fix_survivors(frame: pd.DataFrame, repeats: dict[str, pd.DataFrame], ctx: _Ctx) -> None:
    rng = ctx.rng
    if "help_needed" in frame and "help_received" in frame:
        p = 0.65 + 0.1 * ctx.wave_index
        received = []
        for needed in frame["help_needed"]:
            if _blank(needed):
                received.append(None)
                continue
            items = [item for item in str(needed).split() if rng.random() < p]
            received.append(" ".join(items))
        frame["help_received"] = np.array(received, dtype=object)
        if "help_providers" in frame:  # asked only of those who received some help (its `relevant`)
            helped = np.array([bool(r) for r in received])
            frame["help_providers"] = np.where(helped, frame["help_providers"], None).astype(object)


def _fix_requests(frame: pd.DataFrame, repeats: dict[str, pd.DataFrame], ctx: _Ctx) -> None:
    """The log as it stood on `checked_on`: receipt by channel, answers counted in working days from receipt
    (monitor.deadlines, the calendar R01 judges by), answers not yet in by that day left open."""
    rng, n = ctx.rng, len(frame)
    if "date_sent" not in frame:
        return
    calendar = deadlines.ukrainian_calendar()
    sent = pd.to_datetime(frame["date_sent"]).to_numpy().astype("datetime64[D]")
    channel = frame["channel"].to_numpy(object) if "channel" in frame else np.full(n, "email", dtype=object)
    by_post = channel == "post"
    received = np.where(by_post, sent + rng.integers(2, 7, n).astype("timedelta64[D]"), sent)
    unknown = by_post & (rng.random(n) < 0.2)  # no delivery notice and no registration date in the reply
    basis = np.where(by_post, np.where(rng.random(n) < 0.5, "delivery_notice", "registration_in_reply"),
                     np.where(channel == "in_person", "in_person", "same_day_electronic")).astype(object)
    spec = ctx.story.questions.get("days_to_answer")
    days = _duration(spec if isinstance(spec, Duration) else Duration(4), ctx.oblasts, ctx.wave_index, rng)
    answered = calendar.add_working_days(received, np.maximum(days, 1))
    checked = np.datetime64(f"{ctx.year}-12-23")
    none = (frame["completeness"] == "none").to_numpy() if "completeness" in frame else np.zeros(n, bool)
    open_ = none | (answered > checked)
    if "completeness" in frame:
        frame["completeness"] = np.where(open_, "none", frame["completeness"].to_numpy(object))
    nat = np.datetime64("NaT")
    _set(frame, "date_received", np.where(unknown, nat, received).astype("datetime64[ns]"))
    _set(frame, "receipt_basis", np.where(unknown, None, basis))
    _set(frame, "checked_on", np.full(n, checked).astype("datetime64[ns]"))
    if "date_answered" in frame:
        frame["date_answered"] = np.where(open_, nat, answered).astype("datetime64[ns]")
    if "extension_date" in frame and "extension_notice" in frame:
        notice = (frame["extension_notice"] == "yes").to_numpy()
        in_time = calendar.add_working_days(received, np.where(rng.random(n) < 0.8, 3, 7))
        frame["extension_date"] = np.where(notice, in_time, nat).astype("datetime64[ns]")
    refused = frame["completeness"].isin(["partial", "refusal"]).to_numpy() if "completeness" in frame else np.zeros(n, bool)
    if "refusal_grounds" in frame:
        grounds = np.array(["Інформація з обмеженим доступом", "Розпорядник не володіє інформацією",
                            "Персональні дані"], dtype=object)[rng.integers(0, 3, n)]
        frame["refusal_grounds"] = np.where(refused, grounds, None)
    if "refusal_ground" in frame:
        frame["refusal_ground"] = np.where(refused, frame["refusal_ground"].to_numpy(object), None)
    if "appeal" in frame:
        # Only an unsatisfying answer is appealed: a refusal, a partial or no answer.
        appealed = (refused | open_) & (rng.random(n) < 0.3)
        kinds = np.array(["complaint", "ombudsman", "court"], dtype=object)[rng.integers(0, 3, n)]
        frame["appeal"] = np.where(appealed, kinds, "none").astype(object)
        start = np.where(np.isnat(answered) | open_, received, answered)
        when = np.minimum(start + rng.integers(1, 15, n).astype("timedelta64[D]"), checked)
        _set(frame, "appeal_date", np.where(appealed, np.maximum(when, sent), nat).astype("datetime64[ns]"))
    if "hromada" in frame and "addressee_body" in frame:
        _address_councils(frame, ctx)


def _places_in_oblast(rows: np.ndarray, level: str, ctx: _Ctx) -> np.ndarray:
    """Per row, a random place of `level` in the row's oblast where `rows` is true (else None), rendered."""
    pool = ctx.places[ctx.places["level"] == level]
    codes = np.full(len(rows), None, dtype=object)
    for i in np.flatnonzero(rows):
        children = pool[pool["oblast_code"] == ctx.units["oblast_code"].iloc[i]]
        if len(children):
            codes[i] = children["code"].iloc[int(ctx.rng.integers(0, len(children)))]
    return _render_places(codes, level, ctx)


def _address_councils(frame: pd.DataFrame, ctx: _Ctx) -> None:
    """A request to a hromada council names its hromada (the tracker finds the council by it), one of
    the oblast's; the hromada gives its raion, so the raion column is left to the hromada. A request to
    a raion administration names its raion."""
    council = (frame["addressee_body"] == "hromada").to_numpy()
    frame["hromada"] = _places_in_oblast(council, "hromada", ctx)
    if "raion" in frame:
        frame["raion"] = np.where(council, None, frame["raion"].to_numpy(object))
        raion_body = (frame["addressee_body"] == "raion_administration").to_numpy()
        unnamed = raion_body & np.array([_blank(v) for v in frame["raion"]], dtype=bool)
        if unnamed.any():
            frame["raion"] = np.where(unnamed, _places_in_oblast(unnamed, "raion", ctx), frame["raion"].to_numpy(object))


def _fix_job_seekers(frame: pd.DataFrame, repeats: dict[str, pd.DataFrame], ctx: _Ctx) -> None:
    rng, n = ctx.rng, len(frame)
    if "hotline_named" in frame and "knows_hotline" in frame:
        knows = (frame["knows_hotline"] == "yes").to_numpy()
        named = np.array(["527", "0 800 505 501", "116 123", "1547"], dtype=object)[rng.integers(0, 4, n)]
        frame["hotline_named"] = np.where(knows, named, None)
    if "urban_rural" in frame:
        urban = np.array([k == "міська" for k in ctx.units["kind"]]) & (rng.random(n) < 0.8)
        frame["urban_rural"] = np.where(urban | (rng.random(n) < 0.2), "urban", "rural").astype(object)


_FIXUPS: dict[str, Callable[[pd.DataFrame, dict[str, pd.DataFrame], _Ctx], None]] = {
    "hromada-officials": _fix_hromada,
    "status-procedure": _fix_status,
    "police": _fix_police,
    "employment-centres": _fix_employment,
    "survivors": _fix_survivors,
    "information-requests": _fix_requests,
    "job-seekers": _fix_job_seekers,
}
