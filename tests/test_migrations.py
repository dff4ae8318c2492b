"""Migrations on both stores: from empty to head, back to base, and in step with the models."""

from __future__ import annotations

import uuid
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from kuntur.core import migrate
from kuntur.core.db import Base, make_engine
from tests.conftest import PG_URL


def test_upgrade_downgrade_upgrade(db_url: str, tmp_path: Path) -> None:
    if db_url.startswith("sqlite"):
        engine = make_engine(f"sqlite:///{tmp_path}/fresh.db")
    else:
        schema = f"kuntur_mig_{uuid.uuid4().hex[:8]}"
        admin = make_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = make_engine(f"{PG_URL}?options=-csearch_path%3D{schema}")
    try:
        assert migrate.current_revision(engine) is None
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision(engine)
        tables = set(inspect(engine).get_table_names())
        assert {"incidents", "import_batches", "alembic_version"} <= tables
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        migrate.downgrade(engine, "base")
        assert "incidents" not in set(inspect(engine).get_table_names())
        migrate.upgrade(engine)
        assert "incidents" in set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
        if not db_url.startswith("sqlite"):
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
