"""What the results domain declares (issue 18): interventions on record (what, where,
from when to when, on what legal basis or patrol plan) and what each one changed,
measured against a counterfactual from the untreated districts with an honest interval;
the results page and the weekly brief for the command (docs/results.md)."""

from __future__ import annotations

from kuntur.core.i18n import N_
from kuntur.core.registry import EventType, Label, Manifest, Page, Permission, declare
from kuntur.identity.roles import Role

VIEW = Permission(
    "results.view",
    "Ver las intervenciones, su efecto medido y el informe semanal",
    roles=(Role.COMMANDER, Role.CRIME_ANALYST, Role.INTEL_ANALYST, Role.AUDITOR),
)
MANAGE = Permission(
    "results.manage",
    "Registrar, cerrar y anular intervenciones (estado de emergencia, plan de patrullaje, "
    "operativo)",
    roles=(Role.COMMANDER, Role.CRIME_ANALYST),
)

RECORDED = EventType("results.intervention.recorded", "Intervención registrada")
CLOSED = EventType("results.intervention.closed", "Intervención cerrada")
EVALUATED = EventType("results.intervention.evaluated", "Intervención evaluada")
WITHDRAWN = EventType("results.intervention.withdrawn", "Intervención anulada")

TEXTS: dict[str, Label] = {
    "results": N_("Resultados"),
    "object_intervention": N_("Intervención"),
}

MANIFEST = declare(
    Manifest(
        domain="results",
        permissions=(VIEW, MANAGE),
        events=(RECORDED, CLOSED, EVALUATED, WITHDRAWN),
        pages=(
            Page(
                "/resultados",
                "results.html",
                VIEW,
                nav="results",
                nav_order=55,
                active="results",
            ),
        ),
        texts=TEXTS,
        api=("views", "public_site"),  # public_site: the public brief page, no login
        cli_group=(
            "results",
            N_("Resultados: evaluar intervenciones (control sintético) y el informe semanal."),
        ),
    )
)
