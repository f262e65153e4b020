"""Server sources: answers pulled from KoboToolbox (API v2 data endpoint) and ODK Central (OData, via pyodk).

`config` (what a source is, where its token lives), `http` (bounded, size-capped requests with retries),
`kobo` and `odk` (one page of submissions at a time), `flatten` (JSON submissions → the RawTable every
reader yields), `registry` (sources and their cursors in the database), `sync` (`sync_source`: new
submissions through the import pipeline, one transaction per page), `deploy` (an XLSForm to the server).
"""

from monitor.ingest.sources.config import KINDS, SourceSpec, read_token
from monitor.ingest.sources.sync import SyncReport, sync_source

__all__ = ["KINDS", "SourceSpec", "SyncReport", "read_token", "sync_source"]
