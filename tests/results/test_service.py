"""Interventions on record through the actor (audited), and the districts' neighbours
from the Lima and Callao polygons (the ring a displacement estimate looks at)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kuntur.audit.models import AuditEvent
from kuntur.core.errors import InvalidInput, NotFound
from kuntur.identity.actor import Actor, system
from kuntur.identity.models import User
from kuntur.identity.service import context_for
from kuntur.results import service
from tests.conftest import make_user


def test_an_intervention_is_recorded_closed_and_audited(engine: Engine) -> None:
    with Session(engine) as db, db.begin():
        actor = system(db, "test")
        item = service.record(
            actor,
            kind="state_of_emergency",
            title="Estado de emergencia en San Juan de Lurigancho",
            districts=["150132"],
            starts_on=date(2026, 10, 5),
            legal_basis_id="DS-123-2026-PCM",
        )
        ident = item.id
        one_day = service.record(  # an operation of one day: its end is its start
            actor,
            kind="operation",
            title="Operativo de un día en el Cercado",
            districts=["150101"],
            starts_on=date(2026, 10, 5),
            ends_on=date(2026, 10, 5),
        )
        assert one_day.ends_on == one_day.starts_on
        service.close(actor, item.id, date(2026, 12, 4))
        assert service.get(actor, item.id).ends_on == date(2026, 12, 4)
        assert item.id in [i.id for i in service.interventions(actor)]
        with pytest.raises(InvalidInput):
            service.record(
                actor, kind="magic", title="x", districts=["150132"], starts_on=date(2026, 1, 1)
            )
    with Session(engine) as db:
        kinds = set(db.scalars(select(AuditEvent.type).where(AuditEvent.object_id == str(ident))))
    assert {"results.intervention.recorded", "results.intervention.closed"} <= kinds


def _as(db: Session, username: str) -> Actor:
    user = db.scalar(select(User).where(User.username == username))
    assert user is not None
    return Actor(db, context_for(user, None, request_id="test"))


def test_a_classified_intervention_is_for_cleared_readers_of_its_agency(engine: Engine) -> None:
    make_user(engine, "mando_ep", ["crime_analyst"], agency="EP", clearance=2)
    make_user(engine, "analista_ep", ["crime_analyst"], agency="EP", clearance=1)
    make_user(engine, "analista_pnp", ["crime_analyst"], agency="PNP", clearance=3)
    with Session(engine) as db, db.begin():
        chief = _as(db, "mando_ep")
        secret = service.record(
            chief,
            kind="operation",
            title="Operación conjunta reservada",
            districts=["150115"],
            starts_on=date(2026, 10, 5),
            classification=2,
        )
        public = service.record(
            chief,
            kind="programme",
            title="Programa abierto",
            districts=["150115"],
            starts_on=date(2026, 10, 5),
        )
        assert (secret.owner_agency, secret.classification) == ("EP", 2)
        with pytest.raises(InvalidInput, match="supera su nivel"):
            service.record(
                _as(db, "analista_ep"),
                kind="operation",
                title="Más allá de su nivel",
                districts=["150115"],
                starts_on=date(2026, 10, 5),
                classification=2,
            )
        ids = (secret.id, public.id)
    with Session(engine) as db, db.begin():
        seen = {
            u: {i.id for i in service.interventions(_as(db, u))} & set(ids)
            for u in ("mando_ep", "analista_ep")
        }
        assert seen == {"mando_ep": set(ids), "analista_ep": {ids[1]}}
        with pytest.raises(NotFound):
            service.get(_as(db, "analista_ep"), ids[0])
    with Session(engine) as db:
        denied = db.scalar(
            select(AuditEvent.idx).where(
                AuditEvent.type == "authz.denied", AuditEvent.object_id == str(ids[0])
            )
        )
    assert denied is not None  # the attempt on record


def test_district_neighbours_share_a_border() -> None:
    nb = service.district_neighbours()
    assert len(nb) == 50
    # Miraflores (150122) borders San Isidro (150131), Surquillo (150141), Barranco (150104)
    assert {"150131", "150141", "150104"} <= set(nb["150122"])
    assert all(code in nb[other] for code, ring in nb.items() for other in ring)
