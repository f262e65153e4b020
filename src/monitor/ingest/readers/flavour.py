"""Which tool made an export, told from its header (Kobo, ODK Central, Google Forms, or typed by hand)."""

from __future__ import annotations

KOBO_MARKERS = {"_uuid", "_submission_time", "_validation_status", "_index", "__version__", "_id"}
ODK_MARKERS = {"KEY", "SubmissionDate", "meta-instanceID", "meta/instanceID"}
GOOGLE_TIMESTAMPS = {"timestamp", "позначка часу", "отметка времени", "marca temporal"}


def detect(columns: list[str]) -> str:
    present = set(columns)
    if len(present & KOBO_MARKERS) >= 2 or "_uuid" in present or "_submission_time" in present:
        return "kobo"
    if "KEY" in present or "SubmissionDate" in present:
        return "odk"
    if columns and columns[0].strip().lower() in GOOGLE_TIMESTAMPS:
        return "google-forms"
    return "plain"
