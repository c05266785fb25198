"""Alembic migrations, run programmatically by booth.core.db.migrate."""
