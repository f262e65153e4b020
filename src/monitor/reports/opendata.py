"""The open-data package: CSV results plus a Frictionless Data Package descriptor (datapackage.json).

Written by hand as plain JSON following the Data Package and Table Schema specifications
(https://specs.frictionlessdata.io/): one tabular-data-resource per CSV, a schema with typed fields,
primary and foreign keys, licence, sources, and the provenance stamp as a custom property. CSVs are
UTF-8, comma-separated, with a header row; an empty field is a missing value. Only public results
(after the privacy gate) are written: a withheld cell has no value and `n_display` 'withheld'.

`out` is a folder, or a path ending in .zip for one archive (what a data portal upload wants).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from monitor.i18n import t
from monitor.reports.model import Report

LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
# name: (Table Schema type, description)
RESULT_FIELDS: dict[str, tuple[str, str]] = {
    "indicator": ("string", "Indicator id (indicators.csv)"),
    "theme": ("string", "Theme id"),
    "type": ("string", "share | count | sum | mean | median | ratio | duration | index"),
    "unit": ("string", "percent (shares as 0..1), count, persons, days, uah, score"),
    "direction": ("string", "higher-is-better | lower-is-better | none"),
    "level": ("string", "Territory level: oblast, or all (every oblast in scope)"),
    "territory_code": ("string", "KATOTTG code; ALL for every oblast in scope"),
    "territory_name": ("string", "Territory name in Ukrainian"),
    "territory_name_en": ("string", "Territory name in English"),
    "period": ("string", "Calendar year"),
    "dimension": ("string", "Disaggregation question; empty for the total"),
    "dimension_value": ("string", "Disaggregation value (choice code); empty for the total"),
    "n": ("integer", "Answers behind the value; empty when withheld"),
    "n_display": ("string", "n as published: 'withheld' when the cell is withheld (whatever the reason)"),
    "numerator": ("number", "Numerator (shares, ratios)"),
    "denominator": ("number", "Denominator (shares, ratios)"),
    "value": ("number", "The indicator value; empty when withheld or no data"),
    "ci_low": ("number", "Lower bound of the 95% interval"),
    "ci_high": ("number", "Upper bound of the 95% interval"),
    "ci_method": ("string", "wilson | t | order | empty"),
    "baseline": ("number", "Baseline from the framework"),
    "target": ("number", "Target for the period"),
    "pct_of_target": ("number", "Achieved / target × 100 (target / achieved × 100 when lower is better)"),
    "status": ("string", "green | amber | red | none | suppressed | incomplete | no-data"),
    "previous_period": ("string", "The period compared with"),
    "previous_value": ("number", "Value in the previous period"),
    "change": ("number", "value − previous_value"),
    "change_significant": ("boolean", "Change statistically significant at 95%"),
    "min_n": ("integer", "Minimum answers to publish"),
    "suppressed": ("boolean", "True when the value is withheld"),
    "suppression_reason": ("string", "withheld (for its own small n or to protect such a cell: not told apart, as that would narrow what can be solved for) | subset (a member oblast is withheld) | not-additive | empty"),
    "unverified": ("boolean", "True when the value depends on a parameter not yet verified against the law's text"),
    "definition_hash": ("string", "sha256 of the indicator definition"),
    "synthetic": ("boolean", "True for synthetic demo data"),
}
COVERAGE_FIELDS: dict[str, tuple[str, str]] = {
    "survey": ("string", "Survey instrument id"),
    "unit_level": ("string", "Level of the units expected to answer"),
    "level": ("string", "oblast or all"),
    "territory_code": ("string", "KATOTTG code; ALL for every oblast"),
    "territory_name": ("string", "Territory name in Ukrainian"),
    "territory_name_en": ("string", "Territory name in English"),
    "wave": ("string", "Monitoring wave"),
    "expected": ("integer", "Answers expected"),
    "received": ("integer", "Answers received"),
    "share": ("number", "received / expected"),
}
INDICATOR_FIELDS: dict[str, tuple[str, str]] = {
    "id": ("string", "Indicator id"),
    "title_uk": ("string", "Title in Ukrainian"),
    "title_en": ("string", "Title in English"),
    "theme": ("string", "Theme id"),
    "type": ("string", "Indicator type"),
    "unit": ("string", "Unit"),
    "direction": ("string", "Desired direction of change"),
    "result_level": ("string", "output | outcome | impact | context"),
    "survey": ("string", "Survey instrument id (empty for the index)"),
    "min_n": ("integer", "Minimum answers to publish"),
    "lop_target": ("number", "Life-of-project target"),
    "legal_basis_uk": ("string", "Legal basis in Ukrainian"),
    "legal_basis_en": ("string", "Legal basis in English"),
    "definition_hash": ("string", "sha256 of the definition"),
}
PIRS_FIELDS: dict[str, tuple[str, str]] = {
    "indicator": ("string", "Indicator id (indicators.csv)"),
    "field": ("string", "PIRS field: definition, unit, rationale, disaggregation, data_source, collection_method, "
              "frequency, responsible, baseline_rationale, target_rationale, limitations, last_review"),
    "label_en": ("string", "The field's name as the report prints it in English"),
    "text_uk": ("string", "The sheet's text in Ukrainian"),
    "text_en": ("string", "The sheet's text in English"),
}


RECOMMENDATION_FIELDS: dict[str, tuple[str, str]] = {
    "key": ("string", "Recommendation id"),
    "round": ("string", "Monitoring round (approved rounds only)"),
    "oblast_code": ("string", "KATOTTG code of the oblast of the body; empty for a national body"),
    "body_id": ("string", "Body id (data/reference/bodies.csv)"),
    "authority": ("string", "Body the recommendation is addressed to (English name)"),
    "findings": ("string", "Keys of the findings it answers, ';'-separated"),
    "text_uk": ("string", "The recommendation in Ukrainian"),
    "text_en": ("string", "The recommendation in English"),
    "date_sent": ("string", "Date sent (YYYY-MM-DD)"),
    "due_date": ("string", "Date the body was asked to act by (YYYY-MM-DD)"),
    "status": ("string", "sent | acknowledged | accepted | partly-implemented | implemented | rejected | no-answer"),
    "status_date": ("string", "Date of that status (YYYY-MM-DD)"),
    "overdue": ("boolean", "Past its due date and neither implemented nor rejected"),
    "evidence": ("string", "What shows the status (a letter, an order, a visit)"),
}


OUTPUT_FIELDS: dict[str, tuple[str, str]] = {
    "indicator": ("string", "OUT01 officials trained by the coalition | OUT02 trainings held by the coalition"),
    "period": ("string", "Calendar year of the trainings"),
    "dimension": ("string", "Empty for the total; body_kind or sex for a breakdown"),
    "dimension_value": ("string", "Body type (data/reference/bodies.csv kind) or women | men"),
    "value": ("integer", "Number of persons (OUT01) or of trainings (OUT02)"),
    "unit": ("string", "persons | count"),
}


def _frame(data: pd.DataFrame, fields: dict[str, tuple[str, str]]) -> pd.DataFrame:
    out = pd.DataFrame(index=data.index)
    for name, (kind, _) in fields.items():
        column = data[name] if name in data.columns else pd.Series([None] * len(data), index=data.index)
        if kind == "integer":
            out[name] = pd.to_numeric(column, errors="coerce").astype("Int64")
        elif kind == "number":
            out[name] = pd.to_numeric(column, errors="coerce")
        elif kind == "boolean":
            out[name] = column.map(lambda v: "" if v is None or v is pd.NA else ("true" if bool(v) else "false"))
        else:
            out[name] = column.map(lambda v: "" if v is None or (isinstance(v, float) and v != v) else str(v))
    return out.reset_index(drop=True)


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.10g").encode("utf-8")


def _schema(fields: dict[str, tuple[str, str]], primary: list[str] | None = None,
            foreign: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [{"name": n, "type": k, "description": d} for n, (k, d) in fields.items()],
        "missingValues": [""],
    }
    if primary:
        schema["primaryKey"] = primary
    if foreign:
        schema["foreignKeys"] = foreign
    return schema


def package(report: Report) -> tuple[dict[str, Any], dict[str, bytes]]:
    """(datapackage.json as a dict, {file name: CSV bytes})."""
    results = _frame(pd.concat([report.results, report.results_all], ignore_index=True), RESULT_FIELDS)
    coverage = _frame(report.coverage, COVERAGE_FIELDS)
    indicators = _frame(pd.DataFrame(report.indicator_rows, columns=list(INDICATOR_FIELDS)), INDICATOR_FIELDS)
    sheets = _frame(pd.DataFrame(report.pirs_rows, columns=list(PIRS_FIELDS)), PIRS_FIELDS)
    recommendations = _frame(report.recommendations.reindex(columns=list(RECOMMENDATION_FIELDS)),
                             RECOMMENDATION_FIELDS)
    files = {
        "results.csv": _csv(results),
        "coverage.csv": _csv(coverage),
        "indicators.csv": _csv(indicators),
        "pirs.csv": _csv(sheets),
        "recommendations.csv": _csv(recommendations),
        "outputs.csv": _csv(_frame(report.outputs.reindex(columns=list(OUTPUT_FIELDS)), OUTPUT_FIELDS)),
    }
    key = ["indicator", "level", "territory_code", "period", "dimension", "dimension_value"]
    foreign = [{"fields": "indicator", "reference": {"resource": "indicators", "fields": "id"}}]
    resources = [
        ("results", "results.csv", RESULT_FIELDS, key, foreign,
         "Indicator results per oblast (and all oblasts combined), year and disaggregation, after suppression"),
        ("coverage", "coverage.csv", COVERAGE_FIELDS, ["survey", "level", "territory_code", "wave"], None,
         "Answers expected and received per survey instrument, oblast and wave"),
        ("indicators", "indicators.csv", INDICATOR_FIELDS, ["id"], None, "Indicator definitions (both languages)"),
        ("pirs", "pirs.csv", PIRS_FIELDS, ["indicator", "field"], foreign,
         "Performance Indicator Reference Sheet (USAID ADS 201) of each indicator, one row per field (both languages)"),
        ("recommendations", "recommendations.csv", RECOMMENDATION_FIELDS, ["key"], None,
         "Recommendations of approved monitoring rounds to public bodies, with their status at the end of the period"),
        ("outputs", "outputs.csv", OUTPUT_FIELDS, ["indicator", "period", "dimension", "dimension_value"], None,
         "The coalition's own output indicators from its training records, per year, by body type and by sex"),
    ]
    prov = report.provenance
    descriptor: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": "ptl-monitor-results",
        "id": f"ptl-monitor-{prov.database_hash[:16]}-{report.period}",
        "title": f"{report.subtitle} — {report.period}",
        "description": (t("reports.synthetic", report.lang) + ". " if report.synthetic else "")
        + f"{report.title}: {', '.join(report.scope)}, {', '.join(report.periods)}. "
        + t("reports.suppressed_note", report.lang, n=11),
        "version": prov.version,
        "created": prov.generated_at.isoformat(),
        "keywords": ["counter-trafficking", "Ukraine", "civic monitoring", "протидія торгівлі людьми"],
        "licenses": [LICENSE],
        "sources": [{"title": "ptl-monitor: coalition monitoring surveys (" + (
            "synthetic demo data" if report.synthetic else "survey answers") + ")"}],
        "contributors": [{"title": "ptl-monitor", "role": "author"}],
        "resources": [
            {
                "name": name, "path": path, "profile": "tabular-data-resource", "format": "csv",
                "mediatype": "text/csv", "encoding": "utf-8", "description": description,
                "schema": _schema(fields, primary, foreign_keys),
                "bytes": len(files[path]),
            }
            for name, path, fields, primary, foreign_keys, description in resources
        ],
        "ptl_monitor": {
            "framework_hash": prov.framework_hash, "database_hash": prov.database_hash,
            "software_version": prov.version, "synthetic": prov.synthetic, "language": report.lang,
            "period": report.period, "oblasts": report.oblast_codes,
        },
    }
    return descriptor, files


def write_opendata(report: Report, out: Path) -> Path:
    descriptor, files = package(report)
    files["datapackage.json"] = (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if out.suffix.lower() == ".zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(files):
                archive.writestr(name, files[name])
        out.write_bytes(buffer.getvalue())
        return out
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
    return out
