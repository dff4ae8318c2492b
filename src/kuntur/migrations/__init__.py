"""Alembic migrations (date-named files in ``versions/``), shipped inside the package."""
