"""Up to five proposed key findings of a round, from the public results (no Streamlit here).

Three kinds, each from numbers the report itself prints, in both languages at once (the M&E lead
accepts a proposal or rewrites it on the Reports page; the accepted text is stored per language):
- the largest changes since the previous round that are beyond noise (statistically significant),
  per oblast: at most two;
- the indicators furthest from target over all oblasts in scope (lowest % of target): at most two;
- the largest survey coverage gap (lowest share of expected units that answered): one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from monitor import format as fmt
from monitor.framework.models import Framework
from monitor.i18n import t

LANGS = ("uk", "en")
MAX_FINDINGS = 5
COVERAGE_GAP = 0.8  # a round's coverage below 80% of the expected units is a finding


@dataclass(frozen=True)
class Proposal:
    key: str  # stable id: kind:indicator:territory
    kind: str  # change | target | coverage
    texts: dict[str, str]  # lang -> sentence

    def text(self, lang: str) -> str:
        return self.texts[lang]


def _published(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame
    keep = ~frame["suppressed"].astype(bool) & frame["value"].map(lambda v: not fmt.missing(v))
    if "dimension" in frame.columns:
        keep &= frame["dimension"] == ""
    return frame[keep & (frame["type"] != "index")]


def _title(framework: Framework, indicator: str, lang: str) -> str:
    ind = framework.indicators.get(indicator)
    if ind is None:
        return indicator
    return (ind.short_title or ind.title).get(lang)


def _name(row: dict[str, Any], lang: str) -> str:
    return str(row.get("territory_name_en") if lang == "en" else row.get("territory_name") or row.get("territory_code"))


def _size(row: dict[str, Any]) -> float:
    """How large a change is, comparable across units: shares in points, others relative to before."""
    change = abs(float(row["change"]))
    if row.get("unit") in fmt.PERCENT_UNITS:
        return change
    before = row.get("previous_value")
    if fmt.missing(before) or float(before) == 0:
        return 0.0
    return change / abs(float(before))


def change_findings(results: pd.DataFrame, framework: Framework, period: str, previous: str | None,
                    limit: int = 2) -> list[Proposal]:
    if previous is None or results.empty:
        return []
    rows = _published(results[results["period"].astype(str) == period])
    rows = rows[rows["change_significant"].fillna(False).astype(bool) & rows["change"].map(lambda v: not fmt.missing(v))]
    rows = rows[rows["direction"].isin(["higher-is-better", "lower-is-better"])]
    records = sorted(rows.to_dict("records"), key=lambda r: (-_size(r), str(r["indicator"]), str(r["territory_code"])))
    out: list[Proposal] = []
    for row in records[:limit]:
        better = (float(row["change"]) > 0) == (row["direction"] == "higher-is-better")
        texts = {lang: t("reports.finding.improved" if better else "reports.finding.worsened", lang,
                         oblast=_name(row, lang), indicator=_title(framework, str(row["indicator"]), lang),
                         before=fmt.value(row.get("previous_value"), row.get("unit"), lang),
                         after=fmt.value(row["value"], row.get("unit"), lang), previous=previous, period=period,
                         change=fmt.change(row["change"], row.get("unit"), lang))
                 for lang in LANGS}
        out.append(Proposal(f"change:{row['indicator']}:{row['territory_code']}", "change", texts))
    return out


def target_findings(results_all: pd.DataFrame, framework: Framework, period: str, limit: int = 2) -> list[Proposal]:
    if results_all.empty:
        return []
    rows = _published(results_all[results_all["period"].astype(str) == period])
    rows = rows[rows["pct_of_target"].map(lambda v: not fmt.missing(v))]
    rows = rows[rows["pct_of_target"].astype(float) < 100]
    records = sorted(rows.to_dict("records"), key=lambda r: (float(r["pct_of_target"]), str(r["indicator"])))
    out: list[Proposal] = []
    for row in records[:limit]:
        texts = {lang: t("reports.finding.target", lang, indicator=_title(framework, str(row["indicator"]), lang),
                         value=fmt.value(row["value"], row.get("unit"), lang),
                         target=fmt.value(row.get("target"), row.get("unit"), lang),
                         pct=fmt.percent(row["pct_of_target"], lang, 0), period=period)
                 for lang in LANGS}
        out.append(Proposal(f"target:{row['indicator']}:ALL", "target", texts))
    return out


def coverage_findings(coverage: pd.DataFrame, framework: Framework, period: str, oblasts: list[str],
                      limit: int = 1) -> list[Proposal]:
    if coverage.empty:
        return []
    rows = coverage[(coverage["level"] == "oblast") & (coverage["wave"].astype(str) == period)
                    & coverage["territory_code"].isin(oblasts) & (coverage["expected"] > 0)]
    rows = rows[rows["share"] < COVERAGE_GAP]
    records = sorted(rows.to_dict("records"), key=lambda r: (float(r["share"]), str(r["survey"]), str(r["territory_code"])))
    out: list[Proposal] = []
    for row in records[:limit]:
        survey = framework.surveys.get(str(row["survey"]))
        texts = {lang: t("reports.finding.coverage", lang, oblast=_name(row, lang),
                         survey=survey.title.get(lang) if survey is not None else str(row["survey"]),
                         share=fmt.percent(float(row["share"]) * 100, lang, 0), received=int(row["received"]),
                         expected=int(row["expected"]), period=period)
                 for lang in LANGS}
        out.append(Proposal(f"coverage:{row['survey']}:{row['territory_code']}", "coverage", texts))
    return out


def propose(results: pd.DataFrame, results_all: pd.DataFrame, coverage: pd.DataFrame, framework: Framework,
            period: str, previous: str | None, oblasts: list[str]) -> list[Proposal]:
    """At most five proposals, changes first, then distance to target, then coverage."""
    proposals = [
        *change_findings(results, framework, period, previous),
        *target_findings(results_all, framework, period),
        *coverage_findings(coverage, framework, period, oblasts),
    ]
    return proposals[:MAX_FINDINGS]
