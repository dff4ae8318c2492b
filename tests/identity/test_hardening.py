"""Penetration-test findings (issue 11): each test here failed before its fix."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session

from kuntur.app import create_app
from kuntur.audit.models import AuditEvent
from kuntur.config import Settings
from kuntur.core.context import RequestContext
from kuntur.core.db import make_engine
from kuntur.core.timeutil import utcnow
from kuntur.identity import crypto, service
from kuntur.identity.models import User
from tests.conftest import PASSWORD, PG_URL, make_user

ANON = RequestContext(actor="anonymous")
WRONG = "contraseña equivocada"


def events(engine: Engine, type_: str) -> list[AuditEvent]:
    with Session(engine) as db:
        return list(
            db.scalars(select(AuditEvent).where(AuditEvent.type == type_).order_by(AuditEvent.idx))
        )


def fresh_store(db_url: str, tmp_path: Path) -> tuple[Engine, Callable[[], None]]:
    """An empty store on ``db_url``'s backend (for migrations); returns it and its cleanup."""
    if db_url.startswith("sqlite"):
        engine = make_engine(f"sqlite:///{tmp_path}/fresh.db")
        return engine, engine.dispose
    schema = f"kuntur_mig_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(f"{PG_URL}?options=-csearch_path%3D{schema}")

    def drop() -> None:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return engine, drop


@pytest.mark.parametrize(
    "target",
    [
        "/\\evil.example/x",
        "//evil.example/x",
        "/\t/evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_login_redirects_only_to_local_paths(
    engine: Engine, anonymous_client: TestClient, target: str
) -> None:
    make_user(engine, "hugo", ["dispatcher"])
    form = {"username": "hugo", "password": PASSWORD, "next": target}
    r = anonymous_client.post("/login", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    page = anonymous_client.get("/login", params={"next": target})
    assert 'name="next" value="/"' in page.text


def test_login_keeps_a_local_next(engine: Engine, anonymous_client: TestClient) -> None:
    make_user(engine, "ines", ["dispatcher"])
    form = {"username": "ines", "password": PASSWORD, "next": "/despacho?x=1"}
    r = anonymous_client.post("/login", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/despacho?x=1"


def login(
    c: TestClient, username: str, password: str = PASSWORD, totp: str | None = None
) -> dict[str, object]:
    c.cookies.clear()  # each attempt from a fresh browser
    r = c.post("/api/auth/login", json={"username": username, "password": password, "totp": totp})
    return {"status": r.status_code, **(r.json() if r.content else {})}


def test_a_totp_code_is_accepted_once(engine: Engine, anonymous_client: TestClient) -> None:
    _token, secret = make_user(engine, "julia", ["auditor"], agency="DP")
    assert secret
    totp = pyotp.TOTP(secret)
    code = totp.now()
    assert login(anonymous_client, "julia", totp=code)["status"] == 200
    assert login(anonymous_client, "julia", totp=code)["status"] == 401  # replayed
    # The previous step's code is still inside the drift window, but older than the last
    # code accepted: refused too.
    assert login(anonymous_client, "julia", totp=totp.at(time.time() - 30))["status"] == 401
    # The next step's code (a phone clock a little ahead) is newer: accepted, once.
    ahead = totp.at(time.time() + 30)
    assert login(anonymous_client, "julia", totp=ahead)["status"] == 200
    assert login(anonymous_client, "julia", totp=ahead)["status"] == 401


def test_parallel_wrong_passwords_get_only_the_allowed_attempts(engine: Engine) -> None:
    make_user(engine, "karen", ["dispatcher"])
    n = 3 * service.MAX_FAILURES
    barrier = threading.Barrier(n)
    reasons: list[str | None] = []

    def attempt() -> None:
        barrier.wait()
        with Session(engine, expire_on_commit=False) as db, db.begin():
            reasons.append(service.authenticate(db, ANON, "karen", WRONG, None).reason)

    threads = [threading.Thread(target=attempt) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    checked = [r for r in reasons if r and r.startswith("bad password")]
    assert len(reasons) == n and len(checked) == service.MAX_FAILURES, reasons
    with Session(engine) as db:
        result = service.authenticate(db, ANON, "karen", PASSWORD, None)
    assert result.user is None and result.locked_until is not None


def test_a_locked_account_says_so_and_for_how_long(
    engine: Engine, anonymous_client: TestClient
) -> None:
    c = anonymous_client
    make_user(engine, "luis", ["dispatcher"])
    for _ in range(service.MAX_FAILURES - 1):
        assert login(c, "luis", WRONG)["status"] == 401
    for password in (WRONG, PASSWORD):  # the attempt that locks, then the right password
        locked = login(c, "luis", password)
        assert locked["status"] == 423, locked
        assert locked["detail"] == (
            "Cuenta bloqueada por intentos fallidos; intente de nuevo en 15 minutos / "
            "Account locked after failed attempts; try again in 15 minutes"
        )
    form = {"username": "luis", "password": PASSWORD}
    page = c.post("/login", data=form, follow_redirects=False)
    assert page.status_code == 423
    assert "Cuenta bloqueada por intentos fallidos; intente de nuevo en 15 minutos" in page.text
    english = c.post("/login?lang=en", data=form, follow_redirects=False)
    assert "Account locked after failed attempts; try again in 15 minutes" in english.text


class _CountingHasher:
    """Wraps the service's argon2 hasher and counts verifications."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.verified = 0

    def verify(self, hash_: str, password: str) -> bool:
        self.verified += 1
        return bool(self.inner.verify(hash_, password))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.mark.parametrize("case", ["unknown", "wrong password", "disabled", "locked"])
def test_every_refused_login_costs_one_argon2_check(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    make_user(engine, "mario", ["dispatcher"])
    with Session(engine) as db, db.begin():
        if case == "disabled":
            service.disable(db, RequestContext.system("t"), "mario")
        if case == "locked":
            db.execute(update(User).values(locked_until=utcnow() + timedelta(minutes=5)))
    service._dummy_hash()  # made once per process, not part of any login
    spy = _CountingHasher(service._hasher)
    monkeypatch.setattr(service, "_hasher", spy)
    name = "nadie" if case == "unknown" else "mario"
    password = WRONG if case == "wrong password" else PASSWORD
    with Session(engine) as db, db.begin():
        assert service.authenticate(db, ANON, name, password, None).user is None
    assert spy.verified == 1


def test_totp_secrets_are_sealed_at_rest(engine: Engine, anonymous_client: TestClient) -> None:
    _token, secret = make_user(engine, "nora", ["commander"])
    assert secret
    with Session(engine) as db:
        stored = db.scalars(select(User).where(User.username == "nora")).one()
        assert stored.totp_secret is None
        assert stored.totp_sealed and stored.totp_sealed.startswith("v1:")
        assert secret not in stored.totp_sealed
    assert login(anonymous_client, "nora", totp=pyotp.TOTP(secret).now())["status"] == 200


def test_a_plaintext_secret_left_by_older_code_is_sealed_on_use(
    engine: Engine, anonymous_client: TestClient
) -> None:
    _token, _secret = make_user(engine, "olga", ["auditor"], agency="DP")
    legacy = pyotp.random_base32()
    with Session(engine) as db, db.begin():
        db.execute(update(User).values(totp_secret=legacy, totp_sealed=None))
    assert login(anonymous_client, "olga", totp=pyotp.TOTP(legacy).now())["status"] == 200
    with Session(engine) as db:
        stored = db.scalars(select(User).where(User.username == "olga")).one()
        assert stored.totp_secret is None and stored.totp_sealed
        assert crypto.default_key().open(stored.totp_sealed, stored.id) == legacy


def test_the_migration_seals_plaintext_secrets(db_url: str, tmp_path: Path) -> None:
    from kuntur.core import migrate

    engine, drop = fresh_store(db_url, tmp_path)
    try:
        migrate.upgrade(engine, "0009")
        legacy = pyotp.random_base32()
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO agencies (code, name, kind) VALUES ('DP', 'Defensoría', 'x');")
            )
            conn.execute(
                text(
                    "INSERT INTO users (id, username, display_name, agency_code, roles, "
                    "clearance, password_hash, totp_secret, disabled, failed_logins, "
                    "created_at) VALUES (7, 'pia', 'Pia', 'DP', 'auditor', 0, 'x', :s, "
                    ":f, 0, :t)"
                ),
                {"s": legacy, "f": False, "t": utcnow()},
            )
        migrate.upgrade(engine)
        with engine.connect() as conn:
            plain, sealed = conn.execute(
                text("SELECT totp_secret, totp_sealed FROM users WHERE id = 7")
            ).one()
        assert plain is None and sealed.startswith("v1:")
        assert crypto.default_key().open(sealed, 7) == legacy
        migrate.downgrade(engine, "0008")  # and back: the plaintext column gets it again
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT totp_secret FROM users WHERE id = 7")) == legacy
    finally:
        drop()


def test_production_refuses_a_missing_identity_key(tmp_path: Path) -> None:
    from kuntur.app import create_app
    from kuntur.audit import commitments, keys
    from kuntur.config import Settings
    from kuntur.core.errors import KunturError

    with pytest.raises(KunturError, match="kuntur users keygen"):
        crypto.identity_key(tmp_path / "absent.key", "production")
    assert not (tmp_path / "absent.key").exists()
    keys.generate(tmp_path / "audit-signing.key")
    commitments.generate(tmp_path / "audit-commitment.key")  # only the identity key missing
    prod = Settings(
        var_dir=tmp_path,
        environment="production",
        database_url=f"sqlite:///{tmp_path}/k.db",
        identity_key_path=tmp_path / "identity.key",
    )
    with pytest.raises(KunturError, match="kuntur users keygen"):
        create_app(prod)


def test_logins_are_rate_limited_per_client_and_in_all(engine: Engine, settings: Settings) -> None:
    limited = settings.model_copy(
        update={"login_attempts_per_client": 3, "login_attempts_total": 5}
    )
    app = create_app(limited, engine)
    a, b, c = (TestClient(app, client=(f"10.0.0.{i}", 4000)) for i in (1, 2, 3))
    for name in ("u1", "u2", "u3"):  # different usernames: the lockout alone never sees it
        assert login(a, name, WRONG)["status"] == 401
    r = a.post("/api/auth/login", json={"username": "u4", "password": WRONG})
    assert r.status_code == 429 and 0 < int(r.headers["retry-after"]) <= 60
    assert r.json()["detail"].startswith("Demasiados intentos de inicio de sesión; intente")
    assert " / Too many logon attempts; try again in " in r.json()["detail"]
    assert login(a, "u5", WRONG)["status"] == 429  # still refused, not logged again
    assert [login(b, n, WRONG)["status"] for n in ("v1", "v2", "v3")] == [401, 401, 429]
    page = c.post("/login", data={"username": "w", "password": WRONG}, follow_redirects=False)
    assert page.status_code == 429 and "Demasiados intentos" in page.text
    assert "retry-after" in page.headers
    limited_events = events(engine, "auth.rate_limited")
    assert [json.loads(e.details)["scope"] for e in limited_events] == [
        "client",
        "global",
        "global",
    ]
    assert len({e.object_id for e in limited_events}) == 3  # one commitment per client
    assert all("10.0.0" not in (e.object_id or "") + e.details for e in limited_events)


def test_sliding_window_lets_in_again_and_stays_bounded() -> None:
    from kuntur.identity.ratelimit import LoginThrottle, SlidingWindow

    throttle = LoginThrottle(per_client=2, total=100, window_s=60)
    assert throttle.check("x", now=0) is None and throttle.check("x", now=10) is None
    refused = throttle.check("x", now=20)
    assert refused and refused.scope == "client" and refused.retry_after == 40 and refused.first
    again = throttle.check("x", now=30)
    assert again and not again.first
    assert throttle.check("x", now=61) is None  # the first attempt has left the window
    window = SlidingWindow(limit=1, window_s=60, max_keys=3)
    for i in range(10):
        window.record(str(i), now=i)
    assert len(window._seen) == 3 and window.wait("9", now=10) > 0


def _create(engine: Engine, password: str, username: str = "quispe") -> None:
    with Session(engine) as db, db.begin():
        service.create_user(
            db,
            RequestContext.system("t"),
            username=username,
            password=password,
            display_name="Q",
            agency="PNP",
            roles=["dispatcher"],
        )


@pytest.mark.parametrize(
    "password",
    [
        "Peru12345678",
        "CONTRASEÑA2024",
        "contrasena123!",
        "P@ssw0rd12345",
        "123456789012",
        "qwertyuiop123",
        "AlianzaLima2024",
        "te amo 2024!!",
        "aaaaaaaaaaaa",
        "peruperuperu",
        "universitario1",
    ],
)
def test_common_passwords_are_refused(engine: Engine, password: str) -> None:
    from kuntur.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match=r"demasiado común.* / That password is too common"):
        _create(engine, password)


def test_the_common_list_is_shipped_and_read_case_insensitively() -> None:
    from kuntur.identity import passwords

    for common in ("peru1234", "contraseña", "123456789", "PASSWORD", "Sporting Cristal"):
        assert passwords.is_common(common), common
    assert not passwords.is_common("caballo correcto batería grapa")


def test_reasonable_passwords_pass_and_the_username_is_not_one(engine: Engine) -> None:
    from kuntur.core.errors import InvalidInput

    _create(engine, "caballo correcto batería grapa")
    with pytest.raises(InvalidInput, match=r"usuario / .*username"):
        _create(engine, "Mamani-tiene-buena-memoria", username="mamani")


@pytest.mark.parametrize(("field", "size"), [("username", 65), ("password", 257), ("totp", 11)])
def test_overlong_login_fields_are_refused_before_any_work(
    engine: Engine,
    anonymous_client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    field: str,
    size: int,
) -> None:
    service._dummy_hash()
    spy = _CountingHasher(service._hasher)
    monkeypatch.setattr(service, "_hasher", spy)
    body = {"username": "ana", "password": WRONG, "totp": None, field: "x" * size}
    r = anonymous_client.post("/api/auth/login", json=body)
    assert r.status_code == 422
    assert " admite a lo sumo " in r.text and " takes at most " in r.text
    form = {k: v for k, v in body.items() if v}
    page = anonymous_client.post("/login", data=form, follow_redirects=False)
    assert page.status_code == 422 and " admite a lo sumo " in page.text
    assert spy.verified == 0 and events(engine, "auth.login.failure") == []


def test_a_huge_form_username_is_refused_and_never_stored(
    engine: Engine, anonymous_client: TestClient
) -> None:
    huge = "a" * 900_000
    page = anonymous_client.post("/login", data={"username": huge, "password": WRONG})
    assert page.status_code == 422
    assert huge[:1000] not in page.text
    with Session(engine) as db:
        assert db.scalar(select(AuditEvent.idx).where(AuditEvent.details.contains("aaaa"))) is None


def test_failed_logins_keep_a_commitment_not_the_name_typed(
    engine: Engine, anonymous_client: TestClient
) -> None:
    make_user(engine, "rosa", ["dispatcher"])
    for name in ("Juan.Perez.Typo", " juan.perez.typo ", "rosa"):
        assert login(anonymous_client, name, WRONG)["status"] == 401
    first, second, known = (e.object_id or "" for e in events(engine, "auth.login.failure"))
    assert first == second and first.startswith("hmac-sha256:")
    assert "juan" not in first.lower() and known == "rosa"
    assert all("juan" not in e.details.lower() for e in events(engine, "auth.login.failure"))


def test_overlong_usernames_are_refused_at_creation(engine: Engine) -> None:
    from kuntur.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="a lo sumo 64"):
        _create(engine, "caballo correcto batería grapa", username="u" * 65)


def _web_login(c: TestClient, username: str, totp: str | None = None) -> str:
    """Log in through the API (a cookie session); returns the CSRF token."""
    ok = login(c, username, totp=totp)
    assert ok["status"] == 200, ok
    return str(ok["csrf_token"])


def _age_sessions(engine: Engine, minutes: int) -> None:
    from kuntur.identity.models import UserSession

    with Session(engine) as db, db.begin():
        db.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=minutes)))


def _last_seen(engine: Engine) -> list[Any]:
    from kuntur.identity.models import UserSession

    with Session(engine) as db:
        return list(db.scalars(select(UserSession.last_seen_at).where(UserSession.kind == "web")))


def test_web_sessions_end_after_30_idle_minutes(
    engine: Engine, anonymous_client: TestClient
) -> None:
    c = anonymous_client
    make_user(engine, "sara", ["dispatcher"])
    _web_login(c, "sara")
    _age_sessions(engine, 29)
    assert c.get("/api/auth/me").status_code == 200  # used within 30 minutes: still open
    (seen,) = _last_seen(engine)
    assert utcnow() - seen < timedelta(minutes=1)  # and the use was noted
    assert c.get("/api/auth/me").status_code == 200
    assert _last_seen(engine) == [seen]  # noted at most once a minute, not on every request
    _age_sessions(engine, 31)
    assert c.get("/api/auth/me").status_code == 401


def test_minting_a_token_needs_step_up_and_a_web_session(
    engine: Engine, anonymous_client: TestClient
) -> None:
    c = anonymous_client
    make_user(engine, "tania", ["dispatcher"])
    csrf = {"X-CSRF-Token": _web_login(c, "tania")}
    assert c.post("/api/auth/tokens", json={"label": "x"}, headers=csrf).status_code == 422
    wrong = c.post("/api/auth/tokens", json={"label": "x", "password": WRONG}, headers=csrf)
    assert wrong.status_code == 403 and "incorrect" in wrong.json()["detail"]
    assert len(events(engine, "auth.step_up.failure")) == 1
    body = {"label": "informe nocturno", "password": PASSWORD}
    made = c.post("/api/auth/tokens", json=body, headers=csrf)
    assert made.status_code == 201, made.text
    token = made.json()["token"]
    assert made.json()["label"] == "informe nocturno" and made.json()["expires_at"]
    (created,) = events(engine, "auth.token.created")
    assert created.object_id == str(made.json()["id"]) and "informe" not in created.details
    c.cookies.clear()
    bearer = {"Authorization": f"Bearer {token}"}
    assert c.get("/api/auth/me", headers=bearer).status_code == 200
    again = c.post("/api/auth/tokens", json=body, headers=bearer)  # a token minting tokens
    assert again.status_code == 403 and "no puede emitir" in again.json()["detail"]
    assert len(events(engine, "auth.token.created")) == 1
    assert events(engine, "authz.denied")


def test_minting_a_token_needs_the_second_factor_where_the_role_does(
    engine: Engine, anonymous_client: TestClient
) -> None:
    c = anonymous_client
    _token, secret = make_user(engine, "ursula", ["auditor"], agency="DP")
    assert secret
    totp = pyotp.TOTP(secret)
    csrf = {"X-CSRF-Token": _web_login(c, "ursula", totp=totp.now())}
    body = {"label": "verificador", "password": PASSWORD}
    assert c.post("/api/auth/tokens", json=body, headers=csrf).status_code == 403
    # The logon's code is spent; the next step's code is new.
    body["totp"] = totp.at(time.time() + 30)
    assert c.post("/api/auth/tokens", json=body, headers=csrf).status_code == 201


def test_tokens_are_listed_and_revoked_by_their_owner_and_by_admins(
    engine: Engine, anonymous_client: TestClient
) -> None:
    c = anonymous_client
    owner, _ = make_user(engine, "vilma", ["dispatcher"])
    other, _ = make_user(engine, "walter", ["dispatcher"])
    admin, _ = make_user(engine, "ximena", ["admin"])

    def as_(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    mine = c.get("/api/auth/tokens", headers=as_(owner))
    assert mine.status_code == 200
    (listed,) = mine.json()
    assert set(listed) == {"id", "label", "created_at", "expires_at", "last_used_at"}
    assert listed["label"] == "tests" and listed["last_used_at"] is None  # never used before
    again = c.get("/api/auth/tokens", headers=as_(owner)).json()
    assert again[0]["last_used_at"]  # the first listing used it
    assert owner not in mine.text
    assert c.get("/api/auth/tokens?user=vilma", headers=as_(other)).status_code == 403
    assert c.delete(f"/api/auth/tokens/{listed['id']}", headers=as_(other)).status_code == 403
    assert c.get("/api/auth/me", headers=as_(owner)).status_code == 200
    seen = c.get("/api/auth/tokens?user=vilma", headers=as_(admin))
    assert seen.status_code == 200 and [t["id"] for t in seen.json()] == [listed["id"]]
    assert c.delete(f"/api/auth/tokens/{listed['id']}", headers=as_(admin)).status_code == 204
    assert c.get("/api/auth/me", headers=as_(owner)).status_code == 401
    (revoked,) = events(engine, "auth.token.revoked")
    assert revoked.object_id == str(listed["id"]) and revoked.actor == "user:ximena"
    (own,) = c.get("/api/auth/tokens", headers=as_(other)).json()
    assert c.delete(f"/api/auth/tokens/{own['id']}", headers=as_(other)).status_code == 204
    assert c.get("/api/auth/tokens", headers=as_(admin)).json()[0]["label"] == "tests"
    assert c.delete("/api/auth/tokens/999999", headers=as_(admin)).status_code == 404


def test_forged_expired_and_revoked_credentials_are_audited(
    engine: Engine, anonymous_client: TestClient
) -> None:
    from kuntur.identity.models import UserSession

    c = anonymous_client
    forged = "x" * 43
    assert c.get("/api/incidents", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    token, _ = make_user(engine, "yesenia", ["dispatcher"])
    with Session(engine) as db, db.begin():
        db.execute(update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert c.get("/api/incidents", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    c.cookies.set("kuntur_session", forged)
    assert c.get("/mapa", follow_redirects=False).status_code == 303
    rejected = events(engine, "auth.token_rejected")
    assert len(rejected) == 3
    details = [json.loads(e.details) for e in rejected]
    assert [(d["via"], d["reason"]) for d in details] == [
        ("bearer", "unknown"),
        ("bearer", "expired"),
        ("cookie", "unknown"),
    ]
    assert rejected[1].object_id and rejected[0].object_id is None
    assert all(forged not in e.details and token not in e.details for e in rejected)
    assert all(d["client"].startswith("hmac-sha256:") for d in details)


def test_rejected_credentials_cannot_flood_the_log(
    engine: Engine, anonymous_client: TestClient
) -> None:
    for i in range(40):
        headers = {"Authorization": f"Bearer forged-{i}"}
        assert anonymous_client.get("/api/auth/me", headers=headers).status_code == 401
    assert 1 <= len(events(engine, "auth.token_rejected")) <= 10


def test_event_throttle_counts_what_it_leaves_out() -> None:
    from kuntur.identity.ratelimit import EventThrottle

    throttle = EventThrottle(per_client=2, total=100, window_s=60)
    assert [throttle.admit("x", now=t) for t in (0, 1, 2, 3, 4)] == [0, 0, None, None, None]
    assert throttle.admit("y", now=5) == 0  # another client has its own allowance
    assert throttle.admit("x", now=61) == 3  # the next one written says 3 were left out


def test_csrf_failures_are_audited(engine: Engine, anonymous_client: TestClient) -> None:
    from tests.conftest import INCIDENT

    make_user(engine, "zoila", ["dispatcher"])
    _web_login(anonymous_client, "zoila")
    r = anonymous_client.post("/api/incidents", json=INCIDENT, headers={"X-CSRF-Token": "x"})
    assert r.status_code == 403 and r.json()["detail"].startswith("Falta el token CSRF")
    (failed,) = events(engine, "auth.csrf_failed")
    assert failed.actor == "user:zoila" and failed.object_type == "session"
    assert json.loads(failed.details)["method"] == "POST"


def test_no_caching_of_pages_or_api_answers(engine: Engine, anonymous_client: TestClient) -> None:
    token, _ = make_user(engine, "abel", ["dispatcher"])
    c = anonymous_client
    for path in ("/login", "/mapa", "/api/auth/me"):
        r = c.get(path, headers={"Authorization": f"Bearer {token}"}, follow_redirects=False)
        assert r.headers.get("cache-control") == "no-store", path
    assert "no-store" not in c.get("/static/js/login.js").headers.get("cache-control", "")


def test_api_docs_need_a_login_in_production(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    from kuntur.audit import commitments, keys
    from kuntur.citizens import keys as tip_keys

    keys.generate(tmp_path / "audit.key")
    crypto.generate(tmp_path / "identity.key")
    commitments.generate(tmp_path / "commitment.key")
    tip_keys.generate_desk(tmp_path / "desk.key")
    tip_keys.generate_secret(tmp_path / "tips.key")
    prod = settings.model_copy(
        update={
            "environment": "production",
            "audit_key_path": tmp_path / "audit.key",
            "identity_key_path": tmp_path / "identity.key",
            "audit_commitment_key_path": tmp_path / "commitment.key",
            "citizens_desk_key_path": tmp_path / "desk.key",
            "citizens_secret_key_path": tmp_path / "tips.key",
            "audit_checkpoint_interval_s": 0,
        }
    )
    c = TestClient(create_app(prod, engine))
    docs = c.get("/docs", follow_redirects=False)
    assert docs.status_code == 303 and docs.headers["location"] == "/login?next=/docs"
    assert c.get("/openapi.json").status_code == 401
    assert c.get("/redoc").status_code == 404
    with Session(engine, expire_on_commit=False) as db, db.begin():
        user, _ = service.create_user(
            db,
            RequestContext.system("t"),
            username="beatriz",
            password=PASSWORD,
            display_name="B",
            agency="PNP",
            roles=["dispatcher"],
            key=crypto.for_settings(prod),
        )
        token, _ = service.open_session(db, user, "api")
    bearer = {"Authorization": f"Bearer {token}"}
    assert c.get("/openapi.json", headers=bearer).json()["info"]["title"] == "Kuntur"
    assert c.get("/docs", headers=bearer).status_code == 200
    # Outside production the docs stay open, as the README says.
    open_app = TestClient(create_app(settings, engine))
    assert open_app.get("/openapi.json").status_code == 200


def test_the_server_sends_no_banner(cli_env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from kuntur.cli import app

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: seen.update(kw))
    # serve tells its processes how many they are through the environment: restored after,
    # so the settings of later tests in this process are not split between workers.
    monkeypatch.setenv("KUNTUR_SERVER_PROCESSES", "1")
    assert CliRunner().invoke(app, ["serve"]).exit_code == 0
    assert seen["server_header"] is False


def test_every_answer_carries_its_request_reference(client: TestClient) -> None:
    """The reference a failure message shows is the one the audit log keeps: the client's
    X-Request-Id (cut to 64 characters), or a new one, echoed on every answer."""
    made = client.get("/api/auth/me").headers["x-request-id"]
    assert len(made) == 32 and made != client.get("/api/auth/me").headers["x-request-id"]
    given = client.get("/api/auth/me", headers={"X-Request-Id": "r" * 80})
    assert given.headers["x-request-id"] == "r" * 64
