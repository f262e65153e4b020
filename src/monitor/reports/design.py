"""What a report says about uncertainty, by the instrument's design (Survey.design).

A probability sample gets its sampling interval's method; a census of bodies has no sampling error,
so its uncertainty is non-response: answers received of expected (from the coverage table, for the
oblasts in scope and the latest wave up to the reporting period); a convenience sample describes its
respondents only, so no interval or test is claimed.
"""

from __future__ import annotations

import pandas as pd

from monitor.framework.models import Indicator, Survey
from monitor.reports.context import CI_KEY, ReportContext


def response(ctx: ReportContext, survey: Survey, cov: pd.DataFrame) -> tuple[str, int, int] | None:
    """(wave, received, expected) of the instrument in the oblasts in scope, latest wave up to the period."""
    if survey.expected is None or cov.empty:
        return None
    rows = cov[(cov["survey"] == survey.id) & (cov["level"] == "oblast") & cov["territory_code"].isin(ctx.oblasts)]
    rows = rows[rows["wave"].astype(str) <= ctx.period]
    if rows.empty:
        return None
    wave = str(max(rows["wave"].astype(str)))
    now = rows[rows["wave"].astype(str) == wave]
    return wave, int(now["received"].sum()), int(now["expected"].sum())


def uncertainty_text(ctx: ReportContext, ind: Indicator, cov: pd.DataFrame) -> str:
    """The annex's line on uncertainty for one indicator."""
    survey = ctx.framework.survey_of(ind)
    if survey is None or survey.inferential:
        return ctx.t(f"reports.ci.{CI_KEY.get(str(ind.type), 'none')}")
    if survey.design == "convenience":
        return ctx.t("reports.design.convenience_uncertainty")
    found = response(ctx, survey, cov)
    if found is None:
        return ctx.t("reports.design.census_no_expected")
    wave, received, expected = found
    return ctx.t("reports.design.census_uncertainty", wave=wave, received=received, expected=expected)


def design_label(ctx: ReportContext, survey: Survey) -> str:
    return ctx.t(f"reports.design.{survey.design or 'undeclared'}")
