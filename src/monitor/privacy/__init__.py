"""Privacy: the protected set every non-staff output reads, the disclosure audit that proves it, the gate.

- protected_set(engine, framework) -> ProtectedSet: the public table over every level × granularity ×
  disaggregation with linked secondary suppression, stored and versioned with the data's fingerprint;
- public_results(engine, framework, level=, period=, indicators=, oblasts=, disaggregate=): a filter
  of it (a report for one oblast or period never suppresses again);
- audit / GroupProgram: the interval attack by linear programming (HiGHS);
- for_audience(results, audience): the gate (suppressed rows keep only their labels, n as WITHHELD);
- n_label(n_display, lang): that mark in the reader's language.
"""

from monitor.privacy.audit import GroupProgram, Interval, Target, audit, report_frame
from monitor.privacy.gate import WITHHELD, Audience, for_audience, n_label
from monitor.privacy.protect import (
    PROTECTION_VERSION,
    ProtectedSet,
    audit_public,
    build,
    is_stored,
    protected_set,
    public_results,
)

__all__ = [
    "PROTECTION_VERSION", "WITHHELD", "Audience", "GroupProgram", "Interval", "ProtectedSet", "Target", "audit", "audit_public",
    "build", "for_audience", "is_stored", "n_label", "protected_set", "public_results", "report_frame",
]
