"""Logon, lockout, second factor, CSRF, revocation: through the API, on both stores."""

from __future__ import annotations

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kuntur.audit.models import AuditEvent
from kuntur.core.context import RequestContext
from kuntur.identity import service
from tests.conftest import INCIDENT, PASSWORD, make_user


def login(
    c: TestClient, username: str, password: str = PASSWORD, totp: str | None = None
) -> dict[str, object]:
    r = c.post("/api/auth/login", json={"username": username, "password": password, "totp": totp})
    return {"status": r.status_code, **(r.json() if r.content else {})}


def events(engine: Engine, type_: str) -> list[AuditEvent]:
    with Session(engine) as db:
        return list(
            db.scalars(select(AuditEvent).where(AuditEvent.type == type_).order_by(AuditEvent.idx))
        )


def test_api_needs_a_login(anonymous_client: TestClient) -> None:
    for path in ("/api/incidents", "/api/incidents/stats", "/api/incidents/map", "/api/auth/me"):
        assert anonymous_client.get(path).status_code == 401
    assert anonymous_client.post("/api/incidents", json=INCIDENT).status_code == 401
    assert anonymous_client.get("/api/geography/districts/150101").status_code == 200


def test_login_logout_and_csrf(engine: Engine, anonymous_client: TestClient) -> None:
    c = anonymous_client
    make_user(engine, "ana", ["dispatcher"])
    ok = login(c, "ana")
    assert ok["status"] == 200 and ok["roles"] == ["dispatcher"]
    cookie = c.cookies.get("kuntur_session")
    assert cookie
    assert c.get("/api/incidents").status_code == 200  # the cookie alone reads
    # Writing with the cookie needs the CSRF token; with it, it works.
    assert c.post("/api/incidents", json=INCIDENT).status_code == 403
    r = c.post("/api/incidents", json=INCIDENT, headers={"X-CSRF-Token": str(ok["csrf_token"])})
    assert r.status_code == 201
    assert (
        c.post("/api/auth/logout", headers={"X-CSRF-Token": str(ok["csrf_token"])}).status_code
        == 204
    )
    # The same token no longer works, even presented again by hand.
    c.cookies.set("kuntur_session", cookie)
    assert c.get("/api/incidents").status_code == 401
    assert [e.outcome for e in events(engine, "auth.login.success")] == ["success"]
    assert len(events(engine, "auth.logout")) == 1


def test_wrong_password_unknown_user_and_lockout(
    engine: Engine, anonymous_client: TestClient
) -> None:
    c = anonymous_client
    make_user(engine, "beto", ["dispatcher"])
    unknown = login(c, "nadie")
    wrong = login(c, "beto", "contraseña equivocada")
    assert unknown["status"] == wrong["status"] == 401
    assert unknown["detail"] == wrong["detail"]  # nothing tells which part was wrong
    for _ in range(service.MAX_FAILURES - 1):
        login(c, "beto", "contraseña equivocada")
    # Locked now: even the right password is refused for a while.
    assert login(c, "beto")["status"] == 423
    failures = events(engine, "auth.login.failure")
    assert len(failures) == service.MAX_FAILURES + 2
    assert any("locked" in e.details for e in failures)
    assert all(PASSWORD not in e.details and "equivocada" not in e.details for e in failures)


def test_second_factor_is_mandatory_for_auditors(
    engine: Engine, anonymous_client: TestClient
) -> None:
    _token, secret = make_user(engine, "carla", ["auditor"], agency="DP")
    assert secret
    assert login(anonymous_client, "carla")["status"] == 401
    assert login(anonymous_client, "carla", totp="000000")["status"] in (401,)
    good = login(anonymous_client, "carla", totp=pyotp.TOTP(secret).now())
    assert good["status"] == 200


def test_disable_and_role_changes_apply_at_once(
    engine: Engine, settings: object, anonymous_client: TestClient
) -> None:
    token, _ = make_user(engine, "dario", ["dispatcher"])
    headers = {"Authorization": f"Bearer {token}"}
    c = anonymous_client
    assert c.post("/api/incidents", json=INCIDENT, headers=headers).status_code == 201
    ctx = RequestContext.system("test")
    with Session(engine) as db, db.begin():
        service.revoke(db, ctx, "dario", "dispatcher")
    assert c.post("/api/incidents", json=INCIDENT, headers=headers).status_code == 403
    with Session(engine) as db, db.begin():
        service.grant(db, ctx, "dario", "dispatcher")
    assert c.post("/api/incidents", json=INCIDENT, headers=headers).status_code == 201
    with Session(engine) as db, db.begin():
        service.disable(db, ctx, "dario")
    assert c.get("/api/incidents", headers=headers).status_code == 401
    assert login(c, "dario")["status"] == 401


def test_passwords_are_argon2id_and_tokens_are_not_stored(engine: Engine) -> None:
    from kuntur.identity.models import User, UserSession

    token, _ = make_user(engine, "elena", ["dispatcher"])
    with Session(engine) as db:
        user = db.scalars(select(User).where(User.username == "elena")).one()
        assert user.password_hash.startswith("$argon2id$")
        stored = db.scalars(select(UserSession.token_hash)).all()
        assert token not in stored and service.token_digest(token) in stored


@pytest.mark.parametrize("password", ["corta", "x" * 11])
def test_short_passwords_are_refused(engine: Engine, password: str) -> None:
    from kuntur.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="12"), Session(engine) as db, db.begin():
        service.create_user(
            db,
            RequestContext.system("t"),
            username="f",
            password=password,
            display_name="F",
            agency="PNP",
            roles=["dispatcher"],
        )


def test_login_form_works_without_javascript(engine: Engine, anonymous_client: TestClient) -> None:
    c = anonymous_client
    make_user(engine, "gabo", ["dispatcher"])
    form = {"username": "gabo", "password": PASSWORD, "next": "//evil.example/steal"}
    r = c.post("/login", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert "httponly" in r.headers["set-cookie"].lower()
    assert "samesite=strict" in r.headers["set-cookie"].lower()
    bad = c.post("/login", data={**form, "password": "otra cosa"}, follow_redirects=False)
    assert bad.status_code == 401 and "incorrectos" in bad.text
    assert "otra cosa" not in bad.text


def test_security_headers(anonymous_client: TestClient) -> None:
    r = anonymous_client.get("/login")
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert "script-src 'self';" in r.headers["content-security-policy"]
    api = anonymous_client.get("/api/geography/districts/150101")
    assert api.headers["cache-control"] == "no-store"
