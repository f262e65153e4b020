"""The results part of an IATI 2.03 activity file: one activity, one result per result level, one
indicator per monitoring indicator, with baseline, and per year the target and the actual (all
oblasts in scope combined, then by oblast as `location`, where the public gate published a value).

Valid against the official IATI activity schema, shipped in `schema/iati/` (IATI Standard,
CC BY 4.0, see schema/iati/LICENSE.md); the test suite validates every file it writes. Only
public-audience values are written: a withheld cell is simply absent (IATI has no 'withheld' mark),
and the file carries its own comment saying so.

Codes used (IATI codelists, IATI/IATI-Codelists `xml/ResultType.xml` and `xml/IndicatorMeasure.xml`):
result type 1 Output, 2 Outcome, 3 Impact; indicator measure 1 Unit, 2 Percentage. Context indicators
(no direction, no target) are not results and are left out. The activity's identifier and its
reporting organisation are the coalition's to give (`--iati-activity`, `--iati-org`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from monitor import format as fmt
from monitor.reports.model import Report

VERSION = "2.03"
RESULT_TYPE = {"output": "1", "outcome": "2", "impact": "3"}
MEASURE_PERCENT = "2"
MEASURE_UNIT = "1"
SCHEMA = Path(__file__).resolve().parents[3] / "schema" / "iati" / "iati-activities-schema.xsd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class Activity:
    identifier: str  # e.g. 'UA-EDR-12345678-PTL-2022' (organisation identifier + activity suffix)
    org_ref: str  # the reporting organisation's IATI identifier
    org_type: str = "22"  # OrganisationType: 22 = national NGO
    title: dict[str, str] | None = None  # lang -> title (default: the report's subtitle)


def _number(value: float, unit: str | None) -> str:
    """The value as IATI expects it: a plain decimal; shares as percentages (0..100)."""
    x = float(value) * (100 if unit in fmt.PERCENT_UNITS else 1)
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _narrative(parent: etree._Element, tag: str, texts: dict[str, str]) -> etree._Element:
    element = etree.SubElement(parent, tag)
    for lang, text in texts.items():
        if text:
            narrative = etree.SubElement(element, "narrative")
            narrative.set(XML_LANG, lang)
            narrative.text = text
    return element


def _published(row: dict[str, Any] | None) -> bool:
    return row is not None and not bool(row.get("suppressed")) and not fmt.missing(row.get("value"))


def build_tree(report: Report, activity: Activity, framework: Any) -> etree._ElementTree:
    """The IATI XML tree (`iati-activities` with one `iati-activity`)."""
    prov = report.provenance
    root = etree.Element("iati-activities", version=VERSION,
                         attrib={"generated-datetime": prov.generated_at.replace(microsecond=0).isoformat()})
    root.append(etree.Comment(" Public values only: results withheld under the small-cell rule are omitted. "))
    act = etree.SubElement(root, "iati-activity", attrib={
        "last-updated-datetime": prov.generated_at.replace(microsecond=0).isoformat(),
        XML_LANG: report.lang, "hierarchy": "1"})
    etree.SubElement(act, "iati-identifier").text = activity.identifier
    org = _narrative(act, "reporting-org", {"uk": framework.settings.title.uk, "en": framework.settings.title.en})
    org.set("ref", activity.org_ref)
    org.set("type", activity.org_type)
    _narrative(act, "title", activity.title or {"uk": framework.settings.title.uk, "en": framework.settings.title.en})
    from monitor.i18n import t

    description = _narrative(act, "description", {lang: t("reports.iati.description", lang, periods=", ".join(
        report.periods)) for lang in ("uk", "en")})
    description.set("type", "1")  # DescriptionType 1: general
    participant = _narrative(act, "participating-org", {"uk": framework.settings.title.uk,
                                                         "en": framework.settings.title.en})
    participant.set("ref", activity.org_ref)
    participant.set("role", "4")  # OrganisationRole 4: implementing
    etree.SubElement(act, "activity-status", code="2")  # ActivityStatus 2: implementation
    first = min(report.periods)
    etree.SubElement(act, "activity-date", type="2", attrib={"iso-date": f"{first}-01-01"})  # 2: actual start
    etree.SubElement(act, "recipient-country", code="UA", percentage="100")
    names = {code: name for code, name in zip(report.oblast_codes, report.scope, strict=True)}
    for code in report.oblast_codes:
        location = etree.SubElement(act, "location", ref=code)
        _narrative(location, "name", {report.lang: names[code]})
    by_all = {(r["indicator"], str(r["period"])): r for r in report.results_all.to_dict("records")
              if r.get("dimension", "") == ""}
    by_oblast: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in report.results.to_dict("records"):
        if r.get("dimension", "") == "":
            by_oblast.setdefault((r["indicator"], str(r["period"])), []).append(r)
    levels = [level for level in ("impact", "outcome", "output")
              if any(str(i.level) == level for i in framework.indicators.values())]
    for level in levels:
        indicators = [i for i in framework.indicators.values() if str(i.level) == level
                      and str(i.direction) in ("higher-is-better", "lower-is-better")]
        if not indicators:
            continue
        result = etree.SubElement(act, "result", type=RESULT_TYPE[level], attrib={"aggregation-status": "0"})
        _narrative(result, "title", {"uk": _level_title(level, "uk"), "en": _level_title(level, "en")})
        for ind in sorted(indicators, key=lambda i: i.id):
            _indicator(result, ind, report, by_all, by_oblast)
    return etree.ElementTree(root)


def _level_title(level: str, lang: str) -> str:
    from monitor.i18n import t

    return t(f"reports.level_group.{level}", lang)


def _indicator(result: etree._Element, ind: Any, report: Report, by_all: dict[tuple[str, str], dict[str, Any]],
               by_oblast: dict[tuple[str, str], list[dict[str, Any]]]) -> None:
    measure = MEASURE_PERCENT if ind.unit in fmt.PERCENT_UNITS else MEASURE_UNIT
    element = etree.SubElement(result, "indicator", measure=measure,
                               ascending="1" if str(ind.direction) == "higher-is-better" else "0",
                               attrib={"aggregation-status": "0"})
    _narrative(element, "title", {"uk": ind.title.uk, "en": ind.title.en})
    _narrative(element, "description", {"uk": ind.description.uk, "en": ind.description.en})
    base = ind.baseline
    base_value = base.value if base is not None else None
    base_period = str(base.period) if base is not None and base.period else (report.periods[0] if report.periods else "")
    if base_value is None:
        row = by_all.get((ind.id, base_period))
        base_value = row["value"] if _published(row) else None
    if base_period:
        attrs = {"year": base_period[:4], "iso-date": f"{base_period[:4]}-12-31"}
        if base_value is not None:
            attrs["value"] = _number(base_value, ind.unit)
        etree.SubElement(element, "baseline", attrib=attrs)
    for period in report.periods:
        row = by_all.get((ind.id, period))
        target = row.get("target") if row is not None else ind.targets.get(period)
        oblasts = [r for r in by_oblast.get((ind.id, period), []) if _published(r)]
        if row is None and target is None and not oblasts:
            continue
        element_period = etree.SubElement(element, "period")
        etree.SubElement(element_period, "period-start", attrib={"iso-date": f"{period[:4]}-01-01"})
        etree.SubElement(element_period, "period-end", attrib={"iso-date": f"{period[:4]}-12-31"})
        if not fmt.missing(target):
            etree.SubElement(element_period, "target", value=_number(target, ind.unit))
        if _published(row):
            etree.SubElement(element_period, "actual", value=_number(row["value"], ind.unit))
        for r in sorted(oblasts, key=lambda r: r["territory_code"]):
            actual = etree.SubElement(element_period, "actual", value=_number(r["value"], ind.unit))
            etree.SubElement(actual, "location", ref=str(r["territory_code"]))


def validate(path: Path, schema: Path = SCHEMA) -> list[str]:
    """Schema errors of an IATI file ([] when valid)."""
    xsd = etree.XMLSchema(etree.parse(str(schema)))
    document = etree.parse(str(path))
    if xsd.validate(document):
        return []
    return [f"{e.line}: {e.message}" for e in xsd.error_log]


def write_iati(report: Report, out: Path, activity: Activity, framework: Any) -> Path:
    tree = build_tree(report, activity, framework)
    tree.write(str(out), xml_declaration=True, encoding="utf-8", pretty_print=True)
    return out
