"""`monitor importing` (registered on monitor.cli.app.app)."""
