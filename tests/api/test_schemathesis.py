"""Fuzz the HTTP API from its own OpenAPI schema, on both stores, as users who together reach
every operation: each operation is called as a user whose roles allow it (the role matrix
says which), over a store with a record behind every route. No input may cause a server
error, and every answer must match the schema the API documents for it. A token is minted
only from a page session: that operation is called with a cookie and its CSRF token.

Every success answer has a schema (tests/api/test_openapi_typed.py), so every answer is
checked against it. Known gap: 401/403/404/409/423 are not declared per operation, so the
status-code conformance check is off.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from kuntur.app import create_app
from kuntur.audit.manifest import AUDIT_CHECKPOINT, AUDIT_COUNTERSIGN, AUDIT_READ
from kuntur.border.manifest import DECIDE as BORDER_DECIDE
from kuntur.border.manifest import SCREEN as BORDER_SCREEN
from kuntur.border.manifest import SEIZE as BORDER_SEIZE
from kuntur.citizens.manifest import TIPS_CONTACT, TIPS_TRIAGE
from kuntur.config import Settings
from kuntur.core.registry import Permission
from kuntur.core.web import SESSION_COOKIE
from kuntur.field import service as field
from kuntur.field.manifest import USE as FIELD_USE
from kuntur.forecasting.manifest import FORECASTS_READ, FORECASTS_RUN
from kuntur.identity import service as identity
from kuntur.identity.actor import Actor
from kuntur.identity.manifest import USERS_MANAGE
from kuntur.identity.models import User, UserSession
from kuntur.intelligence.manifest import INTEL_READ
from kuntur.oversight.manifest import EI_MANAGE, OVERSIGHT_NOTE
from tests.conftest import clear_store, make_user
from tests.identity.test_authz_matrix import PUBLIC, ROUTES, USER
from tests.scenario import PURPOSE, build, join_case

# The users; each operation is called by the one CALLER_FOR names for the permission it
# needs (the commander for the rest: incidents, command, dispatch, public routes).
CALLERS = {  # username: (roles, agency, headers)
    "comandante": (["commander"], "PNP", {}),
    "analista": (["crime_analyst"], "PNP", {}),
    # A member of the scenario's case: its number is her purpose.
    "inteligencia": (["intel_analyst"], "PNP", {"X-Purpose": PURPOSE}),
    "auditora": (["auditor"], "DP", {}),
    "inspectora": (["internal_affairs"], "PNP", {}),  # early intervention, her own notes
    "enlace": (["citizen_liaison"], "PNP", {}),  # the tip desk
    "admin": (["admin"], "PNP", {}),
    "saliente": (["dispatcher"], "PNP", {}),  # logs out (again and again): nobody else does
    # Signed in on the page (cookie and CSRF token): a token is minted only there. Fuzzed
    # step-ups fail and lock her out in the end; nobody else uses her session.
    "pagina": (["dispatcher"], "PNP", {}),
    # The administrator on the page: creating accounts and giving roles need the step-up.
    "paginaadmin": (["admin"], "PNP", {}),
    "frontera": (["border_officer"], "PNP", {}),  # screens and decides at a border post
    # A phone signed in for the shift as PNP-A-P1 (its device token replaces the API token).
    "agente": (["field_officer"], "PNP", {}),
}
WEB = {"pagina", "paginaadmin"}
CALLER_FOR: dict[Permission | str, str] = {
    FORECASTS_RUN: "analista",
    FORECASTS_READ: "analista",
    INTEL_READ: "inteligencia",
    AUDIT_READ: "auditora",
    AUDIT_CHECKPOINT: "admin",
    AUDIT_COUNTERSIGN: "auditora",
    EI_MANAGE: "inspectora",
    OVERSIGHT_NOTE: "inspectora",
    USERS_MANAGE: "admin",
    TIPS_TRIAGE: "enlace",
    TIPS_CONTACT: "enlace",
    USER: "auditora",
    PUBLIC: "comandante",
    BORDER_SCREEN: "frontera",
    BORDER_DECIDE: "frontera",
    BORDER_SEIZE: "frontera",
    FIELD_USE: "agente",
}
# A stream never ends by itself: the role matrix and tests/dispatch cover it.
SKIPPED = {("GET", "/api/dispatch/live"), ("GET", "/api/field/live")}
CHECKS = [
    checks.not_a_server_error,
    checks.response_schema_conformance,
    checks.content_type_conformance,
]


@dataclass
class Fuzz:
    schema: Any  # the app's schema, bound to the app over the fuzzed store
    headers: dict[str, dict[str, str]]  # username -> request headers
    known: dict[str, list[Any]]  # path parameter -> values naming stored records
    keep: dict[str, set[Any]]  # path parameter -> values no fuzzed call may name


@pytest.fixture(scope="module")
def fuzz(migrated_engine: Engine, tmp_path_factory: pytest.TempPathFactory, db_url: str) -> Fuzz:
    """One store per backend for the whole file (operations add to it as they go)."""
    engine = clear_store(migrated_engine)
    settings = Settings(
        var_dir=tmp_path_factory.mktemp("fuzz"), database_url=db_url, environment="test"
    )
    scenario = build(engine, settings)
    headers = {}
    for name, (roles, agency, extra) in CALLERS.items():
        token, _ = make_user(engine, name, roles, agency=agency, clearance=3)
        headers[name] = {"Authorization": f"Bearer {token}", **extra}
    with Session(engine, expire_on_commit=False) as db, db.begin():
        # the commander sits at the Lima front
        db.execute(
            update(User).where(User.username == "comandante").values(unit_id=scenario.world.front)
        )
        for name in WEB:
            user = db.scalar(select(User).where(User.username == name))
            assert user is not None
            raw, sess = identity.open_session(db, user, "web")
            headers[name] = {"Cookie": f"{SESSION_COOKIE}={raw}", "X-CSRF-Token": sess.csrf_token}
        # The callers' own sessions: revoking one (DELETE /api/auth/tokens/1 as the admin)
        # would end that caller's part of the fuzz; the colleague's token is there for it.
        callers_sessions = set(db.scalars(select(UserSession.id))) - {scenario.colleague_token}
    with Session(engine, expire_on_commit=False) as db, db.begin():
        agent = db.scalar(select(User).where(User.username == "agente"))
        assert agent is not None
        agent.unit_id = scenario.world.station_a
        officer = Actor(db, identity.context_for(agent, None, request_id="fuzz"))
        raw, phone, _unit = field.start_shift(
            officer, agent, device_key="f" * 32, label="fuzz", call_sign=None, hours=12
        )
        headers["agente"] = {"Authorization": f"Bearer {raw}", "X-Device-Key": "f" * 32}
        phone_id = phone.id
    join_case(engine, scenario, "inteligencia")
    app = create_app(settings, engine)
    s, w = scenario, scenario.world
    known: dict[str, list[Any]] = {
        "incident_id": [s.a, s.b, s.c, s.ext],
        "forecast_id": [s.forecast],
        "cell": [s.cell],
        "unit_id": [w.patrol, w.moto, w.platoon],
        "auth_id": [s.spare_auth, w.emergency],
        "order_id": [s.order],
        "plan_id": [s.patrol_plan],
        "case_id": [s.case],
        "token_id": [s.colleague_token],
        "name": [s.network],
        "checkpoint_id": [s.checkpoint],
        "hit_id": [s.border_hit],
        "intervention_id": [s.intervention],
        "device_id": [s.field_device],
        "photo_id": [s.uof_photo],
        "ubigeo": ["150101", "070101"],
        "level": ["departments", "provinces"],
        # Account changes touch the scenario's colleague only, never a caller of the fuzz.
        "username": [s.colleague],
    }
    # Nor may a fuzzed revocation end the fuzzing phone's session.
    keep = {"token_id": callers_sessions, "device_id": {phone_id}}
    return Fuzz(schemathesis.openapi.from_asgi("/openapi.json", app), headers, known, keep)


def caller(method: str, path: str) -> str:
    if (method, path) == ("POST", "/api/auth/logout"):
        return "saliente"
    row = ROUTES[(method, path)]
    if row.web_step_up:
        return "paginaadmin" if row.needs == USERS_MANAGE else "pagina"
    return CALLER_FOR.get(row.needs, "comandante")


def _operations() -> list[tuple[str, str]]:
    """The API's operations, read from its schema (no store needed)."""
    paths = create_app(Settings(environment="test")).openapi()["paths"]
    return [
        (m.upper(), p) for p, item in paths.items() for m in item if (m.upper(), p) not in SKIPPED
    ]


@pytest.mark.parametrize(("method", "path"), _operations(), ids=lambda v: str(v))
def test_no_server_errors_and_documented_answers(fuzz: Fuzz, method: str, path: str) -> None:
    headers = fuzz.headers[caller(method, path)]

    @given(case=fuzz.schema[path][method].as_strategy(), data=st.data())
    @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
    def call(case: schemathesis.Case, data: st.DataObject) -> None:
        # Random ids almost never name a record: half the time, path ids that do.
        for name in case.path_parameters or {}:
            if name not in fuzz.known:
                continue
            kept = case.path_parameters[name] in fuzz.keep.get(name, ())
            if kept or data.draw(st.booleans(), label=f"real {name}"):
                case.path_parameters[name] = data.draw(st.sampled_from(fuzz.known[name]))
        case.call_and_validate(headers=headers, checks=CHECKS)

    call()


def test_every_operation_has_a_caller_allowed_to_call_it() -> None:
    from kuntur.identity.authz import role_permissions

    for (method, path), row in ROUTES.items():
        if row.web_step_up:  # asked from a page session, never with a token
            assert caller(method, path) in WEB, (method, path)
        if row.needs in (PUBLIC, USER):
            continue
        roles = CALLERS[caller(method, path)][0]
        assert any(row.needs in role_permissions(r) for r in roles), (method, path)


def test_a_nul_character_is_the_callers_error_not_the_servers(
    engine: Engine, client: TestClient
) -> None:
    """Found by this fuzz: PostgreSQL refuses NUL in text, and the refusal was a 500."""
    r = client.post("/api/auth/login", json={"username": "\x00", "password": "x"})
    assert r.status_code in (401, 422)  # SQLite simply finds no such user
    r = client.post(
        "/api/command/positions", json={"positions": [{"call_sign": "\x00", "lon": 0, "lat": 0}]}
    )
    assert r.status_code == 422
    r = client.get("/api/incidents/stats")
    assert r.status_code == 200  # the failed requests left nothing behind
