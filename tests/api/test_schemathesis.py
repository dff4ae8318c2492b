"""Fuzz the HTTP API from its own OpenAPI schema: no input may cause a server error."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from kuntur.app import create_app
from kuntur.config import Settings
from kuntur.core import migrate
from kuntur.core.db import make_engine
from tests.conftest import make_user

_var = Path(tempfile.mkdtemp(prefix="kuntur-fuzz-"))


def _app() -> object:
    """The app over a fresh store, with a user whose roles reach every operation."""
    url = f"sqlite:///{_var / 'fuzz.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    global TOKEN
    TOKEN, _ = make_user(engine, "fuzzer", ["dispatcher", "auditor"], agency="PNP", clearance=3)
    return create_app(Settings(var_dir=_var, database_url=url, environment="test"), engine)


TOKEN = ""
schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case) -> None:
    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code < 500, (case.method, case.path, response.text[:500])
