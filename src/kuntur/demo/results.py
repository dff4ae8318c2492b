"""Demo intervention (issue 18): an intensive patrol plan in San Juan de Lurigancho and El
Agustino over the last weeks of the demo scenario, with a clearly synthetic effect: a
quarter of the demo incidents in those two districts after the plan's start are removed
(every fourth by id, among those no other record points to), so the results page has a
real fall to measure. SYNTHETIC: the effect is made, not observed. Beside it, a classified
joint operation (clearance 2, owned by the Army) that only cleared readers see and the
public brief leaves out, and an operation over a drawn zone (the demo scenario's busiest
hot spot outside those districts, an H3 hexagon of about 0.7 km²: the scenario places hot
spots by its seed) with a made effect of -33 %: every third demo incident inside the zone
after its start removed. Done once."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from shapely.geometry import Polygon, mapping
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
# The titles say the effect is made, not how large: a title is public (the public brief
# lists interventions without their measured effect); the descriptions say how it was made.
TITLE = "DEMOSTRACIÓN: plan de patrullaje intensivo (efecto simulado)"
SHARE_REMOVED = 4  # every fourth incident: -25 %
# Where the zone falls depends on the scenario's seed: the title names its districts.
ZONE_TITLE = "DEMOSTRACIÓN: operativo en una zona dibujada de {where} (efecto simulado)"
ZONE_RES = 8  # the zone: the busiest H3 cell of this size (about 0.7 km²) outside the others
ZONE_SHARE_REMOVED = 3  # every third incident in the zone: -33 %


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
        # One recorded by mistake and withdrawn, as a record of training would be: still
        # listed, with who and why, and no longer counted against the others.
        mistaken = results.record(
            actor,
            kind="operation",
            title="DEMOSTRACIÓN: registro de práctica de la capacitación (anulado)",
            districts=["150122"],  # Miraflores
            starts_on=start,
        )
        results.withdraw(
            actor,
            mistaken.id,
            "registrado en la capacitación de analistas, no es un operativo real (demostración)",
        )
        zone_start = start
        zone = _busiest_zone(db, exclude=[*DISTRICTS, "150115"])
        results.record(
            actor,
            kind="operation",
            title=ZONE_TITLE.format(where=_where(zone)),
            description=(
                "Intervención ficticia sobre una zona dibujada: se quitó uno de cada tres "
                "incidentes de demostración dentro de la zona desde el inicio."
            ),
            area=mapping(zone),
            starts_on=zone_start,
        )
        batches = select(ImportBatch.id).where(ImportBatch.dataset.like("demo:%"))
        free = [
            not_(Incident.id.in_(select(col).where(col.is_not(None)))) for col in _referenced_ids()
        ]
        start_utc = datetime.combine(start, datetime.min.time(), tzinfo=LIMA)
        conditions = [
            Incident.import_batch_id.in_(batches),
            Incident.district_ubigeo.in_(DISTRICTS),
            Incident.occurred_at >= start_utc,
            Incident.id % SHARE_REMOVED == 0,
            *free,
        ]
        db.execute(delete(Incident).where(and_(*conditions)))
        removed = _in_zone(db, zone, zone_start, free)
        db.execute(delete(Incident).where(Incident.id.in_(removed)))
        return item.id


def _where(zone: Polygon) -> str:
    """The districts the zone lies in, by name ("San Martín de Porres y Ventanilla")."""
    from kuntur.geography import service as geo
    from kuntur.results.area import districts_covered

    codes = districts_covered(zone, results.lima_callao_shapes())
    names = [d.name if (d := geo.get_district(c)) else c for c in codes]
    return " y ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]


def _busiest_zone(db: Session, *, exclude: list[str]) -> Polygon:
    """The hexagon (H3, ``ZONE_RES``) holding the most demo incidents outside ``exclude``."""
    import h3.api.basic_int as h3_int

    rows = db.execute(
        select(Incident.h3_r9, func.count())
        .where(Incident.district_ubigeo.not_in(exclude))
        .group_by(Incident.h3_r9)
    ).all()
    counts: dict[int, int] = {}
    for cell, n in rows:
        parent = h3_int.cell_to_parent(int(cell), ZONE_RES)
        counts[parent] = counts.get(parent, 0) + int(n)
    best = max(counts, key=lambda c: counts[c])
    return Polygon([(lon, lat) for lat, lon in h3_int.cell_to_boundary(best)])


def _in_zone(db: Session, zone: Polygon, start: date, free: list[Any]) -> list[int]:
    """Every third demo incident (by id) inside the drawn zone from ``start``, among those
    nothing else points to."""
    import shapely

    x0, y0, x1, y1 = zone.bounds
    rows = db.execute(
        select(Incident.id, Incident.longitude, Incident.latitude).where(
            Incident.import_batch_id.in_(
                select(ImportBatch.id).where(ImportBatch.dataset.like("demo:%"))
            ),
            Incident.occurred_at >= datetime.combine(start, datetime.min.time(), tzinfo=LIMA),
            Incident.longitude.between(x0, x1),
            Incident.latitude.between(y0, y1),
            Incident.id % ZONE_SHARE_REMOVED == 0,
            *free,
        )
    ).all()
    inside = shapely.contains_xy(zone, [r[1] for r in rows], [r[2] for r in rows])
    return [int(r[0]) for r, keep in zip(rows, inside, strict=True) if keep]
