"""Transition only: the expression language moved to `monitor.expr` (issue #16).

Kept because demo-data generation (ingest/synth, being moved to monitor/demo by another change)
still imports `monitor.framework.expr`; delete this module once nothing does.
"""

from monitor.expr import *  # noqa: F403 - the whole public surface, unchanged
from monitor.expr import __all__ as __all__

Context = Bindings  # noqa: F405 - the old name, for the same transition
