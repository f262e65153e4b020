"""The import form speaks to a coordinator (#13 item 5): a question by its label, a rule in words, a file
already imported recognised by its content."""

from __future__ import annotations

import pytest
from dashboard_kit import ROOT

from monitor.dashboard.pages.data import readable
from monitor.dashboard.rules import describe
from monitor.errors import issue, render_issue
from monitor.framework.loader import framework_or_raise
from monitor.i18n import label


@pytest.mark.parametrize(("rule", "lang", "words"), [
    (". >= 0", "uk", "не менше 0"),
    (". >= 0", "en", "at least 0"),
    (". >= 0 and . <= 100", "uk", "не менше 0 і не більше 100"),
    ("(. > 1.5)", "uk", "більше 1,5"),
    (". != 3", "en", "not 3"),
    ("selected(., 'a')", "uk", "selected(., 'a')"),  # not a plain comparison: shown as written
])
def test_a_rule_in_words(rule: str, lang: str, words: str) -> None:
    assert describe(rule, lang) == words


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_a_constraint_message_names_the_question_by_its_label(lang: str) -> None:
    survey = framework_or_raise(ROOT).surveys["police"]
    question = next(q for q in survey.all_questions() if q.name == "criminal_proceedings")
    assert question.constraint == ". >= 0" and not question.constraint_message
    raw = render_issue(issue("ingest-constraint", question=question.name, rule_en=question.constraint,
                             rule_uk=question.constraint), lang)
    shown = readable(raw, survey, lang)
    assert f"«{label(question.label, lang)}»" in shown
    assert "criminal_proceedings" not in shown and ". >= 0" not in shown
    assert describe(". >= 0", lang) in shown


def test_a_file_already_imported_is_recognised_by_its_content(demo_url: str) -> None:
    from sqlmodel import Session, select

    from monitor.dashboard import reads
    from monitor.store import db as store_db
    from monitor.store import models

    with Session(store_db.connect(demo_url)) as session:
        batch = session.exec(select(models.ImportBatch).order_by(models.ImportBatch.id)).first()
    found = reads.imported_batch.__wrapped__(demo_url, "fp", batch.instrument_id, batch.sha256)
    assert found == {"id": batch.id, "imported_at": batch.imported_at}
    assert reads.imported_batch.__wrapped__(demo_url, "fp", batch.instrument_id, "0" * 64) is None
