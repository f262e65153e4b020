"""The demo's oversight loop for both rounds, built from the demo's own results: what the 2021 round found
(indicators in the red per oblast), the recommendations sent to the bodies responsible, what they did
by 2022 (some implemented, some partly, some rejected or ignored), the 2022 round's new findings,
public-information requests answered on time, late, after an extension, refused or not at all, the
coalition's trainings of officials (two per oblast and year) and case stories (approved ones for both
rounds, and a draft awaiting consent).

Everything is marked as demo (keys start with DEMO-, texts say so) and is deterministic for a seed.
The 2021 round is approved, the 2022 round under review, as a coalition would have it in early 2023.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitor.framework.models import Framework
from monitor.i18n import label
from monitor.oversight import approval, findings, recommendations, stories, tracker, trainings
from monitor.oversight.bodies import load_bodies
from monitor.oversight.rounds import RoundSpec, define_round
from monitor.store.models import Territory
from monitor.store.oversight import MonitoringRound

ACTOR = "demo"
SLUGS = {"UA53": "poltava", "UA35": "kirovohrad", "UA63": "kharkiv", "UA73": "chernivtsi"}
# Which body answers for an indicator, by the first letter of its id (the framework's themes).
BODY_BY_PREFIX = {"S": "social", "V": "nssu", "H": "administration", "P": "migration-police",
                  "E": "employment", "R": "administration"}
PER_OBLAST = 3
# (status, days after sending) walks for the 2021 recommendations, drawn in turn.
WALKS: tuple[tuple[tuple[str, int], ...], ...] = (
    (("acknowledged", 9), ("accepted", 30), ("implemented", 290)),
    (("acknowledged", 12), ("accepted", 41), ("partly-implemented", 250)),
    (("no-answer", 95),),
    (("acknowledged", 7), ("rejected", 60)),
    (("acknowledged", 15), ("accepted", 50), ("implemented", 320)),
    (("acknowledged", 20),),
)


def _body(oblast_code: str, indicator: str, on: date) -> str:
    slug = SLUGS[oblast_code[:4]]
    kind = BODY_BY_PREFIX.get(indicator[:1], "administration")
    if kind == "administration":
        return f"{slug}-osa" if on < date(2022, 2, 24) else f"{slug}-ova"
    return f"{slug}-{kind}"


def _rounds(engine: Engine, framework: Framework) -> None:
    counts: dict[str, int] = {}  # hromadas per oblast: one official expected from each
    with Session(engine) as session:
        for code in session.scalars(select(Territory.oblast_code).where(Territory.level == "hromada")):
            counts[code] = counts.get(code, 0) + 1
    instruments = tuple(framework.surveys)
    for year, title_uk, title_en in (("2021", "Базовий раунд моніторингу 2021", "Baseline monitoring round 2021"),
                                     ("2022", "Повторний раунд моніторингу 2022", "Follow-up monitoring round 2022")):
        y = int(year)
        expected = {code: {"hromada-officials": n} for code, n in sorted(counts.items())}
        define_round(engine, RoundSpec(f"R{year}", title_uk + " (демо)", title_en + " (demo)", year, date(y, 1, 1),
                                       date(y, 12, 31), date(y - 1, 1, 1), date(y - 1, 12, 31), instruments,
                                       expected), ACTOR)


def _red(engine: Engine, framework: Framework, wave: str) -> pd.DataFrame:
    from monitor.engine import compute_cached

    results = compute_cached(engine, framework, level="oblast", period="wave", disaggregate=False)
    if results.empty:
        return results
    rows = results[(results["period"].astype(str) == wave) & (results["status"] == "red")
                   & (results["type"] != "index") & (results["dimension"].fillna("") == "")]
    order = {ind: i for i, ind in enumerate(framework.indicators)}
    return rows.assign(_o=rows["indicator"].map(order)).sort_values(["territory_code", "_o"])


def _findings(engine: Engine, framework: Framework, wave: str) -> list[tuple[str, str, str]]:
    """(finding key, oblast code, indicator) for the red indicators of each oblast in `wave`."""
    made = []
    for oblast_code, rows in _red(engine, framework, wave).groupby("territory_code", sort=True):
        for row in rows.head(PER_OBLAST).to_dict("records"):
            indicator = framework.indicators[row["indicator"]]
            key = f"DEMO-F-{wave}-{oblast_code[:4]}-{row['indicator']}"
            value = row.get("value")
            shown = "—" if value is None or value != value else f"{float(value):.2f}"
            findings.add_finding(engine, {
                "key": key, "round": f"R{wave}", "territory": oblast_code, "indicators": [row["indicator"]],
                "text_uk": f"(демо) «{label(indicator.title, 'uk')}»: {shown} — нижче порогу в {wave} році.",
                "text_en": f"(demo) “{label(indicator.title, 'en')}”: {shown}, below the threshold in {wave}.",
            }, set(framework.indicators), ACTOR)
            made.append((key, str(oblast_code), str(row["indicator"])))
    return made


def _recommend(engine: Engine, framework: Framework, wave: str, made: list[tuple[str, str, str]], sent: date,
               due: date, walk: bool) -> int:
    count = 0
    for i, (finding_key, oblast_code, indicator) in enumerate(made):
        key = finding_key.replace("DEMO-F-", "DEMO-R-")
        title = framework.indicators[indicator].title
        recommendations.add_recommendation(engine, {
            "key": key, "round": f"R{wave}",
            "body": _body(oblast_code, indicator, sent), "findings": [finding_key],
            "text_uk": f"(демо) Усунути причини низького значення «{label(title, 'uk')}» і звітувати коаліції.",
            "text_en": f"(demo) Remove the causes of the low “{label(title, 'en')}” and report to the coalition.",
            "date_sent": sent, "due_date": due,
        }, ACTOR)
        count += 1
        if not walk:
            continue
        for status, days in WALKS[i % len(WALKS)]:  # every outcome appears, in turn
            on = sent + timedelta(days=days)
            recommendations.set_status(engine, {"recommendation": key, "status": status, "date": on,
                                                "evidence": _evidence(status, on)}, ACTOR)
    return count


def _evidence(status: str, on: date) -> str:
    return {
        "acknowledged": f"(демо) лист-відповідь від {on:%d.%m.%Y}",
        "accepted": f"(демо) розпорядження від {on:%d.%m.%Y}",
        "partly-implemented": "(демо) частково підтверджено під час моніторингу 2022",
        "implemented": "(демо) підтверджено під час моніторингу 2022",
        "rejected": f"(демо) відмова листом від {on:%d.%m.%Y}",
        "no-answer": "(демо) відповіді немає після нагадування",
    }.get(status, "")


# (subject, days to receipt, reply working-day offset or None, outcome, extension?, refusal ground)
REQUESTS: tuple[tuple[str, int, int | None, str | None, bool, str | None], ...] = (
    ("Кількість заяв про встановлення статусу, 2020", 2, 4, "full", False, None),
    ("Рішення про виплату одноразової допомоги", 3, 9, "partial", False, None),
    ("Програма протидії торгівлі людьми та її фінансування", 1, 15, "full", True, None),
    ("Дані про осіб, яким надано статус", 2, 3, "refused", False, "ст. 22 ч. 1 п. 3: інформація з обмеженим доступом"),
    ("Навчання працівників з питань протидії торгівлі людьми", 2, None, None, False, None),
)


def _requests(engine: Engine, rng: random.Random) -> int:
    count = 0
    for oblast_prefix, slug in SLUGS.items():
        for wave, sent in (("2021", date(2021, 8, 16)), ("2022", date(2022, 8, 15))):
            for i, (subject, to_receipt, reply_days, outcome, extended, ground) in enumerate(REQUESTS):
                if rng.random() < 0.2:
                    continue  # not every oblast got every request
                received = sent + timedelta(days=to_receipt)
                body = f"{slug}-social" if i % 2 == 0 else f"{slug}-nssu"
                extension = tracker.working_deadline(received, 3) if extended else None
                reply = None
                if reply_days is not None:
                    reply = tracker.working_deadline(received, reply_days + rng.randrange(0, 3))
                tracker.add_request(engine, {
                    "key": f"DEMO-Q-{wave}-{oblast_prefix}-{i + 1}", "round": f"R{wave}", "body": body,
                    "subject": f"(демо) {subject}", "channel": ("email", "post", "portal")[i % 3],
                    "date_sent": sent, "date_received": received, "extension_date": extension,
                    "reply_date": reply, "outcome": outcome, "refusal_ground": ground,
                }, ACTOR)
                count += 1
    return count


# (topic uk, topic en, month, day, bodies by kind slug): two trainings per oblast and year.
TRAININGS: tuple[tuple[str, str, int, int, tuple[str, ...]], ...] = (
    ("Виявлення постраждалих від торгівлі людьми та перенаправлення", "Identifying victims of trafficking and referral",
     4, 14, ("social", "nssu", "employment")),
    ("Встановлення статусу особи, яка постраждала від торгівлі людьми", "Granting the status of a victim of trafficking",
     10, 6, ("social", "administration", "migration-police")),
)
# (key suffix, oblast prefix, wave, month, title uk/en, text uk/en, approved?)
STORIES: tuple[tuple[str, str, str, int, str, str, str, str, bool], ...] = (
    ("1", "UA53", "2021", 6, "(демо) Повернення додому", "(demo) Coming home",
     "(демо) Жінка повернулася з-за кордону після примусової праці. Працівниця соціального захисту, яка пройшла "
     "навчання коаліції, розпізнала ознаки торгівлі людьми й допомогла подати заяву на встановлення статусу.",
     "(demo) A woman came back from forced labour abroad. A social protection officer trained by the coalition "
     "recognised the signs of trafficking and helped her apply for the status.", True),
    ("2", "UA35", "2021", 9, "(демо) Заява, якої не прийняли", "(demo) An application turned away",
     "(демо) Чоловікові двічі відмовили прийняти заяву, пославшись на відсутність бланка. Після звернення коаліції "
     "обласне управління запровадило журнал заяв.",
     "(demo) A man was twice refused when he tried to apply, for want of a form. After the coalition wrote to it, "
     "the oblast office started an application journal.", True),
    ("3", "UA63", "2022", 8, "(демо) Допомога під час війни", "(demo) Help in wartime",
     "(демо) Переміщена жінка отримала одноразову допомогу через чотири місяці після заяви: строк, який коаліція "
     "назвала в рекомендаціях 2021 року, досі не дотримано.",
     "(demo) A displaced woman received the one-off payment four months after applying: the term the coalition "
     "named in its 2021 recommendations is still not kept.", True),
    ("4", "UA73", "2022", 11, "(демо) Працевлаштування після повернення", "(demo) A job after coming home",
     "(демо) Центр зайнятості області запропонував чоловікові навчання за новою професією; через три місяці він "
     "працював.",
     "(demo) The oblast's employment centre offered a man training in a new trade; three months later he was "
     "working.", True),
    ("5", "UA53", "2022", 12, "(демо) Чернетка: чекає згоди", "(demo) Draft: awaiting consent",
     "(демо) Історію ще узгоджують з людиною, про яку йдеться; до звіту вона не потрапить.",
     "(demo) The story is still being agreed with the person concerned; it will not reach a report.", False),
)


def _trainings(engine: Engine, rng: random.Random) -> int:
    count = 0
    for oblast_prefix in SLUGS:
        oblast = _oblast_code(engine, oblast_prefix)
        for year in (2021, 2022):
            for i, (topic_uk, topic_en, month, day, kinds) in enumerate(TRAININGS):
                on = date(year, month, day + rng.randrange(0, 10))
                audience = [{"body": _body(oblast, {"social": "S", "nssu": "V", "employment": "E",
                                                    "administration": "H", "migration-police": "P"}[kind], on),
                             "women": rng.randrange(3, 15), "men": rng.randrange(1, 8)} for kind in kinds]
                trainings.add_training(engine, {
                    "key": f"DEMO-T-{year}-{oblast_prefix}-{i + 1}", "round": f"R{year}", "date": on,
                    "oblast": oblast, "topic_uk": f"(демо) {topic_uk}", "topic_en": f"(demo) {topic_en}",
                    "audience": audience}, ACTOR)
                count += 1
    return count


def _oblast_code(engine: Engine, prefix: str) -> str:
    with Session(engine) as session:
        found = session.scalars(select(Territory.code).where(Territory.level == "oblast",
                                                             Territory.code.startswith(prefix))).first()  # type: ignore[attr-defined]
    return str(found)


def _stories(engine: Engine) -> int:
    from monitor.store.oversight import CaseStory

    count = 0
    for suffix, prefix, wave, month, title_uk, title_en, text_uk, text_en, approved in STORIES:
        key = f"DEMO-S-{wave}-{prefix}-{suffix}"
        stories.add_story(engine, {"key": key, "round": f"R{wave}", "oblast": _oblast_code(engine, prefix),
                                   "date": date(int(wave), month, 15), "consent": approved, "title_uk": title_uk,
                                   "title_en": title_en, "text_uk": text_uk, "text_en": text_en}, ACTOR)
        with Session(engine) as session:
            state = session.scalars(select(CaseStory.state).where(CaseStory.key == key)).one()
        if approved and state == "draft":
            stories.approve(engine, key, ACTOR)
        count += 1
    return count


def load_demo_loop(engine: Engine, framework: Framework, seed: int = 2021) -> dict[str, Any]:
    """Build the loop on a demo database (idempotent: a second run adds nothing); what was made."""
    rng = random.Random(seed)
    load_bodies(engine)
    _rounds(engine, framework)
    made_2021 = _findings(engine, framework, "2021")
    recs = _recommend(engine, framework, "2021", made_2021, date(2021, 11, 15), date(2022, 2, 15), True)
    made_2022 = _findings(engine, framework, "2022")
    recs += _recommend(engine, framework, "2022", made_2022, date(2022, 12, 1), date(2023, 3, 1), False)
    requests = _requests(engine, rng)
    held = _trainings(engine, rng)
    told = _stories(engine)
    with Session(engine) as session:
        state = {r.id: r.state for r in session.scalars(select(MonitoringRound))}
    if state.get("R2021") == "draft":
        approval.advance(engine, "R2021", "under-review", ACTOR)
        approval.advance(engine, "R2021", "approved", ACTOR)
    if state.get("R2022") == "draft":
        approval.advance(engine, "R2022", "under-review", ACTOR)
    return {"findings": len(made_2021) + len(made_2022), "recommendations": recs, "requests": requests,
            "trainings": held, "stories": told}
