"""The audit log on both stores: appends, proofs, checkpoints, witnesses, tampering."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kuntur.audit import keys, merkle, service
from kuntur.cli import app
from kuntur.config import Settings
from kuntur.core.context import RequestContext
from kuntur.identity.manifest import USER_CREATED
from kuntur.incidents.manifest import INCIDENT_CREATED

CTX = RequestContext(actor="user:ana", agency="PNP", request_id="r1").with_purpose("case:C-117")


def fill(engine: Engine, n: int, start: int = 0) -> None:
    with Session(engine, expire_on_commit=False) as db, db.begin():
        service.append(
            db,
            [
                service.entry_for(
                    CTX,
                    INCIDENT_CREATED,
                    object_type="incident",
                    object_id=str(start + i),
                )
                for i in range(n)
            ],
        )


def test_appends_are_numbered_and_proven(engine: Engine) -> None:
    fill(engine, 13)
    with Session(engine) as db:
        assert service.size(db) == 13
        _, root = service.root(db)
        leaves = [
            merkle.leaf_hash(service.canonical(e.idx, e))
            for e in service.search(db, limit=100)[0][::-1]
        ]
        assert root == merkle.root(13, merkle.memory_reader(leaves))  # independent rebuild
        for index in (0, 6, 12):
            size, leaf, proof = service.inclusion_proof(db, index)
            merkle.verify_inclusion(index, size, leaf, proof, root)
        old_root = service.root(db, 5)[1]
        merkle.verify_consistency(5, 13, old_root, root, service.consistency_proof(db, 5, 13))


def test_state_change_and_event_commit_together(engine: Engine) -> None:
    with pytest.raises(RuntimeError), Session(engine, expire_on_commit=False) as db, db.begin():
        service.record(db, CTX, USER_CREATED, object_id="u1")
        raise RuntimeError("the state change failed")
    with Session(engine) as db:
        assert service.size(db) == 0 and service.search(db)[1] == 0


def test_events_never_carry_the_sensitive_data(client: object, auditor_client: object) -> None:
    from fastapi.testclient import TestClient

    assert isinstance(client, TestClient) and isinstance(auditor_client, TestClient)
    narrative = "Me amenazan desde el 987654321, alias el Gato"
    client.post(
        "/api/incidents",
        json={
            "source": "citizen_tip",
            "category": "extortion",
            "occurred_at": "2026-01-05T10:00:00",
            "latitude": -12.05,
            "longitude": -77.03,
            "narrative": narrative,
        },
    )
    page = auditor_client.get("/api/audit/events").json()
    text_ = json.dumps(page)
    assert "incident.created" in text_ and "987654321" not in text_ and "Gato" not in text_


def signing_key(tmp_path: Path) -> keys.Ed25519PrivateKey:
    return keys.signing_key(tmp_path / "k.pem", "test")


def test_checkpoint_is_signed_and_verifies(engine: Engine, tmp_path: Path) -> None:
    key = signing_key(tmp_path)
    fill(engine, 9)
    with Session(engine, expire_on_commit=False) as db, db.begin():
        cp = service.create_checkpoint(db, CTX, key)
    assert cp.size == 9
    note = keys.checkpoint_note(cp.size, cp.root, cp.at)
    assert note.startswith(b"kuntur-audit-v1\n9\n")
    assert keys.verify(keys.public_bytes(key), cp.signature, note)
    with Session(engine) as db:
        result = service.verify(db, keys.public_bytes(key))
    assert result.ok and result.size == 10 and result.first_bad_index is None  # + checkpoint event
    assert result.checkpoints_checked == 1


TAMPER = {
    "edit": "UPDATE audit_events SET actor = 'user:nobody' WHERE idx = {i}",
    "edit purpose": "UPDATE audit_events SET purpose = NULL WHERE idx = {i}",
    "delete": "DELETE FROM audit_events WHERE idx = {i}",
    "reorder": "UPDATE audit_events SET object_id = CASE WHEN idx = {i} THEN '{b}' "
    "ELSE '{a}' END WHERE idx IN ({i}, {j})",
    "truncate": "DELETE FROM audit_events WHERE idx >= {i}",
}


@pytest.mark.parametrize("kind", sorted(TAMPER))
def test_tampering_is_found_with_the_first_bad_index(
    engine: Engine, tmp_path: Path, kind: str
) -> None:
    key = signing_key(tmp_path)
    fill(engine, 20)
    with Session(engine, expire_on_commit=False) as db, db.begin():
        service.create_checkpoint(db, CTX, key)
    i, j = 7, 8
    with engine.begin() as conn:
        conn.execute(text(TAMPER[kind].format(i=i, j=j, a=str(i), b=str(j))))
    with Session(engine) as db:
        result = service.verify(db, keys.public_bytes(key))
    assert not result.ok
    assert result.first_bad_index == i, result.problems
    # What is wrong, Spanish first, English second (the API and the CLI show it as it is).
    assert result.problems and all(p.count(" / ") == 1 for p in result.problems)
    assert any(w in result.problems[0] for w in ("evento", "índices", "punto de control"))


def test_an_inserted_event_is_found(engine: Engine, tmp_path: Path) -> None:
    key = signing_key(tmp_path)
    fill(engine, 6)
    with Session(engine, expire_on_commit=False) as db, db.begin():
        service.create_checkpoint(db, CTX, key)
    # Shift the tail up and slip a forged event in at 3, leaf hashes recomputed to match.
    with Session(engine, expire_on_commit=False) as db, db.begin():
        events = service.search(db, limit=100)[0]
        for e in events:
            if e.idx >= 3:
                db.execute(
                    text("UPDATE audit_events SET idx = idx + 100 WHERE idx = :i"), {"i": e.idx}
                )
        forged = service.Entry(type=USER_CREATED, actor="user:mallory")
        db.execute(
            text(
                "INSERT INTO audit_events (idx, type, at, actor, outcome, details, "
                "leaf_hash) VALUES (3, :t, :at, :a, 'success', '{}', :h)"
            ),
            {
                "t": forged.type.value,
                "at": forged.at.replace(tzinfo=None)
                if engine.dialect.name == "sqlite"
                else forged.at,
                "a": forged.actor,
                "h": merkle.leaf_hash(service.canonical(3, forged)),
            },
        )
    with Session(engine) as db:
        result = service.verify(db, keys.public_bytes(key))
    assert not result.ok and result.first_bad_index is not None and result.first_bad_index <= 4


def signed_log_of_twelve(engine: Engine, tmp_path: Path) -> keys.Ed25519PrivateKey:
    """A fresh log of 12 events and a checkpoint (hypothesis reruns share one fixture)."""
    with engine.begin() as conn:
        for table in ("audit_checkpoints", "audit_nodes", "audit_events"):
            conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(text("UPDATE audit_head SET size = 0"))
    key = keys.signing_key(tmp_path / "k.pem", "test")
    fill(engine, 12)
    with Session(engine, expire_on_commit=False) as db, db.begin():
        service.create_checkpoint(db, CTX, key)
    return key


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.integers(min_value=0, max_value=11), st.integers(min_value=0, max_value=200))
def test_any_single_byte_change_is_detected(
    engine: Engine, tmp_path: Path, index: int, position: int
) -> None:
    key = signed_log_of_twelve(engine, tmp_path)
    with engine.begin() as conn:
        actor = conn.execute(
            text("SELECT details FROM audit_events WHERE idx = :i"), {"i": index}
        ).scalar_one()
        flipped = list(actor)
        pos = position % len(flipped)
        flipped[pos] = "x" if flipped[pos] != "x" else "y"
        conn.execute(
            text("UPDATE audit_events SET details = :d WHERE idx = :i"),
            {"d": "".join(flipped), "i": index},
        )
    with Session(engine) as db:
        result = service.verify(db, keys.public_bytes(key))
    assert not result.ok and result.first_bad_index == index


def test_witness_round_trip_over_http(
    engine: Engine, settings: Settings, live_url: str, tmp_path: Path
) -> None:
    from kuntur.audit import witness

    fill(engine, 5)
    wkey = keys.generate(tmp_path / "defensoria.pem")
    with Session(engine, expire_on_commit=False) as db, db.begin():
        service.add_witness(db, CTX, "Defensoría", keys.public_bytes(wkey))
        service.create_checkpoint(
            db, CTX, keys.signing_key(settings.effective_audit_key_path, "test")
        )
    state = tmp_path / "state.json"
    first = witness.countersign(live_url, "Defensoría", tmp_path / "defensoria.pem", state)
    assert first["previous_size"] is None
    fill(engine, 4, start=5)
    with Session(engine, expire_on_commit=False) as db, db.begin():
        service.create_checkpoint(
            db, CTX, keys.signing_key(settings.effective_audit_key_path, "test")
        )
    second = witness.countersign(live_url, "Defensoría", tmp_path / "defensoria.pem", state)
    assert second["previous_size"] == first["size"] and second["size"] > first["size"]
    import urllib.request

    with urllib.request.urlopen(f"{live_url}/api/audit/checkpoints") as resp:
        listed = json.loads(resp.read())
    assert listed[0]["witnesses"] == ["Defensoría"]

    # A rewritten history: the next checkpoint no longer extends what the witness signed.
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_nodes SET hash = :h WHERE idx = 0"),
            {"h": b"\x00" * 32},
        )
    with Session(engine, expire_on_commit=False) as db, db.begin():
        service.create_checkpoint(
            db, CTX, keys.signing_key(settings.effective_audit_key_path, "test")
        )
    with pytest.raises(
        witness.WitnessRefusal, match=r"no extiende el registro .* / .*does not extend"
    ):
        witness.countersign(live_url, "Defensoría", tmp_path / "defensoria.pem", state)


def test_countersignature_must_verify(
    auditor_client: object, engine: Engine, tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    client = auditor_client
    assert isinstance(client, TestClient)
    wkey = keys.generate(tmp_path / "w.pem")
    with Session(engine, expire_on_commit=False) as db, db.begin():
        service.add_witness(db, CTX, "Fiscalía", keys.public_bytes(wkey))
    cp = client.post("/api/audit/checkpoints").json()
    forged = base64.b64encode(wkey.sign(b"something else")).decode()
    r = client.post(
        f"/api/audit/checkpoints/{cp['id']}/countersignatures",
        json={"witness": "Fiscalía", "signature": forged},
    )
    assert r.status_code == 422 and "does not verify" in r.json()["detail"]
    good = base64.b64encode(wkey.sign(cp["note"].encode())).decode()
    r = client.post(
        f"/api/audit/checkpoints/{cp['id']}/countersignatures",
        json={"witness": "Fiscalía", "signature": good},
    )
    assert r.status_code == 201
    # The witness's act, whoever sent it: the signed-in auditor's name is not put on it.
    with Session(engine) as db:
        from kuntur.audit.models import AuditEvent

        signed = db.scalars(
            select(AuditEvent).where(AuditEvent.type == "audit.countersigned")
        ).all()
        assert [e.actor for e in signed] == ["witness:Fiscalía"]


def test_proof_endpoints(client: object, engine: Engine) -> None:
    from fastapi.testclient import TestClient

    assert isinstance(client, TestClient)
    fill(engine, 11)
    inc = client.get("/api/audit/proofs/inclusion?index=4").json()
    merkle.verify_inclusion(
        4,
        inc["size"],
        base64.b64decode(inc["leaf_hash"]),
        [base64.b64decode(p) for p in inc["proof"]],
        base64.b64decode(inc["root"]),
    )
    con = client.get("/api/audit/proofs/consistency?first=3&second=11").json()
    merkle.verify_consistency(
        3,
        11,
        base64.b64decode(con["first_root"]),
        base64.b64decode(con["second_root"]),
        [base64.b64decode(p) for p in con["proof"]],
    )
    assert client.get("/api/audit/proofs/inclusion?index=99").status_code == 422
    assert client.get("/api/audit/proofs/consistency?first=5&second=3").status_code == 422
    assert client.get("/api/audit/checkpoints/latest").status_code == 404


def test_reading_the_log_is_logged(auditor_client: object) -> None:
    from fastapi.testclient import TestClient

    client = auditor_client
    assert isinstance(client, TestClient)
    client.get("/api/audit/events")
    second = client.get("/api/audit/events?type=audit.read").json()
    assert second["total"] >= 1 and second["items"][0]["type"] == "audit.read"


def test_cli_checkpoint_and_verify(cli_env: Settings, engine: Engine) -> None:
    runner = CliRunner()
    fill(engine, 4)
    made = runner.invoke(app, ["audit", "checkpoint", "--json"])
    assert made.exit_code == 0, made.output
    out = runner.invoke(app, ["audit", "verify", "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert report == {**report, "ok": True, "size": 5, "first_bad_index": None}
    assert len(report["root"]) == 64
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE idx = 2"))
    bad = runner.invoke(app, ["audit", "verify", "--json"])
    assert bad.exit_code == 1 and json.loads(bad.stdout)["first_bad_index"] == 2
    proof = runner.invoke(app, ["audit", "proof", "inclusion", "1"])
    assert proof.exit_code == 0 and json.loads(proof.stdout)["index"] == 1


def test_production_refuses_a_missing_key(tmp_path: Path) -> None:
    from kuntur.core.errors import KunturError

    with pytest.raises(KunturError, match="kuntur audit keygen"):
        keys.signing_key(tmp_path / "absent.pem", "production")
    assert not (tmp_path / "absent.pem").exists()


def test_scheduled_checkpoints_only_when_due(engine: Engine, settings: Settings) -> None:
    from kuntur.audit import scheduled

    assert not scheduled.checkpoint_if_due(engine, settings)  # empty log: nothing to sign
    fill(engine, 3)
    assert scheduled.checkpoint_if_due(engine, settings)
    assert not scheduled.checkpoint_if_due(engine, settings)  # too soon, nothing new


def test_production_will_not_start_without_its_key(tmp_path: Path) -> None:
    from kuntur.app import create_app
    from kuntur.core.errors import KunturError

    prod = Settings(
        var_dir=tmp_path, environment="production", database_url=f"sqlite:///{tmp_path}/k.db"
    )
    with pytest.raises(KunturError, match="keygen"):
        create_app(prod)


def test_serve_without_its_key_exits_at_once_saying_which(tmp_path: Path) -> None:
    """`kuntur serve` checks the keys before starting a worker: a container or unit
    without them stops with the message (and a non-zero status its supervisor sees),
    instead of staying up with workers that crash on every start."""
    import os
    import subprocess
    import sys

    from tests.conftest import free_port

    env = {
        **os.environ,
        "KUNTUR_ENVIRONMENT": "production",
        "KUNTUR_VAR_DIR": str(tmp_path),
        "KUNTUR_DATABASE_URL": f"sqlite:///{tmp_path}/k.db",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from kuntur.cli import main; main()",
            "serve",
            "--port",
            str(free_port()),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    said = done.stdout + done.stderr
    assert done.returncode == 2
    assert "kuntur audit keygen" in said and "Traceback" not in said


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(["delete", "truncate", "reorder", "edit"]),
    st.integers(min_value=0, max_value=10),
)
def test_any_deletion_reordering_or_truncation_is_detected(
    engine: Engine, tmp_path: Path, kind: str, index: int
) -> None:
    key = signed_log_of_twelve(engine, tmp_path)
    with engine.begin() as conn:
        conn.execute(
            text(TAMPER[kind].format(i=index, j=index + 1, a=str(index), b=str(index + 1)))
        )
    with Session(engine) as db:
        result = service.verify(db, keys.public_bytes(key))
    assert not result.ok and result.first_bad_index == index, result.problems
