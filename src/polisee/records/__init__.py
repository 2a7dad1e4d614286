"""Platform records on SQLAlchemy 2 (SQLite by default, PostgreSQL in production)."""

__all__: list[str] = []
