"""What a refused logon says: a locked account that it is locked and for how long; a right
password without the second factor that the code is needed (API and form); and, on a demo
store only, which demo account is for what."""

from __future__ import annotations

from pathlib import Path

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kuntur.core.timeutil import utcnow
from kuntur.demo import service as demo
from kuntur.identity import service
from kuntur.incidents.models import ImportBatch
from tests.conftest import PASSWORD, make_user

WRONG = "contraseña equivocada"


def test_a_locked_account_says_it_is_locked_and_for_how_long(
    engine: Engine, anonymous_client: TestClient
) -> None:
    c = anonymous_client
    make_user(engine, "lucia", ["dispatcher"])
    for _ in range(service.MAX_FAILURES):
        c.post("/api/auth/login", json={"username": "lucia", "password": WRONG})
    r = c.post("/api/auth/login", json={"username": "lucia", "password": PASSWORD})
    minutes = int(service.LOCKOUT.total_seconds() // 60)
    assert r.status_code == 423
    assert r.json()["detail"] == (
        f"Cuenta bloqueada por intentos fallidos; intente de nuevo en {minutes} minutos / "
        f"Account locked after failed attempts; try again in {minutes} minutes"
    )
    assert 0 < int(r.headers["Retry-After"]) <= service.LOCKOUT.total_seconds()
    page = c.post("/login", data={"username": "lucia", "password": PASSWORD})
    assert page.status_code == 423
    assert f"Cuenta bloqueada por intentos fallidos; intente de nuevo en {minutes} minutos" in (
        page.text
    )


def test_a_missing_second_factor_says_so(engine: Engine, anonymous_client: TestClient) -> None:
    c = anonymous_client
    _token, secret = make_user(engine, "marta", ["auditor"], agency="DP")
    assert secret
    r = c.post("/api/auth/login", json={"username": "marta", "password": PASSWORD})
    assert r.status_code == 401 and r.json()["code"] == "second_factor_required"
    assert r.json()["detail"].startswith("Esta cuenta requiere el código de verificación")
    assert "This account needs its verification code" in r.json()["detail"]
    # Only after the right password: a wrong one says "incorrect", as for anyone.
    wrong = c.post("/api/auth/login", json={"username": "marta", "password": WRONG})
    assert wrong.status_code == 401 and "code" not in wrong.json()
    assert "incorrectos" in wrong.json()["detail"]
    # A wrong code says "incorrect" too (it is counted like any failure).
    bad = c.post(
        "/api/auth/login", json={"username": "marta", "password": PASSWORD, "totp": "000000"}
    )
    assert bad.status_code == 401 and "code" not in bad.json()
    # The form without JavaScript says it in the page's language.
    page = c.post("/login", data={"username": "marta", "password": PASSWORD})
    assert page.status_code == 401 and "Esta cuenta requiere el código de verificación" in (
        page.text
    )
    ok = c.post(
        "/api/auth/login",
        json={"username": "marta", "password": PASSWORD, "totp": pyotp.TOTP(secret).now()},
    )
    assert ok.status_code == 200


def test_demo_accounts_are_listed_only_on_a_demo_store(
    engine: Engine, anonymous_client: TestClient, tmp_path: Path
) -> None:
    rows = demo.seed_users(engine, tmp_path / "demo-credentials.json")
    page = anonymous_client.get("/login")
    assert 'data-testid="demo-accounts"' not in page.text  # users alone are no demo store
    with Session(engine) as db, db.begin():
        db.add(
            ImportBatch(
                file_name="demo",
                file_sha256="0" * 64,
                dataset="demo:lima",
                started_at=utcnow(),
                actor="system:test",
            )
        )
    page = anonymous_client.get("/login")
    assert 'data-testid="demo-accounts"' in page.text
    assert "CUENTAS DE DEMOSTRACIÓN" in page.text
    for username, password, _secret in rows:
        assert f"<dt>{username}" in page.text
        assert password not in page.text  # never the passwords
    assert "Control externo (Defensoría del Pueblo)" in page.text
    english = anonymous_client.get("/login?lang=en")
    assert "DEMO ACCOUNTS" in english.text and "Outside oversight" in english.text


def test_login_page_template_texts_in_each_language(anonymous_client: TestClient) -> None:
    """The template's own texts ({{ _("...") }}, Jinja2's i18n extension) follow ?lang=."""
    spanish = anonymous_client.get("/login").text
    assert "Acceso restringido al personal autorizado." in spanish and "Contraseña" in spanish
    english = anonymous_client.get("/login?lang=en").text
    assert "Authorised staff only. Every action is logged." in english
    assert "Password" in english and "Contraseña" not in english
