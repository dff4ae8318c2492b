"""Migrations on both stores: from empty to head, back to base, and in step with the models."""

from __future__ import annotations

import uuid
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

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


BROKEN = '''"""A migration that fails halfway (the test's, never shipped)."""

import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("probe_half_done", sa.Column("id", sa.Integer, primary_key=True))
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("probe_column", sa.Integer, nullable=True))
    op.execute("UPDATE incidents SET priority = 1")
    raise RuntimeError("disk full halfway through the migration")


def downgrade() -> None:
    pass
'''


def test_a_failed_migration_leaves_the_store_as_it_was(engine: Engine, tmp_path: Path) -> None:
    """A new release's migration that fails (here after a new table, a new column and an
    update of every incident) changes nothing: same revision, schema and rows."""
    import shutil
    from importlib import resources

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from kuntur.incidents.models import Incident
    from tests.scenario import incident as make_incident

    with Session(engine) as db, db.begin():
        ids = [make_incident(db) for _ in range(3)]
        db.flush()
        before = {i.id: i.priority for i in db.scalars(select(Incident))}
    scripts = tmp_path / "migrations"
    shutil.copytree(str(resources.files("kuntur") / "migrations"), scripts)
    head = migrate.current_revision(engine)
    (scripts / "versions" / "9999_broken.py").write_text(BROKEN.replace("{head}", str(head)))
    try:
        migrate.upgrade(engine, script_location=str(scripts))
    except RuntimeError as exc:
        assert "halfway" in str(exc)
    else:
        raise AssertionError("the broken migration did not fail")
    assert migrate.current_revision(engine) == head
    names = set(inspect(engine).get_table_names())
    assert "probe_half_done" not in names
    assert "probe_column" not in {c["name"] for c in inspect(engine).get_columns("incidents")}
    with Session(engine) as db:
        assert {i.id: i.priority for i in db.scalars(select(Incident))} == before
    assert set(before) == set(ids)


def test_two_servers_upgrading_one_empty_store_at_once_both_succeed(
    db_url: str, tmp_path: Path
) -> None:
    """Two units or containers start together, each running `kuntur db upgrade` on the
    same empty store: one waits for the other and finds the schema current (without the
    lock the second failed on a duplicate table and its unit on its first start)."""
    import threading

    if db_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path}/together.db"
        admin = None
    else:
        schema = f"kuntur_mig_{uuid.uuid4().hex[:8]}"
        admin = make_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    engines = [make_engine(url), make_engine(url)]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run(engine: Engine) -> None:
        start.wait()
        try:
            migrate.upgrade(engine)
        except BaseException as exc:  # reported below, with the other thread's
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(e,)) for e in engines]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors
        assert migrate.current_revision(engines[0]) == migrate.head_revision(engines[0])
    finally:
        for e in engines:
            e.dispose()
        if admin is not None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
