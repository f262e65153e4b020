"""Alembic migrations (a package so that the import contract sees env.py; alembic loads it by path)."""
