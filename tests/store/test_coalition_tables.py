"""Migration 0007_coalition_outputs creates exactly the tables the models describe (alembic's own
comparison finds no difference for them), goes down to 0006 and up again, and the tables keep what
they are given: a training with its audience by sex, a case story with its consent and state."""

from __future__ import annotations

from datetime import date

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import Session, SQLModel, select

from monitor.store import db as store_db
from monitor.store.oversight import CaseStory, Training, TrainingAudience

TABLES = {"training", "trainingaudience", "casestory"}


def _diffs(engine) -> list[object]:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        found = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)

    def table_of(diff) -> str | None:  # type: ignore[no-untyped-def]
        item = diff[0] if isinstance(diff, list) else diff
        for part in item[1:]:
            name = getattr(part, "name", None) if not isinstance(part, str) else part
            table = getattr(part, "table", None)
            if table is not None:
                return str(table.name)
            if name in TABLES:
                return str(name)
        return None

    return [d for d in found if table_of(d) in TABLES]


def _alembic(engine, target: str, down: bool = False) -> None:  # type: ignore[no-untyped-def]
    config = Config()
    config.set_main_option("script_location", str(store_db.MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, target)


def test_the_migration_matches_the_models_and_goes_both_ways(db_url) -> None:  # type: ignore[no-untyped-def]
    engine = store_db.connect(db_url)
    assert TABLES.issubset(inspect(engine).get_table_names())
    assert _diffs(engine) == []
    _alembic(engine, "0006_oversight", down=True)
    assert not TABLES & set(inspect(engine).get_table_names())
    _alembic(engine, "head")
    assert TABLES.issubset(inspect(engine).get_table_names()) and _diffs(engine) == []


def test_the_tables_keep_a_training_and_a_story(db_url) -> None:  # type: ignore[no-untyped-def]
    from monitor.oversight.bodies import load_bodies

    engine = store_db.connect(db_url)
    load_bodies(engine)
    with Session(engine) as session, session.begin():
        training = Training(
            key="T1",
            on_date=date(2021, 10, 5),
            oblast_code="UA35000000000016081",
            topic_uk="Тема",
            topic_en="Topic",
        )
        session.add(training)
        session.flush()
        session.add(TrainingAudience(training_id=training.id, body_id="kirovohrad-social", women=7, men=2))
        session.add(
            CaseStory(
                key="S1",
                oblast_code="UA35000000000016081",
                on_date=date(2021, 10, 12),
                title_uk="Назва",
                title_en="Title",
                text_uk="Текст",
                text_en="Text",
                consent=True,
            )
        )
    with Session(engine) as session:
        seat = session.get(TrainingAudience, (1, "kirovohrad-social"))
        story = session.exec(select(CaseStory)).one()
        assert (seat.women, seat.men) == (7, 2)
        assert story.consent is True and story.state == "draft"
