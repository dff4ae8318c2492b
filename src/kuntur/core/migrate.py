"""Run Alembic migrations from code (``kuntur db upgrade``, tests, the demo)."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine


def alembic_config(url: str, script_location: str | None = None) -> Config:
    cfg = Config()
    where = script_location or str(resources.files("kuntur") / "migrations")
    cfg.set_main_option("script_location", where)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.set_main_option(
        "file_template",
        "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s",
    )
    return cfg


# pg_advisory_xact_lock's key for upgrades: any constant of Kuntur's own (b'kuntur' as digits).
UPGRADE_LOCK = 0x6B756E747572


def upgrade(engine: Engine, revision: str = "head", script_location: str | None = None) -> None:
    """Every migration up to ``revision`` in ONE transaction: a migration that fails leaves
    the store as it was before the first (PostgreSQL and SQLite both roll DDL back)."""
    cfg = alembic_config(str(engine.url.render_as_string(hide_password=False)), script_location)
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            # The driver opens a transaction only before a row is written, so without this
            # each CREATE or ALTER would be committed on its own as it ran. IMMEDIATE: the
            # write lock from the start, so a second process upgrading the same file waits
            # and then finds the schema current (below).
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            # Several servers start together on one database (two systemd units, two
            # containers), each running `kuntur db upgrade`: one at a time, so the second
            # reads the revision the first committed instead of creating the same tables.
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({UPGRADE_LOCK})")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    cfg = alembic_config(str(engine.url.render_as_string(hide_password=False)))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        rev: str | None = MigrationContext.configure(conn).get_current_revision()
        return rev


def head_revision(engine: Engine) -> str | None:
    script = ScriptDirectory.from_config(alembic_config(str(engine.url)))
    return script.get_current_head()
