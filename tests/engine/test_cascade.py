"""The access-to-assistance cascade over small hand-made instrument frames."""

from __future__ import annotations

import pandas as pd
import pytest

from monitor.engine import cascade

K, P = "UA35000000000016081", "UA53000000000028050"
NAMES = pd.DataFrame({"code": [K, P], "name_uk": ["Кіровоградська", "Полтавська"], "name_en": ["Kirovohradska", "Poltavska"]})


def slice_cols(n: int, oblast: str, wave: str = "2022", start: int = 1) -> dict:
    return {
        "id": list(range(start, start + n)), "parent_id": [None] * n, "oblast_code": [oblast] * n,
        "wave": [wave] * n, "period_date": [pd.NaT] * n, "submitted_at": [pd.NaT] * n,
    }


def police(rows: list[tuple[str, str, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [{**{k: v[0] for k, v in slice_cols(1, oblast, start=i).items()}, "unit_type": unit,
          "victims_identified": ident, "victims_referred_lsa": ref} for i, (oblast, unit, ident, ref) in enumerate(rows)]
    )
    return frame


def bodies(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(
        [{**{k: v[0] for k, v in slice_cols(1, r.pop("oblast"), start=100 + i).items()}, **r} for i, r in enumerate(rows)]
    )


def survivors(oblast: str, answers: list[dict]) -> pd.DataFrame:
    base = pd.DataFrame(slice_cols(len(answers), oblast, start=1000))
    return pd.concat([base, pd.DataFrame(answers)], axis=1)


def step(frame: pd.DataFrame, oblast: str, name: str) -> dict:
    return frame[(frame["oblast_code"] == oblast) & (frame["step"] == name)].iloc[0].to_dict()


def test_admin_counts_prefer_oblast_directorate_and_raion_bodies():
    pol = police([(K, "oblast_directorate", 20, 12), (K, "raion_department", 5, 5), (P, "raion_department", 4, 2),
                  (P, "raion_department", 6, 3)])
    bod = bodies([
        {"oblast": K, "body": "raion_administration", "applications_total": 6.0, "granted_count": 4.0, "paid_count": 3.0},
        {"oblast": K, "body": "raion_administration", "applications_total": 2.0, "granted_count": 1.0, "paid_count": 1.0},
        {"oblast": K, "body": "oblast_department", "applications_total": 8.0, "granted_count": 5.0, "paid_count": 4.0},
        {"oblast": P, "body": "oblast_department", "applications_total": 3.0, "granted_count": 2.0, "paid_count": 2.0},
    ])
    # The counting rules, with the people rule off (survivor_min_n=1); the rule has its own test below.
    out = cascade.build(pol, bod, None, pd.DataFrame(), NAMES, granularity="wave", survivor_min_n=1)
    assert [step(out, K, s)["value"] for s in cascade.ADMIN_STEPS] == [20, 12, 8, 5, 4]
    # Poltava: no directorate answer, so the raion departments add up; no raion body, so the oblast one counts.
    assert [step(out, P, s)["value"] for s in cascade.ADMIN_STEPS] == [10, 5, 3, 2, 2]
    assert step(out, K, "referred")["of_previous"] == pytest.approx(12 / 20)
    assert step(out, K, "identified")["oblast_name_en"] == "Kirovohradska"
    assert not out["suppressed"].any()


def test_case_list_counts_when_totals_missing():
    bod = bodies([{"oblast": K, "body": "raion_administration", "applications_total": None, "granted_count": None,
                   "paid_count": 1.0}])
    cases = pd.DataFrame({"id": [1, 2, 3], "parent_id": [100, 100, 100], "decision": ["granted", "refused", "granted"]})
    out = cascade.build(pd.DataFrame(), bod, cases, pd.DataFrame(), NAMES, granularity="wave", survivor_min_n=1)
    assert step(out, K, "applied")["value"] == 3
    assert step(out, K, "granted")["value"] == 2


def test_admin_numbers_of_people_below_k_are_hidden_with_the_share_that_would_give_them_back():
    pol = police([(K, "oblast_directorate", 20, 12)])
    bod = bodies([{"oblast": K, "body": "raion_administration", "applications_total": 14.0, "granted_count": 4.0,
                   "paid_count": 0.0}])
    out = cascade.build(pol, bod, None, pd.DataFrame(), NAMES, granularity="wave")
    assert [step(out, K, s)["value"] for s in ("identified", "referred", "applied")] == [20, 12, 14]
    granted, paid = step(out, K, "granted"), step(out, K, "paid")
    assert granted["suppressed"] and pd.isna(granted["value"]) and pd.isna(granted["of_previous"])
    assert granted["n_display"] == "<11"
    # paid = 0 is a published zero, but its share of the hidden 4 would be 0/4: no base, no share.
    assert not paid["suppressed"] and paid["value"] == 0 and pd.isna(paid["base"]) and pd.isna(paid["of_previous"])


def answer(applied="yes", granted="yes", paid="yes", needed="medical legal", received="medical legal") -> dict:
    return {"applied_status": applied, "status_granted": granted, "payment_received": paid,
            "help_needed": needed, "help_received": received}


def test_survivor_path_shares():
    rows = [answer()] * 12 + [answer(received="medical")] * 12 + [answer(applied="no", granted=None, paid=None, received="")] * 16
    out = cascade.build(pd.DataFrame(), pd.DataFrame(), None, survivors(K, rows), NAMES, granularity="wave")
    assert step(out, K, "sv_applied")["value"] == pytest.approx(24 / 40)
    assert step(out, K, "sv_granted")["value"] == pytest.approx(24 / 40)
    assert step(out, K, "sv_helped")["value"] == pytest.approx(12 / 40)
    assert step(out, K, "sv_helped")["n_display"] == "40"


@pytest.mark.parametrize(
    ("rows", "suppressed_steps"),
    [
        ([answer()] * 10, {"sv_applied", "sv_granted", "sv_paid", "sv_helped"}),  # 10 respondents < 11
        ([answer()] * 5 + [answer(applied="no", granted=None, paid=None, received=None)] * 20,
         {"sv_applied", "sv_granted", "sv_paid", "sv_helped"}),  # each step only 5 people
        ([answer()] * 20 + [answer(paid="no")] * 3, set()),
    ],
)
def test_small_survivor_cells_are_suppressed(rows, suppressed_steps):
    out = cascade.build(pd.DataFrame(), pd.DataFrame(), None, survivors(K, rows), NAMES, granularity="wave")
    hidden = set(out[out["suppressed"]]["step"])
    assert hidden == suppressed_steps
    for rec in out[out["suppressed"]].to_dict("records"):
        assert pd.isna(rec["value"]) and pd.isna(rec["count"]) and rec["n_display"] == "<11"


def test_periods_split_the_cascade():
    pol = pd.concat([police([(K, "oblast_directorate", 20, 12)]).assign(wave="2021"),
                     police([(K, "oblast_directorate", 30, 25)]).assign(wave="2022")])
    out = cascade.build(pol, pd.DataFrame(), None, pd.DataFrame(), NAMES, granularity="wave")
    identified = out[out["step"] == "identified"].set_index("period")["value"].to_dict()
    assert identified == {"2021": 20, "2022": 30}
