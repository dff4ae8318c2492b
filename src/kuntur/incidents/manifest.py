"""What the incidents domain declares: permissions, audit events, pages, texts, CLI group."""

from __future__ import annotations

from kuntur.core.registry import EventType, Label, Manifest, Page, Permission, declare
from kuntur.identity.roles import OVERSIGHT_ROLES, Role

INCIDENTS_READ = Permission(
    "incidents.read",
    "Ver incidentes (mapa, lista, estadísticas)",
    "Read incidents (map, list, statistics)",
    roles=(
        Role.DISPATCHER,
        Role.COMMANDER,
        Role.CRIME_ANALYST,
        Role.INTEL_ANALYST,
        Role.AUDITOR,
        *OVERSIGHT_ROLES,  # read-only over operations (issue 14)
    ),
)
INCIDENTS_WRITE = Permission(
    "incidents.write",
    "Registrar incidentes",
    "Create incidents",
    roles=(Role.DISPATCHER, Role.COMMANDER),
)
INCIDENTS_IMPORT = Permission(
    "incidents.import",
    "Importar archivos de incidentes",
    "Import incident files",
    roles=(Role.CRIME_ANALYST, Role.ADMIN),
)

INCIDENT_CREATED = EventType("incident.created", "Incidente registrado", "Incident created")
INCIDENT_DUPLICATE = EventType(
    "incident.duplicate_refused", "Incidente duplicado rechazado", "Duplicate incident refused"
)
INCIDENTS_IMPORTED = EventType("incident.import", "Importación de incidentes", "Incidents imported")

TEXTS: dict[str, Label] = {
    "map": ("Mapa operativo", "Operational map"),
    "list": ("Lista de incidentes", "Incident list"),
    "category": ("Categoría", "Category"),
    "district": ("Distrito", "District"),
    "source": ("Fuente", "Source"),
    "status": ("Estado", "Status"),
    "in_view": ("incidentes en la vista", "incidents in view"),
    "detail": ("Detalle del incidente", "Incident detail"),
    "density": ("Densidad (celdas H3)", "Density (H3 cells)"),
    "points": ("Incidentes", "Incidents"),
    "occurred": ("Ocurrió (hora de Lima)", "Occurred (Lima time)"),
    "received": ("Recibido", "Received"),
    "priority": ("Prioridad", "Priority"),
    "address": ("Dirección", "Address"),
    "narrative": ("Relato", "Narrative"),
    "external_id": ("ID externo", "External id"),
    "none": ("Sin incidentes para estos filtros", "No incidents for these filters"),
    "truncated": (
        "Se muestran los más recientes; acerque el mapa para ver todos",
        "Showing the most recent; zoom in to see all",
    ),
    "cell": ("Celda", "Cell"),
    "incidents": ("incidentes", "incidents"),
    "withheld": (
        "Reservado: para leerlo indique el nro. de un caso abierto del que usted es miembro, "
        "o INC-{id} si usted despachó una unidad a este incidente; la lectura queda "
        "registrada",
        "Withheld: to read it, give the number of an open case you are a member of, or "
        "INC-{id} if you dispatched a unit to this incident; the read is logged",
    ),
    "purpose_hint": ("CASO-2026-0001 o INC-{id}", "CASO-2026-0001 or INC-{id}"),
    "reveal": ("Ver relato", "Show narrative"),
}

MANIFEST = declare(
    Manifest(
        domain="incidents",
        permissions=(INCIDENTS_READ, INCIDENTS_WRITE, INCIDENTS_IMPORT),
        events=(INCIDENT_CREATED, INCIDENT_DUPLICATE, INCIDENTS_IMPORTED),
        pages=(
            Page("/mapa", "map.html", INCIDENTS_READ, nav="map", nav_order=10, active="map"),
            Page(
                "/incidentes",
                "incidents.html",
                INCIDENTS_READ,
                nav="list",
                nav_order=20,
                active="list",
            ),
        ),
        texts=TEXTS,
        cli_group=("incidents", "Incidentes: importar, listar, estadísticas."),
    )
)
