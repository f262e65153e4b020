"""The plot of the synthetic data: how answers differ between oblasts and change between waves.

Everything here is invented for the demo. It exists so the dashboard shows something worth reading
(an oblast ahead, one behind, progress from the 2021 baseline, processing times that worsen after the
February 2022 invasion), not to model reality. Stories are keyed by survey id and question name; a
question without a story gets uniform random answers, so another coalition's framework still works.

Oblast keys are the English reference names (`name_en` in data/reference/oblasts.csv); an oblast not
named gets no offset. `change` applies once per wave after the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

KHARKIV = "Kharkivska"
CHERNIVTSI = "Chernivetska"
POLTAVA = "Poltavska"
KIROVOHRAD = "Kirovohradska"


@dataclass(frozen=True)
class Share:
    """select_one: probability of the `good` choice(s); the other choices share the rest by `others`."""

    good: str | tuple[str, ...]
    base: float
    change: float = 0.0  # added per wave after the first
    oblast: Mapping[str, float] = field(default_factory=dict)  # additive offset per oblast
    others: Mapping[str, float] = field(default_factory=dict)  # relative weights; missing choices weigh 1


@dataclass(frozen=True)
class Count:
    """integer: Poisson counts with a mean that grows per wave and differs per oblast."""

    mean: float
    change: float = 1.0  # multiplier per wave after the first
    oblast: Mapping[str, float] = field(default_factory=dict)  # multiplier per oblast
    zero: float = 0.0  # extra probability of a zero (no activity at all)


@dataclass(frozen=True)
class Money:
    """decimal amounts (UAH): log-normal around a median, with a share of zeros."""

    median: float
    change: float = 1.0
    oblast: Mapping[str, float] = field(default_factory=dict)
    zero: float = 0.1
    sigma: float = 0.9


@dataclass(frozen=True)
class Duration:
    """integer days: log-normal around a median that may worsen per wave (factor > 1)."""

    median: float
    change: float = 1.0
    oblast: Mapping[str, float] = field(default_factory=dict)
    sigma: float = 0.6


@dataclass(frozen=True)
class Rating:
    """1..5 scale: rounded normal around a mean."""

    mean: float
    change: float = 0.0
    oblast: Mapping[str, float] = field(default_factory=dict)
    sd: float = 1.0


@dataclass(frozen=True)
class Pick:
    """select_multiple: probability of each choice being ticked (others: `default`)."""

    p: Mapping[str, float]
    change: Mapping[str, float] = field(default_factory=dict)
    default: float = 0.2


@dataclass(frozen=True)
class Coverage:
    """Who answers per wave.

    `each`: every unit of `level` answers with probability `share` (times the oblast factor).
    `per_oblast`: between `low` and `high` respondents per oblast, placed in units of `level`
    weighted by population. `total`: about `low`..`high` respondents in all, by population.
    """

    mode: str  # each | per_oblast | total
    level: str
    share: float = 1.0
    low: int = 1
    high: int = 1
    oblast: Mapping[str, float] = field(default_factory=dict)  # factor on share / counts
    wave_oblast: Mapping[str, float] = field(default_factory=dict)  # extra factor from the 2nd wave on


Spec = Share | Count | Money | Duration | Rating | Pick


@dataclass(frozen=True)
class Story:
    coverage: Coverage | None = None
    questions: Mapping[str, Spec] = field(default_factory=dict)
    repeat_rows: Mapping[str, Count] = field(default_factory=dict)  # rows per parent, per repeat
    code_share: float = 0.25  # share of territory answers written as KATOTTG codes, not names


# Kharkiv was partly occupied and shelled from February 2022: fewer answers there in the 2022 wave.
_WAR = {KHARKIV: 0.7}

STORIES: dict[str, Story] = {
    "hromada-officials": Story(
        coverage=Coverage("each", "hromada", share=0.82, wave_oblast=_WAR),
        questions={
            "consent": Share("yes", 0.97),
            "social_services": Share("yes", 0.72, 0.06),
            "ct_focal_person": Share("yes", 0.45, 0.2, {KHARKIV: 0.15, CHERNIVTSI: -0.12},
                                     others={"no": 3, "dont_know": 1}),
            "job_descriptions": Share("yes", 0.35, 0.15, {KHARKIV: 0.1, CHERNIVTSI: -0.1},
                                      others={"no": 3, "dont_know": 1}),
            "local_programme": Share(("standalone", "section"), 0.5, 0.12,
                                     {CHERNIVTSI: -0.25, POLTAVA: 0.1, KHARKIV: 0.05},
                                     others={"none": 4, "dont_know": 1}),
            "ct_spending": Money(30000, 0.75, {KHARKIV: 1.4, CHERNIVTSI: 0.6}, zero=0.15),
            "ct_planned": Money(45000, 0.9, {KHARKIV: 1.3, CHERNIVTSI: 0.6}, zero=0.1),
            "awareness_events": Count(3.0, 1.3, {KHARKIV: 1.3, CHERNIVTSI: 0.7}, zero=0.15),
            "staff_trained": Count(3.5, 1.5, {KHARKIV: 1.2, CHERNIVTSI: 0.7}, zero=0.2),
            "referral_knowledge": Share("lsa_unit", 0.45, 0.15, {KHARKIV: 0.15, CHERNIVTSI: -0.1},
                                        others={"police_only": 5, "ngo_only": 2, "dont_know": 3}),
            "victims_referred": Count(0.6, 1.6, {KHARKIV: 1.5}),
            "agreements": Pick({"police": 0.45, "ngo": 0.3, "employment_centre": 0.2, "none": 0.25},
                               {"police": 0.1, "ngo": 0.1}),
            "obstacles": Pick({"no_staff": 0.5, "no_funds": 0.6, "no_training": 0.45, "no_cases": 0.3,
                               "other": 0.05}, {"no_training": -0.15}),
            "respondent_position": Share("head", 0.3, others={"deputy_head": 3, "social_unit_head": 3,
                                                               "social_worker": 2, "other": 1}),
        },
    ),
    "status-procedure": Story(
        coverage=Coverage("each", "raion", share=0.9, wave_oblast=_WAR),
        questions={
            "body": Share("raion_administration", 1.0),
            "designated_unit": Share("yes", 0.7, 0.15, {CHERNIVTSI: -0.2, KHARKIV: 0.1}),
            "journal": Share("electronic", 0.3, 0.1, others={"paper": 4, "none": 1}),
            "applicant_sex": Share("female", 0.62),
            "applicant_age_group": Share("0_17", 0.15),
            "exploitation_form": Share("labour", 0.5, others={"sexual": 3, "begging": 0.4, "criminal": 0.4,
                                                             "armed_conflict": 0.4, "forced_marriage": 0.1,
                                                             "organs": 0.05, "surrogacy": 0.05,
                                                             "illegal_adoption": 0.05, "other": 0.2,
                                                             "not_stated": 0.6}),
            "decision": Share("granted", 0.6, 0.0, {KHARKIV: 0.05, CHERNIVTSI: -0.1},
                              others={"refused": 5, "pending": 3, "withdrawn": 1}),
            # After the invasion the NSSU working group took over the files: decisions got slower.
            "days_to_decision": Duration(9, 1.8, {KHARKIV: 0.85, CHERNIVTSI: 1.3}),
            "refusal_reason": Share("incomplete_documents", 0.5, -0.15,
                                    others={"not_trafficking": 3, "other": 1}),
            "interpreter_needed": Share("yes", 0.1),
            "interpreter_provided": Share("yes", 0.6, 0.1),
            "accommodated_count": Count(1.0, 1.8),
            "referrals_from_police": Count(3, 1.3, {KHARKIV: 1.5}),
            "referrals_from_hromadas": Count(1.5, 1.5, {CHERNIVTSI: 0.6}),
            "referrals_from_ngos": Count(2, 1.4),
            "referrals_from_employment": Count(0.3, 1.2),
            "referrals_from_health": Count(0.3),
            "referrals_from_other": Count(0.2),
            "referrals_to_police": Count(1, 1.2),
            "referrals_to_hromadas": Count(0.8, 1.3),
            "referrals_to_ngos": Count(2, 1.3),
            "referrals_to_employment": Count(0.5),
            "referrals_to_health": Count(0.6),
            "referrals_to_other": Count(0.2),
            "training_received": Share("yes", 0.4, 0.2),
        },
        # Real volumes are small: 47-64 persons were granted status in all Ukraine in 2021-2022 (TIP 2023 / LII,
        # docs/domain/status-procedure.md), so these four oblasts see some 10-20 cases a year, 0-2 per raion:
        # per raion and oblast most status cells fall below the threshold and are suppressed, as real data would.
        repeat_rows={"cases": Count(0.8, 0.8, {KHARKIV: 1.6, POLTAVA: 1.1, CHERNIVTSI: 0.7}, zero=0.1)},
    ),
    "police": Story(
        coverage=Coverage("each", "oblast"),
        questions={
            "unit_type": Share("oblast_directorate", 1.0),
            "criminal_proceedings": Count(25, 1.2, {KHARKIV: 1.6, CHERNIVTSI: 0.6}),
            # The police identified 155 potential victims in all Ukraine in 2021 and 131 in 2022 (TIP 2023,
            # docs/domain/status-procedure.md): a few a year per oblast, fewer in 2022.
            "victims_identified": Count(7, 0.85, {KHARKIV: 1.6, CHERNIVTSI: 0.7}),
            "prevention_events": Count(40, 1.2, {KHARKIV: 1.3}),
            "officers_trained": Count(25, 1.3),
            "referral_algorithm": Share("yes", 0.5, 0.25),
            "obstacles": Pick({"no_staff": 0.5, "no_training": 0.4, "victims_unwilling": 0.7,
                               "weak_coordination": 0.5, "cross_border": 0.4, "other": 0.05}),
        },
    ),
    "employment-centres": Story(
        coverage=Coverage("each", "raion", share=0.85, wave_oblast=_WAR),
        questions={
            "consent": Share("yes", 0.96),
            "ct_stand": Share("yes", 0.6, 0.15, {KHARKIV: 0.1, CHERNIVTSI: -0.15}),
            "legal_work_info": Share("yes", 0.45, 0.2, {KHARKIV: 0.1, CHERNIVTSI: -0.15}),
            "hotline_displayed": Share("yes", 0.5, 0.2, {POLTAVA: 0.1}),
            "online_info": Share("yes", 0.4, 0.15),
            "staff_referral_knowledge": Share("lsa_unit", 0.35, 0.15, {KHARKIV: 0.1},
                                              others={"police_only": 4, "ngo_only": 2, "dont_know": 3}),
            "ct_events": Count(4, 1.3),
            "staff_trained": Count(2, 1.5),
            "info_rating": Rating(3.0, 0.4, {KHARKIV: 0.3, CHERNIVTSI: -0.4}),
        },
    ),
    "survivors": Story(
        # 15..40 per oblast and wave: some oblast x wave cells (and most sex x age cells) fall under
        # the survivor threshold of 11 and must be suppressed.
        coverage=Coverage("per_oblast", "oblast", low=15, high=40, oblast={CHERNIVTSI: 0.5}),
        questions={
            "consent": Share("yes", 0.95),
            "age_group": Share("18_29", 0.35, others={"14_17": 1, "30_44": 3, "45_59": 2, "60_plus": 0.5}),
            "sex": Share("female", 0.6, others={"male": 10, "no_answer": 1}),
            "exploitation_forms": Pick({"labour": 0.55, "sexual": 0.35, "begging": 0.05, "criminal": 0.05,
                                        "armed_conflict": 0.02, "organs": 0.01, "surrogacy": 0.01, "forced_marriage": 0.01,
                                        "illegal_adoption": 0.005, "other": 0.03, "no_answer": 0.03},
                                       {"armed_conflict": 0.08}),
            "exploitation_place": Share("abroad", 0.6, others={"ukraine": 2, "both": 1}),
            "informed_rights": Share("yes", 0.55, 0.15, {KHARKIV: 0.1, CHERNIVTSI: -0.1},
                                     others={"no": 3, "dont_remember": 1}),
            "first_helper": Share("ngo", 0.4, 0.0, others={"police": 3, "iom": 2, "social_services": 1.5}),
            "help_providers": Pick({"social_psych_centre": 0.25, "legal_aid_centre": 0.2, "social_services": 0.3,
                                    "ngo": 0.6, "iom": 0.3, "health": 0.3, "employment_centre": 0.1, "police": 0.1,
                                    "other": 0.05}),
            "help_needed": Pick({"medical": 0.5, "psychological": 0.6, "legal": 0.5, "shelter": 0.35,
                                 "employment": 0.3, "financial": 0.6, "documents": 0.35}),
            "applied_status": Share("yes", 0.6, 0.1, {CHERNIVTSI: -0.1}),
            "reasons_not_applied": Pick({"didnt_know": 0.5, "fear": 0.3, "too_many_documents": 0.3,
                                         "too_far": 0.2, "other": 0.05}),
            "extra_documents": Share("yes", 0.3, -0.1, {CHERNIVTSI: 0.1}),
            "respect_rating": Rating(3.4, 0.4, {KHARKIV: 0.3, CHERNIVTSI: -0.3}),
            "ease_rating": Rating(3.0, 0.4, {KHARKIV: 0.2, CHERNIVTSI: -0.4}),
            "status_granted": Share("yes", 0.65, 0.0, others={"no": 1, "pending": 1.5}),
            "payment_received": Share("yes", 0.7, 0.05, others={"no": 1, "waiting": 1.5}),
            "payment_time": Share("le_1_month", 0.4, -0.1,
                                  others={"1_3_months": 3, "gt_3_months": 1.5, "not_paid": 0.5}),
        },
    ),
    "information-requests": Story(
        coverage=Coverage("per_oblast", "oblast", low=6, high=12),
        questions={
            "completeness": Share("full", 0.6, -0.1, {KHARKIV: 0.1, CHERNIVTSI: -0.1},
                                  others={"partial": 3, "refusal": 1, "none": 1}),
            "extension_notice": Share("yes", 0.15, 0.1),
            "channel": Share("email", 0.6, others={"post": 3, "web_form": 1, "in_person": 0.5, "phone": 0}),
            "urgent": Share("yes", 0.03),
            "refusal_ground": Share("art22", 0.7, others={"other_law": 2, "none_cited": 1}),
            "addressee_body": Share("raion_administration", 0.3,
                                    others={"oblast_administration": 2, "nssu_regional": 2, "police": 2,
                                            "employment_centre": 1, "hromada": 1, "other": 0.3}),
            "days_to_answer": Duration(4, 1.6, {CHERNIVTSI: 1.3}, sigma=0.5),
        },
    ),
    "job-seekers": Story(
        coverage=Coverage("total", "hromada", low=240, high=320),
        questions={
            "consent": Share("yes", 0.93),
            "age_group": Share("18_29", 0.3, others={"14_17": 0.3, "30_44": 3, "45_59": 2, "60_plus": 0.5}),
            "sex": Share("female", 0.55, others={"male": 10, "no_answer": 0.5}),
            "urban_rural": Share("urban", 0.6),
            "looking_for_work": Share("yes", 0.7),
            "knows_licence_check": Share("yes", 0.3, 0.1, {KHARKIV: 0.05, CHERNIVTSI: -0.08}),
            "knows_hotline": Share("yes", 0.25, 0.1, {POLTAVA: 0.05, CHERNIVTSI: -0.05}),
            "would_accept_no_contract": Share("yes", 0.3, -0.05),
        },
    ),
}


def story_of(survey_id: str) -> Story:
    return STORIES.get(survey_id, Story())
