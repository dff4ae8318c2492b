"""What dispatch declares: its permission, lifecycle events, pages, texts, CLI group."""

from __future__ import annotations

from kuntur.command.manifest import COMMAND_READ
from kuntur.core.registry import EventType, Label, Manifest, Page, Permission, declare
from kuntur.identity.roles import Role

DISPATCH = Permission(
    "dispatch",
    "Despachar: triaje, asignación de unidades, ciclo del incidente, fusión",
    "Dispatch: triage, unit assignment, incident lifecycle, merge",
    roles=(Role.DISPATCHER, Role.COMMANDER),
)

INCIDENT_STATUS = EventType(
    "incident.status", "Cambio de estado de incidente", "Incident status changed"
)
INCIDENT_DISPATCHED = EventType("incident.dispatched", "Unidad despachada", "Unit dispatched")
INCIDENT_MERGED = EventType("incident.merged", "Incidentes fusionados", "Incidents merged")

TEXTS: dict[str, Label] = {
    "dispatch": ("Despacho", "Dispatch"),
    "queue": ("Cola de incidentes", "Incident queue"),
    "new_incident": ("Nuevo incidente", "New incident"),
    "click_map": ("Haga clic en el mapa para ubicarlo", "Click the map to place it"),
    "create": ("Registrar", "Create"),
    "recommendation": ("Unidades recomendadas", "Recommended units"),
    "dispatch_unit": ("Despachar", "Dispatch"),
    "not_eligible": ("No elegibles", "Not eligible"),
    "en_route": ("En camino", "En route"),
    "on_scene": ("En el lugar", "On scene"),
    "clear_incident": ("Cerrar incidente", "Clear"),
    "live": ("En vivo", "Live"),
    "kpis": ("Indicadores de respuesta", "Response KPIs"),
    "call_to_dispatch": ("Llamada a despacho", "Call to dispatch"),
    "dispatch_to_arrival": ("Despacho a llegada", "Dispatch to arrival"),
    "on_scene_time": ("Tiempo en el lugar", "On-scene time"),
    "target": ("Meta", "Target"),
    "within": ("dentro de la meta", "within target"),
    "group_by": ("Agrupar por", "Group by"),
    # The KPI page (issue 13): period, groups, small samples.
    "kpi_period": ("Periodo", "Period"),
    "kpi_last_7": ("Últimos 7 días", "Last 7 days"),
    "kpi_last_30": ("Últimos 30 días", "Last 30 days"),
    "kpi_last_90": ("Últimos 90 días", "Last 90 days"),
    "kpi_last_365": ("Último año", "Last year"),
    "kpi_showing": ("Incidentes despachados del", "Dispatched incidents from"),
    "kpi_to": ("al", "to"),
    "kpi_agency": ("Agencia", "Agency"),
    "kpi_month": ("Mes", "Month"),
    "kpi_group": ("Grupo", "Group"),
    "kpi_minutes": ("mediana / p90, minutos", "median / p90, minutes"),
    "kpi_small": (
        "Muestra pequeña (menos de 30 incidentes): tómelo como indicio",
        "Small sample (under 30 incidents): read it as a hint",
    ),
    "kpi_legend": (
        "Verde: 90 % o más dentro de la meta; amarillo: 70-89 %; rojo: menos del 70 %.",
        "Green: 90 % or more within target; yellow: 70-89 %; red: under 70 %.",
    ),
}

MANIFEST = declare(
    Manifest(
        domain="dispatch",
        permissions=(DISPATCH,),
        events=(INCIDENT_STATUS, INCIDENT_DISPATCHED, INCIDENT_MERGED),
        pages=(
            # Queue, recommendation, one-click dispatch, live units.
            Page(
                "/despacho",
                "dispatch.html",
                DISPATCH,
                nav="dispatch",
                nav_order=30,
                active="dispatch",
            ),
            # Response KPIs against targets.
            Page(
                "/indicadores", "kpis.html", COMMAND_READ, nav="kpis", nav_order=50, active="kpis"
            ),
        ),
        texts=TEXTS,
        cli_group=("dispatch", "Despacho: recomendación de unidades, cola, red vial."),
    )
)
