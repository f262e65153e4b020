"""Case stories: refused at entry when they name a person, a contact, a document or a place below the
oblast (with a bilingual message that names the kind, never the value); a draft until the M&E lead (an
admin) approves it, which needs consent and is audit-logged; only approved stories whose consent stands
are publishable."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from oversight_kit import HROMADA, OBLAST, POLTAVA, prepare, table_state

from monitor import redact
from monitor.auth import audit
from monitor.auth.oversight import add_story_as, approve_story_as, set_story_consent_as
from monitor.errors import MonitorError
from monitor.oversight.stories import publishable, stories
from monitor.store.db import connect

ADMIN = SimpleNamespace(name="lead", role="admin", oblasts=[], disabled=False)
COORDINATOR = SimpleNamespace(name="petro", role="coordinator", oblasts=[OBLAST], disabled=False)
STORY = {
    "key": "S-35-01",
    "round": "R2021",
    "oblast": OBLAST,
    "date": "2021-10-12",
    "consent": True,
    "title_uk": "Повернення додому",
    "title_en": "Coming home",
    "text_uk": "Жінка повернулася з-за кордону; соціальна служба області допомогла їй отримати статус постраждалої.",
    "text_en": "A woman came back from abroad; the oblast's social service helped her obtain the victim status.",
}


@pytest.fixture
def engine(db_url):  # type: ignore[no-untyped-def]
    return prepare(connect(db_url))


@pytest.mark.parametrize(
    ("field", "text", "code", "kind"),
    [
        ("text_uk", "Олена Коваленко повернулася додому.", "story-personal-data", "name"),
        ("text_uk", "Її телефон 097-555-12-34, дзвоніть.", "story-personal-data", "phone"),
        ("text_en", "Write to olena.k@example.org for details.", "story-personal-data", "e-mail"),
        ("text_uk", "Паспорт КВ 123456 їй повернули.", "story-personal-data", "passport"),
        ("text_uk", "Жінка з Миргорода звернулася по допомогу.", "story-place", "Миргорода"),
        ("text_uk", "Вона жила в селі Вишневе.", "story-place", "селі Вишневе"),
        ("text_uk", "Це сталося у Кременчуцькому районі.", "story-place", "Кременчуцькому район"),
        ("text_en", "She lived on Shevchenko Street.", "story-place", "Shevchenko Street"),
        ("title_en", "A woman from the village of Bilyky", "story-place", "village of Bilyky"),
    ],
)
def test_a_story_pointing_to_a_person_is_refused(engine, field, text, code, kind) -> None:  # type: ignore[no-untyped-def]
    before = {k: v for k, v in table_state(engine).items() if k != "auditlog"}
    with pytest.raises(MonitorError) as caught:
        add_story_as(engine, COORDINATOR, {**STORY, field: text})
    problem = next(i for i in caught.value.issues if i.code == code)
    assert problem.params["field"] == field and problem.message_uk != problem.message_en
    if code == "story-personal-data":
        hidden = set(text.split()) - set(redact.text(text).split())  # the words that are personal data
        assert kind in problem.message_en and hidden
        assert not any(
            word in problem.message_en + problem.message_uk for word in hidden
        )  # the kind, never the value
    else:
        assert kind in problem.message_uk
    assert {k: v for k, v in table_state(engine).items() if k != "auditlog"} == before
    refused = audit.entries(engine, action="oversight-story")[0]
    assert refused.outcome == "refused" and code in str(refused.detail)


def test_the_oblast_is_named_and_nothing_below_it(engine) -> None:  # type: ignore[no-untyped-def]
    fine = {**STORY, "text_uk": "У Кіровоградській області жінці допомогли.", "key": "S-35-02"}
    assert add_story_as(engine, COORDINATOR, fine) > 0  # the oblast's own name is allowed
    with pytest.raises(MonitorError) as caught:
        add_story_as(engine, COORDINATOR, {**STORY, "key": "S-35-03", "oblast": HROMADA})
    assert caught.value.issues[0].code == "story-place"  # a hromada code: the story is an oblast's


def test_approval_by_the_lead_with_consent_and_the_audit_log(engine) -> None:  # type: ignore[no-untyped-def]
    add_story_as(engine, COORDINATOR, STORY)
    add_story_as(engine, COORDINATOR, {**STORY, "key": "S-35-NOCONSENT", "consent": False})
    assert publishable(engine).empty  # a draft is never published
    with pytest.raises(MonitorError) as caught:
        approve_story_as(engine, COORDINATOR, "S-35-01")
    assert caught.value.issues[0].code == "forbidden"
    with pytest.raises(MonitorError) as caught:
        approve_story_as(engine, ADMIN, "S-35-NOCONSENT")
    assert caught.value.issues[0].code == "story-no-consent"
    approve_story_as(engine, ADMIN, "S-35-01")
    shown = publishable(engine, [OBLAST], date(2021, 1, 1), date(2021, 12, 31))
    assert list(shown["key"]) == ["S-35-01"]
    assert publishable(engine, [POLTAVA]).empty and publishable(engine, None, date(2022, 1, 1)).empty
    logged = audit.entries(engine, action="story-approved")
    assert [e.actor for e in logged] == ["lead"] and "S-35-01" in str(logged[0].target)
    with pytest.raises(MonitorError) as caught:
        approve_story_as(engine, ADMIN, "S-35-01")
    assert caught.value.issues[0].code == "story-bad-step"


def test_consent_withdrawn_takes_an_approved_story_out(engine) -> None:  # type: ignore[no-untyped-def]
    add_story_as(engine, COORDINATOR, STORY)
    approve_story_as(engine, ADMIN, "S-35-01")
    assert set_story_consent_as(engine, COORDINATOR, "S-35-01", False) is True
    row = stories(engine).iloc[0]
    assert row["state"] == "approved" and not row["consent"]
    assert publishable(engine).empty
    assert audit.entries(engine, action="story-consent")[0].actor == "petro"
    other = SimpleNamespace(name="olha", role="coordinator", oblasts=[POLTAVA], disabled=False)
    with pytest.raises(MonitorError) as caught:
        set_story_consent_as(engine, other, "S-35-01", True)
    assert caught.value.issues[0].code == "forbidden"


def test_the_same_story_again_adds_nothing_other_content_is_a_conflict(engine) -> None:  # type: ignore[no-untyped-def]
    first = add_story_as(engine, COORDINATOR, STORY)
    assert add_story_as(engine, COORDINATOR, STORY) == first and len(stories(engine)) == 1
    with pytest.raises(MonitorError) as caught:
        add_story_as(engine, COORDINATOR, {**STORY, "text_en": "Another text entirely."})
    assert caught.value.issues[0].code == "oversight-conflict"
