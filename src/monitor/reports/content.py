"""Build the Report model (model.py) from engine results, the framework, coverage and provenance.

Every number comes from the protected set (`monitor.privacy.public_results`), here, once: the
renderers never see a suppressed value, only its '<11' marker. Figures come from
monitor.charts.figures, the dashboard's own builders. Content is deterministic for a database and a
framework: rows are ordered by framework order and territory code, and the generation time appears
only in `Report.generated_line` (and the provenance stamp).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from monitor import format as fmt
from monitor.charts import figures
from monitor.engine import coverage
from monitor.errors import MonitorError, issue
from monitor.framework.models import Framework, Indicator, Split
from monitor.i18n import t
from monitor.oversight.report import open_table
from monitor.oversight.rounds import coverage_with_rounds
from monitor.privacy import n_label
from monitor.privacy import public_results as public_results_of
from monitor.reports import design, findings, narrative, pirs, text, texts, wording
from monitor.reports.context import (
    ALL,
    LANGS,
    ReportContext,
    change_cell,
    header_row,
    indicator_order,
    number_cell,
    pct_cell,
    text_cell,
    value_cell,
)
from monitor.reports.iptt import iptt_section
from monitor.reports.model import (
    Cell,
    Chart,
    Definition,
    NativeChart,
    Paragraph,
    Report,
    Section,
    Table,
)
from monitor.reports.outputs import coalition_outputs, outputs_frame
from monitor.reports.provenance import Provenance, provenance
from monitor.reports.stories import stories_section
from monitor.reports.tracker import tracker_section

# --------------------------------------------------------------------------- sections


def summary_section(ctx: ReportContext) -> Section:
    section = Section("summary", ctx.t("reports.section.summary"))
    scope = ", ".join(ctx.names[c] for c in ctx.oblasts)
    section.blocks.append(Paragraph(ctx.t("reports.text.summary_intro", oblasts=scope, period=ctx.period)))
    rows: list[list[Cell]] = []
    index_ids = [i.id for i in ctx.indicators() if i.type == "index"]
    body = ctx.now[ctx.now["type"] != "index"]
    for code in ctx.oblasts:
        index_row = ctx.by_cell.get((index_ids[0], code)) if index_ids else None
        improved, worsened = text.moves(body[body["territory_code"] == code], ctx.short, ctx.lang)
        red = int((body[body["territory_code"] == code]["status"] == "red").sum())

        def count(moves: list[text.Move]) -> Cell:
            significant = sum(m.significant for m in moves)
            return Cell(f"{len(moves)} ({significant}*)", value=float(len(moves)), number_format="integer")

        rows.append([
            text_cell(ctx.names[code], bold=True),
            value_cell(index_row, ctx.lang),
            text_cell(ctx.t(f"reports.status.{index_row.get('status') or 'none'}") if index_row else fmt.DASH),
            change_cell(index_row.get("change"), "score", ctx.lang, bool(index_row.get("change_significant")))
            if index_row else Cell(fmt.DASH),
            count(improved) if ctx.previous else Cell(fmt.DASH),
            count(worsened) if ctx.previous else Cell(fmt.DASH),
            Cell(str(red), value=float(red), number_format="integer"),
        ])
    section.blocks.append(Table(
        "summary", ctx.t("reports.section.summary"),
        header_row(ctx.t("reports.col.oblast"), ctx.t("reports.col.index"), ctx.t("reports.col.status"),
                ctx.t("reports.col.change"), ctx.t("reports.col.improved"), ctx.t("reports.col.worsened"),
                ctx.t("reports.col.red_flags")),
        rows, [2.6, 1.2, 2, 1.2, 1.9, 1.9, 1.6], note=ctx.t("reports.significant_mark"),
        native_chart=NativeChart(ctx.t("reports.chart.index", period=ctx.period), 0, [1], "column"),
        font_size=8.5,
    ))
    if index_ids:
        index_rows = ctx.now[ctx.now["indicator"].isin(index_ids)]
        section.blocks.append(Chart("index-bars", ctx.t("reports.chart.index", period=ctx.period),
                                    figures.index_bars(ctx.titled(index_rows), ctx.lang), height=300))
    for code in ctx.oblasts:
        section.blocks.append(Paragraph(ctx.names[code], "subheading"))
        rows_o = ctx.now[ctx.now["territory_code"] == code]
        index_row = ctx.by_cell.get((index_ids[0], code)) if index_ids else None
        section.blocks.extend(text.oblast_summary(rows_o, index_row, ctx.short, ctx.lang, ctx.period, ctx.previous))
    section.blocks.append(Paragraph(ctx.t("reports.significant_mark"), "note"))
    scorecard = ctx.titled(ctx.now)
    section.blocks.append(Chart("scorecard", ctx.t("reports.chart.scorecard", theme=ctx.t("reports.section.themes"),
                                                   period=ctx.period),
                                figures.scorecard(scorecard, ctx.lang), height=max(300, 24 * (len(ctx.framework.indicators)
                                                                                          + 8) + 60)))
    return section


def theme_sections(ctx: ReportContext) -> list[Section]:
    sections: list[Section] = []
    themes = sorted(ctx.framework.settings.themes, key=lambda th: (th.order, th.id))
    for theme in themes:
        indicators = ctx.indicators(theme.id)
        if not indicators:
            continue
        title = theme.title.get(ctx.lang)
        section = Section(f"theme-{theme.id}", title)
        ids = [i.id for i in indicators]
        rows_now = ctx.now[ctx.now["indicator"].isin(ids)]
        section.blocks.extend(text.theme_text(rows_now, ctx.short, ctx.names, ctx.lang, ctx.period, ctx.previous))
        table_rows: list[list[Cell]] = []
        for ind in indicators:
            cells = [text_cell(ind.id, bold=True), text_cell(ind.title.get(ctx.lang))]
            cells += [value_cell(ctx.by_cell.get((ind.id, code)), ctx.lang) for code in ctx.oblasts]
            cells.append(value_cell(ctx.all_by.get((ind.id, ctx.period)), ctx.lang))
            table_rows.append(cells)
        percent_only = all(i.unit in fmt.PERCENT_UNITS for i in indicators)
        n_oblasts = len(ctx.oblasts)
        section.blocks.append(Table(
            f"theme-{theme.id}", f"{title}, {ctx.period}",
            header_row(ctx.t("reports.col.id"), ctx.t("reports.col.indicator"), *[ctx.names[c] for c in ctx.oblasts],
                    ctx.names[ALL]),
            table_rows, [0.9, 6] + [2.1] * (n_oblasts + 1),
            note=ctx.t("reports.masked_rule"),
            native_chart=NativeChart(f"{title}, {ctx.period}", 0, list(range(2, 2 + n_oblasts)), "bar")
            if percent_only else None,
        ))
        section.blocks.extend(split_table(ctx, ind, split) for ind in indicators for split in ind.split_by)
        ranked = False
        for ind in indicators:
            rows = ctx.now[ctx.now["indicator"] == ind.id]
            published = rows[~rows["suppressed"].astype(bool) & rows["value"].map(lambda v: not fmt.missing(v))]
            if ind.type == "index":
                trend_rows = ctx.totals[(ctx.totals["indicator"] == ind.id) & (ctx.totals["period"] <= ctx.period)]
                section.blocks.append(Chart(f"trend-{ind.id}", ctx.t("reports.chart.index_trend"),
                                            figures.trend(ctx.titled(trend_rows), ctx.lang), height=340))
                continue
            if published.empty:
                # Nothing to rank: every oblast is withheld or without data (the table says which).
                continue
            ranked = True
            section.blocks.append(Chart(
                f"ranking-{ind.id}", ctx.t("reports.chart.ranking", id=ind.id, title=ctx.short[ind.id], period=ctx.period),
                figures.ranking(ctx.titled(rows), ctx.lang), caption="", height=230,
            ))
        if ranked:
            section.blocks.append(Paragraph(ctx.t("reports.chart.caption_ranking"), "note"))
        sections.append(section)
    return sections


def split_table(ctx: ReportContext, ind: Indicator, split: Split) -> Table:
    """An indicator asked in parts (of whom women and men; referrals by the actor at the other end): a row
    per part, a column per oblast and all four. S09 and S09B side by side are the referral table of
    source and destination, with the social-protection body at one end."""
    rows = []
    for part in split.parts:
        cells = [text_cell(part.label.get(ctx.lang))]
        cells += [value_cell(ctx.dim_cell.get((ind.id, code, split.name, part.value)), ctx.lang) for code in ctx.oblasts]
        cells.append(value_cell(ctx.all_dims.get((ind.id, ctx.period, split.name, part.value)), ctx.lang))
        rows.append(cells)
    label = split.label.get(ctx.lang)
    return Table(
        f"split-{ind.id}", f"{ind.id} {ctx.short[ind.id]}: {label.lower()}, {ctx.period}",
        header_row(label, *[ctx.names[c] for c in ctx.oblasts], ctx.names[ALL]),
        rows, [6.9] + [2.1] * (len(ctx.oblasts) + 1), note=ctx.t("reports.masked_rule"),
    )


def oblast_sections(ctx: ReportContext) -> list[Section]:
    sections: list[Section] = []
    for code in ctx.oblasts:
        name = ctx.names[code]
        section = Section(f"oblast-{code}", ctx.t("reports.section.oblast", name=name))
        rows: list[list[Cell]] = []
        for ind in ctx.indicators():
            row = ctx.by_cell.get((ind.id, code))
            status = str(row.get("status") or "no-data") if row is not None else "no-data"
            change = change_cell(row.get("change"), ind.unit, ctx.lang, bool(row.get("change_significant"))) \
                if row is not None else Cell(fmt.DASH)
            published = row is not None and not bool(row.get("suppressed"))
            rows.append([
                text_cell(ind.id, bold=True),
                text_cell(ctx.short[ind.id]),
                value_cell(row, ctx.lang),
                text_cell(fmt.interval(row.get("ci_low"), row.get("ci_high"), ind.unit, ctx.lang) if published else fmt.DASH),
                text_cell(n_label(row.get("n_display"), ctx.lang) or fmt.DASH if row is not None else fmt.DASH),
                number_cell(row.get("target") if row is not None else None, ind.unit, ctx.lang),
                pct_cell(row.get("pct_of_target") if published else None, ctx.lang),
                Cell(ctx.t(f"reports.status.{status}"), status=status),
                change,
            ])
        section.blocks.append(Table(
            f"oblast-{code}", f"{name}, {ctx.period}",
            header_row(ctx.t("reports.col.id"), ctx.t("reports.col.indicator"), ctx.t("reports.col.value"),
                    ctx.t("reports.col.interval"), ctx.t("reports.col.n"), ctx.t("reports.col.target"),
                    ctx.t("reports.col.pct_met"), ctx.t("reports.col.status"), ctx.t("reports.col.change")),
            rows, [0.9, 4.6, 1.6, 2.7, 0.9, 1.4, 1.4, 2.7, 1.8],
            note=ctx.t("reports.masked_rule") + " " + ctx.t("reports.significant_mark"),
        ))
        sections.append(section)
    return sections


def coverage_section(ctx: ReportContext, cov: pd.DataFrame) -> Section:
    section = Section("coverage", ctx.t("reports.section.coverage"))
    titles = {s.id: s.title.get(ctx.lang) for s in ctx.framework.surveys.values()}
    oblast_rows = cov[(cov["level"] == "oblast") & cov["territory_code"].isin(ctx.oblasts)]
    waves = sorted(w for w in oblast_rows["wave"].dropna().astype(str).unique() if w <= ctx.period)
    rows: list[list[Cell]] = []
    by = {(r["survey"], str(r["wave"]), r["territory_code"]): r for r in oblast_rows.to_dict("records")}
    for survey in sorted(oblast_rows["survey"].unique(), key=lambda s: list(ctx.framework.surveys).index(s)):
        for wave in waves:
            cells = [text_cell(titles.get(survey, survey)), text_cell(wave)]
            received = expected = 0
            for code in ctx.oblasts:
                row = by.get((survey, wave, code))
                if row is None:
                    cells.append(Cell(fmt.DASH))
                    continue
                received += int(row["received"])
                expected += int(row["expected"])
                cells.append(Cell(f"{fmt.share(row['share'], ctx.lang, 0)} ({fmt.ratio(row['received'], row['expected'], ctx.lang)})",
                                  value=float(row["share"]), number_format="percent0"))
            cells.append(text_cell(fmt.ratio(received, expected, ctx.lang)))
            rows.append(cells)
    if rows:
        section.blocks.append(Table(
            "coverage", ctx.t("reports.section.coverage"),
            header_row(ctx.t("reports.col.survey"), ctx.t("reports.col.wave"), *[ctx.names[c] for c in ctx.oblasts],
                    f"{ctx.t('reports.col.received')}/{ctx.t('reports.col.expected')}"),
            rows, [5, 1.2] + [2.2] * len(ctx.oblasts) + [2],
            native_chart=NativeChart(ctx.t("reports.section.coverage"), 0, list(range(2, 2 + len(ctx.oblasts))), "bar"),
        ))
    if waves:
        latest = waves[-1]
        frame = oblast_rows[oblast_rows["wave"].astype(str) == latest]
        section.blocks.append(Chart("coverage-bar", ctx.t("reports.chart.coverage", wave=latest),
                                    figures.coverage_bar(frame, ctx.lang, titles), height=max(300, 16 * len(frame) + 140)))
    return section


def methodology_section(ctx: ReportContext, cov: pd.DataFrame) -> Section:
    fw = ctx.framework
    section = Section("methodology", ctx.t("reports.section.methodology"))
    official = min((s.min_n for s in fw.surveys.values() if s.respondent != "survivor"), default=5)
    section.blocks.append(Paragraph(ctx.t("reports.method.intro")))
    for key in ("suppression", "intervals", "status", "index"):
        section.blocks.append(Paragraph(ctx.t(f"reports.method.{key}_title"), "subheading"))
        section.blocks.append(Paragraph(ctx.t(f"reports.method.{key}", official=official,
                                              survivor=fw.settings.survivor_min_n)))
        if key == "intervals":
            section.blocks.append(Paragraph(ctx.t("reports.design.rule")))
    section.blocks.append(Paragraph(ctx.t("reports.method.parameters_title"), "subheading"))
    params: list[list[Cell]] = []
    for param in fw.settings.parameters.values():
        shown = ", ".join(param.value) if isinstance(param.value, list) else str(param.value)
        if isinstance(param.value, list) and len(param.value) > 4:
            shown = f"{len(param.value)}: {param.value[0]} … {param.value[-1]}"
        if param.unit == "reference table":
            shown = ""  # a file of the project's data/reference: its name means nothing to a donor
        verified = ctx.t("reports.yes") if param.verified else ctx.t("reports.method.unverified")
        params.append([text_cell(param.label.get(ctx.lang)),
                       text_cell(f"{shown} {wording.unit(param.unit, ctx.lang)}".strip()),
                       Cell(verified, status="" if param.verified else "amber"),
                       text_cell(wording.source(param.source, ctx.lang))])
    section.blocks.append(Table("parameters", ctx.t("reports.method.parameters_title"),
                                header_row(ctx.t("reports.col.parameter"), ctx.t("reports.col.value"),
                                        ctx.t("reports.col.verified"), ctx.t("reports.col.source")),
                                params, [4, 2, 1.6, 6.4], font_size=6.5))
    surveys: list[list[Cell]] = []
    for survey in fw.surveys.values():
        surveys.append([text_cell(survey.code, bold=True), text_cell(survey.title.get(ctx.lang)),
                        text_cell(wording.respondent(survey.respondent, ctx.lang)),
                        text_cell(wording.survey_unit(survey.unit, ctx.lang)),
                        text_cell(design.design_label(ctx, survey)),
                        Cell(str(survey.min_n), float(survey.min_n), "integer")])
    section.blocks.append(Table("instruments", ctx.t("reports.col.survey"),
                                header_row(ctx.t("reports.col.id"), ctx.t("reports.col.survey"),
                                        ctx.t("reports.col.respondent"), ctx.t("reports.col.survey_unit"),
                                        ctx.t("reports.col.design"), ctx.t("reports.col.min_n")),
                                surveys, [1, 5.2, 2.2, 1.6, 1.8, 1]))
    section.blocks.append(Paragraph(ctx.t("reports.method.indicators_title"), "subheading"))
    if any(ind.pirs is not None for ind in ctx.indicators()):
        section.blocks.append(Paragraph(ctx.t("reports.pirs.intro")))
    for ind in ctx.indicators():
        survey = fw.survey_of(ind)
        total = ctx.all_by.get((ind.id, ctx.period))
        n_text = n_label(total.get("n_display"), ctx.lang) or fmt.DASH if total is not None else fmt.DASH
        def said(text: str) -> str:
            return wording.clean(wording.with_parameter_labels(text, fw, ctx.lang))

        items = [(ctx.t("reports.method.definition"), said(ind.description.get(ctx.lang)))]
        if ind.numerator_text:
            items.append((ctx.t("reports.method.numerator"), said(ind.numerator_text.get(ctx.lang))))
        if ind.denominator_text:
            items.append((ctx.t("reports.method.denominator"), said(ind.denominator_text.get(ctx.lang))))
        items.append((ctx.t("reports.method.type"), ", ".join([
            ctx.t(f"reports.type.{ind.type}"), wording.unit(ind.unit, ctx.lang),
            ctx.t(f"reports.direction_text.{ind.direction}"),
            ctx.t(f"reports.level.{ind.level}")])))
        items.append((ctx.t("reports.method.interval"), design.uncertainty_text(ctx, ind, cov)))
        if survey is not None:
            items.append((ctx.t("reports.method.instrument"),
                          f"{survey.title.get(ctx.lang)} ({wording.respondent(survey.respondent, ctx.lang)})"))
        items.append((ctx.t("reports.method.n", period=ctx.period),
                      f"{n_text}; {ctx.t('reports.col.min_n')} {fw.min_n(ind)}"))
        targets = "; ".join(f"{p}: {fmt.value(v, ind.unit, ctx.lang)}" for p, v in sorted(ind.targets.items()))
        parts = []
        if ind.baseline is not None:
            base = fmt.value(ind.baseline.value, ind.unit, ctx.lang) if ind.baseline.value is not None \
                else ctx.t("reports.placeholder")
            parts.append(f"{ctx.t('reports.col.baseline')} {ind.baseline.period}: {base}")
        if targets:
            parts.append(f"{ctx.t('reports.col.target')}: {targets}")
        if ind.lop_target is not None:
            parts.append(f"{ctx.t('reports.col.lop_target')}: {fmt.value(ind.lop_target, ind.unit, ctx.lang)}")
        if ind.thresholds is not None:
            parts.append(f"{fmt.value(ind.thresholds.green, ind.unit, ctx.lang)} / "
                         f"{fmt.value(ind.thresholds.amber, ind.unit, ctx.lang)}")
        if parts:
            items.append((ctx.t("reports.method.targets"), "; ".join(parts)))
        if ind.components:
            items.append((ctx.t("reports.method.components"),
                          ", ".join(f"{c.indicator} ({fmt.decimal(c.weight, ctx.lang, 0)})" for c in ind.components)))
        items.append((ctx.t("reports.method.legal"), said(ind.legal_basis.get(ctx.lang))))
        if ind.proposal:
            items.append((ctx.t("reports.method.status_label"), ctx.t("reports.method.proposal")))
        section.blocks.append(Definition(f"def-{ind.id}", f"{ind.id}. {ind.title.get(ctx.lang)}", items))
        sheet = pirs.sheet_block(fw, ind, ctx.lang)
        if sheet is not None:
            section.blocks.append(sheet)
    return section


def command_line(lang: str, period: str, oblasts: Sequence[str] | None) -> str:
    parts = ["monitor report --format FORMAT", f"--lang {lang}", f"--period {period}"]
    parts += [f"--oblast {o}" for o in oblasts or ()]
    return " ".join(parts) + " -o FILE"


def provenance_section(ctx: ReportContext, prov: Provenance, generated_line: str, oblasts: Sequence[str] | None) -> Section:
    section = Section("provenance", ctx.t("reports.section.provenance"))
    section.blocks.append(Paragraph(ctx.t("reports.prov.intro")))
    data = ctx.t("reports.synthetic_short") if prov.synthetic else ctx.t("reports.prov.real")
    items = [
        (ctx.t("reports.prov.framework_hash"), prov.framework_hash),
        (ctx.t("reports.prov.database_hash"), prov.database_hash),
        (ctx.t("reports.prov.responses"), f"{fmt.integer(prov.responses, ctx.lang)} / {prov.batches}"),
        (ctx.t("reports.prov.data"), data),
        (ctx.t("reports.prov.version"), f"ptl-monitor {prov.version}"),
        (ctx.t("reports.prov.command"), command_line(ctx.lang, ctx.period, oblasts)),
    ]
    section.blocks.append(Table("provenance", ctx.t("reports.section.provenance"),
                                header_row(ctx.t("reports.col.item"), ctx.t("reports.col.value")),
                                [[text_cell(k, bold=True), text_cell(v)] for k, v in items], [3, 9], font_size=8))
    section.blocks.append(Paragraph(generated_line, "note"))
    return section


# --------------------------------------------------------------------------- entry point


def resolve_oblasts(engine: Engine, wanted: Sequence[str] | None) -> list[str] | None:
    """Oblast codes from codes or names (uk/en, case-insensitive); MonitorError for an unknown one."""
    if not wanted:
        return None
    from monitor.store.territory import territories

    units = territories(engine, level="oblast")
    lookup: dict[str, str] = {}
    for row in units.to_dict("records"):
        for key in (row["code"], row["name_uk"], row["name_en"]):
            lookup[str(key).casefold()] = row["code"]
    codes: list[str] = []
    for item in wanted:
        code = lookup.get(item.strip().casefold())
        if code is None:
            known = ", ".join(f"{r['code']} ({r['name_en']})" for r in units.to_dict("records"))
            raise MonitorError(issue("report-unknown-oblast", oblast=item, known=known))
        codes.append(code)
    return sorted(set(codes))


def public_results(engine: Engine, framework: Framework, codes: list[str] | None
                   ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Everything numeric a report prints, through the public gate, in one place (so it can be swapped).

    (oblast × year results with disaggregations, all oblasts in scope combined with disaggregations,
    the access-to-assistance cascade per oblast × year). A report for some oblasts filters; it never
    suppresses again.
    """
    # The protected set, filtered: a report for some oblasts never suppresses again, and its "all" row
    # for a subset of oblasts is summed from published oblast rows only (privacy.protect._subset_total).
    results = public_results_of(engine, framework, level="oblast", period="year", oblasts=codes)
    if results.empty:
        raise MonitorError(issue("report-no-data"))
    results_all = public_results_of(engine, framework, level="all", period="year", oblasts=codes)
    results = results.drop(columns=["granularity"], errors="ignore")
    results_all = results_all.drop(columns=["granularity"], errors="ignore")
    from monitor.engine import compute_cascade

    cascade = compute_cascade(engine, framework, granularity="year")
    if codes:
        cascade = cascade[cascade["oblast_code"].isin(codes)]
    return results, results_all, cascade.reset_index(drop=True)


# Sections added without editing this file (CONTRIBUTING.md, "a report section"): each builder takes
# the report's context and returns a Section, or None to leave it out of this report.
SECTION_BUILDERS: list[Callable[[ReportContext], Section | None]] = []


def register_section(build: Callable[[ReportContext], Section | None]) -> None:
    """Add a section after the per-oblast sections of every report (registering it again replaces it)."""
    SECTION_BUILDERS[:] = [b for b in SECTION_BUILDERS if b.__qualname__ != build.__qualname__
                           or b.__module__ != build.__module__]
    SECTION_BUILDERS.append(build)


def extra_sections(ctx: ReportContext) -> list[Section]:
    return [section for build in SECTION_BUILDERS if (section := build(ctx)) is not None]


def build_content(
    engine: Engine, framework: Framework, *, lang: str, period: str | None = None,
    oblasts: Sequence[str] | None = None, generated_at: datetime | None = None,
    on_section: Callable[[Section], None] | None = None,
) -> Report:
    """The report's content in one language. `on_section` is called with each section as soon as it is
    built (build_report starts drawing its charts while the next sections are built)."""
    if lang not in LANGS:
        raise MonitorError(issue("report-unknown-language", lang=lang))
    codes = resolve_oblasts(engine, oblasts)
    results, results_all, cascade = public_results(engine, framework, codes)
    for frame in (results, results_all):
        frame["period"] = frame["period"].astype(str)
    known = sorted(results["period"].unique())
    chosen = period or known[-1]
    if chosen not in known:
        raise MonitorError(issue("report-unknown-period", period=chosen, known=", ".join(known)))
    periods = [p for p in known if p <= chosen]
    order = indicator_order(framework)
    sort_keys = ["_o", "territory_code", "period", "dimension", "dimension_value"]
    results = results.assign(_o=results["indicator"].map(order)).sort_values(sort_keys, kind="stable")
    results = results.drop(columns="_o").reset_index(drop=True)
    results_all = results_all.assign(_o=results_all["indicator"].map(order)).sort_values(
        sort_keys, kind="stable").drop(columns="_o").reset_index(drop=True)
    ctx = ReportContext(framework, lang, results, results_all, chosen, periods)
    cov = coverage_with_rounds(engine, coverage(engine, framework))  # a round's expected respondents drive it
    prov = provenance(engine, framework, generated_at)
    generated_line = f"{t('reports.generated', lang)}: {fmt.moment(prov.generated_at, lang)}"
    title = t("reports.title", lang)
    footer = f"{title} · {chosen}"
    if prov.synthetic:
        footer += " · " + t("reports.synthetic_short", lang).upper()
    ctx.notes = texts.deviation_notes(engine, lang)
    ctx.coalition_outputs = coalition_outputs(engine, list(ctx.oblasts), periods)
    story = texts.narrative(engine, framework.root, chosen, lang, prov.synthetic)
    accepted = texts.findings(engine, chosen, lang)
    proposals = findings.propose(results, results_all, cov, framework, chosen, ctx.previous, ctx.oblasts)
    def handed(*built: Section) -> list[Section]:
        for section in built:
            if on_section is not None:
                on_section(section)
        return list(built)

    sections = [
        *handed(narrative.executive_section(ctx, story, accepted, proposals)),
        *handed(narrative.context_section(ctx, story)),
        *handed(narrative.limitations_section(ctx, story, cov)),
        *handed(summary_section(ctx)),
        *handed(iptt_section(ctx)),
        *handed(narrative.cascade_section(ctx, cascade)),
        *handed(*theme_sections(ctx)),
        *handed(*oblast_sections(ctx)),
        *handed(*extra_sections(ctx)),
        *handed(coverage_section(ctx, cov)),
        *handed(*narrative.recommendations_sections(ctx, engine)),
        *handed(*tracker_section(ctx, engine)),
        *handed(*stories_section(ctx, engine)),
        *handed(methodology_section(ctx, cov)),
        *handed(provenance_section(ctx, prov, generated_line, codes)),
    ]
    return Report(
        lang=lang, title=title, subtitle=framework.settings.title.get(lang), period=chosen, periods=periods,
        scope=[ctx.names[c] for c in ctx.oblasts], oblast_codes=list(ctx.oblasts), synthetic=prov.synthetic,
        provenance=prov, sections=sections, generated_line=generated_line, footer=footer,
        results=results, results_all=results_all,
        coverage=cov[cov["level"].isin(["oblast", "all"]) & (cov["territory_code"].isin([*ctx.oblasts, ALL]))]
        .reset_index(drop=True),
        indicator_rows=[indicator_row(framework, framework.indicators[i]) for i in sorted(order, key=order.get)],
        pirs_rows=pirs.rows(framework, sorted(order, key=order.get)),
        missing_notes=list(ctx.missing_notes), missing_texts=[k for k, v in story.items() if v is None],
        proposals=proposals,
        recommendations=open_table(engine, chosen, list(ctx.oblasts)),
        outputs=outputs_frame(ctx.coalition_outputs),
    )


def indicator_row(framework: Framework, ind: Indicator) -> dict[str, Any]:
    return {
        "id": ind.id, "title_uk": ind.title.uk, "title_en": ind.title.en, "theme": ind.theme, "type": str(ind.type),
        "unit": ind.unit, "direction": str(ind.direction), "result_level": str(ind.level), "survey": ind.survey or "",
        "min_n": framework.min_n(ind), "lop_target": ind.lop_target,
        "legal_basis_uk": " ".join(ind.legal_basis.uk.split()), "legal_basis_en": " ".join(ind.legal_basis.en.split()),
        "definition_hash": framework.indicator_hashes.get(ind.id, ""),
    }


def review_items(engine: Engine, framework: Framework, period: str | None = None) -> dict[str, Any]:
    """What the Reports page lets the M&E lead review for a round, from the same public numbers as the report:
    {'period', 'proposals' (findings.Proposal), 'notes_needed' [(indicator, period)], 'periods'}."""
    from monitor.reports.iptt import below_amber

    results, results_all, _ = public_results(engine, framework, None)
    for frame in (results, results_all):
        frame["period"] = frame["period"].astype(str)
    known = sorted(results["period"].unique())
    chosen = period if period in known else known[-1]
    periods = [p for p in known if p <= chosen]
    previous = periods[-2] if len(periods) > 1 else None
    oblasts = sorted(results["territory_code"].unique())
    proposals = findings.propose(results, results_all, coverage(engine, framework), framework, chosen, previous,
                                 oblasts)
    totals = results_all[results_all["dimension"] == ""]
    needed = [(str(r["indicator"]), str(r["period"])) for r in totals.to_dict("records")
              if str(r["period"]) in periods and below_amber(r)]
    order = indicator_order(framework)
    needed.sort(key=lambda item: (item[1], order.get(item[0], 999)))
    return {"period": chosen, "periods": known, "proposals": proposals, "notes_needed": needed}
