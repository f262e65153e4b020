"""The guard of the oversight loop: who may approve and unlock rounds, and who may record findings,
recommendations, status steps and requests, with every step in the audit log.

- Approving and unlocking a round is an admin's act ('manage-framework'); an unlock needs a reason,
  which the audit log keeps.
- Findings, recommendations, their status, requests, trainings and case stories are entered "as
  answers are": the 'import' cell of the matrix (admins anywhere, coordinators and monitors in their
  own oblasts). A record about a national body (no oblast) is an admin's.
- Approving a case story for reports is the M&E lead's (an admin: 'manage-framework'); consent given
  or withdrawn is recorded by whoever may enter the story. Every step is in the audit log.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitor.auth import audit
from monitor.auth.guard import Principal, _actor, _role, authorize, grant, own_oblasts, refuse
from monitor.oversight import approval, findings, recommendations, sheets, stories, tracker, trainings
from monitor.store.models import Territory
from monitor.store.oversight import Body

NATIONAL = "national"


def approve_round(engine: Engine, user: Principal | None, round_id: str, target: str, ip: str | None = None) -> str:
    """Move a round to `target` (under-review, approved, or back to draft from review); admins only; logged."""
    authorize(engine, user, "manage-framework", target=f"round {round_id}", ip=ip)
    old = approval.advance(engine, round_id, target, _actor(user))
    audit.record(engine, _actor(user), f"round-{target}", target=f"round {round_id}",
                 detail={"from": old, "to": target}, ip=ip)
    return old


def unlock_round(engine: Engine, user: Principal | None, round_id: str, reason: str, ip: str | None = None) -> None:
    """Unlock an approved round (back to draft) with a reason; admins only; the reason is in the audit log."""
    authorize(engine, user, "manage-framework", target=f"round {round_id}", ip=ip)
    old = approval.unlock(engine, round_id, reason, _actor(user))
    audit.record(engine, _actor(user), "round-unlock", target=f"round {round_id}",
                 detail={"from": old, "to": "draft", "reason": reason.strip()}, ip=ip)


def may_edit(user: Principal | None, oblast: str | None) -> bool:
    """Whether `user` may record loop entries in `oblast` (None: a national body, admins only)."""
    cell = grant(_role(user), "import")
    if user is not None and bool(getattr(user, "disabled", False)):
        return False
    if cell == "yes":
        return True
    return cell == "scoped" and oblast is not None and oblast in own_oblasts(user)


def editable_oblasts(user: Principal | None) -> frozenset[str] | None:
    """The oblasts `user` may record in; None means every oblast (admins)."""
    cell = grant(_role(user), "import")
    if cell == "yes" and not (user is not None and getattr(user, "disabled", False)):
        return None
    return own_oblasts(user) if cell == "scoped" else frozenset()


def _check_scope(engine: Engine, user: Principal | None, oblasts: Collection[str | None], target: str,
                 ip: str | None) -> None:
    authorize(engine, user, "import", target=target, ip=ip)
    outside = sorted(NATIONAL if o is None else o for o in set(oblasts) if not may_edit(user, o))
    if outside:
        refuse(engine, user, "import", ", ".join(outside), target=target, ip=ip)


def _body_oblast(engine: Engine, body_id: Any) -> list[str | None]:
    with Session(engine) as session:
        body = session.get(Body, str(body_id or ""))
    return [] if body is None else [body.oblast_code]  # unknown: the data layer refuses it with its message


def _territory_oblast(engine: Engine, code: Any) -> list[str | None]:
    with Session(engine) as session:
        place = session.scalars(select(Territory).where(Territory.code == str(code or "")).limit(1)).first()
    return [] if place is None else [place.oblast_code]


def add_finding_as(engine: Engine, user: Principal | None, raw: dict[str, Any],
                   known_indicators: Collection[str] | None = None, ip: str | None = None) -> int:
    _check_scope(engine, user, _territory_oblast(engine, raw.get("territory")), "finding", ip)
    found = findings.add_finding(engine, raw, known_indicators, _actor(user))
    audit.record(engine, _actor(user), "oversight-finding", target=str(raw.get("key")), detail={"id": found}, ip=ip)
    return found


def add_recommendation_as(engine: Engine, user: Principal | None, raw: dict[str, Any], ip: str | None = None) -> int:
    _check_scope(engine, user, _body_oblast(engine, raw.get("body")), "recommendation", ip)
    found = recommendations.add_recommendation(engine, raw, _actor(user))
    audit.record(engine, _actor(user), "oversight-recommendation", target=str(raw.get("key")),
                 detail={"id": found}, ip=ip)
    return found


def set_status_as(engine: Engine, user: Principal | None, raw: dict[str, Any], ip: str | None = None) -> bool:
    oblast = recommendations.oblast_of(engine, str(raw.get("recommendation") or ""))
    _check_scope(engine, user, [oblast], "recommendation-status", ip)
    added = recommendations.set_status(engine, raw, _actor(user))
    audit.record(engine, _actor(user), "oversight-status", target=str(raw.get("recommendation")),
                 detail={"status": raw.get("status"), "date": str(raw.get("date")), "added": added}, ip=ip)
    return added


def add_request_as(engine: Engine, user: Principal | None, raw: dict[str, Any], ip: str | None = None) -> int:
    _check_scope(engine, user, _body_oblast(engine, raw.get("body")), "information-request", ip)
    found = tracker.add_request(engine, raw, _actor(user))
    audit.record(engine, _actor(user), "oversight-request", target=str(raw.get("key")), detail={"id": found}, ip=ip)
    return found


def add_training_as(engine: Engine, user: Principal | None, raw: dict[str, Any], ip: str | None = None) -> int:
    """A training of the coalition, in the training's oblast (its audience bodies are checked by the data layer)."""
    _check_scope(engine, user, _territory_oblast(engine, raw.get("oblast")), "training", ip)
    found = trainings.add_training(engine, raw, _actor(user))
    audit.record(engine, _actor(user), "oversight-training", target=str(raw.get("key")), detail={"id": found}, ip=ip)
    return found


def add_story_as(engine: Engine, user: Principal | None, raw: dict[str, Any], ip: str | None = None) -> int:
    """A case story, as a draft, in the user's oblast; refused (and the refusal logged) when it names a
    person or a place below the oblast."""
    from monitor.errors import MonitorError

    _check_scope(engine, user, _territory_oblast(engine, raw.get("oblast")), "case-story", ip)
    try:
        found = stories.add_story(engine, raw, _actor(user))
    except MonitorError as error:
        audit.record(engine, _actor(user), "oversight-story", target=str(raw.get("key")), outcome="refused",
                     detail={"codes": sorted({i.code for i in error.issues})}, ip=ip)
        raise
    audit.record(engine, _actor(user), "oversight-story", target=str(raw.get("key")), detail={"id": found}, ip=ip)
    return found


def approve_story_as(engine: Engine, user: Principal | None, key: str, ip: str | None = None) -> None:
    """draft → approved, by the M&E lead (admins); logged."""
    authorize(engine, user, "manage-framework", target=f"story {key}", ip=ip)
    stories.approve(engine, key, _actor(user))
    audit.record(engine, _actor(user), "story-approved", target=f"story {key}", detail={"to": "approved"}, ip=ip)


def set_story_consent_as(engine: Engine, user: Principal | None, key: str, consent: bool,
                         ip: str | None = None) -> bool:
    """Consent given or withdrawn (a withdrawn consent takes the story out of every later report); logged."""
    _check_scope(engine, user, [stories.oblast_of(engine, key)], "case-story", ip)
    changed = stories.set_consent(engine, key, consent, _actor(user))
    audit.record(engine, _actor(user), "story-consent", target=f"story {key}",
                 detail={"consent": bool(consent), "changed": changed}, ip=ip)
    return changed


def import_request_log_as(engine: Engine, user: Principal | None, ip: str | None = None) -> dict[str, int]:
    """The request-log survey's answers into the tracker (all or nothing), for every oblast they are in; logged."""
    from monitor.oversight.request_log import INSTRUMENT, import_request_log
    from monitor.store.models import Response

    with Session(engine) as session:
        oblasts = set(session.scalars(select(Response.oblast_code).where(Response.instrument_id == INSTRUMENT)))
    _check_scope(engine, user, oblasts, "request-log", ip)
    counts = import_request_log(engine, _actor(user))
    audit.record(engine, _actor(user), "oversight-request-log", target=INSTRUMENT, detail=counts, ip=ip)
    return counts


def import_sheets_as(engine: Engine, user: Principal | None, path: Path | str,
                     known_indicators: Collection[str] | None = None, ip: str | None = None) -> sheets.SheetReport:
    """A loop spreadsheet behind the guard: checked whole, then every oblast it touches is checked against
    the user's scope before anything is written; logged with the counts."""
    from monitor.errors import MonitorError
    from monitor.redact import file_name

    path = Path(path)
    shown = file_name(path.name)
    report = sheets.SheetReport(shown)
    authorize(engine, user, "import", target="oversight-sheet", ip=ip)
    try:
        plan = sheets.plan_sheets(engine, path, known_indicators, shown)
    except MonitorError as error:
        report.issues, report.status = error.issues, "refused"
        audit.record(engine, _actor(user), "oversight-import", target=shown, outcome="failed",
                     detail={"problems": len(error.issues)}, ip=ip)
        return report
    _check_scope(engine, user, plan.oblasts, "oversight-sheet", ip)
    report.added = sheets.write_sheets(engine, plan, _actor(user))
    report.unchanged = plan.skipped
    report.status = "imported" if any(report.added.values()) else "unchanged"
    audit.record(engine, _actor(user), "oversight-import", target=shown,
                 detail={"added": report.added, "unchanged": report.unchanged}, ip=ip)
    return report
