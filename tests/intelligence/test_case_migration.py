"""Migration 0009 on both stores: existing cases get their creator's agency and the creator
as their first member; a case no user created gets PNP and no member."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from kuntur.core import migrate
from kuntur.core.db import make_engine
from tests.conftest import PG_URL


@pytest.fixture
def fresh(db_url: str, tmp_path: Path) -> Iterator[Engine]:
    if db_url.startswith("sqlite"):
        engine = make_engine(f"sqlite:///{tmp_path}/fresh.db")
        yield engine
        engine.dispose()
        return
    schema = f"kuntur_mig_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(f"{PG_URL}?options=-csearch_path%3D{schema}")
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_existing_cases_get_the_creators_agency_and_team(fresh: Engine) -> None:
    migrate.upgrade(fresh, "0008")
    with fresh.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO agencies (code, name, kind) VALUES "
                "('EP', 'Ejército del Perú', 'military')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO users (id, username, display_name, agency_code, roles, clearance, "
                "password_hash, disabled, failed_logins, created_at) VALUES (7, 'eva', 'Eva', "
                "'EP', 'intel_analyst', 1, 'x', false, 0, '2026-11-30 10:00:00+00:00')"
            )
        )
        for cid, number, creator in [(1, "C-1", "user:eva"), (2, "C-2", "system:cli")]:
            conn.execute(
                text(
                    "INSERT INTO intel_cases (id, number, title, network, status, created_by, "
                    "created_at) VALUES (:i, :n, 't', 'N-1', 'open', :c, "
                    "'2026-11-30 11:00:00+00:00')"
                ),
                {"i": cid, "n": number, "c": creator},
            )
        conn.execute(
            text(
                "INSERT INTO intel_case_notes (case_id, author, text, created_at) VALUES "
                "(1, 'user:eva', 'nota', '2026-11-30 12:00:00+00:00')"
            )
        )
    migrate.upgrade(fresh)
    with fresh.connect() as conn:
        owners = dict(conn.execute(text("SELECT number, owner_agency FROM intel_cases")).all())
        members = conn.execute(text("SELECT case_id, user_id FROM intel_case_members")).all()
    assert owners == {"C-1": "EP", "C-2": "PNP"}
    assert [tuple(m) for m in members] == [(1, 7)]
    migrate.downgrade(fresh, "0008")
    migrate.upgrade(fresh)
    with fresh.connect() as conn:  # no table rebuild cascaded into the notes
        assert conn.execute(text("SELECT count(*) FROM intel_case_notes")).scalar() == 1
