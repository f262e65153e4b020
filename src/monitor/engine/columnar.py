"""The typed columnar copy: each instrument's frame kept as Parquet beside the database.

The answer documents (JSON in `response.answers`) stay the record of truth. Parsing them is most of
what the engine spends on a fresh read (pyarrow's JSON reader over lines SQLite builds), so the typed
frame of each (instrument, repeat) is written once, after the import that changed it, and the engine
reads the copy instead, as long as the copy was written at the database state it reads.

Consistency without a two-phase commit: a copy carries, in its Parquet metadata, the database
fingerprint (`frames.db_fingerprint`: newest response id, import batches, territory) at which its rows
were read, and the definition hash of the survey (in its file name). The import commits first and the
copy is written afterwards, to a temporary file renamed into place. So whatever is killed when:

- killed before the commit: the database is as before and so is the copy (still valid for it);
- killed after the commit, before the rename: the old copy's fingerprint no longer matches, so it is
  ignored and the frame is read from the documents (and a new copy written);
- killed during the write: only a temporary file is left; it is never read, and is removed by the
  next refresh or `monitor columnar rebuild`.

A copy is never read unless it matches the documents' state; it can only be missing or stale.

Where: the engine's cache folder (`cache/` beside a SQLite file, else `$MONITOR_CACHE_DIR`). A
PostgreSQL database without `$MONITOR_CACHE_DIR` has no folder of its own on this machine (the
server may be elsewhere), so its frames are read from the documents each time a process first needs
them; with `$MONITOR_CACHE_DIR` set, the copy lives there, beside the application rather than in the
server, because it is the application's derived data, rebuilt from the documents at will.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy.engine import Engine, make_url

from monitor.framework.models import Survey

FORMAT = "ptl-monitor columnar copy 1"
_META_FINGERPRINT = b"monitor.fingerprint"
_META_FORMAT = b"monitor.format"
_META_DTYPES = b"monitor.dtypes"
SUBFOLDER = "columnar"


def enabled() -> bool:
    """`MONITOR_COLUMNAR=0` reads the documents every time (diagnostics, and the benchmark's
    documents-path run); the results are the same either way."""
    return os.environ.get("MONITOR_COLUMNAR", "1").strip().lower() not in {"0", "false", "no", "off"}


def engine_folder(engine: Engine) -> Path | None:
    """Where the engine keeps what it derives from this database (copies, results, protected set):
    `$MONITOR_CACHE_DIR` if set, else `cache/` beside a SQLite file, else nowhere."""
    if os.environ.get("MONITOR_CACHE_DIR"):
        return Path(os.environ["MONITOR_CACHE_DIR"])
    url = make_url(str(engine.url))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(os.path.realpath(url.database)).parent / "cache"
    return None


def definition_hash(survey: Survey) -> str:
    return hashlib.sha256(survey.model_dump_json().encode()).hexdigest()


def copy_path(folder: Path, identity: str, survey: Survey, repeat: str | None) -> Path:
    """One file per (database, instrument, repeat, definition): a changed question type never reads an
    old copy, and two databases sharing a cache folder never read each other's."""
    part = f"{survey.id}" + (f"--{repeat}" if repeat else "")
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in part)
    return folder / SUBFOLDER / f"{_database_prefix(identity)}-{safe}-{definition_hash(survey)[:16]}.parquet"


def copies_of(folder: Path, identity: str) -> list[Path]:
    """Every copy file of one database in `folder` (others sharing the folder are not its to touch)."""
    return sorted((folder / SUBFOLDER).glob(f"{_database_prefix(identity)}-*.parquet"))


def _database_prefix(identity: str) -> str:
    return hashlib.sha256(identity.encode()).hexdigest()[:12]


def _fingerprint_bytes(fingerprint: tuple[Any, ...]) -> bytes:
    return orjson.dumps([str(v) for v in fingerprint])


def is_current(path: Path, fingerprint: tuple[Any, ...]) -> bool:
    """Whether `path` holds a copy written at `fingerprint` (reads the file's footer only)."""
    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowException):
        return False
    meta = schema.metadata or {}
    return meta.get(_META_FORMAT) == FORMAT.encode() and meta.get(_META_FINGERPRINT) == _fingerprint_bytes(fingerprint)


def read_copy(path: Path, fingerprint: tuple[Any, ...]) -> pd.DataFrame | None:
    """The frame stored at `path` if it was written at `fingerprint`; None when missing, stale or unreadable."""
    if not is_current(path, fingerprint):
        return None
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException):
        return None
    frame = table.to_pandas()
    # Parquet has no second-precision timestamps (they come back as ms): each column gets back the
    # dtype it was written with, so a copy gives exactly the frame the documents give.
    written = orjson.loads((table.schema.metadata or {}).get(_META_DTYPES, b"{}"))
    for name, dtype in written.items():
        if name in frame.columns and str(frame[name].dtype) != dtype:
            frame[name] = frame[name].astype(dtype)
    return frame


def write_copy(path: Path, fingerprint: tuple[Any, ...], frame: pd.DataFrame) -> Path:
    """Store `frame` as read at `fingerprint`: a temporary file in the same folder renamed into place."""
    # The copy holds the answers as the database does: owner-only, like the protected set beside it
    # (mkstemp creates the file 0600; the rename replaces a link at `path`, never follows it).
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[_META_FORMAT] = FORMAT.encode()
    meta[_META_FINGERPRINT] = _fingerprint_bytes(fingerprint)
    meta[_META_DTYPES] = orjson.dumps({str(name): str(dtype) for name, dtype in frame.dtypes.items()})
    table = table.replace_schema_metadata(meta)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    os.close(handle)
    temporary = Path(name)
    try:
        pq.write_table(table, temporary, compression="zstd")
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    return path


def remove_leftovers(folder: Path, older_than_s: float = 3600.0) -> int:
    """Delete temporary files a killed write left behind, once they are old enough that no live write
    can own them; return how many."""
    removed = 0
    now = time.time()
    for leftover in (folder / SUBFOLDER).glob(".*.tmp"):
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_mtime >= older_than_s:
                leftover.unlink()
                removed += 1
    return removed
