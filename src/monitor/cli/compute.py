"""`monitor compute` (registered on monitor.cli.app.app)."""
