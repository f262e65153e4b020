"""What the first visitor after a start would wait for, done while the server starts (#13 item 6).

The first page after `monitor serve` started (after an import, an upgrade, a reboot) used to pay for
everything the process had not done yet: importing pandas, Plotly, the engine and the privacy layer
(0.9 s here), opening the database (0.25 s: migrations checked, territory reference upserted), reading
the framework and the stored protected set into memory (0.4 s). `start()` does that work in a
background thread as soon as the server process runs, so the first visit reads from memory like
every later one. Nothing here touches Streamlit: its caches fill on the first run, from what this
left in the process (the connection pool, the protected set in `monitor.privacy`'s memory).

A failure here is only logged: the page then does the same work itself and shows its own message.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
import time

LOG = logging.getLogger(__name__)
# What every page imports: Plotly's figures, the chart builders, the one door results are read through.
PAGE_IMPORTS = ("pandas", "pyarrow.parquet", "plotly.graph_objects", "monitor.charts.figures", "monitor.auth.guard")


def warm(url: str | None = None, framework_root: str | None = None) -> float:
    """Import the heavy modules, open the database and hold its protected set in memory; seconds taken."""
    started = time.perf_counter()
    for module in PAGE_IMPORTS:
        importlib.import_module(module)
    from monitor.framework.loader import framework_or_raise
    from monitor.privacy import protected_set
    from monitor.store.db import connect, default_url

    engine = connect(url or default_url())
    framework = framework_or_raise(framework_root or os.environ.get("MONITOR_FRAMEWORK") or None)
    protected_set(engine, framework)  # stored after every import: read, not built (it is built if missing)
    return time.perf_counter() - started


def start() -> threading.Thread:
    """`warm()` in a daemon thread (the server does not wait for it; a visit during it does the same work)."""

    def run() -> None:
        try:
            LOG.info("dashboard warm-up done in %.1f s", warm())
        except Exception:  # a broken database or framework: the page reports it in the user's language
            LOG.exception("dashboard warm-up failed; the first page will do the work itself")

    thread = threading.Thread(target=run, name="monitor-warmup", daemon=True)
    thread.start()
    return thread
