"""`monitor report` (registered on monitor.cli.app.app)."""
