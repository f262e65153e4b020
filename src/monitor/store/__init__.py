"""Storage: SQLModel tables, the database connection at the newest migration, and the territory reference."""
