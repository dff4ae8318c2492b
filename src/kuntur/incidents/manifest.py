"""What the incidents domain declares: permissions, audit events, pages, texts, CLI group."""

from __future__ import annotations

from kuntur.core.i18n import N_, Np_
from kuntur.core.registry import EventType, Label, Manifest, Page, Permission, declare
from kuntur.identity.roles import OVERSIGHT_ROLES, Role

INCIDENTS_READ = Permission(
    "incidents.read",
    "Ver incidentes (mapa, lista, estadísticas)",
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
    # The citizen liaison desk turns an anonymous tip into an incident (kuntur.citizens).
    roles=(Role.DISPATCHER, Role.COMMANDER, Role.CITIZEN_LIAISON),
)
INCIDENTS_IMPORT = Permission(
    "incidents.import",
    "Importar archivos de incidentes",
    roles=(Role.CRIME_ANALYST, Role.ADMIN),
)

INCIDENT_CREATED = EventType("incident.created", "Incidente registrado")
INCIDENT_DUPLICATE = EventType("incident.duplicate_refused", "Incidente duplicado rechazado")
INCIDENTS_IMPORTED = EventType("incident.import", "Importación de incidentes")

TEXTS: dict[str, Label] = {
    "map": N_("Mapa operativo"),
    "list": N_("Lista de incidentes"),
    "category": N_("Categoría"),
    "district": N_("Distrito"),
    "source": N_("Fuente"),
    "status": Np_("status", "Estado"),
    "in_view": N_("incidentes en la vista"),
    "detail": N_("Detalle del incidente"),
    "density": N_("Densidad (celdas H3)"),
    "points": N_("Incidentes"),
    "occurred": N_("Ocurrió (hora de Lima)"),
    "received": N_("Recibido"),
    "priority": N_("Prioridad"),
    "address": N_("Dirección"),
    "narrative": N_("Relato"),
    "external_id": N_("ID externo"),
    "none": N_("Sin incidentes para estos filtros"),
    "truncated": N_("Se muestran los más recientes; acerque el mapa para ver todos"),
    "cell": N_("Celda"),
    "incidents": N_("incidentes"),
    "withheld": N_(
        "Reservado: para leerlo indique el nro. de un caso abierto del que usted es miembro, "
        "o INC-{id} si usted despachó una unidad a este incidente; la lectura queda "
        "registrada"
    ),
    "purpose_hint": N_("CASO-2026-0001 o INC-{id}"),
    "reveal": N_("Ver relato"),
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
        cli_group=("incidents", N_("Incidentes: importar, listar, estadísticas.")),
    )
)
