"""Dashboard imports in a worker process with a memory limit: a hostile or huge file can fail its own
import, never take the dashboard server (and everyone's logins) down with it.

The worker is a fresh interpreter (spawn) whose address space may grow by `MONITOR_IMPORT_MEMORY_MB`
(default 4096) past what its libraries map (`RLIMIT_AS`). It opens the database and the framework itself, re-reads the person by id and runs
`guard.import_as` (authorisation, oblast scope, audit) or, for the synthetic open demo, the plain
pipeline. If the limit is hit, the import is refused with `ingest-too-big` and nothing is written
(the pipeline's transaction never commits).
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from monitor.errors import issue
from monitor.ingest import ImportReport

log = logging.getLogger(__name__)

MB = 1024 * 1024


def memory_limit_mb() -> int:
    try:
        return max(16, int(os.environ.get("MONITOR_IMPORT_MEMORY_MB", "4096")))
    except ValueError:
        return 4096


def _limit(limit_bytes: int) -> None:
    """Load what every import needs, then cap the address space at what is mapped now plus the limit:
    the limit bounds the import's own working memory, not the libraries' fixed cost."""
    import resource

    import monitor.auth.guard
    import monitor.framework.loader
    import monitor.ingest  # noqa: F401

    with Path("/proc/self/status").open(encoding="ascii") as status:
        mapped = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    resource.setrlimit(resource.RLIMIT_AS, (mapped + limit_bytes, mapped + limit_bytes))


def _run(url: str, framework_root: str | None, user_id: int | None, survey_id: str, path: str,
         options: dict[str, Any]) -> ImportReport:
    """In the worker: everything the import needs is opened here, nothing is inherited."""
    from sqlmodel import Session

    from monitor.auth import guard
    from monitor.auth.models import User
    from monitor.framework.loader import framework_or_raise
    from monitor.ingest import import_file
    from monitor.store import db

    engine = db.connect(url)
    framework = framework_or_raise(framework_root)
    try:
        if user_id is None:
            options.pop("ip", None)
            report = import_file(engine, framework, survey_id, path, imported_by="dashboard", **options)
        else:
            with Session(engine) as session:
                user = session.get(User, user_id)
                if user is not None:
                    session.expunge(user)
            report = guard.import_as(engine, framework, user, survey_id, path, **options)
    except MemoryError:
        return _too_big(survey_id, Path(path).name, memory_limit_mb())
    if report.accepted and not options.get("dry_run"):
        # Written right after the import's commit, in the worker: the page's protected-set build and
        # every later reader take the typed copy instead of parsing the documents (engine/columnar.py).
        from monitor.engine import refresh_copies

        try:
            refresh_copies(engine, [framework.surveys[survey_id]])
        except Exception as error:  # the import has committed; a missing copy only costs the next read time
            log.warning("columnar copy of %s not written: %s", survey_id, type(error).__name__)
    # The pipeline reports any crash as ingest-internal; under this limit a MemoryError means the file
    # needs more memory than an import may take, which the person can act on (split the file).
    if any(i.code == "ingest-internal" and i.params.get("detail") == "MemoryError" for i in report.issues):
        return _too_big(survey_id, Path(path).name, memory_limit_mb())
    return report


def _too_big(survey_id: str, name: str, limit_mb: int) -> ImportReport:
    report = ImportReport(survey_id, name)
    report.issues.append(issue("ingest-too-big", path=name, what="the import's working memory",
                               what_uk="робоча пам'ять імпорту", found=f"> {limit_mb:,} MB", limit=f"{limit_mb:,} MB"))
    report.status = "refused"
    return report


def import_in_worker(url: str, framework_root: str | None, user_id: int | None, survey_id: str, path: Path | str,
                     **options: Any) -> ImportReport:
    """Run one import in a memory-limited worker and return its report (MonitorError as in the caller)."""
    limit = memory_limit_mb()
    context = get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_limit, initargs=(limit * MB,)) as pool:
        future = pool.submit(_run, url, framework_root, user_id, survey_id, str(path), options)
        try:
            return future.result()
        except (BrokenProcessPool, MemoryError):
            # The worker died or could not even start under the limit: nothing was written.
            return _too_big(survey_id, Path(path).name, limit)
