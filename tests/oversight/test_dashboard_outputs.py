"""The Oversight page's outputs tab (AppTest): a coordinator records a training with its audience through
the form and sees the officials trained by body type and sex; a story naming a person is refused on the
page and nothing is stored; a clean story is a draft only its oblast's editors see; the coordinator cannot
approve it, the M&E lead (admin) can, and then everyone sees it; a withdrawn consent hides it again."""

from __future__ import annotations

from datetime import date

from oversight_kit import OBLAST, table_state
from streamlit.testing.v1 import AppTest
from test_dashboard_page import PASSWORD, open_page, world  # noqa: F401  (world: the page's fixture)

from monitor.auth import accounts
from monitor.oversight.stories import stories
from monitor.oversight.trainings import trainings


def submit(at: AppTest, form: str, label: str | None = None) -> AppTest:
    button = next(
        b
        for b in at.button
        if b.key and b.key.startswith(f"FormSubmitter:{form}") and (label is None or b.label == label)
    )
    button.click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame_with(at: AppTest, column: str) -> list[str]:
    return next(
        [str(v) for v in d.value.to_numpy().ravel()] for d in at.dataframe if column in d.value.columns
    )


def test_a_coordinator_records_a_training_and_sees_it_by_body_type(world) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    at = open_page("coord35")
    at.text_input(key="ov_tr_key").input("T-35-01")
    at.text_input(key="ov_tr_round").input("R2021")
    at.date_input(key="ov_tr_date").set_value(date(2021, 10, 5))
    assert at.selectbox(key="ov_tr_oblast").options == ["Кіровоградська"]  # only their own oblast is offered
    at.text_input(key="ov_tr_topic_uk").input("Виявлення постраждалих")
    at.text_input(key="ov_tr_topic_en").input("Identifying victims")
    for n, (body, women, men) in enumerate((("kirovohrad-social", 7, 2), ("kirovohrad-nssu", 3, 1)), start=1):
        at.selectbox(key=f"ov_tr_body{n}").set_value(body)
        at.number_input(key=f"ov_tr_women{n}").set_value(women)
        at.number_input(key=f"ov_tr_men{n}").set_value(men)
    at = submit(at, "ov_training_form")
    assert not at.error, [e.value for e in at.error]
    held = trainings(world)
    assert list(held["body_id"]) == ["kirovohrad-nssu", "kirovohrad-social"]
    assert held["participants"].sum() == 13 and set(held["created_by"]) == {"coord35"}
    at.run()
    assert "T-35-01" in frame_with(at, "Тип органу")
    by_kind = frame_with(at, "Учасників")
    assert "соціальний захист населення" in by_kind and "9" in by_kind


def test_a_story_through_the_page_from_refusal_to_approval(world) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    accounts.add_user(world, None, "lead", "admin", PASSWORD, [])
    at = open_page("coord35")

    def fill(at: AppTest, text_uk: str) -> None:
        at.text_input(key="ov_st_key").input("S-35-01")
        at.date_input(key="ov_st_date").set_value(date(2021, 10, 12))
        at.text_input(key="ov_st_title_uk").input("Повернення додому")
        at.text_input(key="ov_st_title_en").input("Coming home")
        at.text_area(key="ov_st_text_uk").input(text_uk)
        at.text_area(key="ov_st_text_en").input("A woman came back; the oblast's social service helped her.")
        at.checkbox(key="ov_st_consent").check()

    before = {k: v for k, v in table_state(world).items() if k != "auditlog"}
    fill(at, "Олена Коваленко повернулася; їй допомогла соціальна служба області.")
    at = submit(at, "ov_story_form")
    assert any("персональні дані" in e.value for e in at.error)
    assert not any("Коваленко" in e.value for e in at.error)  # the message names the kind, not the name
    assert {k: v for k, v in table_state(world).items() if k != "auditlog"} == before
    fill(at, "Жінка повернулася; їй допомогла соціальна служба області.")
    at = submit(at, "ov_story_form")
    assert not at.error, [e.value for e in at.error]
    assert stories(world).iloc[0]["state"] == "draft"
    at.run()
    assert "S-35-01" in frame_with(at, "Стан історії")  # its editor sees the draft
    assert any("S-35-01" in o for o in at.selectbox(key="ov_sp_story").options)
    approve = next(b for b in at.button if b.label == "Затвердити для звітів")
    assert approve.disabled  # a coordinator does not approve

    other = open_page("coord53")
    assert not any("S-35-01" in str(v) for d in other.dataframe for v in d.value.to_numpy().ravel())

    lead = open_page("lead")
    lead.selectbox(key="ov_sp_story").set_value("S-35-01")
    lead = submit(lead, "ov_story_steps", "Затвердити для звітів")
    assert not lead.error, [e.value for e in lead.error]
    assert stories(world).iloc[0]["state"] == "approved" and stories(world).iloc[0]["state_by"] == "lead"

    other.run()
    assert "S-35-01" in frame_with(other, "Стан історії")  # approved with consent: everyone sees it
    at.run()
    at.selectbox(key="ov_sp_story").set_value("S-35-01")
    at = submit(at, "ov_story_steps", "Згоду відкликано")
    assert not at.error and not stories(world).iloc[0]["consent"]
    other.run()
    assert not any("S-35-01" in str(v) for d in other.dataframe for v in d.value.to_numpy().ravel())
    assert stories(world).iloc[0]["oblast_code"] == OBLAST
