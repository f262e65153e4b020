"""`monitor demo` (registered on monitor.cli.app.app)."""
