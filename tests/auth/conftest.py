"""Fixtures for the auth tests (helpers live in auth_kit.py: a uniquely named module, since every
tests/ folder has a conftest)."""

from auth_kit import fresh_world, production_argon2, world  # noqa: F401
