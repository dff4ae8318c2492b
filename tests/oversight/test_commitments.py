"""Keyed commitments: provable with the key, unguessable without it, no default key in
production, and `kuntur audit commit` reproduces what the log holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kuntur.audit import commitments
from kuntur.audit.keys import KeyError_
from kuntur.config import Settings


def test_commitments_prove_values_only_with_the_key(tmp_path: Path) -> None:
    commitments.configure(tmp_path / "a.key", "test")
    c = commitments.commit("entity", "phone:+51987654321")
    assert c.startswith("hmac-sha256:") and "987654321" not in c
    assert commitments.matches(c, "entity", "phone:+51987654321")
    assert not commitments.matches(c, "entity", "phone:+51987654322")
    assert not commitments.matches(c, "note", "phone:+51987654321")  # labels keep kinds apart
    assert (tmp_path / "a.key").stat().st_mode & 0o077 == 0  # its owner's only
    commitments.configure(tmp_path / "b.key", "test")  # another key: another commitment
    other = commitments.commit("entity", "phone:+51987654321")
    assert other != c and other.split(":")[1] != c.split(":")[1]  # the key id says which


def test_production_needs_a_key_made_beforehand(tmp_path: Path) -> None:
    with pytest.raises(KeyError_, match="commitment-keygen"):
        commitments.key_for(tmp_path / "missing.key", "production")
    made = commitments.generate(tmp_path / "made.key")
    assert commitments.key_for(tmp_path / "made.key", "production") == made


def test_cli_keygen_and_commit(cli_env: Settings) -> None:
    from kuntur.cli import app

    commitments.configure(cli_env.effective_audit_commitment_key_path, "test")
    made = CliRunner().invoke(app, ["audit", "commitment-keygen"])
    assert made.exit_code == 0, made.output
    again = CliRunner().invoke(app, ["audit", "commitment-keygen"])
    assert again.exit_code != 0 and "refusing" in again.output
    out = CliRunner().invoke(app, ["audit", "commit", "phone:+51987654321", "--label", "entity"])
    assert out.exit_code == 0
    assert commitments.matches(out.output.strip(), "entity", "phone:+51987654321")
