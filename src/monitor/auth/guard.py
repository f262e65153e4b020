"""Enforcement where data is read: every function here checks the permission matrix and logs refusals.

The dashboard hides what a role may not use, but hiding is not protection: these functions are what
the pages, the reports and the CLI call, and they refuse (MonitorError 'forbidden', audited) or narrow
the data whatever the caller asked for.

`user` is a `User` row (or anything with name, role, oblasts); None is an anonymous visitor, who gets
exactly what a viewer gets.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn, Protocol

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitor.auth import audit
from monitor.auth.roles import ACTION_TEXT, grant
from monitor.errors import MonitorError, issue
from monitor.privacy import WITHHELD, for_audience
from monitor.store.models import ImportBatch, Instrument, RejectedRow, Response

AGGREGATE_LEVELS = ("oblast", "all")
SURVIVOR = "survivor"


class Principal(Protocol):
    name: str
    role: str
    oblasts: list[str]


def _role(user: Principal | None) -> str:
    return "viewer" if user is None else str(user.role)


def _actor(user: Principal | None) -> str:
    return "anonymous" if user is None else str(user.name)


def own_oblasts(user: Principal | None) -> frozenset[str]:
    return frozenset() if user is None else frozenset(str(c) for c in (user.oblasts or []))


def allowed(user: Principal | None, action: str, oblast: str | None = None) -> bool:
    """Whether `user` may do `action` (in `oblast`, for scoped cells). Pure: no audit entry.

    A scoped cell asked without an oblast answers "somewhere": the caller must then narrow the data
    to `own_oblasts(user)` (the functions below do).
    """
    if user is not None and bool(getattr(user, "disabled", False)):
        return False
    cell = grant(_role(user), action)
    if cell == "yes":
        return True
    if cell == "scoped":
        mine = own_oblasts(user)
        return bool(mine) if oblast is None else str(oblast) in mine
    return False


def refuse(engine: Engine, user: Principal | None, action: str, oblast: str | None = None,
           target: str | None = None, ip: str | None = None, detail: dict[str, Any] | None = None) -> NoReturn:
    """Write the refusal to the audit log, then raise MonitorError('forbidden') in both languages."""
    audit.record(engine, _actor(user), action, target=target or oblast, outcome="refused",
                 detail={"role": _role(user), "oblast": oblast, **(detail or {})}, ip=ip)
    text = ACTION_TEXT.get(action, {"en": action, "uk": action})
    raise MonitorError(issue("forbidden", role=_role(user), action=text["en"], action_uk=text["uk"],
                             where=f" in {oblast}" if oblast else "", where_uk=f" в {oblast}" if oblast else ""))


def authorize(engine: Engine, user: Principal | None, action: str, oblast: str | None = None,
              target: str | None = None, ip: str | None = None) -> None:
    """Raise MonitorError('forbidden') and write an audit entry unless the matrix allows the action."""
    if not allowed(user, action, oblast):
        refuse(engine, user, action, oblast, target, ip)


def results_for(
    engine: Engine, framework: Any, user: Principal | None, *, level: str, period: str,
    disaggregate: bool = True, all_levels: bool = False,
) -> pd.DataFrame:
    """Indicator results at one level × granularity as `user` may see them: the one door for pages.

    Staff with detail read the engine (internal audience). Everyone else reads the protected set
    (`monitor.privacy.public_results`): one table over every level, granularity and disaggregation,
    suppressed together and proved by the LP audit, so no combination of pages, periods, oblasts and
    reports gives a hidden cell away. A coordinator sees internal detail for their own oblasts and the
    protected set elsewhere. `all_levels` (the open demo) shows every level of the protected set;
    otherwise only the aggregate levels (oblast, all) are public.
    """
    from monitor.engine import compute_cached
    from monitor.privacy import public_results

    role = _role(user)
    if user is not None and bool(getattr(user, "disabled", False)):
        role = "none"
    detail_grant = grant(role, "view-detail")
    if detail_grant == "yes":
        out = for_audience(
            compute_cached(engine, framework, level=level, period=period, disaggregate=disaggregate), "internal"
        )
        out.attrs["audience"] = "internal"
        return out
    def public(at: str) -> pd.DataFrame:
        rows = public_results(engine, framework, level=at, period=period, disaggregate=disaggregate)
        if at not in AGGREGATE_LEVELS and not all_levels:
            rows = rows.iloc[0:0]
        return rows.drop(columns=["granularity"], errors="ignore")

    mine = own_oblasts(user) if detail_grant == "scoped" else frozenset()
    if not mine:
        out = public(level).reset_index(drop=True)
        out.attrs["audience"] = "public"
        return out
    # A coordinator knows their own oblasts' hidden cells, which an outsider does not: the national total
    # minus the published oblasts minus their own would give away a lone hidden oblast. So the national
    # rows are judged together with the oblast rows (_hide_recoverable_totals), whichever level is asked.
    at = "oblast" if level == "all" else level
    raw = compute_cached(engine, framework, level=at, period=period, disaggregate=disaggregate)
    if raw.empty or "oblast_code" not in raw:  # no answers yet: nothing of their own to add
        out = public(level).reset_index(drop=True)
        out.attrs["audience"] = "scoped"
        return out
    detail = for_audience(raw[raw["oblast_code"].isin(mine)], "internal")
    detail["n"] = detail["n"].astype("Int64")
    others = public(at)
    others = others[~others["oblast_code"].isin(mine)]
    parts = [detail, others]
    if at == "oblast":
        parts.append(public("all"))
    out = _hide_recoverable_totals(pd.concat(parts, ignore_index=True), mine)
    out = out[out["level"] == level].reset_index(drop=True)
    out.attrs["audience"] = "scoped"
    return out


GROUP = ["indicator", "period", "dimension", "dimension_value"]
HIDDEN = ("value", "numerator", "denominator", "ci_low", "ci_high", "pct_of_target", "previous_value", "change", "se")


def _hide_recoverable_totals(out: pd.DataFrame, mine: frozenset[str]) -> pd.DataFrame:
    """A coordinator knows their own oblast's suppressed cells. Where exactly one suppressed oblast
    is someone else's, national total − published oblasts − own = that oblast: hide the total too."""
    keys = [k for k in GROUP if k in out.columns]
    suppressed = out["suppressed"].astype(bool)
    others = out[(out["level"] == "oblast") & suppressed & ~out["oblast_code"].isin(mine)]
    if others.empty:
        return out
    counts = others.groupby(keys, dropna=False).size()
    lone = {k if isinstance(k, tuple) else (k,) for k, v in counts.items() if v == 1}
    national = out["level"] == "all"
    hit = national & out[keys].apply(tuple, axis=1).isin(lone)
    if not hit.any():
        return out
    for column in HIDDEN:
        if column in out.columns:
            out[column] = out[column].astype(float).mask(hit)
    out.loc[hit, "suppressed"] = True
    if "suppression_reason" in out.columns:
        out.loc[hit, "suppression_reason"] = "complementary"
    if "n" in out.columns:
        out["n"] = out["n"].astype("Int64").mask(hit)
    if "n_display" in out.columns:
        out.loc[hit, "n_display"] = WITHHELD
    return out


def _instrument(engine: Engine, survey_id: str) -> Instrument | None:
    with Session(engine) as session:
        return session.get(Instrument, survey_id)


def _response_frame(engine: Engine, survey_id: str, oblasts: Iterable[str] | None) -> pd.DataFrame:
    query = select(Response).where(Response.instrument_id == survey_id).order_by(Response.id)  # type: ignore[arg-type]
    if oblasts is not None:
        query = query.where(Response.oblast_code.in_(sorted(oblasts)))  # type: ignore[union-attr]
    with Session(engine) as session:
        rows = session.scalars(query).all()
    records = []
    for row in rows:
        record = {
            "id": row.id, "instrument_id": row.instrument_id, "batch_id": row.batch_id, "parent_id": row.parent_id,
            "repeat": row.repeat, "oblast_code": row.oblast_code, "raion_code": row.raion_code,
            "hromada_code": row.hromada_code, "wave": row.wave, "period_date": row.period_date,
            "synthetic": row.synthetic,
        }
        record.update({f"answer.{k}": v for k, v in (row.answers or {}).items()})
        records.append(record)
    return pd.DataFrame(records)


def read_responses(engine: Engine, user: Principal | None, survey_id: str, oblast: str | None = None,
                   ip: str | None = None) -> pd.DataFrame:
    """Raw responses for an export: admins only, and every export is in the audit log.

    Survivor answers never carry a raion or hromada (the columns are dropped).
    """
    authorize(engine, user, "export-raw-responses", oblast, target=survey_id, ip=ip)
    frame = _response_frame(engine, survey_id, None if oblast is None else [oblast])
    instrument = _instrument(engine, survey_id)
    if instrument is not None and instrument.respondent == SURVIVOR:
        frame = frame.drop(columns=[c for c in ("raion_code", "hromada_code") if c in frame.columns])
    audit.record(engine, _actor(user), "export-raw-responses", target=survey_id, outcome="ok",
                 detail={"oblast": oblast, "rows": len(frame)}, ip=ip)
    return frame


def responses_for_view(engine: Engine, user: Principal | None, survey_id: str, oblast: str | None = None,
                       ip: str | None = None) -> pd.DataFrame:
    """Individual answers to look at (the hromada page): admins anywhere, coordinators in their oblasts.

    Survivor instruments are never shown answer by answer here, not even to admins (only the logged
    raw export reaches them).
    """
    authorize(engine, user, "view-responses", oblast, target=survey_id, ip=ip)
    instrument = _instrument(engine, survey_id)
    if instrument is not None and instrument.respondent == SURVIVOR:
        refuse(engine, user, "view-responses", oblast, target=survey_id, ip=ip, detail={"survivor": True})
    scope = None if grant(_role(user), "view-responses") == "yes" else own_oblasts(user)
    if oblast is not None:
        scope = {oblast}
    return _response_frame(engine, survey_id, scope)


def batch_oblasts(engine: Engine, batch_id: int) -> frozenset[str]:
    with Session(engine) as session:
        codes = session.scalars(
            select(Response.oblast_code).where(Response.batch_id == batch_id).distinct()
        ).all()
    return frozenset(c for c in codes if c)


def may_see_batch(engine: Engine, user: Principal | None, batch_id: int) -> bool:
    """Whether `user` may open the rejected rows of a batch at all: admins; otherwise the person who
    imported it, or someone in whose oblasts at least one of its rejected rows lies (they then see
    only those rows: `rejected_rows`)."""
    if not allowed(user, "view-rejected-rows"):
        return False
    if grant(_role(user), "view-rejected-rows") == "yes":
        return True
    with Session(engine) as session:
        batch = session.get(ImportBatch, batch_id)
        if batch is None:
            return False
        if user is not None and batch.imported_by == user.name:
            return True
        mine = sorted(own_oblasts(user))
        found = session.scalars(
            select(RejectedRow.id).where(RejectedRow.batch_id == batch_id,
                                         RejectedRow.oblast_code.in_(mine)).limit(1)  # type: ignore[union-attr]
        ).first()
    return found is not None


def rejected_rows(engine: Engine, user: Principal | None, batch_id: int, ip: str | None = None) -> pd.DataFrame:
    """Rejected rows of a batch as `user` may see them: admins all; everyone else only the rows of
    their own oblasts, plus — for the person who imported the file — rows whose place did not resolve."""
    if not may_see_batch(engine, user, batch_id):
        refuse(engine, user, "view-rejected-rows", target=f"batch {batch_id}", ip=ip)
    query = select(RejectedRow).where(RejectedRow.batch_id == batch_id).order_by(RejectedRow.row_number)  # type: ignore[arg-type]
    if grant(_role(user), "view-rejected-rows") != "yes":
        with Session(engine) as session:
            batch = session.get(ImportBatch, batch_id)
        scope = RejectedRow.oblast_code.in_(sorted(own_oblasts(user)))  # type: ignore[union-attr]
        if batch is not None and user is not None and batch.imported_by == user.name:
            scope = scope | RejectedRow.oblast_code.is_(None)  # type: ignore[union-attr]
        query = query.where(scope)
    with Session(engine) as session:
        rows = session.scalars(query).all()
    return pd.DataFrame(
        [{"row_number": r.row_number, "column": r.column, "value": r.value, "code": r.code,
          "message_uk": r.message_uk, "message_en": r.message_en, "oblast_code": r.oblast_code} for r in rows],
        columns=["row_number", "column", "value", "code", "message_uk", "message_en", "oblast_code"],
    )


def import_as(engine: Engine, framework: Any, user: Principal | None, survey_id: str, path: Path | str, *,
              dry_run: bool = False, ip: str | None = None, **options: Any) -> Any:
    """`monitor.ingest.import_file` behind the guard: scoped roles may import only answers
    located in their own oblasts (the import checks the parsed answers before it writes any); logged."""
    from monitor.ingest import OutsideScope, import_file

    path = Path(path)
    authorize(engine, user, "import", target=survey_id, ip=ip)
    scope = own_oblasts(user) if grant(_role(user), "import") == "scoped" else None
    try:
        report = import_file(engine, framework, survey_id, path, dry_run=dry_run, imported_by=_actor(user),
                             scope=scope, **options)
    except OutsideScope as outside:
        refuse(engine, user, "import", ", ".join(sorted(outside.oblasts)), target=survey_id, ip=ip,
               detail={"file": path.name})
    if not dry_run:
        audit.record(engine, _actor(user), "import", target=survey_id,
                     outcome="failed" if report.refused else "ok",
                     detail={"file": path.name, "status": report.status, "batch": report.batch, "rows": report.rows,
                             "accepted": report.accepted, "rejected": report.rejected}, ip=ip)
    return report


def audit_entries(engine: Engine, user: Principal | None, limit: int = 100, ip: str | None = None) -> list[Any]:
    """The audit log for the people allowed to read it (admins); reading it is itself logged."""
    authorize(engine, user, "view-audit", target="auditlog", ip=ip)
    audit.record(engine, _actor(user), "view-audit", target="auditlog", detail={"limit": limit}, ip=ip)
    return audit.entries(engine, limit)


def sync_as(engine: Engine, framework: Any, user: Principal | None, source: str, *, ip: str | None = None,
            **options: Any) -> Any:
    """`monitor.ingest.sources.sync_source` behind the guard: roles as for imports; a scoped role may sync
    only a source of its own oblasts (a source without an oblast: admins only). Logged with the counts."""
    from monitor.ingest.sources.registry import get_source
    from monitor.ingest.sources.sync import sync_source

    spec = get_source(engine, source)
    if grant(_role(user), "import") == "scoped" and not spec.oblast_code:
        refuse(engine, user, "import", None, target=source, ip=ip)
    authorize(engine, user, "import", spec.oblast_code, target=source, ip=ip)
    report = sync_source(engine, framework, source, imported_by=_actor(user), **options)
    if not options.get("dry_run"):
        audit.record(engine, _actor(user), "source-sync", target=source, outcome="failed" if report.failed else "ok",
                     detail={**report.counts(), "status": report.status}, ip=ip)
    return report
