"""Demo data: synthetic survey answers, the export files real tools would make of them, and the demo loader.

A client of ingest like any user: it writes export files and imports them through ingest's public surface
(`monitor.ingest.import_file`), so the demo exercises readers, mapping and validation. Also used by the
test fixtures and the benches. It sits above ingest and store and below cli (see [tool.importlinter]).
"""

from monitor.demo.answers import Synth, reference_territories, synth_answers, synth_survey
from monitor.demo.run import (
    DEFAULT_SEED,
    DEMO_DIR,
    ensure_demo,
    has_responses,
    real_imports,
    run_demo,
    write_demo_files,
)

__all__ = [
    "DEFAULT_SEED", "DEMO_DIR", "Synth", "ensure_demo", "has_responses", "real_imports", "reference_territories",
    "run_demo", "synth_answers", "synth_survey", "write_demo_files",
]
