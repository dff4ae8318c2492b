"""UI labels: Spanish first, English second. Pages pick by ``?lang=`` or the ``lang`` cookie."""

from __future__ import annotations

from kuntur.incidents.categories import CATEGORY_LABELS, SOURCE_LABELS, STATUS_LABELS

LANGS = ("es", "en")

TEXT: dict[str, tuple[str, str]] = {
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
    "withheld": (
        "Reservado: indique el motivo (nro. de caso) para leerlo; la lectura queda registrada",
        "Withheld: state the purpose (case number) to read it; the read is logged",
    ),
    "purpose_hint": ("Nro. de caso o motivo", "Case number or purpose"),
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
    "login_failed": (
        "Usuario, contraseña o código incorrectos",
        "Wrong username, password or code",
    ),
    "login_note": (
        "Acceso restringido al personal autorizado. Toda acción queda registrada.",
        "Authorised staff only. Every action is logged.",
    ),
}


def labels(lang: str) -> dict[str, object]:
    i = 0 if lang == "es" else 1
    return {
        "text": {k: v[i] for k, v in TEXT.items()},
        "categories": {c.value: v[i] for c, v in CATEGORY_LABELS.items()},
        "sources": {s.value: v[i] for s, v in SOURCE_LABELS.items()},
        "statuses": {s.value: v[i] for s, v in STATUS_LABELS.items()},
    }
