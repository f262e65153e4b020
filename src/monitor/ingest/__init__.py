"""Reading survey exports into the store: readers, mapping, coercion, territory matching, validation.

Public surface for clients outside the import machinery (the demo loader, the guard, the CLI): import a file,
or plan an import and write the plan, and read the report.
"""

from monitor.ingest import sources
from monitor.ingest.pipeline import (
           OutsideScope,
           frames,
           import_file,
           is_demo_database,
           plan_import,
           write_plan,
)
from monitor.ingest.readers import limits, read_export
from monitor.ingest.readers.text import parse_text
from monitor.ingest.readers.xlsx import sheet_table
from monitor.ingest.report import ImportReport

# `sources` (server sources: config, registry, sync, deploy) and `limits` (the readers' caps) are published
# whole; the readers' `parse_text` and `sheet_table` serve other spreadsheet imports (the oversight sheets)
# with the same hardening.
__all__ = ["ImportReport", "OutsideScope", "frames", "import_file", "is_demo_database", "limits", "parse_text", "plan_import",
           "read_export", "sheet_table", "sources", "write_plan"]
