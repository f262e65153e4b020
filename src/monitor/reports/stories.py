"""Case stories in the report (every format): the approved stories with consent of the oblasts in scope,
dated within the reporting year, each under its title with its oblast, in the report's language
(monitor.oversight.stories decides which may be published)."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from monitor import format as fmt
from monitor.oversight.report import period_end
from monitor.oversight.stories import publishable
from monitor.reports.context import ReportContext
from monitor.reports.model import Paragraph, Section


def stories_section(ctx: ReportContext, engine: Engine) -> list[Section]:
    end = period_end(ctx.period)
    start = end.replace(month=1, day=1)
    frame = publishable(engine, list(ctx.oblasts), start, end)
    section = Section("stories", ctx.t("reports.section.stories"))
    section.blocks.append(Paragraph(ctx.t("reports.stories.intro")))
    if frame.empty:
        section.blocks.append(Paragraph(ctx.t("reports.stories.none", period=ctx.period)))
        return [section]
    suffix = "en" if ctx.lang == "en" else "uk"
    for story in frame.to_dict("records"):
        place = ctx.names.get(story["oblast_code"], story["oblast_code"])
        section.blocks.append(
            Paragraph(
                f"{story[f'title_{suffix}']} ({place}, {fmt.day(story['on_date'], ctx.lang)})", "subheading"
            )
        )
        section.blocks.append(Paragraph(" ".join(str(story[f"text_{suffix}"]).split())))
    section.blocks.append(Paragraph(ctx.t("reports.stories.note"), "note"))
    return [section]
