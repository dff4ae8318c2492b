"""What dispatch declares: its permission, lifecycle events, pages, texts, CLI group."""

from __future__ import annotations

from kuntur.command.manifest import COMMAND_READ
from kuntur.core.i18n import N_
from kuntur.core.registry import EventType, Label, Manifest, Page, Permission, declare
from kuntur.identity.roles import Role

DISPATCH = Permission(
    "dispatch",
    "Despachar: triaje, asignación de unidades, ciclo del incidente, fusión",
    roles=(Role.DISPATCHER, Role.COMMANDER),
)

INCIDENT_STATUS = EventType("incident.status", "Cambio de estado de incidente")
INCIDENT_DISPATCHED = EventType("incident.dispatched", "Unidad despachada")
INCIDENT_MERGED = EventType("incident.merged", "Incidentes fusionados")
INCIDENT_PRIORITY = EventType("incident.priority", "Prioridad de incidente cambiada")
INCIDENT_NOTE = EventType("incident.note", "Nota añadida a un incidente")

TEXTS: dict[str, Label] = {
    "dispatch": N_("Despacho"),
    "queue": N_("Cola de incidentes"),
    "new_incident": N_("Nuevo incidente"),
    "click_map": N_("Haga clic en el mapa para ubicarlo"),
    "create": N_("Registrar"),
    "recommendation": N_("Unidades recomendadas"),
    "dispatch_unit": N_("Despachar"),
    "not_eligible": N_("No elegibles"),
    "en_route": N_("En camino"),
    "on_scene": N_("En el lugar"),
    "clear_incident": N_("Cerrar incidente"),
    # The incident panel (issue 13): what the dispatcher reads and does at 3 a.m.
    "hide_panel": N_("Ocultar panel"),
    "waiting": N_("Espera"),
    "minutes_ago": N_("hace {n} min"),
    "hours_ago": N_("hace {h} h {m} min"),
    "caller_source": N_("Origen"),
    "triage": N_("Triaje"),
    "triaged_move": N_("Marcar triado"),
    "recall": N_("Volver a triado (retirar unidades)"),
    "set_priority": N_("Cambiar prioridad"),
    "merge_into": N_("Fusionar como duplicado de"),
    "merge": N_("Fusionar"),
    "merge_none": N_("No hay otro incidente abierto"),
    "merged_note": N_("Fusionado en #{id}"),
    "notes": N_("Notas"),
    "add_note": N_("Añadir nota"),
    "note_placeholder": N_("Lo que informa el llamante o la unidad"),
    "timeline": N_("Cronología"),
    "lifecycle": N_("Ciclo del incidente"),
    "no_moves": N_("Sin pasos posibles: incidente cerrado"),
    "disposition": N_("Resolución (al cerrar)"),
    "close_zone": N_("Cerrar el incidente"),
    "force_used": N_("Hubo uso de la fuerza (se exigirá el informe, DL 1186)"),
    "t_received": N_("Recibido"),
    "t_triaged": N_("Triado"),
    "t_dispatched": N_("Despachado"),
    "t_en_route": N_("En camino"),
    "t_on_scene": N_("En el lugar"),
    "t_cleared": N_("Cerrado"),
    "t_assigned": N_("Unidad {unit} despachada por {who}"),
    "t_override": N_("sin la capacidad requerida; motivo: {reason}"),
    "t_note": N_("Nota de {who}: {text}"),
    "t_basis": N_("base legal n.º {id}"),
    # A new priority-1 incident, on every open dispatcher screen.
    "p1_alert": N_("Nuevo incidente de prioridad 1: {what} — {where}"),
    "p1_open": N_("Ver"),
    "p1_dismiss": N_("Descartar"),
    # First response beside the specialised units, with the dispatcher's override.
    "first_response": N_("Primera respuesta (sin la capacidad requerida)"),
    "first_response_hint": N_(
        "Las unidades especializadas están lejos: puede enviar antes la más cercana, "
        "indicando el motivo. La base legal de las FF. AA. se exige igual."
    ),
    "override_reason": N_("Motivo (obligatorio)"),
    "override_dispatch": N_("Despachar igualmente"),
    "override_needed": N_("Indique el motivo para despachar sin la capacidad"),
    "needs": N_("Necesita"),
    "none_eligible": N_("Ninguna unidad elegible"),
    # Why a unit is not eligible (the API's code and values).
    "why_status": N_("estado: {status}"),
    "why_no_position": N_("sin posición conocida"),
    "why_lacks": N_("no tiene capacidad: {capabilities}"),
    "why_too_far": N_("demasiado lejos ({minutes} min)"),
    "why_no_legal_basis": N_("sin base legal: {legal}"),
    # The legal check's own words (command.legal.refusal_texts), in the reader's language.
    "legal_closest": N_("{es}"),
    "cap_hostage": N_("rescate de rehenes"),
    "cap_extortion": N_("antiextorsión"),
    "cap_firearms": N_("armas de fuego"),
    "cap_riot": N_("control de disturbios"),
    "cap_medical": N_("atención médica"),
    "cap_k9": N_("canes"),
    "cap_traffic": N_("tránsito"),
    # A panel the reader's role may not use says so.
    "panel_forbidden": N_("Su rol no permite ver esta sección ({why})."),
    "live": N_("En vivo"),
    "kpis": N_("Indicadores de respuesta"),
    "call_to_dispatch": N_("Llamada a despacho"),
    "dispatch_to_arrival": N_("Despacho a llegada"),
    "on_scene_time": N_("Tiempo en el lugar"),
    "target": N_("Meta"),
    "within": N_("dentro de la meta"),
    "group_by": N_("Agrupar por"),
    # The KPI page (issue 13): period, groups, small samples.
    "kpi_period": N_("Periodo"),
    "kpi_last_7": N_("Últimos 7 días"),
    "kpi_last_30": N_("Últimos 30 días"),
    "kpi_last_90": N_("Últimos 90 días"),
    "kpi_last_365": N_("Último año"),
    "kpi_showing": N_("Incidentes despachados del"),
    "kpi_to": N_("al"),
    "kpi_agency": N_("Agencia"),
    "kpi_month": N_("Mes"),
    "kpi_group": N_("Grupo"),
    "kpi_minutes": N_("mediana / p90, minutos"),
    "kpi_small": N_("Muestra pequeña (menos de 30 incidentes): tómelo como indicio"),
    "kpi_legend": N_(
        "Verde: 90 % o más dentro de la meta; amarillo: 70-89 %; rojo: menos del 70 %."
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
        cli_group=("dispatch", N_("Despacho: recomendación de unidades, cola, red vial.")),
    )
)
