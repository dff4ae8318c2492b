"""UI labels: Spanish first, English second. Pages pick by ``?lang=`` or the ``lang`` cookie."""

from __future__ import annotations

from kuntur.core.i18n import render
from kuntur.identity import messages as identity_messages
from kuntur.incidents.categories import CATEGORY_LABELS, SOURCE_LABELS, STATUS_LABELS

LANGS = ("es", "en")

TEXT: dict[str, tuple[str, str]] = {
    **identity_messages.TEXT,  # logon messages: identity's own, shown on the pages too
    "app_title": ("Kuntur — Comando Conjunto", "Kuntur — Joint Command"),
    "map": ("Mapa operativo", "Operational map"),
    "list": ("Lista de incidentes", "Incident list"),
    "filters": ("Filtros", "Filters"),
    "category": ("Categoría", "Category"),
    "all": ("Todas", "All"),
    "all_m": ("Todos", "All"),
    "period": ("Periodo", "Period"),
    "from": ("Desde", "From"),
    "to": ("Hasta", "To"),
    "district": ("Distrito", "District"),
    "source": ("Fuente", "Source"),
    "status": ("Estado", "Status"),
    "apply": ("Aplicar", "Apply"),
    "in_view": ("incidentes en la vista", "incidents in view"),
    "synthetic": (
        "DATOS SINTÉTICOS DE DEMOSTRACIÓN — no son hechos reales",
        "SYNTHETIC DEMO DATA — not real events",
    ),
    "detail": ("Detalle del incidente", "Incident detail"),
    "close": ("Cerrar", "Close"),
    "density": ("Densidad (celdas H3)", "Density (H3 cells)"),
    "points": ("Incidentes", "Incidents"),
    "occurred": ("Ocurrió (hora de Lima)", "Occurred (Lima time)"),
    "received": ("Recibido", "Received"),
    "priority": ("Prioridad", "Priority"),
    "address": ("Dirección", "Address"),
    "narrative": ("Relato", "Narrative"),
    "external_id": ("ID externo", "External id"),
    "prev": ("Anterior", "Previous"),
    "next": ("Siguiente", "Next"),
    "page": ("Página", "Page"),
    "of": ("de", "of"),
    "total": ("Total", "Total"),
    "loading": ("Cargando…", "Loading…"),
    "error": ("No se pudo cargar", "Could not load"),
    "none": ("Sin incidentes para estos filtros", "No incidents for these filters"),
    "truncated": (
        "Se muestran los más recientes; acerque el mapa para ver todos",
        "Showing the most recent; zoom in to see all",
    ),
    "cell": ("Celda", "Cell"),
    "incidents": ("incidentes", "incidents"),
    "language": ("English", "Español"),
    "audit": ("Auditoría", "Audit"),
    "forecast": ("Pronóstico de riesgo", "Risk forecast"),
    "dispatch": ("Despacho", "Dispatch"),
    "intel": ("Redes de extorsión", "Extortion networks"),
    "purpose_case": ("Motivo (nro. de caso)", "Purpose (case number)"),
    "purpose_needed": (
        "Indique el número de un caso abierto del que usted es miembro (p. ej. CASO-2026-0001): "
        "cada consulta queda registrada con él",
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
    "queue": ("Cola de incidentes", "Incident queue"),
    "new_incident": ("Nuevo incidente", "New incident"),
    "click_map": ("Haga clic en el mapa para ubicarlo", "Click the map to place it"),
    "create": ("Registrar", "Create"),
    "recommendation": ("Unidades recomendadas", "Recommended units"),
    "dispatch_unit": ("Despachar", "Dispatch"),
    "not_eligible": ("No elegibles", "Not eligible"),
    "units": ("Unidades", "Units"),
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
    "authorizations": ("Bases legales (FF. AA.)", "Legal bases (armed forces)"),
    "expires_soon": ("vence pronto", "expires soon"),
    "forecast_none": (
        "Aún no hay pronóstico: ejecute `kuntur forecast run`.",
        "No forecast yet: run `kuntur forecast run`.",
    ),
    "forecast_for": ("Vigente", "Valid"),
    "forecast_overlay": ("Zonas de riesgo del pronóstico", "Forecast risk zones"),
    "units_overlay": ("Unidades en vivo", "Live units"),
    "forecast_method": ("Método", "Method"),
    "forecast_area": ("Área de estudio", "Study area"),
    "forecast_auto": (
        "Automático: elegido entre 10 configuraciones por lo que habría acertado en las "
        "semanas previas; el conteo simple del último año se mantiene salvo evidencia de "
        "que otro acierta más",
        "Automatic: chosen among 10 configurations by what each would have caught in the "
        "previous weeks; last year's plain counts stand unless another is shown to catch more",
    ),
    "validation_weeks": ("semanas de validación", "validation weeks"),
    "cells": ("celdas", "cells"),
    "level_very_high": ("Muy alto (1 % superior del área)", "Very high (top 1 % of the area)"),
    "level_high": ("Alto (hasta el 5 % del área)", "High (up to 5 % of the area)"),
    "why_flagged": ("Por qué se marcó esta celda", "Why this cell was flagged"),
    "rank": ("Puesto", "Rank"),
    "expected": ("Eventos esperados en el periodo", "Expected events in the period"),
    "recent": ("Eventos recientes", "Recent events"),
    "days": ("días", "days"),
    "last_year": ("Eventos en los últimos 365 días", "Events in the last 365 days"),
    "long_term": ("Nivel de largo plazo (eventos/año)", "Long-term level (events/year)"),
    "area_mean": ("Promedio por celda del área (eventos)", "Area mean per cell (events)"),
    "fairness": ("Equidad: área marcada por distrito", "Fairness: flagged area by district"),
    "flagged_share": ("% del área marcada", "% of flagged area"),
    "population_share": ("% de la población", "% of population"),
    "reports_share": ("% de denuncias de víctimas", "% of victim reports"),
    "fairness_warning": (
        "Revisar antes de desplegar: estos distritos reciben el doble o más de área "
        "marcada que su parte de denuncias",
        "Review before deploying: these districts get twice or more flagged area than "
        "their share of reports",
    ),
    "excluded": ("Excluidos (los descubre el patrullaje)", "Left out (found by patrols)"),
    "withheld": (
        "Reservado: para leerlo indique el nro. de un caso abierto del que usted es miembro, "
        "o INC-{id} si usted despachó una unidad a este incidente; la lectura queda registrada",
        "Withheld: to read it, give the number of an open case you are a member of, or "
        "INC-{id} if you dispatched a unit to this incident; the read is logged",
    ),
    "purpose_hint": ("CASO-2026-0001 o INC-{id}", "CASO-2026-0001 or INC-{id}"),
    "reveal": ("Ver relato", "Show narrative"),
    "audit_search": ("Buscar en el registro", "Search the log"),
    "actor": ("Quién", "Who"),
    "object": ("Objeto", "Object"),
    "event_type": ("Tipo de evento", "Event type"),
    "events": ("eventos", "events"),
    "when": ("Cuándo (Lima)", "When (Lima)"),
    "outcome": ("Resultado", "Outcome"),
    "checkpoints": ("Puntos de control firmados", "Signed checkpoints"),
    "witnesses": ("testigos", "witnesses"),
    "proof": ("Prueba de inclusión", "Inclusion proof"),
    "tree_size": ("Tamaño del árbol", "Tree size"),
    "root": ("Raíz", "Root"),
    "verified": ("Verificada en este navegador", "Checked in this browser"),
    "proof_ok": ("Sí: el evento está en el registro firmado", "Yes: the event is in the log"),
    "proof_bad": ("NO: la prueba no cuadra", "NO: the proof does not match"),
    "login": ("Iniciar sesión", "Log in"),
    "logout": ("Cerrar sesión", "Log out"),
    "username": ("Usuario", "Username"),
    "password": ("Contraseña", "Password"),
    "totp": ("Código de verificación (si se le pide)", "Verification code (if asked)"),
    "login_note": (
        "Acceso restringido al personal autorizado. Toda acción queda registrada.",
        "Authorised staff only. Every action is logged.",
    ),
}


# Forecasting estimators by their short names (``Forecaster.name``).
METHOD_LABELS = {
    "naive": ("Conteo de los últimos 365 días", "Counts over the last 365 days"),
    "kde": ("Densidad kernel", "Kernel density"),
    "prospective": ("Prospectivo (eventos recientes y cercanos)", "Prospective (recent, nearby)"),
    "etas": ("Autoexcitación (ETAS)", "Self-exciting (ETAS)"),
    "smoothing": ("Suavizado exponencial estacional", "Seasonal exponential smoothing"),
}


def message(key: str, lang: str | None = None, **values: object) -> str:
    """``TEXT[key]`` with its values filled in (``core.i18n.render``)."""
    return render(TEXT[key], lang, **values)


def labels(lang: str) -> dict[str, object]:
    i = 0 if lang == "es" else 1
    return {
        "text": {k: v[i] for k, v in TEXT.items()},
        "categories": {c.value: v[i] for c, v in CATEGORY_LABELS.items()},
        "sources": {s.value: v[i] for s, v in SOURCE_LABELS.items()},
        "statuses": {s.value: v[i] for s, v in STATUS_LABELS.items()},
        "methods": {k: v[i] for k, v in METHOD_LABELS.items()},
    }
