"""Demo citizen tips (issue 16): a few clearly synthetic anonymous tips for the citizen
liaison desk (`kuntur demo command` seeds them once): the extortion of a bodega owner in
San Juan de Lurigancho first. Phone numbers are from the fictional 900 000 xxx range, and
every summary says SINTÉTICO; no real person or business is described."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kuntur.citizens import keys
from kuntur.citizens import service as citizens
from kuntur.citizens.models import Tip, TipMessage
from kuntur.config import Settings

TIPS = (
    citizens.TipInput(
        category="extortion",
        summary="Me cobran cupo en mi bodega (SINTÉTICO)",
        narrative=(
            "Desde hace dos semanas me llaman del 900 000 101 y me piden S/ 300 cada sábado "
            "para dejarme abrir. Dicen que yapee al 900 000 102. Dejaron una nota con una "
            "bala en la puerta. (DATOS SINTÉTICOS)"
        ),
        latitude=-11.9827,
        longitude=-77.0065,  # San Juan de Lurigancho
        occurred_part="noche",
        contact="Bodega demo, 900 000 199 (SINTÉTICO)",
    ),
    citizens.TipInput(
        category="threat",
        summary="Amenazan de muerte a un mototaxista (SINTÉTICO)",
        narrative="Le dijeron que si no paga la 'vacuna' lo matan esta semana. (SINTÉTICO)",
        danger_now=True,
        district="150132",
    ),
    citizens.TipInput(
        category="extortion",
        summary="Cobro de cupos a transportistas de la línea (SINTÉTICO)",
        narrative="Piden S/ 20 diarios por unidad; el cobrador usa el 900 000 101. (SINTÉTICO)",
        district="150135",  # San Martín de Porres
        occurred_part="manana",
    ),
    citizens.TipInput(
        category="drugs",
        summary="Venta de drogas en el parque por las noches (SINTÉTICO)",
        district="150110",  # Comas
        occurred_part="noche",
    ),
    citizens.TipInput(category="other", summary="Prueba (SINTÉTICO)", district="150101"),
)


def seed_tips(engine: Engine, settings: Settings) -> int:
    """The demo tips, once; returns how many were made (0 when tips are there already)."""
    k = keys.for_settings(settings)
    with Session(engine) as db, db.begin():
        if db.scalar(select(func.count()).select_from(Tip)):
            return 0
        made = []
        for n, data in enumerate(TIPS):
            tip, _receipt = citizens.submit(db, k, data)
            tip.received_on = tip.received_on - timedelta(days=(n * 2) % 5)
            made.append(tip)
        db.add(
            TipMessage(
                tip_id=made[0].id,
                author="tipster",
                body="Hoy volvieron a llamar del mismo número. (SINTÉTICO)",
                sent_on=made[0].received_on,
            )
        )
    return len(made)
