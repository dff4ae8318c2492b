"""Test fixtures: a migrated store on SQLite and on PostgreSQL, an API client, CLI runner.

Every database test runs on both backends (``db_url`` is parametrised). PostgreSQL
comes from ``KUNTUR_TEST_POSTGRES_URL`` (default: 127.0.0.1:5432, database
``test``); each run works in its own schema, dropped at the end. Set
``KUNTUR_TEST_BACKENDS=sqlite`` to run SQLite only while developing.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from kuntur import domains
from kuntur.app import create_app
from kuntur.config import Settings
from kuntur.core import events, migrate
from kuntur.core.cli_support import metrics_dir, server_process_args
from kuntur.core.db import dispose_engines, make_engine

PG_URL = os.environ.get(
    "KUNTUR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = os.environ.get("KUNTUR_TEST_BACKENDS", "sqlite,postgresql").split(",")
# One identity key for the whole run: users made straight in the store (make_user), the
# apps under test, the command line and server processes must all seal and open second
# factors with the same key, whatever var/ folder each of them uses.
os.environ.setdefault(
    "KUNTUR_IDENTITY_KEY_PATH",
    str(Path(tempfile.mkdtemp(prefix="kuntur-identity-")) / "identity.key"),
)
DATA = Path(__file__).parent / "incidents" / "data"
domains.load()  # as every entry point does: the domains' subscriptions


def _pg_schema_url(schema: str) -> str:
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session", autouse=True)
def _commitment_key(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Services called outside an app (seeding, the CLI) commit with a test key, never one
    under the working directory's var/ (each app then uses its own settings' key)."""
    from kuntur.audit import commitments

    commitments.configure(tmp_path_factory.mktemp("keys") / "audit-commitment.key", "test")


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[str]:
    schema = f"kuntur_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # the suite promises PostgreSQL: say so, loudly
        pytest.fail(
            f"PostgreSQL is not reachable at {PG_URL}: {exc}. Start it (make test does) "
            "or set KUNTUR_TEST_BACKENDS=sqlite for a SQLite-only run."
        )
    yield schema
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'kuntur.db'}"
    schema = request.getfixturevalue("pg_schema")
    return _pg_schema_url(schema)


@pytest.fixture(scope="session")
def migrated_engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(migrated_engine: Engine) -> Engine:
    """A migrated, empty store (tables cleared before each test)."""
    return clear_store(migrated_engine)


def clear_store(migrated_engine: Engine) -> Engine:
    """Empty every table, and put the migration's sharing rules back."""
    events.flush_merged()  # the last test's positions: announced now, not into this one
    with migrated_engine.begin() as conn:
        for table in (  # children before parents
            "results_interventions",
            "field_reports",
            "field_deliveries",
            "field_devices",
            "border_seizures",
            "border_hits",
            "border_screenings",
            "border_decisions",
            "border_entries",
            "border_watchlist_version",
            "citizen_tip_messages",
            "citizen_tip_photos",
            "citizen_tips",
            "public_release_cells",
            "public_releases",
            "public_budget_years",
            "public_alerts",
            "patrol_posts",
            "patrol_plans",
            "oversight_notes",
            "ei_flags",
            "ei_thresholds",
            "complaints",
            "uof_photos",
            "uof_reviews",
            "uof_affected",
            "uof_force",
            "uof_reports",
            "personnel_shifts",
            "personnel",
            "intel_case_entities",
            "intel_case_notes",
            "intel_case_members",
            "intel_cases",
            "intel_links",
            "intel_entities",
            "assignments",
            "orders",
            "units",
            "legal_authorizations",
            "forecast_cells",
            "forecasts",
            "incident_notes",
            "incidents",
            "import_batches",
            "audit_countersignatures",
            "audit_checkpoints",
            "audit_witnesses",
            "audit_nodes",
            "audit_events",
            "user_sessions",
            "users",
            "command_units",
        ):
            conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(text("UPDATE audit_head SET size = 0"))
        conn.execute(text("DELETE FROM sharing_rules"))
        for agency in ("PNP", "EP", "MGP", "FAP", "SERENAZGO"):  # the migration's defaults
            conn.execute(
                text("INSERT INTO sharing_rules (owner_agency, grantee_agency) VALUES (:a, '*')"),
                {"a": agency},
            )
    return migrated_engine


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(var_dir=tmp_path / "var", database_url=db_url, environment="test")


PASSWORD = "contraseña-de-prueba-1"  # test users only
# A valid incident for API tests that only need one.
INCIDENT = {
    "source": "emergency_call",
    "category": "theft",
    "occurred_at": "2026-11-20T21:15:00",
    "latitude": -12.0464,
    "longitude": -77.03,
}


def make_user(
    engine: Engine, username: str, roles: list[str], agency: str = "PNP", clearance: int = 0
) -> tuple[str, str | None]:
    """Create a user straight in the store; returns (API token, TOTP secret)."""
    from sqlalchemy.orm import Session

    from kuntur.core.context import RequestContext
    from kuntur.identity import service as identity

    with Session(engine, expire_on_commit=False) as db, db.begin():
        user, secret = identity.create_user(
            db,
            RequestContext.system("test"),
            username=username,
            password=PASSWORD,
            display_name=username.title(),
            agency=agency,
            roles=roles,
            clearance=clearance,
        )
        token, _ = identity.open_session(db, user, "api", label="tests")
    return token, secret


def role_client(
    engine: Engine, settings: Settings, name: str, role: str, agency: str = "PNP"
) -> TestClient:
    """A test client with the bearer token of a new user ``name`` holding ``role``."""
    token, _ = make_user(engine, name, [role], agency=agency)
    return TestClient(create_app(settings, engine), headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def anonymous_client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine)) as c:
        yield c


@pytest.fixture
def client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    """A client acting as a dispatcher who is also a crime analyst (bearer token)."""
    token, _ = make_user(engine, "operador", ["dispatcher", "crime_analyst"])
    with TestClient(
        create_app(settings, engine), headers={"Authorization": f"Bearer {token}"}
    ) as c:
        yield c


@pytest.fixture
def auditor_client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    with role_client(engine, settings, "auditora", "auditor", agency="DP") as c:
        yield c


@pytest.fixture
def cli_env(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, settings: Settings
) -> Iterator[Settings]:
    """Environment for CLI tests: the test store, a private var/ folder."""
    from kuntur.config import get_settings

    monkeypatch.setenv("KUNTUR_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("KUNTUR_VAR_DIR", str(settings.var_dir))
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()
    dispose_engines()


def serve_in_thread(app: Any) -> tuple[str, Any, threading.Thread]:
    """Run an ASGI app with uvicorn on a free loopback port; returns (url, server, thread)."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            timeout_graceful_shutdown=1,  # live streams never end by themselves
            server_header=False,  # as `kuntur serve` runs it
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started:
        if time.time() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server, thread


@pytest.fixture
def live_url(engine: Engine, settings: Settings) -> Iterator[str]:
    """The app on a real port, over the test store (for clients that speak HTTP)."""
    url, server, thread = serve_in_thread(create_app(settings, engine))
    yield url
    server.should_exit = True
    thread.join(timeout=10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_in_process(
    db_url: str, var: str, workers: int = 1
) -> tuple[subprocess.Popen[bytes], str]:
    """Kuntur in a server process of its own (as production runs it); returns (process, url).

    The caller terminates it; graceful shutdown waits at most 1 s for open live streams.
    """
    port = free_port()
    env = {
        **os.environ,
        "KUNTUR_DATABASE_URL": db_url,
        "KUNTUR_VAR_DIR": var,
        "KUNTUR_ENVIRONMENT": "test",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir(Path(var), port)),  # as `kuntur serve`
    }
    proc = subprocess.Popen(
        server_process_args(port, workers=workers),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its worker processes go with it if it must be killed
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60  # two processes importing everything on a busy machine
    while time.time() < deadline:
        try:
            if httpx.get(f"{url}/login", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.2)
    # The whole group: a worker left behind would hold the pipe open, and reading it
    # would then wait for ever.
    os.killpg(proc.pid, signal.SIGKILL)
    why = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    raise RuntimeError(f"server did not start: {why}")
