"""Service accounts for integrators: a token limited to its scopes (403 in words naming the
scope that would do, on record), still limited by the account's roles, refused once expired
or revoked (401 saying so); the administrator's API (step-up) and command line."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kuntur.app import create_app
from kuntur.cli import app as cli
from kuntur.config import Settings
from kuntur.core.errors import InvalidInput
from kuntur.core.timeutil import utcnow
from kuntur.identity import service_accounts
from kuntur.identity.models import User, UserSession
from tests.conftest import PASSWORD, make_user
from tests.exchange.eido_world import SYSTEM, build


def account(engine: Engine, name: str, roles: list[str], agency: str = "PNP") -> None:
    with Session(engine) as db, db.begin():
        service_accounts.create(db, SYSTEM, name=name, display_name="", agency=agency, roles=roles)


def mint(engine: Engine, name: str, scopes: list[str], **kw: Any) -> tuple[str, int]:
    with Session(engine) as db, db.begin():
        raw, tok = service_accounts.mint(db, SYSTEM, name, scopes=scopes, **kw)
        return raw, tok.id


def test_a_token_is_limited_to_its_scopes(engine: Engine, settings: Settings) -> None:
    world = build(engine)
    account(engine, "cad.callao", ["dispatcher"])
    token, _ = mint(engine, "cad.callao", ["eido:read"])
    with TestClient(create_app(settings, engine)) as c:
        c.headers["Authorization"] = f"Bearer {token}"
        doc = c.get(f"/api/exchange/eido/incidents/{world.incident_id}")
        assert doc.status_code == 200, doc.text
        # The roles would allow these; the token's scopes do not. Spanish first, naming the
        # scope that would.
        post = c.post("/api/exchange/eido", json=doc.json())
        assert post.status_code == 403
        reason = post.json()["detail"]
        assert reason.startswith("el alcance de este token (eido:read)")
        assert "exchange.eido.import" in reason and "eido:write" in reason
        assert c.get("/api/dispatch/queue").status_code == 403  # no scope covers dispatch
        assert c.get("/api/exchange/exports/incidents.csv").status_code == 200  # eido:read
        assert c.get("/api/forecasts").status_code == 403
    with Session(engine) as db:
        denied = db.execute(
            text(
                "SELECT details FROM audit_events WHERE type = 'authz.denied' "
                "AND actor = 'user:cad.callao'"
            )
        ).scalars()
        assert any("eido:read" in str(d) for d in denied)


def test_scopes_never_widen_the_roles(engine: Engine, settings: Settings) -> None:
    build(engine)
    account(engine, "analisis.externo", ["crime_analyst"])
    token, _ = mint(engine, "analisis.externo", ["eido:write", "exports:read"])
    with TestClient(create_app(settings, engine)) as c:
        c.headers["Authorization"] = f"Bearer {token}"
        got = c.post("/api/exchange/eido", json={"eidoVersion": "1.0"})
        assert got.status_code == 403 and "roles" in got.json()["detail"]
        assert c.get("/api/exchange/exports/incidents.geojson").status_code == 200


def test_expired_and_revoked_tokens_are_refused_in_words(
    engine: Engine, settings: Settings
) -> None:
    world = build(engine)
    account(engine, "cad.lima", ["dispatcher"])
    token, tid = mint(engine, "cad.lima", ["eido:read"])
    url = f"/api/exchange/eido/incidents/{world.incident_id}"
    with TestClient(create_app(settings, engine)) as c:
        c.headers["Authorization"] = f"Bearer {token}"
        assert c.get(url).status_code == 200
        with Session(engine) as db, db.begin():
            db.execute(
                update(UserSession)
                .where(UserSession.id == tid)
                .values(expires_at=utcnow() - timedelta(seconds=1))
            )
        expired = c.get(url)
        assert expired.status_code == 401 and "venció" in expired.json()["detail"]
        other, oid = mint(
            engine, "cad.lima", ["eido:read"], expires_at=utcnow() + timedelta(days=1)
        )
        c.headers["Authorization"] = f"Bearer {other}"
        assert c.get(url).status_code == 200
        admin, _ = make_user(engine, "jefa", ["admin"])
        assert (
            c.delete(f"/api/auth/tokens/{oid}", headers={"Authorization": f"Bearer {admin}"})
        ).status_code == 204
        revoked = c.get(url)
        assert revoked.status_code == 401 and "revocado" in revoked.json()["detail"]


def test_minting_checks_scopes_and_expiry(engine: Engine) -> None:
    account(engine, "cad.ica", ["dispatcher"])
    with pytest.raises(InvalidInput, match="eido:read"):
        mint(engine, "cad.ica", ["eido:everything"])
    with pytest.raises(InvalidInput, match="365"):
        mint(engine, "cad.ica", ["eido:read"], expires_at=utcnow() + timedelta(days=400))
    with pytest.raises(InvalidInput, match="futuro"):
        mint(engine, "cad.ica", ["eido:read"], expires_at=utcnow() - timedelta(days=1))
    make_user(engine, "persona", ["dispatcher"])
    with pytest.raises(InvalidInput, match="cuenta de servicio"):
        mint(engine, "persona", ["eido:read"])  # a person's account gets no service token
    # A service account never logs in: no password opens it.
    with TestClient(create_app(Settings(database_url=str(engine.url)), engine)) as c:
        r = c.post("/api/auth/login", json={"username": "cad.ica", "password": PASSWORD})
        assert r.status_code == 401


def _page_admin(engine: Engine, c: TestClient) -> tuple[str, str]:
    """An administrator signed in on a page (cookie, CSRF token); returns (csrf, secret)."""
    _token, secret = make_user(engine, "admin.uno", ["admin"])
    assert secret
    r = c.post(
        "/api/auth/login",
        json={"username": "admin.uno", "password": PASSWORD, "totp": pyotp.TOTP(secret).now()},
    )
    assert r.status_code == 200, r.text
    return str(r.json()["csrf_token"]), secret


def _fresh_code(engine: Engine, secret: str) -> str:
    # The logon used this time step's code; a step-up within the same 30 s would be a
    # replay. Tests forget the step instead of waiting for the next one.
    with Session(engine) as db, db.begin():
        db.execute(update(User).where(User.username == "admin.uno").values(totp_last_step=None))
    return pyotp.TOTP(secret).now()


def test_the_administrators_api(engine: Engine, settings: Settings) -> None:
    with TestClient(create_app(settings, engine)) as c:
        csrf, secret = _page_admin(engine, c)
        h = {"X-CSRF-Token": csrf}
        made = c.post(
            "/api/service-accounts",
            json={
                "name": "serenazgo.miraflores",
                "agency": "SERENAZGO",
                "roles": ["dispatcher"],
                "password": PASSWORD,
                "totp": _fresh_code(engine, secret),
            },
            headers=h,
        )
        assert made.status_code == 201, made.text
        assert made.json()["tokens"] == []
        until = (utcnow() + timedelta(days=30)).isoformat()
        tok = c.post(
            "/api/service-accounts/serenazgo.miraflores/tokens",
            json={
                "scopes": ["positions:write", "eido:write"],
                "expires_at": until,
                "password": PASSWORD,
                "totp": _fresh_code(engine, secret),
            },
            headers=h,
        )
        assert tok.status_code == 201, tok.text
        body = tok.json()
        assert body["scopes"] == ["eido:write", "positions:write"] and body["state"] == "live"
        assert body["token"]
        wrong = c.post(
            "/api/service-accounts/serenazgo.miraflores/tokens",
            json={"scopes": ["eido:read"], "password": "not it", "totp": "000000"},
            headers=h,
        )
        assert wrong.status_code == 403
        listed = c.get("/api/service-accounts").json()
        (acct,) = listed
        assert acct["name"] == "serenazgo.miraflores" and acct["agency"] == "SERENAZGO"
        assert [t["id"] for t in acct["tokens"]] == [body["id"]]
        assert "token" not in acct["tokens"][0]
        scopes = {s["scope"] for s in c.get("/api/service-accounts/scopes").json()}
        assert scopes >= {"eido:read", "eido:write", "exports:read", "positions:write"}
    # A token cannot create accounts (the step-up wants a page session).
    with TestClient(create_app(settings, engine)) as t:
        t.headers["Authorization"] = f"Bearer {body['token']}"
        assert t.get("/api/service-accounts").status_code == 403
    with Session(engine) as db:
        kinds = db.execute(
            text("SELECT type, details FROM audit_events WHERE type LIKE 'auth.%' ")
        ).all()
        assert any(k == "auth.service_account.created" for k, _ in kinds)
        minted = [d for k, d in kinds if k == "auth.token.created"]
        assert any("positions:write" in str(d) for d in minted)
        assert not any(body["token"] in str(d) for _, d in kinds)


def test_cli(engine: Engine, cli_env: Settings) -> None:
    runner = CliRunner()
    made = runner.invoke(
        cli,
        ["users", "service-account", "cad.piura", "--agency", "PNP", "--role", "dispatcher"],
    )
    assert made.exit_code == 0, made.output
    minted = runner.invoke(
        cli, ["users", "service-token", "cad.piura", "--scope", "eido:read", "--days", "7"]
    )
    assert minted.exit_code == 0, minted.output
    raw = minted.stdout.strip().splitlines()[-1]
    assert len(raw) >= 40
    listed = runner.invoke(cli, ["users", "service-accounts"])
    assert listed.exit_code == 0 and "cad.piura" in listed.stdout and "eido:read" in listed.stdout
    bad = runner.invoke(cli, ["users", "service-token", "cad.piura", "--scope", "root"])
    assert bad.exit_code == 2
