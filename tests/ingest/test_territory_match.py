"""Matching what people type for a place to a KATOTTG code, against the real reference in a SQLite file."""

from __future__ import annotations

import random
import time

import pytest

from monitor.errors import issue, render_issue
from monitor.ingest.territory_match import (
    FUZZY_MIN_MARGIN,
    FUZZY_MIN_SCORE,
    TerritoryMatcher,
    normalise,
    transliterate,
)
from monitor.store import db as store_db
from monitor.store import territory

POLTAVA, KIROVOHRAD, KHARKIV, CHERNIVTSI = (
    "UA53000000000028050", "UA35000000000016081", "UA63000000000041885", "UA73000000000044923",
)
KREMENCHUK_H = "UA53020110000092487"
KREMENCHUK_R = "UA53020000000034761"
POLTAVA_H = "UA53080370000025447"
KOLOMAK_POLTAVA, KOLOMAK_KHARKIV = "UA53080150000085889", "UA63020070000090466"
VASHKIVTSI_VYZHNYTSIA, VASHKIVTSI_DNISTER = "UA73020070000035367", "UA73040010000039325"
VYZHNYTSKYI_R, DNISTROVSKYI_R = "UA73020000000038148", "UA73040000000031528"
BERESTYN_R = "UA63060000000053698"
ZNAMIANKA_H = "UA35040130000021732"


@pytest.fixture(scope="module")
def frame(tmp_path_factory):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path_factory.mktemp('territory')}/monitor.db"
    engine = store_db.connect(url)
    territory.load_reference(engine)
    yield territory.territories(engine)
    store_db.close(url)


@pytest.fixture
def matcher(frame) -> TerritoryMatcher:  # type: ignore[no-untyped-def]
    return TerritoryMatcher(frame)


# (value, level, oblast, raion, expected code or status)
CASES = [
    # KATOTTG codes: any case, with spaces
    ("UA53080370000025447", "hromada", None, None, POLTAVA_H),
    ("ua 5308 0370 0000 25447", "hromada", None, None, POLTAVA_H),
    (" UA53000000000028050 ", "oblast", None, None, POLTAVA),
    ("UA12000000000000000", "hromada", None, None, "outside-scope"),  # a code of another oblast
    ("UA53999999999999999", "hromada", None, None, "unknown"),  # looks like ours, does not exist
    (KREMENCHUK_R, "hromada", None, None, "unknown"),  # a raion code in the hromada column
    ("UA5308037000002544", "hromada", None, None, "unknown"),  # a digit missing: never guessed
    # Ukrainian names with and without type words, case and spaces
    ("Кременчуцька", "hromada", None, None, KREMENCHUK_H),
    ("Кременчуцька міська територіальна громада", "hromada", None, None, KREMENCHUK_H),
    ("  кременчуцька   МІСЬКА тг ", "hromada", None, None, KREMENCHUK_H),
    ("Кременчуцька громада", "hromada", None, None, KREMENCHUK_H),
    ("Кременчуцький район", "raion", None, None, KREMENCHUK_R),
    ("Кременчуцький р-н", "raion", None, None, KREMENCHUK_R),
    ("Харківська обл.", "oblast", None, None, KHARKIV),
    ("Полтавська область", "oblast", None, None, POLTAVA),
    # Latin (KMU-2010) names and English type words
    ("Kremenchutska miska terytorialna hromada", "hromada", None, None, KREMENCHUK_H),
    ("Kremenchutska city hromada", "hromada", None, None, KREMENCHUK_H),
    ("Kremenchutskyi rayon", "raion", None, None, KREMENCHUK_R),
    ("Kharkivska oblast", "oblast", None, None, KHARKIV),
    ("Poltava Oblast", "oblast", None, None, POLTAVA),  # named after its centre, as in English usage
    ("Kremenchuk raion", "raion", None, None, KREMENCHUK_R),
    # apostrophe variants
    ("Знам'янська", "hromada", None, None, ZNAMIANKA_H),
    ("Знамʼянська", "hromada", None, None, ZNAMIANKA_H),
    ("Знам`янська", "hromada", None, None, ZNAMIANKA_H),
    ("Знам‘янська", "hromada", None, None, ZNAMIANKA_H),
    # Latin look-alike letter typed inside a Cyrillic word ("a" and "i")
    ("Кременчуцькa", "hromada", None, None, KREMENCHUK_H),
    ("Kременчуцька", "hromada", None, None, KREMENCHUK_H),
    # administrative centre instead of the hromada name
    ("Кременчук", "hromada", None, None, KREMENCHUK_H),
    ("м. Кременчук", "hromada", None, None, KREMENCHUK_H),
    ("Kremenchuk", "hromada", None, None, KREMENCHUK_H),
    # former names: raion renamed in 2024, centres renamed in 2024
    ("Красноградський район", "raion", None, None, BERESTYN_R),
    ("Krasnohradskyi raion", "raion", None, None, BERESTYN_R),
    ("Берестинський", "raion", None, None, BERESTYN_R),
    ("Красноград", "hromada", None, None, "UA63060050000033240"),
    ("Новгородка", "hromada", None, None, "UA35040230000015609"),
    ("Первомайський", "hromada", None, None, "UA63100090000052019"),
    ("Chkalovske", "hromada", None, None, "UA63140150000093944"),
    ("Пролісне", "hromada", None, None, "UA63140150000093944"),  # the new centre name too
    # real duplicates: Коломацька exists in Полтавська and Харківська oblasts
    ("Коломацька", "hromada", None, None, "ambiguous"),
    ("Коломацька", "hromada", POLTAVA, None, KOLOMAK_POLTAVA),
    ("Коломацька", "hromada", KHARKIV, None, KOLOMAK_KHARKIV),
    ("Kolomatska", "hromada", KHARKIV, None, KOLOMAK_KHARKIV),
    # two hromadas of Чернівецька oblast have a centre called Вашківці: only the raion tells them apart
    ("Вашківці", "hromada", None, None, "ambiguous"),
    ("Вашківці", "hromada", CHERNIVTSI, None, "ambiguous"),
    ("Вашківці", "hromada", CHERNIVTSI, VYZHNYTSKYI_R, VASHKIVTSI_VYZHNYTSIA),
    ("Вашківці", "hromada", CHERNIVTSI, DNISTROVSKYI_R, VASHKIVTSI_DNISTER),
    # a name that exists, but in another oblast than the row says
    ("Полтавська", "hromada", KHARKIV, None, "mismatch"),
    ("UA53080370000025447", "hromada", KHARKIV, None, "mismatch"),
    # hyphenated names
    ("Петрівсько-Роменська", "hromada", None, None, "UA53060250000043118"),
    ("Petrivsko - Romenska", "hromada", None, None, "UA53060250000043118"),
    ("Усть–Путильська", "hromada", None, None, "UA73020170000016631"),  # en dash
]

# (value, level, oblast, expected code or status) for misspellings: accepted only when clearly one unit
TYPOS = [
    ("Кременчюцька", "hromada", None, KREMENCHUK_H),  # one letter off
    ("Кременчуцка", "hromada", None, KREMENCHUK_H),  # soft sign missing
    ("Знамянська", "hromada", None, ZNAMIANKA_H),  # apostrophe missing
    ("Пирятинская", "hromada", None, "UA53040090000048649"),  # Russian ending
    ("Kremenchutzka", "hromada", None, KREMENCHUK_H),
    ("Полтавскька", "hromada", None, POLTAVA_H),
    ("Кременчуцкий", "raion", None, KREMENCHUK_R),
    ("Харькiвська", "oblast", None, KHARKIV),
    # one letter between Вашківецька and Вашковецька: either could be meant
    ("Вашкивецька", "hromada", None, "ambiguous"),
    ("Вашкiвецька", "hromada", None, VASHKIVTSI_VYZHNYTSIA),  # Latin i is a look-alike, not a typo
    # not close to anything: unknown, never a guess
    ("абракадабра", "hromada", None, "unknown"),
    ("Київська", "oblast", None, "unknown"),
    ("Донецька область", "oblast", None, "unknown"),
    ("Кіровоград", "oblast", None, "unknown"),  # the 2016 city name: close, but not close enough
    ("громада", "hromada", None, "unknown"),  # only a type word
]


def _outcome(match) -> str | None:  # type: ignore[no-untyped-def]
    if match.code:
        return match.code
    if match.reason in ("outside-scope", "mismatch"):
        return match.reason
    return match.status


@pytest.mark.parametrize(("value", "level", "oblast", "raion", "expected"), CASES)
def test_match(matcher, value: str, level: str, oblast: str | None, raion: str | None, expected: str) -> None:
    match = matcher.match(value, level, oblast, raion)
    assert _outcome(match) == expected
    if match.code:
        assert match.status == "exact"
        assert match.candidates[0].code == match.code


@pytest.mark.parametrize(("value", "level", "oblast", "expected"), TYPOS)
def test_misspellings(matcher, value: str, level: str, oblast: str | None, expected: str) -> None:
    match = matcher.match(value, level, oblast)
    assert _outcome(match) == expected
    if match.code:
        assert match.status in ("fuzzy", "exact")
        assert match.error_code is None
    else:
        assert match.candidates or value == "громада"
        assert match.error_code in ("territory-ambiguous", "territory-unknown")


def test_a_mistyped_code_offers_the_nearest_codes(matcher) -> None:
    match = matcher.match("UA5308037000002544", "hromada")
    assert match.code is None and match.error_code == "territory-unknown"
    assert POLTAVA_H in [c.code for c in match.candidates]


def test_fuzzy_is_reported_as_fuzzy_with_its_score(matcher) -> None:
    match = matcher.match("Кременчюцька", "hromada")
    assert (match.status, match.code) == ("fuzzy", KREMENCHUK_H)
    assert FUZZY_MIN_SCORE <= match.score < 100


def test_ambiguous_lists_both_with_their_oblasts(matcher) -> None:
    match = matcher.match("Коломацька", "hromada")
    assert match.status == "ambiguous" and match.code is None
    assert [(c.code, c.oblast_uk) for c in match.candidates] == [
        (KOLOMAK_POLTAVA, "Полтавська"), (KOLOMAK_KHARKIV, "Харківська"),
    ]
    assert "Полтавський р-н" in match.describe_candidates("uk")
    assert "Bohodukhivskyi raion" in match.describe_candidates("en")


def test_unknown_offers_the_closest_units(matcher) -> None:
    match = matcher.match("Кременчугская", "hromada", POLTAVA)
    assert match.code is None
    assert 3 <= len(match.candidates) <= 5
    assert match.candidates[0].code == KREMENCHUK_H
    assert all(c.oblast_uk == "Полтавська" for c in match.candidates)
    scores = [c.score for c in match.candidates]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    ("value", "level", "oblast", "code", "fragment_en", "fragment_uk"),
    [
        ("Коломацька", "hromada", None, "territory-ambiguous", KOLOMAK_KHARKIV, "Богодухівський р-н"),
        ("абракадабра", "hromada", POLTAVA, "territory-unknown", "in Poltavska oblast", "Полтавська область"),
        ("UA46000000000026241", "hromada", None, "territory-outside-scope", "Poltavska", "Чернівецька"),
        ("Полтавська", "hromada", KHARKIV, "territory-mismatch", "not in Kharkivska oblast", POLTAVA_H),
    ],
)
def test_issue_texts_in_both_languages(
    matcher, value: str, level: str, oblast: str | None, code: str, fragment_en: str, fragment_uk: str
) -> None:
    match = matcher.match(value, level, oblast)
    assert match.error_code == code
    found = issue(match.error_code, column=3, line=7, **match.issue_params())
    en, uk = render_issue(found, "en"), render_issue(found, "uk")
    assert fragment_en in en and fragment_uk in uk
    assert value in en and value in uk
    assert "{" not in en + uk  # every template parameter was supplied
    assert "…" not in en + uk  # candidate lists fit without being cut mid-code


def test_fuzzy_match_has_a_warning_text(matcher) -> None:
    match = matcher.match("Кременчуцка", "hromada")
    text = render_issue(issue("territory-fuzzy", **match.issue_params()), "uk")
    assert "Кременчуцька" in text and KREMENCHUK_H in text


@pytest.mark.parametrize("value", ["", "   ", None, float("nan")])
def test_empty_values_are_left_to_the_caller(matcher, value: object) -> None:
    match = matcher.match(value, "hromada")
    assert (match.code, match.reason, match.error_code) == (None, "empty", None)


def test_every_unit_matches_itself_by_name_code_and_centre(matcher, frame) -> None:  # type: ignore[no-untyped-def]
    for unit in frame.itertuples():
        oblast = unit.oblast_code if unit.level != "oblast" else None
        raion = unit.raion_code if unit.level == "hromada" else None
        values = [unit.code, unit.name_uk, unit.name_en, unit.full_name_uk, unit.full_name_en]
        if unit.level == "hromada":
            values += [unit.centre_uk, unit.centre_en]
        for value in values:
            match = matcher.match(value, unit.level, oblast, raion)
            assert (match.code, match.status) == (unit.code, "exact"), value


def test_no_one_letter_typo_resolves_to_a_wrong_unit(matcher, frame) -> None:  # type: ignore[no-untyped-def]
    """Random substitutions, deletions, insertions and transpositions of every hromada name and centre."""
    rng = random.Random(20261128)
    letters = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"
    resolved = wrong = 0
    for unit in frame[frame["level"] == "hromada"].itertuples():
        for name in (unit.name_uk, unit.centre_uk):
            for _ in range(4):
                i = rng.randrange(len(name))
                typo = rng.choice([
                    name[:i] + rng.choice(letters) + name[i + 1:],
                    name[:i] + name[i + 1:],
                    name[:i] + rng.choice(letters) + name[i:],
                    name[:i] + name[i + 1:i + 2] + name[i] + name[i + 2:],
                ])
                match = matcher.match(typo, "hromada")
                resolved += match.code == unit.code
                wrong += match.code is not None and match.code != unit.code
    assert wrong == 0
    assert resolved > 0.7 * 217 * 2 * 4  # most typos still resolve (measured: ~80%)


def test_thresholds_are_strict() -> None:
    assert FUZZY_MIN_SCORE >= 85 and FUZZY_MIN_MARGIN >= 5


def test_hundred_thousand_values_in_well_under_a_second(matcher, frame) -> None:  # type: ignore[no-untyped-def]
    hromadas = frame[frame["level"] == "hromada"]
    distinct = [*hromadas["name_uk"], *hromadas["centre_en"].head(60), "Кременчюцька", "абракадабра"]
    values = [distinct[i % len(distinct)] for i in range(100_000)]
    start = time.perf_counter()
    matches = matcher.match_many(values, "hromada")
    elapsed = time.perf_counter() - start
    assert len(matches) == 100_000 and elapsed < 1.0
    assert matches[0] is matcher.match(values[0], "hromada")  # memoised


def test_match_many_takes_parallel_oblast_codes(matcher) -> None:
    found = matcher.match_many(["Коломацька", "Коломацька", "Коломацька"], "hromada", [POLTAVA, KHARKIV, None])
    assert [m.code for m in found] == [KOLOMAK_POLTAVA, KOLOMAK_KHARKIV, None]


def test_unknown_scope_code_is_a_programming_error(matcher) -> None:
    with pytest.raises(ValueError, match="scope"):
        matcher.match("Коломацька", "hromada", "UA99000000000000000")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Кременчуцька", "kremenchutska"),
        ("Знам’янська", "znamianska"),
        ("Ізюмська", "iziumska"),
        ("Юрковецька", "yurkovetska"),
        ("Згурівка", "zghurivka"),
        ("Куньєвська", "kunievska"),
    ],
)
def test_transliteration_is_kmu_2010(text: str, expected: str) -> None:
    assert transliterate(text).replace("’", "") == expected


def test_transliteration_reproduces_every_english_name(frame) -> None:  # type: ignore[no-untyped-def]
    for unit in frame.itertuples():
        assert transliterate(normalise(unit.name_uk)).replace("’", "") == unit.name_en.lower()


def test_from_engine(db_url: str) -> None:
    engine = store_db.connect(db_url)
    territory.load_reference(engine)
    matcher = TerritoryMatcher.from_engine(engine)
    assert matcher.match("Кременчук", "hromada").code == KREMENCHUK_H
