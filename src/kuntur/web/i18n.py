"""UI labels: Spanish first, English second. Pages pick by ``?lang=`` or the ``lang`` cookie."""

from __future__ import annotations

from kuntur.core import registry
from kuntur.core.i18n import render
from kuntur.incidents.categories import CATEGORY_LABELS, SOURCE_LABELS, STATUS_LABELS

LANGS = ("es", "en")

# The layout's own texts; each domain's come from its manifest (``core.registry``).
BASE_TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("Kuntur — Comando Conjunto", "Kuntur — Joint Command"),
    "all": ("Todas", "All"),
    "all_m": ("Todos", "All"),
    "prev": ("Anterior", "Previous"),
    "next": ("Siguiente", "Next"),
    "page": ("Página", "Page"),
    "of": ("de", "of"),
    "total": ("Total", "Total"),
    "loading": ("Cargando…", "Loading…"),
    "error": ("No se pudo cargar", "Could not load"),
    "close": ("Cerrar", "Close"),
    "language": ("English", "Español"),
    "synthetic": (
        "DATOS SINTÉTICOS DE DEMOSTRACIÓN — no son hechos reales",
        "SYNTHETIC DEMO DATA — not real events",
    ),
    "login": ("Iniciar sesión", "Log in"),
    "logout": ("Cerrar sesión", "Log out"),
    "username": ("Usuario", "Username"),
    "password": ("Contraseña", "Password"),
    "totp": ("Código de verificación (si se le pide)", "Verification code (if asked)"),
    "login_note": (
        "Acceso restringido al personal autorizado. Toda acción queda registrada.",
        "Authorised staff only. Every action is logged.",
    ),
    "filters": ("Filtros", "Filters"),
    "period": ("Periodo", "Period"),
    "from": ("Desde", "From"),
    "to": ("Hasta", "To"),
    "apply": ("Aplicar", "Apply"),
    "forbidden_title": ("Sin acceso a esta página", "No access to this page"),
    "page_forbidden": (
        "Su rol no incluye el permiso «{permission}», que esta página necesita. Si su trabajo "
        "lo requiere, pida a un administrador que revise sus roles.",
        "Your role does not include the permission “{permission}” that this page needs. If "
        "your work requires it, ask an administrator to review your roles.",
    ),
    "no_pages": (
        "Su rol aún no tiene páginas en Kuntur. Pida a un administrador que revise sus roles.",
        "Your role has no pages in Kuntur yet. Ask an administrator to review your roles.",
    ),
    "forbidden_next": ("Páginas que usted puede usar:", "Pages you may use:"),
    # What failed, and what to do (common.js picks one by the answer's status).
    "error_403": (
        "Su rol no permite esta acción; si su trabajo la requiere, pida a un administrador "
        "que revise sus roles",
        "Your role does not allow this; if your work requires it, ask an administrator to "
        "review your roles",
    ),
    "error_404": (
        "No se encontró: puede haber sido retirado o no estar a su alcance",
        "Not found: it may have been removed or be outside what you may see",
    ),
    "error_409": (
        "Choca con un registro existente: actualice la página y revise",
        "It clashes with an existing record: reload the page and check",
    ),
    "error_413": ("El envío es demasiado grande", "What you sent is too large"),
    "error_422": (
        "Datos no válidos: corrija lo indicado e intente de nuevo",
        "Invalid data: correct what is pointed out and try again",
    ),
    "error_423": ("Cuenta bloqueada temporalmente", "Account temporarily locked"),
    "error_429": (
        "Demasiadas solicitudes: espere unos segundos e intente de nuevo",
        "Too many requests: wait a few seconds and try again",
    ),
    "error_server": (
        "Falló el servidor: intente de nuevo en un momento; si se repite, avise a soporte "
        "con la referencia",
        "The server failed: try again in a moment; if it happens again, tell support the reference",
    ),
    "error_other": ("No se pudo completar la acción", "The action could not be completed"),
    "error_network": (
        "Sin conexión con el servidor: revise la red e intente de nuevo",
        "No connection to the server: check the network and try again",
    ),
}


def texts() -> dict[str, tuple[str, str]]:
    """The layout's texts and every domain's (a key is declared once: ``registry``)."""
    return {**BASE_TEXT, **registry.texts()}


# Forecasting estimators by their short names (``Forecaster.name``).
METHOD_LABELS = {
    "naive": ("Conteo de los últimos 365 días", "Counts over the last 365 days"),
    "kde": ("Densidad kernel", "Kernel density"),
    "prospective": ("Prospectivo (eventos recientes y cercanos)", "Prospective (recent, nearby)"),
    "etas": ("Autoexcitación (ETAS)", "Self-exciting (ETAS)"),
    "smoothing": ("Suavizado exponencial estacional", "Seasonal exponential smoothing"),
}


def message(key: str, lang: str | None = None, **values: object) -> str:
    """The text ``key`` with its values filled in (``core.i18n.render``)."""
    return render(texts()[key], lang, **values)


def labels(lang: str) -> dict[str, object]:
    i = 0 if lang == "es" else 1
    return {
        "text": {k: v[i] for k, v in texts().items()},
        "categories": {c.value: v[i] for c, v in CATEGORY_LABELS.items()},
        "sources": {s.value: v[i] for s, v in SOURCE_LABELS.items()},
        "statuses": {s.value: v[i] for s, v in STATUS_LABELS.items()},
        "methods": {k: v[i] for k, v in METHOD_LABELS.items()},
    }
