"""`monitor survey` (registered on monitor.cli.app.app)."""
