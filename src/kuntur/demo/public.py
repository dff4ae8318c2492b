"""Demo public statistics and alerts (issue 16, part B): the first monthly release (the
latest month past the holdback, epsilon 1 of the year's budget) and two public alerts,
both exercises ("SIMULACRO"), in obviously fictional words. Done once: a store that already
has a release or an alert is left as it is."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kuntur.core.context import RequestContext
from kuntur.core.timeutil import LIMA, utcnow
from kuntur.identity.actor import Actor
from kuntur.public import privacy
from kuntur.public import service as public
from kuntur.public.models import PublicAlert, StatRelease

ACTOR = RequestContext.system("demo")
EPSILON = 1.0

ALERTS: tuple[dict[str, str], ...] = (
    {
        "district": "150132",
        "event": "SIMULACRO de alerta por extorsión (cobro de cupos)",
        "headline": "SIMULACRO: alerta ficticia de extorsión en San Juan de Lurigancho",
        "description": (
            "Ejercicio del sistema de alertas públicas. Mensaje ficticio: no describe hechos "
            "reales. Un grupo imaginario «Los Cóndores de Cartón» exige pagos a comercios."
        ),
        "instruction": (
            "Es un simulacro. Ante una extorsión real, llame gratis a la Central 111 (anónima, "
            "24 horas) o al 105."
        ),
        "urgency": "Expected",
        "severity": "Moderate",
        "certainty": "Possible",
    },
    {
        "district": "070101",
        "event": "SIMULACRO de cierre de vías por operativo",
        "headline": "SIMULACRO: cierre ficticio de avenidas en el Callao",
        "description": "Ejercicio del sistema de alertas públicas. Ningún cierre es real.",
        "instruction": "Es un simulacro: no se requiere ninguna acción.",
        "urgency": "Future",
        "severity": "Minor",
        "certainty": "Likely",
    },
)


def releasable_period(now: datetime) -> str:
    """The latest month whose end is past the holdback (7 days)."""
    local = now.astimezone(LIMA)
    back = 1 if local.day > 7 else 2
    y, m = divmod(local.year * 12 + local.month - 1 - back, 12)
    return f"{y:04d}-{m + 1:02d}"


def seed_public(engine: Engine) -> tuple[str | None, int]:
    """(the period released, or None if one was already; alerts issued)."""
    released: str | None = None
    issued = 0
    with Session(engine) as db, db.begin():
        actor = Actor(db, ACTOR)
        if db.scalar(select(StatRelease.id).limit(1)) is None:
            period = releasable_period(utcnow())
            try:
                public.make_release(actor, period=period, epsilon=EPSILON)
                released = period
            except privacy.ReleaseRefused:  # a budget set below EPSILON: no demo release
                released = None
        if db.scalar(select(PublicAlert.id).limit(1)) is None:
            for a in ALERTS:
                public.issue_alert(
                    actor,
                    status="Exercise",
                    district=a["district"],
                    event=a["event"],
                    headline=a["headline"],
                    description=a["description"],
                    instruction=a["instruction"],
                    urgency=a["urgency"],
                    severity=a["severity"],
                    certainty=a["certainty"],
                )
                issued += 1
    return released, issued
