"""The provenance stamp: what anyone needs to reproduce a report.

- framework hash (monitor.framework's hash of every YAML definition);
- database snapshot hash: sha256 over the response rows ordered by id — (id, instrument_id,
  content_hash) — followed by the import batches' file sha256s ordered by id; the same answers
  imported the same way give the same hash on SQLite and PostgreSQL;
- software version (monitor.__version__) and the generation time (the only part that changes when
  the same database and framework are reported twice).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine

import monitor
from monitor.framework.models import Framework
from monitor.store.models import ImportBatch, Response

CHUNK = 20_000


@dataclass(frozen=True)
class Provenance:
    framework_hash: str
    database_hash: str
    version: str
    generated_at: datetime
    responses: int
    batches: int
    synthetic: bool


def database_hash(engine: Engine) -> tuple[str, int, int, bool]:
    """(sha256 hex, number of responses, number of import batches, any synthetic data)."""
    digest = hashlib.sha256()
    responses = batches = 0
    synthetic = False
    with engine.connect() as connection:
        rows = connection.execution_options(yield_per=CHUNK).execute(
            select(Response.id, Response.instrument_id, Response.content_hash, Response.synthetic).order_by(Response.id)
        )
        for row_id, instrument, content, is_synthetic in rows:
            digest.update(f"r\t{row_id}\t{instrument}\t{content}\n".encode())
            responses += 1
            synthetic = synthetic or bool(is_synthetic)
        for sha, is_synthetic in connection.execute(
            select(ImportBatch.sha256, ImportBatch.synthetic).order_by(ImportBatch.id)
        ):
            digest.update(f"b\t{sha}\n".encode())
            batches += 1
            synthetic = synthetic or bool(is_synthetic)
    return digest.hexdigest(), responses, batches, synthetic


def provenance(engine: Engine, framework: Framework, generated_at: datetime | None = None) -> Provenance:
    db_hash, responses, batches, synthetic = database_hash(engine)
    return Provenance(
        framework_hash=framework.hash,
        database_hash=db_hash,
        version=monitor.__version__,
        generated_at=(generated_at or datetime.now().astimezone()).replace(microsecond=0),
        responses=responses,
        batches=batches,
        synthetic=synthetic,
    )
