"""The oversight loop: monitoring rounds and their approval, findings, recommendations to bodies and their follow-up, the request tracker.

One concept per module: `rounds` (a round as a record), `approval` (draft → under review → approved,
unlock), `bodies` (the reference list of bodies with validity dates), `findings`, `recommendations`
(with their status history), `tracker` (public-information requests and their legal deadline),
`sheets` (spreadsheet import and export, all or nothing), `summary` (the frames the dashboard and the
reports show), `demo_loop` (the demo's loop for both rounds). Who may do what is checked one layer up,
in `monitor.auth.oversight`, which also writes the audit log.
"""

from monitor.store import oversight as tables  # noqa: F401  (registers the tables)

# Public modules (each published whole); checks and records stay inside.
__all__ = ["approval", "bodies", "demo_loop", "findings", "recommendations", "report", "request_log", "rounds", "sheets",
           "stories", "summary", "trainings",
           "tracker"]
