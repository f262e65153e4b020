"""Short generated narrative: a few factual sentences per oblast and per theme, in uk or en.

The text only restates what the tables show (counts of statuses, the index and its change, which
indicators moved and whether the move is statistically significant), so it can never say more than
the published, suppressed numbers allow: it reads the public results only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from monitor import format as fmt
from monitor.i18n import t
from monitor.reports.model import Paragraph

STATUSES = ("green", "amber", "red", "none", "suppressed", "incomplete", "no-data")


@dataclass(frozen=True)
class Move:
    indicator: str
    title: str
    change: str  # formatted, signed
    significant: bool

    def label(self, lang: str) -> str:
        mark = "*" if self.significant else ""
        return f"{self.indicator} {self.title} ({self.change}{mark})"


def status_counts(rows: pd.DataFrame) -> dict[str, int]:
    counts = rows["status"].value_counts().to_dict() if not rows.empty else {}
    return {s: int(counts.get(s, 0)) for s in STATUSES}


def moves(rows: pd.DataFrame, titles: Mapping[str, str], lang: str) -> tuple[list[Move], list[Move]]:
    """(improved, worsened) among non-index totals with a published change, in framework order.

    Direction decides what 'better' is; context indicators (no direction) neither improve nor worsen.
    """
    improved: list[Move] = []
    worsened: list[Move] = []
    for row in rows.to_dict("records"):
        change = row.get("change")
        if row.get("type") == "index" or fmt.missing(change) or float(change) == 0:
            continue
        direction = row.get("direction")
        if direction not in ("higher-is-better", "lower-is-better"):
            continue
        better = (float(change) > 0) == (direction == "higher-is-better")
        move = Move(
            indicator=str(row["indicator"]),
            title=titles.get(str(row["indicator"]), str(row["indicator"])),
            change=fmt.change(change, row.get("unit"), lang),
            significant=bool(row.get("change_significant")),
        )
        (improved if better else worsened).append(move)
    # Significant moves first: they are the ones a reader can rely on.
    improved.sort(key=lambda m: not m.significant)
    worsened.sort(key=lambda m: not m.significant)
    return improved, worsened


def _list(items: list[str], lang: str) -> str:
    return "; ".join(items) if items else t("reports.text.none_listed", lang)


def oblast_summary(
    rows: pd.DataFrame, index_row: Mapping[str, object] | None, titles: Mapping[str, str], lang: str, period: str,
    previous: str | None,
) -> list[Paragraph]:
    """Index sentence, status counts, then improved / worsened / red-flag lists for one oblast."""
    out: list[Paragraph] = []
    if index_row is None or fmt.missing(index_row.get("value")):
        out.append(Paragraph(t("reports.text.no_index", lang, period=period)))
    else:
        sentence = t(
            "reports.text.index", lang, period=period, value=fmt.decimal(float(index_row["value"]), lang, 1),
            status=t(f"reports.status.{index_row.get('status') or 'none'}", lang),
        )
        if previous and not fmt.missing(index_row.get("change")):
            sentence += " " + t(
                "reports.text.index_change", lang, previous=previous,
                change=fmt.change(index_row["change"], "score", lang) + ("*" if index_row.get("change_significant") else ""),
            )
        out.append(Paragraph(sentence))
    body = rows[rows["type"] != "index"]
    counts = status_counts(body)
    total = sum(counts[s] for s in ("green", "amber", "red", "none", "suppressed"))
    out.append(Paragraph(t("reports.text.counts", lang, total=total, period=period, **{
        "green": counts["green"], "amber": counts["amber"], "red": counts["red"], "none": counts["none"],
        "suppressed": counts["suppressed"],
    })))
    if previous:
        improved, worsened = moves(body, titles, lang)
        out.append(Paragraph(
            t("reports.text.improved", lang, previous=previous) + ": " + _list([m.label(lang) for m in improved], lang),
            "bullet",
        ))
        out.append(Paragraph(
            t("reports.text.worsened", lang, previous=previous) + ": " + _list([m.label(lang) for m in worsened], lang),
            "bullet",
        ))
    red = [f"{r['indicator']} {titles.get(str(r['indicator']), '')} ({fmt.value(r['value'], r['unit'], lang)})"
           for r in body[body["status"] == "red"].to_dict("records")]
    out.append(Paragraph(t("reports.text.red_flags", lang) + ": " + _list(red, lang), "bullet"))
    return out


def theme_text(
    rows: pd.DataFrame, titles: Mapping[str, str], names: Mapping[str, str], lang: str, period: str,
    previous: str | None,
) -> list[Paragraph]:
    """Status counts across oblasts, the results closest to and furthest from target, significant changes."""
    counts = status_counts(rows)
    out = [Paragraph(t(
        "reports.text.theme_counts", lang, period=period, indicators=rows["indicator"].nunique(),
        oblasts=rows["territory_code"].nunique(), nodata=counts["no-data"],
        **{k: counts[k] for k in ("green", "amber", "red", "none", "suppressed")},
    ))]
    rated = rows[rows["pct_of_target"].map(lambda v: not fmt.missing(v))]
    if len(rated) >= 2:
        rated = rated.sort_values(["pct_of_target", "indicator", "territory_code"], kind="stable")
        for key, row in (("reports.text.theme_best", rated.iloc[-1]), ("reports.text.theme_worst", rated.iloc[0])):
            out.append(Paragraph(t(
                key, lang, indicator=f"{row['indicator']} {titles.get(str(row['indicator']), '')}",
                oblast=names.get(str(row["territory_code"]), str(row["territory_code"])),
                value=f"{fmt.value(row['value'], row['unit'], lang)}, {fmt.percent(row['pct_of_target'], lang, 0)}",
            )))
    if previous:
        significant = [
            f"{r['indicator']} — {names.get(str(r['territory_code']), '')} {fmt.change(r['change'], r['unit'], lang)}"
            for r in rows[rows["change_significant"].astype(bool)].to_dict("records")
        ]
        if significant:
            # A change in percentage points ends in 'в. п.' / 'pp': no second full stop after it.
            items = "; ".join(significant).rstrip(".")
            out.append(Paragraph(t("reports.text.theme_changes", lang, previous=previous, items=items)))
        else:
            out.append(Paragraph(t("reports.text.theme_no_changes", lang, previous=previous)))
    return out
