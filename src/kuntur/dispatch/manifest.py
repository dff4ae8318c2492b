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
INCIDENT_PRIORITY = EventType(
    "incident.priority", "Prioridad de incidente cambiada", "Incident priority changed"
)
INCIDENT_NOTE = EventType("incident.note", "Nota añadida a un incidente", "Note added to incident")

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
    # The incident panel (issue 13): what the dispatcher reads and does at 3 a.m.
    "hide_panel": ("Ocultar panel", "Hide panel"),
    "waiting": ("Espera", "Waiting"),
    "minutes_ago": ("hace {n} min", "{n} min ago"),
    "hours_ago": ("hace {h} h {m} min", "{h} h {m} min ago"),
    "caller_source": ("Origen", "Source"),
    "triage": ("Triaje", "Triage"),
    "triaged_move": ("Marcar triado", "Mark triaged"),
    "recall": ("Volver a triado (retirar unidades)", "Back to triaged (recall units)"),
    "set_priority": ("Cambiar prioridad", "Change priority"),
    "merge_into": ("Fusionar como duplicado de", "Merge as a duplicate of"),
    "merge": ("Fusionar", "Merge"),
    "merge_none": ("No hay otro incidente abierto", "No other open incident"),
    "merged_note": ("Fusionado en #{id}", "Merged into #{id}"),
    "notes": ("Notas", "Notes"),
    "add_note": ("Añadir nota", "Add note"),
    "note_placeholder": ("Lo que informa el llamante o la unidad", "What the caller or unit says"),
    "timeline": ("Cronología", "Timeline"),
    "lifecycle": ("Ciclo del incidente", "Incident lifecycle"),
    "no_moves": ("Sin pasos posibles: incidente cerrado", "No steps left: incident closed"),
    "disposition": ("Resolución (al cerrar)", "Disposition (when clearing)"),
    "close_zone": ("Cerrar el incidente", "Close the incident"),
    "force_used": (
        "Hubo uso de la fuerza (se exigirá el informe, DL 1186)",
        "Force was used (a report will be required, DL 1186)",
    ),
    "t_received": ("Recibido", "Received"),
    "t_triaged": ("Triado", "Triaged"),
    "t_dispatched": ("Despachado", "Dispatched"),
    "t_en_route": ("En camino", "En route"),
    "t_on_scene": ("En el lugar", "On scene"),
    "t_cleared": ("Cerrado", "Cleared"),
    "t_assigned": ("Unidad {unit} despachada por {who}", "Unit {unit} dispatched by {who}"),
    "t_override": (
        "sin la capacidad requerida; motivo: {reason}",
        "lacking the capability; reason: {reason}",
    ),
    "t_note": ("Nota de {who}: {text}", "Note by {who}: {text}"),
    "t_basis": ("base legal n.º {id}", "legal basis no. {id}"),
    # A new priority-1 incident, on every open dispatcher screen.
    "p1_alert": (
        "Nuevo incidente de prioridad 1: {what} — {where}",
        "New priority-1 incident: {what} — {where}",
    ),
    "p1_open": ("Ver", "Open"),
    "p1_dismiss": ("Descartar", "Dismiss"),
    # First response beside the specialised units, with the dispatcher's override.
    "first_response": (
        "Primera respuesta (sin la capacidad requerida)",
        "First response (lacking the needed capability)",
    ),
    "first_response_hint": (
        "Las unidades especializadas están lejos: puede enviar antes la más cercana, "
        "indicando el motivo. La base legal de las FF. AA. se exige igual.",
        "The specialised units are far: you may send the nearest first, giving a reason. "
        "Armed forces still need their legal basis.",
    ),
    "override_reason": ("Motivo (obligatorio)", "Reason (required)"),
    "override_dispatch": ("Despachar igualmente", "Dispatch anyway"),
    "override_needed": (
        "Indique el motivo para despachar sin la capacidad",
        "Give a reason to dispatch without the capability",
    ),
    "needs": ("Necesita", "Needs"),
    "none_eligible": ("Ninguna unidad elegible", "No eligible unit"),
    # Why a unit is not eligible (the API's code and values).
    "why_status": ("estado: {status}", "status: {status}"),
    "why_no_position": ("sin posición conocida", "no known position"),
    "why_lacks": ("no tiene capacidad: {capabilities}", "lacks: {capabilities}"),
    "why_too_far": ("demasiado lejos ({minutes} min)", "too far ({minutes} min)"),
    "why_no_legal_basis": ("sin base legal: {legal}", "no legal basis: {legal}"),
    # The legal check's own words (command.legal.refusal_texts), in the reader's language.
    "legal_closest": ("{es}", "{en}"),
    "cap_hostage": ("rescate de rehenes", "hostage rescue"),
    "cap_extortion": ("antiextorsión", "anti-extortion"),
    "cap_firearms": ("armas de fuego", "firearms"),
    "cap_riot": ("control de disturbios", "riot control"),
    "cap_medical": ("atención médica", "medical"),
    "cap_k9": ("canes", "K9"),
    "cap_traffic": ("tránsito", "traffic"),
    # A panel the reader's role may not use says so.
    "panel_forbidden": (
        "Su rol no permite ver esta sección ({why}).",
        "Your role may not use this section ({why}).",
    ),
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
        events=(
            INCIDENT_STATUS,
            INCIDENT_DISPATCHED,
            INCIDENT_MERGED,
            INCIDENT_PRIORITY,
            INCIDENT_NOTE,
        ),
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
