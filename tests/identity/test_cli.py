"""`kuntur users ...` and the demo users, through Typer's runner."""

from __future__ import annotations

import json

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kuntur.cli import app
from kuntur.config import Settings
from kuntur.identity.models import UserSession
from tests.conftest import PASSWORD, make_user

runner = CliRunner()


def test_bootstrap_admin_and_manage_users(cli_env: Settings) -> None:
    r = runner.invoke(
        app,
        ["users", "create", "jefa", "--agency", "PNP", "--role", "admin", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert r.exit_code == 0, r.output
    assert "TOTP" in r.output and "otpauth://" in r.output  # admins must enrol a second factor
    r = runner.invoke(
        app,
        ["users", "create", "jefa", "--agency", "PNP", "--role", "admin", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert r.exit_code != 0 and "exists" in r.output
    r = runner.invoke(
        app,
        ["users", "create", "x", "--agency", "CIA", "--role", "admin", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert r.exit_code != 0 and "unknown agency" in r.output
    r = runner.invoke(
        app,
        ["users", "create", "y", "--agency", "PNP", "--role", "dispatcher", "--password-stdin"],
        input="corta\n",
    )
    assert r.exit_code != 0 and "12" in r.output
    assert runner.invoke(app, ["users", "grant", "jefa", "auditor"]).exit_code == 0
    assert runner.invoke(app, ["users", "revoke", "jefa", "auditor"]).exit_code == 0
    assert runner.invoke(app, ["users", "disable", "jefa"]).exit_code == 0
    listed = runner.invoke(app, ["users", "list"])
    assert "jefa" in listed.stdout and "deshabilitado" in listed.stdout


def test_demo_users_once_with_their_logins(cli_env: Settings) -> None:
    first = runner.invoke(app, ["demo", "users"])
    assert first.exit_code == 0, first.output
    assert "DEMOSTRACIÓN" in first.output and "auditora" in first.output
    again = runner.invoke(app, ["demo", "users"])
    assert again.exit_code == 0
    creds = json.loads((cli_env.var_dir / "demo-credentials.json").read_text())
    assert len(creds) == 12 and all(len(p) >= 12 for _, p, _ in creds)  # the field officer too
    assert (cli_env.var_dir / "demo-credentials.json").stat().st_mode & 0o077 == 0
    code = runner.invoke(app, ["demo", "totp", "auditora"])
    assert code.exit_code == 0 and code.stdout.strip().isdigit()


def test_identity_keygen_once(cli_env: Settings) -> None:
    target = cli_env.var_dir / "keys" / "identity.key"
    r = runner.invoke(app, ["users", "keygen", "--path", str(target)])
    assert r.exit_code == 0, r.output
    assert target.stat().st_mode & 0o077 == 0
    again = runner.invoke(app, ["users", "keygen", "--path", str(target)])
    assert again.exit_code != 0 and "refusing to overwrite" in again.output


def test_list_and_revoke_tokens(cli_env: Settings, engine: Engine) -> None:
    token, _ = make_user(engine, "yola", ["dispatcher"])
    listed = runner.invoke(app, ["users", "tokens", "yola"])
    assert listed.exit_code == 0, listed.output
    assert "tests" in listed.stdout and "nunca" in listed.stdout and token not in listed.stdout
    with Session(engine) as db:
        (token_id,) = db.scalars(select(UserSession.id)).all()
    r = runner.invoke(app, ["users", "revoke-token", str(token_id)])
    assert r.exit_code == 0, r.output
    with Session(engine) as db:
        assert db.get(UserSession, token_id).revoked_at is not None
    assert runner.invoke(app, ["users", "revoke-token", "999999"]).exit_code != 0
