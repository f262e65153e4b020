"""ptl-monitor: civic monitoring of counter-trafficking policy (громадський контроль ПТЛ)."""

__version__ = "0.1.0"
