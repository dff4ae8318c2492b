"""Interventions on record through the actor (audited), and the districts' neighbours
from the Lima and Callao polygons (the ring a displacement estimate looks at)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kuntur.audit.models import AuditEvent
from kuntur.core.errors import InvalidInput
from kuntur.identity.actor import system
from kuntur.results import service


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


def test_district_neighbours_share_a_border() -> None:
    nb = service.district_neighbours()
    assert len(nb) == 50
    # Miraflores (150122) borders San Isidro (150131), Surquillo (150141), Barranco (150104)
    assert {"150131", "150141", "150104"} <= set(nb["150122"])
    assert all(code in nb[other] for code, ring in nb.items() for other in ring)
