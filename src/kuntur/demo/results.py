"""Demo intervention (issue 18): an intensive patrol plan in San Juan de Lurigancho and El
Agustino over the last weeks of the demo scenario, with a clearly synthetic effect: a
quarter of the demo incidents in those two districts after the plan's start are removed
(every fourth by id, among those no other record points to), so the results page has a
real fall to measure. SYNTHETIC: the effect is made, not observed. Beside it, a classified
joint operation (clearance 2, owned by the Army) that only cleared readers see and the
public brief leaves out. Done once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Column, Engine, and_, delete, func, not_, select
from sqlalchemy.orm import Session

from kuntur.core.context import RequestContext
from kuntur.core.db import Base
from kuntur.core.timeutil import LIMA
from kuntur.identity.actor import Actor
from kuntur.incidents.models import ImportBatch, Incident
from kuntur.results import service as results
from kuntur.results.models import Intervention

ACTOR = RequestContext.system("demo")
DISTRICTS = ["150132", "150111"]  # San Juan de Lurigancho, El Agustino
TITLE = "DEMOSTRACIÓN: plan de patrullaje intensivo (efecto sintético de cerca de -25 %)"
SHARE_REMOVED = 4  # every fourth incident: -25 %


def _referenced_ids() -> list[Column[Any]]:
    """Every column of another table that points to an incident (found, not listed)."""
    cols = []
    for table in Base.metadata.tables.values():
        for fk in table.foreign_keys:
            if fk.column.table.name == "incidents" and fk.column.name == "id":
                cols.append(fk.parent)
    return cols


def seed_results(engine: Engine, weeks_after: int = 12) -> int | None:
    """Record the demo intervention and make its effect; its id (None: already there)."""
    with Session(engine) as db, db.begin():
        if db.scalar(select(func.count()).select_from(Intervention)):
            return None
        last = db.scalar(select(func.max(Incident.occurred_at)))
        if last is None:
            return None
        last_day = last.astimezone(LIMA).date() if last.tzinfo else last.date()
        start = last_day - timedelta(weeks=weeks_after)
        start -= timedelta(days=start.weekday())  # a Monday
        actor = Actor(db, ACTOR)
        item = results.record(
            actor,
            kind="patrol_plan",
            title=TITLE,
            description=(
                "Intervención ficticia para mostrar la evaluación: se quitó uno de cada "
                "cuatro incidentes de demostración en los distritos tratados desde el inicio."
            ),
            districts=DISTRICTS,
            starts_on=start,
            patrol_plan_id="DEMO-PLAN-SJL",
        )
        # A classified one beside it: readers below its level do not see it, and the
        # public brief leaves it out (no effect is made for it).
        results.record(
            actor,
            kind="operation",
            title="DEMOSTRACIÓN: operación conjunta reservada contra la extorsión (ficticia)",
            description="Registro ficticio clasificado: no aparece en el informe público.",
            districts=["150115"],  # La Victoria
            starts_on=start + timedelta(weeks=2),
            classification=2,
            owner_agency="EP",
        )
        batches = select(ImportBatch.id).where(ImportBatch.dataset.like("demo:%"))
        start_utc = datetime.combine(start, datetime.min.time(), tzinfo=LIMA)
        conditions = [
            Incident.import_batch_id.in_(batches),
            Incident.district_ubigeo.in_(DISTRICTS),
            Incident.occurred_at >= start_utc,
            Incident.id % SHARE_REMOVED == 0,
        ]
        for col in _referenced_ids():
            conditions.append(not_(Incident.id.in_(select(col).where(col.is_not(None)))))
        db.execute(delete(Incident).where(and_(*conditions)))
        return item.id
