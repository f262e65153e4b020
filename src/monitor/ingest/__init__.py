"""Reading survey exports into the store: readers, mapping, coercion, territory matching, validation.

Public surface for clients outside the import machinery (the demo loader, the guard, the CLI): import a file,
or plan an import and write the plan, and read the report.
"""

from monitor.ingest.pipeline import import_file, is_demo_database, plan_import, write_plan
from monitor.ingest.report import ImportReport

__all__ = ["ImportReport", "import_file", "is_demo_database", "plan_import", "write_plan"]
