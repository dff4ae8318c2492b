"""UI labels: Spanish first, English second. Pages pick by ``?lang=`` or the ``lang`` cookie.

Each text is its Spanish (the msgid); the English is in ``web/locale`` (the layout's) and
in each domain's catalogue (``core.i18n``). The screens' scripts read the keyed ``labels``.
"""

from __future__ import annotations

from kuntur.core import registry
from kuntur.core.i18n import LANGS, N_, Text, each, render
from kuntur.incidents.categories import CATEGORY_LABELS, SOURCE_LABELS, STATUS_LABELS

__all__ = ["LANGS", "labels", "message", "texts"]

# The layout's own texts; each domain's come from its manifest (``core.registry``).
BASE_TEXT: dict[str, Text] = {
    "app_title": N_("Kuntur — Comando Conjunto"),
    "all": N_("Todas"),
    "all_m": N_("Todos"),
    "prev": N_("Anterior"),
    "next": N_("Siguiente"),
    "page": N_("Página"),
    "of": N_("de"),
    "total": N_("Total"),
    "loading": N_("Cargando…"),
    "error": N_("No se pudo cargar"),
    "close": N_("Cerrar"),
    "language": N_("English"),
    "synthetic": N_("DATOS SINTÉTICOS DE DEMOSTRACIÓN — no son hechos reales"),
    "login": N_("Iniciar sesión"),
    "logout": N_("Cerrar sesión"),
    "username": N_("Usuario"),
    "password": N_("Contraseña"),
    "totp": N_("Código de verificación (si se le pide)"),
    "login_note": N_("Acceso restringido al personal autorizado. Toda acción queda registrada."),
    "filters": N_("Filtros"),
    "period": N_("Periodo"),
    "from": N_("Desde"),
    "to": N_("Hasta"),
    "apply": N_("Aplicar"),
    "forbidden_title": N_("Sin acceso a esta página"),
    "page_forbidden": N_(
        "Su rol no incluye el permiso «{permission}», que esta página necesita. Si su trabajo "
        "lo requiere, pida a un administrador que revise sus roles."
    ),
    "no_pages": N_(
        "Su rol aún no tiene páginas en Kuntur. Pida a un administrador que revise sus roles."
    ),
    "forbidden_next": N_("Páginas que usted puede usar:"),
    # What failed, and what to do (common.js picks one by the answer's status).
    "error_403": N_(
        "Su rol no permite esta acción; si su trabajo la requiere, pida a un administrador "
        "que revise sus roles"
    ),
    "error_404": N_("No se encontró: puede haber sido retirado o no estar a su alcance"),
    "error_409": N_("Choca con un registro existente: actualice la página y revise"),
    "error_413": N_("El envío es demasiado grande"),
    "error_422": N_("Datos no válidos: corrija lo indicado e intente de nuevo"),
    "error_423": N_("Cuenta bloqueada temporalmente"),
    "error_429": N_("Demasiadas solicitudes: espere unos segundos e intente de nuevo"),
    "error_server": N_(
        "Falló el servidor: intente de nuevo en un momento; si se repite, avise a soporte "
        "con la referencia"
    ),
    "error_other": N_("No se pudo completar la acción"),
    "error_network": N_("Sin conexión con el servidor: revise la red e intente de nuevo"),
    "map_credit": N_("Límites: INEI / IGN"),  # the district boundaries' sources, on maps
}


def texts() -> dict[str, Text]:
    """The layout's texts and every domain's (a key is declared once: ``registry``)."""
    return {**BASE_TEXT, **registry.texts()}


# Forecasting estimators by their short names (``Forecaster.name``).
METHOD_LABELS = {
    "naive": N_("Conteo de los últimos 365 días"),
    "kde": N_("Densidad kernel"),
    "prospective": N_("Prospectivo (eventos recientes y cercanos)"),
    "etas": N_("Autoexcitación (ETAS)"),
    "smoothing": N_("Suavizado exponencial estacional"),
}


def message(key: str, lang: str | None = None, **values: object) -> str:
    """The text ``key`` with its values filled in (``core.i18n.render``)."""
    return render(texts()[key], lang, **values)


def labels(lang: str) -> dict[str, object]:
    """Every keyed text in ``lang`` (key -> translated string), as the pages' scripts read them."""
    return {
        "text": each(texts(), lang),
        "categories": each({c.value: v for c, v in CATEGORY_LABELS.items()}, lang),
        "sources": each({s.value: v for s, v in SOURCE_LABELS.items()}, lang),
        "statuses": each({s.value: v for s, v in STATUS_LABELS.items()}, lang),
        "methods": each(METHOD_LABELS, lang),
    }
