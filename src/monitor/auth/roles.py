"""The permission matrix, as data: role × action → 'yes' | 'scoped' | 'no'.

'scoped' means: allowed for the user's own oblasts only (User.oblasts); elsewhere the action is
refused, or — for reading — falls back to what a viewer sees (public aggregates). docs/security.md
prints this table; a test checks the document against it.

Why these cells (issue 7):
- admin: the framework, the users, everything, and the only role for raw-response exports and the
  audit log.
- coordinator (oblast coordinator): imports and detail (hromada/raion level, answers, rejected rows)
  for their oblast(s); public aggregates everywhere else.
- monitor: imports for their oblast, and the rejected rows of those imports (they fix and re-import
  them); otherwise they see what a viewer sees. Monitors are field staff: least privilege.
- viewer (donors): aggregates only, suppression always on, no response or rejected-row views.
Reports contain only results from the protected set (`guard.results_for`, `privacy.public_results`), so every role may export one.
"""

from __future__ import annotations

from typing import Literal

from monitor.auth.models import ROLES

Grant = Literal["yes", "scoped", "no"]

ACTIONS: tuple[str, ...] = (
    "view-aggregates",
    "view-detail",
    "view-responses",
    "view-rejected-rows",
    "import",
    "export-report",
    "export-raw-responses",
    "manage-users",
    "manage-framework",
    "view-audit",
)

ACTION_TEXT: dict[str, dict[str, str]] = {
    "view-aggregates": {"en": "see oblast and national aggregates", "uk": "бачити агреговані дані областей і країни"},
    "view-detail": {"en": "see hromada and raion detail", "uk": "бачити деталі громад і районів"},
    "view-responses": {"en": "see individual answers", "uk": "бачити окремі відповіді"},
    "view-rejected-rows": {"en": "see rejected rows of imports", "uk": "бачити відхилені рядки імпорту"},
    "import": {"en": "import survey exports", "uk": "імпортувати експорти опитувань"},
    "export-report": {"en": "export reports", "uk": "експортувати звіти"},
    "export-raw-responses": {"en": "export raw responses", "uk": "експортувати сирі відповіді"},
    "manage-users": {"en": "manage users", "uk": "керувати користувачами"},
    "manage-framework": {"en": "change the framework", "uk": "змінювати рамку моніторингу"},
    "view-audit": {"en": "read the audit log", "uk": "читати журнал аудиту"},
}

MATRIX: dict[str, dict[str, Grant]] = {
    "admin": dict.fromkeys(ACTIONS, "yes"),
    "coordinator": {
        "view-aggregates": "yes",
        "view-detail": "scoped",
        "view-responses": "scoped",
        "view-rejected-rows": "scoped",
        "import": "scoped",
        "export-report": "yes",
        "export-raw-responses": "no",
        "manage-users": "no",
        "manage-framework": "no",
        "view-audit": "no",
    },
    "monitor": {
        "view-aggregates": "yes",
        "view-detail": "no",
        "view-responses": "no",
        "view-rejected-rows": "scoped",
        "import": "scoped",
        "export-report": "yes",
        "export-raw-responses": "no",
        "manage-users": "no",
        "manage-framework": "no",
        "view-audit": "no",
    },
    "viewer": {
        "view-aggregates": "yes",
        "view-detail": "no",
        "view-responses": "no",
        "view-rejected-rows": "no",
        "import": "no",
        "export-report": "yes",
        "export-raw-responses": "no",
        "manage-users": "no",
        "manage-framework": "no",
        "view-audit": "no",
    },
}

assert tuple(MATRIX) == ROLES and all(tuple(row) == ACTIONS for row in MATRIX.values())


def grant(role: str, action: str) -> Grant:
    """The cell for role × action; unknown roles and actions are 'no' (fail closed)."""
    return MATRIX.get(role, {}).get(action, "no")


def matrix_markdown() -> str:
    """The matrix as the Markdown table docs/security.md carries (generated; a test compares)."""
    marks = {"yes": "✅ yes", "scoped": "🔶 own oblasts", "no": "— no"}
    lines = ["| action | " + " | ".join(ROLES) + " |", "|---|" + "---|" * len(ROLES)]
    for action in ACTIONS:
        lines.append(f"| `{action}` | " + " | ".join(marks[MATRIX[role][action]] for role in ROLES) + " |")
    return "\n".join(lines) + "\n"
