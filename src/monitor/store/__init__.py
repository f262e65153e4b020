"""Storage: SQLModel tables, the database connection at the newest migration, and the territory reference."""

# Public modules (each published whole): the tables are the store's interface.
__all__ = ["db", "models", "oversight", "territory"]
