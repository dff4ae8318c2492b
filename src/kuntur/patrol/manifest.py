"""What patrol planning declares: its permissions (commanders and dispatchers read and
build plans, commanders approve them into orders), audit events, the plan page with its
navigation entry, texts and command group."""

from __future__ import annotations

from kuntur.core.i18n import N_
from kuntur.core.registry import EventType, Label, Manifest, Page, Permission, declare
from kuntur.identity.roles import Role

PATROL_READ = Permission(
    "patrol.read",
    "Ver y preparar planes de patrullaje",
    roles=(Role.COMMANDER, Role.DISPATCHER),
)
PATROL_APPROVE = Permission(
    "patrol.approve",
    "Aprobar planes de patrullaje (se vuelven órdenes)",
    roles=(Role.COMMANDER,),
)

PLAN_BUILT = EventType("patrol.plan.built", "Plan de patrullaje preparado")
PLAN_APPROVED = EventType("patrol.plan.approved", "Plan de patrullaje aprobado (órdenes emitidas)")
PLAN_REFUSED = EventType("patrol.plan.refused", "Plan de patrullaje rechazado")
SHEET_PRINTED = EventType("patrol.sheet.printed", "Hoja de visitas de una unidad abierta")

TEXTS: dict[str, Label] = {
    "patrol": N_("Patrullaje"),
    "patrol_plan": N_("Plan de patrullaje"),
    "patrol_none": N_("Todavía no hay un plan para este turno."),
    "patrol_build": N_("Preparar el plan del turno"),
    "patrol_approve": N_("Aprobar: emitir las órdenes"),
    "patrol_approve_needs": N_(
        "Aprobar requiere el permiso «Aprobar planes de patrullaje» (comandantes)."
    ),
    "patrol_shift": N_("Turno"),
    "patrol_region": N_("Región"),
    "patrol_lima_callao": N_("Lima y Callao"),
    "patrol_status": N_("Estado del plan"),
    "patrol_status_draft": N_("borrador"),
    "patrol_status_approved": N_("aprobado"),
    "patrol_covered": N_("Riesgo cubierto"),
    "patrol_expected": N_("Cobertura esperada (unidades ocupadas)"),
    "patrol_current": N_("Con las unidades donde están ahora"),
    "patrol_bound": N_("Cota demostrada y brecha"),
    "patrol_uncovered": N_("Riesgo sin cubrir"),
    "patrol_posts": N_("Puestos"),
    "patrol_unit": N_("Unidad"),
    "patrol_site": N_("Sitio"),
    "patrol_risk": N_("Riesgo"),
    "patrol_basis": N_("Base legal"),
    "patrol_order": N_("Orden"),
    "patrol_sheet": N_("Hoja de visitas"),
    "patrol_reserve": N_("En reserva"),
    "patrol_include_discovered": N_("Incluir lo que descubre el propio patrullaje"),
    "patrol_forecast": N_("Pronóstico"),
    "patrol_fixed": N_("fijo"),
    "patrol_no_basis": N_("no requerida"),
    "patrol_busy": N_("Fracción ocupada por tipo"),
    "patrol_kind_patrol": N_("patrullaje"),
    "patrol_kind_deploy": N_("despliegue"),
}

MANIFEST = declare(
    Manifest(
        domain="patrol",
        permissions=(PATROL_READ, PATROL_APPROVE),
        events=(PLAN_BUILT, PLAN_APPROVED, PLAN_REFUSED, SHEET_PRINTED),
        pages=(
            Page(
                "/patrullaje",
                "patrol.html",
                PATROL_READ,
                nav="patrol",
                nav_order=37,
                active="patrol",
            ),
        ),
        texts=TEXTS,
        cli_group=(
            "patrol",
            N_("Patrullaje: ubicar puestos para cubrir el riesgo pronosticado."),
        ),
    )
)
