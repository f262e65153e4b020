"""monitor.reports' public surface: `__all__` (a literal, read by tests/test_architecture.py and the package
map) and `_HOMES` (where the lazy `__getattr__` finds each name) are two lists of the same names."""

from __future__ import annotations

import importlib

import pytest

import monitor.reports as reports


def test_all_and_the_lazy_homes_name_the_same_things() -> None:
    assert len(reports.__all__) == len(set(reports.__all__)), "a name is twice in __all__"
    assert set(reports.__all__) == set(reports._HOMES)


@pytest.mark.parametrize("name", sorted(reports._HOMES))
def test_every_public_name_comes_from_its_home(name: str) -> None:
    home = reports._HOMES[name]
    found = getattr(reports, name)
    if home is None:  # a module published whole
        assert found is importlib.import_module(f"monitor.reports.{name}")
    else:
        assert found is getattr(importlib.import_module(f"monitor.reports.{home}"), name)


def test_a_name_outside_the_surface_is_not_an_attribute() -> None:
    assert not hasattr(reports, "not_published")
