"""The territory reference loaded into a real database (SQLite file, and PostgreSQL when configured)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from monitor import geo
from monitor.store import db as store_db
from monitor.store import territory
from monitor.store.models import Territory

POLTAVA, KIROVOHRAD, KHARKIV, CHERNIVTSI = (
    "UA53000000000028050", "UA35000000000016081", "UA63000000000041885", "UA73000000000044923",
)
BERESTYN_RAION = "UA63060000000053698"
KRASNOHRAD_HROMADA = "UA63060050000033240"


@pytest.fixture
def engine(db_url: str):  # type: ignore[no-untyped-def]
    engine = store_db.connect(db_url)
    territory.load_reference(engine)
    return engine


def _rows(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(Territory)).scalar_one()


def test_counts_per_level_and_oblast(engine) -> None:  # type: ignore[no-untyped-def]
    assert territory.counts(engine) == {
        "oblast": 4, "raion": 18, "hromada": 217,
        "hromada_by_oblast": {POLTAVA: 60, KIROVOHRAD: 49, KHARKIV: 56, CHERNIVTSI: 52},
    }


def test_second_load_adds_nothing(engine) -> None:  # type: ignore[no-untyped-def]
    assert _rows(engine) == 239
    assert territory.load_reference(engine) == 0
    assert _rows(engine) == 239


def test_reload_repairs_a_changed_name_without_adding_rows(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session, session.begin():
        session.execute(update(Territory).where(Territory.code == POLTAVA).values(name_uk="Зіпсована"))
    assert territory.load_reference(engine) == 0
    frame = territory.territories(engine, "oblast")
    assert frame.set_index("code").loc[POLTAVA, "name_uk"] == "Полтавська"
    assert _rows(engine) == 239


@pytest.mark.parametrize(
    ("code", "column", "expected"),
    [
        (POLTAVA, "full_name_uk", "Полтавська область"),
        (POLTAVA, "population", 1352283),  # README: sum of the 60 hromadas on 2022-01-01
        (KHARKIV, "population", 2598961),
        (BERESTYN_RAION, "name_uk", "Берестинський"),
        (BERESTYN_RAION, "parent_code", KHARKIV),
        (BERESTYN_RAION, "former_names", ["Красноградський"]),
        (KRASNOHRAD_HROMADA, "centre_uk", "Берестин"),
        (KRASNOHRAD_HROMADA, "former_names", ["Красноград"]),
        (KRASNOHRAD_HROMADA, "raion_code", BERESTYN_RAION),
        ("UA35040230000015609", "former_names", ["Новгородка"]),
        ("UA63100090000052019", "former_names", ["Первомайський"]),
        ("UA63140150000093944", "former_names", ["Чкаловське"]),
        # The 2020 file only spells the apostrophe differently: not a former name.
        ("UA35040130000021732", "former_names", []),
        ("UA63140110000087562", "kind", "міська"),  # Слобожанська: derived type, see PROVENANCE.md
        ("UA53080370000025447", "full_name_en", "Poltavska miska terytorialna hromada"),
    ],
)
def test_unit_fields(engine, code: str, column: str, expected: object) -> None:  # type: ignore[no-untyped-def]
    row = territory.territories(engine).set_index("code").loc[code]
    assert row[column] == expected


def test_frame_columns_and_level_filter(engine) -> None:  # type: ignore[no-untyped-def]
    hromadas = territory.territories(engine, level="hromada")
    assert list(hromadas.columns) == territory.COLUMNS
    assert len(hromadas) == 217 and set(hromadas["level"]) == {"hromada"}
    assert str(hromadas["population"].dtype) == "Int64"
    assert hromadas["code"].is_unique
    assert (hromadas["valid_from"] == territory.REFORM_2020).all()
    with pytest.raises(ValueError, match="level"):
        territory.territories(engine, level="district")


def _add_reform(engine, clear: bool = True) -> None:  # type: ignore[no-untyped-def]
    """A made-up reform on 2030-01-01: raion X closes, successor raion Y opens."""
    base = {
        "level": "raion", "name_en": "Test", "oblast_code": POLTAVA, "parent_code": POLTAVA, "former_names": [],
    }
    with Session(engine) as session, session.begin():
        session.execute(insert(Territory), [
            {**base, "code": "UA53990000000000001", "name_uk": "Старий", "valid_from": date(2020, 7, 17),
             "valid_to": date(2030, 1, 1)},
            {**base, "code": "UA53990000000000002", "name_uk": "Новий", "valid_from": date(2030, 1, 1),
             "valid_to": None},
        ])
    if clear:
        territory.clear_cache()


@pytest.mark.parametrize(
    ("on", "present", "absent"),
    [
        (date(2025, 6, 1), "UA53990000000000001", "UA53990000000000002"),
        (date(2029, 12, 31), "UA53990000000000001", "UA53990000000000002"),
        (date(2030, 1, 1), "UA53990000000000002", "UA53990000000000001"),  # valid_to is exclusive
        (date(2031, 1, 1), "UA53990000000000002", "UA53990000000000001"),
    ],
)
def test_validity_on_a_date(engine, on: date, present: str, absent: str) -> None:  # type: ignore[no-untyped-def]
    _add_reform(engine)
    codes = set(territory.territories(engine, level="raion", on=on)["code"])
    assert present in codes and absent not in codes
    assert len(codes) == 19


def test_nothing_is_valid_before_the_2020_reform(engine) -> None:  # type: ignore[no-untyped-def]
    assert territory.territories(engine, on=date(2020, 7, 16)).empty
    assert len(territory.territories(engine, on=date(2020, 7, 17))) == 239


def test_reads_are_cached_until_cleared(engine) -> None:  # type: ignore[no-untyped-def]
    on = date(2031, 1, 1)
    assert len(territory.territories(engine, level="raion", on=on)) == 18
    _add_reform(engine, clear=False)
    assert len(territory.territories(engine, level="raion", on=on)) == 18  # cached
    territory.clear_cache()
    assert len(territory.territories(engine, level="raion", on=on)) == 19


def test_callers_get_their_own_copy(engine) -> None:  # type: ignore[no-untyped-def]
    frame = territory.territories(engine, level="oblast")
    frame.loc[0, "name_uk"] = "changed by a caller"
    assert "changed by a caller" not in set(territory.territories(engine, level="oblast")["name_uk"])


@pytest.mark.parametrize(("level", "features"), [("oblast", 4), ("raion", 18), ("hromada", 217)])
def test_geojson_joins_to_the_reference(engine, level: str, features: int) -> None:  # type: ignore[no-untyped-def]
    collection = geo.geojson(level)
    ids = [f["id"] for f in collection["features"]]
    assert len(ids) == features
    assert set(ids) == set(territory.territories(engine, level=level)["code"])


def test_geojson_rejects_an_unknown_level() -> None:
    with pytest.raises(ValueError, match="level"):
        geo.geojson("district")


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_boundaries_attribution_names_source_and_licence(lang: str) -> None:
    assert "slawomirmatuszak/ukrainian_geodata (OPORA / F. Gontsa), CC BY 4.0" in geo.BOUNDARIES_ATTRIBUTION[lang]


def test_reference_dir_can_be_overridden(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert (geo.reference_dir() / "hromadas.csv").is_file()
    monkeypatch.setenv("MONITOR_REFERENCE_DIR", str(tmp_path))
    assert geo.reference_dir() == tmp_path
