"""`monitor users` (registered on monitor.cli.app.app)."""
