"""The reference of bodies below the oblast (monitor.oversight.bodies.local_rows): one raion state
administration per raion until 24.02.2022 and its military administration from then, one council per
hromada, all drawn from the territory reference, so they can never disagree with it."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pandas as pd
import pytest

from monitor.geo import reference_dir
from monitor.oversight import bodies as reference
from monitor.oversight.bodies import HROMADA_COUNCIL, MARTIAL_LAW, RAION_ADMINISTRATION, reference_rows

ROWS = reference_rows()
BY_ID = {str(r["id"]): r for r in ROWS}


def _territories(name: str) -> pd.DataFrame:
    return pd.read_csv(reference_dir() / name, dtype=str, keep_default_na=False)


def test_ids_are_unique_and_fit_the_column() -> None:
    ids = [str(r["id"]) for r in ROWS]
    assert len(ids) == len(set(ids))
    assert max(map(len, ids)) <= 48  # Body.id


@pytest.mark.parametrize(
    ("kind", "level_file", "per_unit"),
    [(RAION_ADMINISTRATION, "raions.csv", 2), (HROMADA_COUNCIL, "hromadas.csv", 1)],
)
def test_every_unit_has_exactly_one_body_on_any_day(kind: str, level_file: str, per_unit: int) -> None:
    units = _territories(level_file)
    local = [r for r in ROWS if r["kind"] == kind]
    assert Counter(r["territory_code"] for r in local) == dict.fromkeys(units["katottg"], per_unit)
    parent = dict(zip(units["katottg"], units["oblast_katottg"], strict=True))
    assert all(r["oblast_code"] == parent[r["territory_code"]] for r in local)
    for day in (date(2021, 6, 1), date(2022, 2, 23), MARTIAL_LAW, date(2024, 1, 1)):
        valid = [r for r in local if r["valid_from"] <= day and (r["valid_to"] is None or r["valid_to"] > day)]
        assert sorted(r["territory_code"] for r in valid) == sorted(units["katottg"]), day


@pytest.mark.parametrize(
    ("body_id", "name_uk", "name_en"),
    [
        ("poltava-kremenchutskyi-rda", "Кременчуцька районна державна адміністрація",
         "Kremenchutskyi Raion State Administration"),
        ("poltava-kremenchutskyi-rva", "Кременчуцька районна військова адміністрація",
         "Kremenchutskyi Raion Military Administration"),
        # Renamed in 2024 (former_names.csv): the state administration bore the former name.
        ("kharkiv-berestynskyi-rda", "Красноградська районна державна адміністрація",
         "Berestynskyi Raion State Administration"),
        ("kharkiv-berestynskyi-rva", "Берестинська (до 2024 — Красноградська) районна військова адміністрація",
         "Berestynskyi Raion Military Administration"),
        ("kirovohrad-blahovishchenska-miska-rada", "Благовіщенська міська рада", "Blahovishchenska City Council"),
        ("kirovohrad-vilshanska-selyshchna-rada", "Вільшанська селищна рада", "Vilshanska Settlement Council"),
    ],
)
def test_local_bodies_are_named_as_the_state_names_them(body_id: str, name_uk: str, name_en: str) -> None:
    assert (BY_ID[body_id]["name_uk"], BY_ID[body_id]["name_en"]) == (name_uk, name_en)


def test_a_military_administration_succeeds_its_state_administration_on_the_day_martial_law_began() -> None:
    rda, rva = BY_ID["chernivtsi-dnistrovskyi-rda"], BY_ID["chernivtsi-dnistrovskyi-rva"]
    assert rda["valid_to"] == rva["valid_from"] == MARTIAL_LAW == date(2022, 2, 24)
    assert rva["successor_of"] == "chernivtsi-dnistrovskyi-rda"
    # Not checked raion by raion or council by council: flagged, with the source saying so.
    assert not any(r["verified"] for r in ROWS if r["kind"] in (RAION_ADMINISTRATION, HROMADA_COUNCIL))
    assert "not verified" in str(rda["source"])


def test_a_row_of_bodies_csv_replaces_the_generated_body_of_the_same_id(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for name in ("raions.csv", "hromadas.csv", "former_names.csv"):
        (tmp_path / name).write_bytes((reference_dir() / name).read_bytes())
    csv = (reference_dir() / "bodies.csv").read_text(encoding="utf-8")
    override = ("kirovohrad-blahovishchenska-miska-rada,Благовіщенська міська військова адміністрація,"
                "Blahovishchenska City Military Administration,hromada_council,UA35000000000016081,"
                "UA35020010000028961,2021-01-01,,,a coalition's correction with its source,true\n")
    (tmp_path / "bodies.csv").write_text(csv + override, encoding="utf-8")
    monkeypatch.setattr(reference, "reference_dir", lambda: tmp_path)
    rows = [r for r in reference_rows() if r["id"] == "kirovohrad-blahovishchenska-miska-rada"]
    assert len(rows) == 1 and rows[0]["verified"] is True
    assert rows[0]["name_en"] == "Blahovishchenska City Military Administration"
    assert rows[0]["territory_code"] == "UA35020010000028961"
