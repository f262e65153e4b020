"""Period keys from dates, submission times and waves; the period before."""

from __future__ import annotations

import pandas as pd
import pytest

from monitor.engine.periods import period_keys, period_year, previous_period


@pytest.mark.parametrize(
    ("period_date", "submitted_at", "wave", "granularity", "expected"),
    [
        ("2022-03-31", None, "2022", "year", "2022"),
        ("2022-03-31", None, "2022", "half", "2022-H1"),
        ("2022-07-01", None, "2022", "half", "2022-H2"),
        ("2022-03-31", None, "2022", "quarter", "2022-Q1"),
        ("2022-10-01", None, "2022", "quarter", "2022-Q4"),
        (None, "2021-12-31T23:00:00", "2022", "year", "2021"),  # fallback: submitted_at
        (None, None, "2021", "year", "2021"),  # fallback: a wave that is a year
        (None, None, "2021", "quarter", None),  # no date: no quarter
        (None, None, "spring", "year", None),
        ("2022-05-05", None, "2021", "wave", "2021"),  # the wave view uses the wave, not the date
        (None, None, None, "wave", None),
    ],
)
def test_period_keys(period_date, submitted_at, wave, granularity, expected) -> None:  # type: ignore[no-untyped-def]
    got = period_keys(
        pd.Series([period_date], dtype="object"), pd.Series([submitted_at], dtype="object"),
        pd.Series([wave], dtype="object"), granularity,
    ).iloc[0]
    assert (got if isinstance(got, str) else None) == expected


@pytest.mark.parametrize(
    ("key", "granularity", "expected"),
    [("2022", "year", "2021"), ("2022-H1", "half", "2021-H2"), ("2022-H2", "half", "2022-H1"),
     ("2022-Q1", "quarter", "2021-Q4"), ("2022-Q3", "quarter", "2022-Q2"), ("2022", "wave", "2021"),
     ("2021", "wave", None), ("autumn", "wave", None)],
)
def test_previous_period(key: str, granularity: str, expected: str | None) -> None:
    assert previous_period(key, granularity, ["2021", "2022"]) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("key", "year"), [("2022-Q3", "2022"), ("2021", "2021"), ("2022-H2", "2022"), ("x", None)])
def test_period_year(key: str, year: str | None) -> None:
    assert period_year(key) == year


_DATES = ["2022-03-31", None, "2022-07-01", "2021-12-31", None, "2022-10-01", "2021-01-15", None, "2022-03-01"]
_SUBMITTED = [None, "2021-12-31T23:00:00+02:00", None, None, None, "2022-01-02T10:00:00", None, None, None]
_WAVES = ["2022", "2022", None, "2021", "2021", "spring", "0999", "spring", "2022"]


@pytest.mark.parametrize("granularity", ["year", "half", "quarter", "wave"])
@pytest.mark.parametrize("rows", [slice(None), slice(0, 6), slice(1, 2), slice(0, 0)], ids=["all", "no-0999", "one", "none"])
def test_period_codes_are_the_factorised_keys(granularity: str, rows: slice) -> None:
    """The integer path gives exactly what factorising the text keys gives: codes, order, missing."""
    import numpy as np

    from monitor.engine.periods import period_codes

    frame = pd.DataFrame({"period_date": _DATES, "submitted_at": _SUBMITTED, "wave": _WAVES}, dtype="object")[rows]
    frame["period_date"] = pd.to_datetime(frame["period_date"])  # as the frame holds it
    codes, unique = period_codes(frame["period_date"], frame["submitted_at"], frame["wave"], granularity)  # type: ignore[arg-type]
    keys = period_keys(frame["period_date"], frame["submitted_at"], frame["wave"], granularity)  # type: ignore[arg-type]
    expected_codes, expected_unique = pd.factorize(keys.astype("object"))
    assert codes.tolist() == expected_codes.tolist()
    assert list(unique) == list(expected_unique) and all(isinstance(k, str) for k in unique)
    assert codes.dtype == np.int64
