"""What intelligence declares: its permission, audit events, page, texts, CLI group."""

from __future__ import annotations

from kuntur.core.i18n import N_, Np_
from kuntur.core.registry import EventType, Label, Manifest, Page, Permission, declare
from kuntur.identity.roles import Role

INTEL_READ = Permission(
    "intel.read",
    "Consultar redes, entidades y vínculos (siempre con un motivo)",
    roles=(Role.INTEL_ANALYST,),
)
# The control auditors (decision 0005) read intelligence cases and their reports, and change
# nothing. Only they: the oversight bodies (Defensoría, Fiscalía, internal affairs) hold
# ``audit.read`` too, but intelligence is outside their mandate (operations, legal bases,
# orders, use of force, complaints, the audit log).
INTEL_OVERSEE = Permission(
    "intel.oversee",
    "Leer casos de inteligencia y sus informes, sin cambiarlos (auditoría de control)",
    roles=(Role.AUDITOR,),
)

INTEL_SEARCH = EventType("intel.search", "Consulta de redes (inteligencia)")
INTEL_VIEW = EventType("intel.view", "Vista de red (inteligencia)")
INTEL_INDEXED = EventType("intel.indexed", "Reportes vinculados (inteligencia)")
INTEL_CASE_OPENED = EventType("intel.case.opened", "Caso abierto (inteligencia)")
INTEL_CASE_READ = EventType("intel.case.read", "Caso consultado (inteligencia)")
INTEL_CASE_CHANGED = EventType("intel.case.changed", "Caso actualizado (inteligencia)")
INTEL_CASE_EXPORTED = EventType("intel.case.exported", "Informe de caso exportado")

TEXTS: dict[str, Label] = {
    "intel": N_("Redes de extorsión"),
    "purpose_case": N_("Motivo (nro. de caso)"),
    "purpose_needed": N_(
        "Indique el número de un caso abierto del que usted es miembro (p. ej. "
        "CASO-2026-0001): cada consulta queda registrada con él"
    ),
    "my_cases": N_("Sus casos"),
    "no_cases": N_("No es miembro de ningún caso: pida a un miembro que lo agregue al equipo"),
    "case_number": N_("Nro. del caso nuevo"),
    "networks": N_("Redes"),
    "reports": N_("reportes"),
    "growth": N_("en 30 días"),
    "key_players": N_("Actores clave"),
    "payment_hubs": N_("Cuentas de cobro"),
    "people": N_("Personas nombradas"),
    "entity_types": N_("Tipos de entidad"),
    "open_report": N_("Abrir el reporte"),
    "provenance": N_("Procedencia"),
    "case_title": N_("Título del caso"),
    "open_case": N_("Abrir caso con esta red"),
    "case_report": N_("Informe del caso"),
    # The link chart and the case panel (issue 13: the analyst's screens).
    "kind_phone": N_("Teléfono"),
    "kind_payment_account": N_("Cuenta"),
    "kind_vehicle": N_("Placa"),
    "kind_person": N_("Persona"),
    "kind_alias": N_("Alias"),
    "kind_organisation": N_("Banda"),
    "kind_report": N_("Reporte"),
    "intel_shared": N_("reportes en común"),
    "intel_chart_hint": N_(
        "Cada círculo es un teléfono, una cuenta o una placa (más grande: más reportes); una "
        "línea une dos que aparecen en los mismos reportes, con su número. Clic en una línea o "
        "en un círculo: sus reportes"
    ),
    "intel_show_reports": N_("Mostrar estos reportes en el gráfico"),
    "intel_hide_reports": N_("Plegar los reportes"),
    "intel_reports_of": N_("Reportes"),
    "intel_investigation": N_("Investigación (nro.)"),
    "intel_case_number_opt": N_("Nro. del caso (opcional: si lo deja vacío, Kuntur lo numera)"),
    "intel_case": N_("Caso"),
    "intel_notes": N_("Notas del caso"),
    "intel_no_notes": N_("Sin notas todavía."),
    "intel_add_note": N_("Agregar nota"),
    "intel_case_entities": N_("Entidades del caso"),
    "intel_no_entities": N_("Ninguna marcada."),
    "intel_add_to_case": N_("Agregar al caso"),
    "intel_team": N_("Equipo"),
    "intel_print": N_("Informe para imprimir"),
    "intel_network_of_case": N_("Red del caso"),
    "intel_state": Np_("intel_state", "Estado"),
    "intel_open": N_("abierto"),
    "intel_rule": N_("regla"),
    "intel_chars": N_("caracteres"),
}

MANIFEST = declare(
    Manifest(
        domain="intelligence",
        permissions=(INTEL_READ, INTEL_OVERSEE),
        events=(
            INTEL_SEARCH,
            INTEL_VIEW,
            INTEL_INDEXED,
            INTEL_CASE_OPENED,
            INTEL_CASE_READ,
            INTEL_CASE_CHANGED,
            INTEL_CASE_EXPORTED,
        ),
        pages=(
            # Extortion networks: ranked list and link chart.
            Page(
                "/inteligencia",
                "intel.html",
                INTEL_READ,
                nav="intel",
                nav_order=60,
                active="intel",
            ),
        ),
        texts=TEXTS,
        cli_group=("intel", N_("Inteligencia: vincular reportes en redes.")),
    )
)
