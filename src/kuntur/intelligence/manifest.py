"""What intelligence declares: its permission, audit events, page, texts, CLI group."""

from __future__ import annotations

from kuntur.core.registry import EventType, Label, Manifest, Page, Permission, declare
from kuntur.identity.roles import Role

INTEL_READ = Permission(
    "intel.read",
    "Consultar redes, entidades y vínculos (siempre con un motivo)",
    "Read networks, entities and links (always with a stated purpose)",
    roles=(Role.INTEL_ANALYST,),
)

INTEL_SEARCH = EventType(
    "intel.search", "Consulta de redes (inteligencia)", "Network search (intelligence)"
)
INTEL_VIEW = EventType("intel.view", "Vista de red (inteligencia)", "Network viewed (intelligence)")
INTEL_INDEXED = EventType(
    "intel.indexed", "Reportes vinculados (inteligencia)", "Reports linked (intelligence)"
)
INTEL_CASE_OPENED = EventType(
    "intel.case.opened", "Caso abierto (inteligencia)", "Case opened (intelligence)"
)
INTEL_CASE_READ = EventType(
    "intel.case.read", "Caso consultado (inteligencia)", "Case read (intelligence)"
)
INTEL_CASE_CHANGED = EventType(
    "intel.case.changed", "Caso actualizado (inteligencia)", "Case updated"
)
INTEL_CASE_EXPORTED = EventType(
    "intel.case.exported", "Informe de caso exportado", "Case report exported"
)

TEXTS: dict[str, Label] = {
    "intel": ("Redes de extorsión", "Extortion networks"),
    "purpose_case": ("Motivo (nro. de caso)", "Purpose (case number)"),
    "purpose_needed": (
        "Indique el número de un caso abierto del que usted es miembro (p. ej. "
        "CASO-2026-0001): cada consulta queda registrada con él",
        "Give the number of an open case you are a member of (e.g. CASO-2026-0001): every "
        "search is logged with it",
    ),
    "my_cases": ("Sus casos", "Your cases"),
    "no_cases": (
        "No es miembro de ningún caso: pida a un miembro que lo agregue al equipo",
        "You are a member of no case: ask a member to add you to the team",
    ),
    "case_number": ("Nro. del caso nuevo", "New case number"),
    "networks": ("Redes", "Networks"),
    "reports": ("reportes", "reports"),
    "growth": ("en 30 días", "in 30 days"),
    "key_players": ("Actores clave", "Key players"),
    "payment_hubs": ("Cuentas de cobro", "Payment hubs"),
    "people": ("Personas nombradas", "People named"),
    "entity_types": ("Tipos de entidad", "Entity types"),
    "open_report": ("Abrir el reporte", "Open the report"),
    "provenance": ("Procedencia", "Provenance"),
    "case_title": ("Título del caso", "Case title"),
    "open_case": ("Abrir caso con esta red", "Open a case on this network"),
    "case_report": ("Informe del caso", "Case report"),
    # The link chart and the case panel (issue 13: the analyst's screens).
    "kind_phone": ("Teléfono", "Phone"),
    "kind_payment_account": ("Cuenta", "Account"),
    "kind_vehicle": ("Placa", "Plate"),
    "kind_person": ("Persona", "Person"),
    "kind_alias": ("Alias", "Alias"),
    "kind_organisation": ("Banda", "Gang"),
    "kind_report": ("Reporte", "Report"),
    "intel_shared": ("reportes en común", "reports in common"),
    "intel_chart_hint": (
        "Cada círculo es un teléfono, una cuenta o una placa (más grande: más reportes); una "
        "línea une dos que aparecen en los mismos reportes, con su número. Clic en una línea o "
        "en un círculo: sus reportes",
        "Each circle is a phone, an account or a plate (bigger: more reports); a line joins two "
        "named in the same reports, with their number. Click a line or a circle: its reports",
    ),
    "intel_show_reports": (
        "Mostrar estos reportes en el gráfico",
        "Show these reports on the chart",
    ),
    "intel_hide_reports": ("Plegar los reportes", "Fold the reports away"),
    "intel_reports_of": ("Reportes", "Reports"),
    "intel_investigation": ("Investigación (nro.)", "Investigation (number)"),
    "intel_case_number_opt": (
        "Nro. del caso (opcional: si lo deja vacío, Kuntur lo numera)",
        "Case number (optional: left empty, Kuntur numbers it)",
    ),
    "intel_case": ("Caso", "Case"),
    "intel_notes": ("Notas del caso", "Case notes"),
    "intel_no_notes": ("Sin notas todavía.", "No notes yet."),
    "intel_add_note": ("Agregar nota", "Add note"),
    "intel_case_entities": ("Entidades del caso", "Case entities"),
    "intel_no_entities": ("Ninguna marcada.", "None kept."),
    "intel_add_to_case": ("Agregar al caso", "Add to the case"),
    "intel_team": ("Equipo", "Team"),
    "intel_print": ("Informe para imprimir", "Printable report"),
    "intel_network_of_case": ("Red del caso", "The case's network"),
    "intel_state": ("Estado", "Status"),
    "intel_open": ("abierto", "open"),
    "intel_rule": ("regla", "rule"),
    "intel_chars": ("caracteres", "characters"),
}

MANIFEST = declare(
    Manifest(
        domain="intelligence",
        permissions=(INTEL_READ,),
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
        cli_group=("intel", "Inteligencia: vincular reportes en redes."),
    )
)
