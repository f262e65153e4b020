"""`monitor serve` (registered on monitor.cli.app.app)."""
