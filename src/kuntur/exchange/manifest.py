"""What the exchange domain declares (issue 19): NENA EIDO documents in and out, the
analysts' exports (GeoJSON, GeoPackage, CSV) and Cursor-on-Target to TAK devices
(``kuntur exchange tak serve``). Every export and every import is on record through the
actor (what, how many; never the contents); so are a TAK device's subscription, its end
and a refused device (device, agency, address, how many marks were sent), never the marks."""

from __future__ import annotations

from kuntur.command.manifest import UNITS_REPORT
from kuntur.core.i18n import N_
from kuntur.core.registry import EventType, Label, Manifest, Permission, Scope, declare
from kuntur.forecasting.manifest import FORECASTS_READ
from kuntur.identity.roles import Role
from kuntur.incidents.manifest import INCIDENTS_READ, INCIDENTS_WRITE
from kuntur.intelligence.manifest import INTEL_READ
from kuntur.patrol.manifest import PATROL_READ

EIDO_EXPORT = Permission(
    "exchange.eido.export",
    "Exportar un incidente como documento NENA EIDO (a otra central)",
    roles=(Role.DISPATCHER, Role.COMMANDER, Role.CRIME_ANALYST),
)
EIDO_IMPORT = Permission(
    "exchange.eido.import",
    "Importar documentos NENA EIDO de otra central como incidentes",
    roles=(Role.DISPATCHER, Role.COMMANDER),
)

# What an integrator's token may be limited to (identity.service_accounts): each scope lets
# the token use these permissions, when the service account's roles hold them too.
SCOPES = (
    Scope(
        "eido:read",
        "Leer incidentes como documentos EIDO",
        permissions=(EIDO_EXPORT, INCIDENTS_READ),
    ),
    Scope(
        "eido:write",
        "Enviar documentos EIDO (crean incidentes)",
        permissions=(EIDO_IMPORT, INCIDENTS_WRITE),
    ),
    Scope(
        "exports:read",
        "Descargar exportaciones para análisis (incidentes, pronósticos, patrullaje, redes)",
        permissions=(INCIDENTS_READ, FORECASTS_READ, PATROL_READ, INTEL_READ),
    ),
    Scope(
        "positions:write",
        "Enviar posiciones de unidades (JSON o Cursor-on-Target)",
        permissions=(UNITS_REPORT,),
    ),
)

TAK_SUBSCRIBED = EventType(
    "exchange.tak.subscribed", "Dispositivo TAK suscrito al cuadro operativo"
)
TAK_UNSUBSCRIBED = EventType("exchange.tak.unsubscribed", "Dispositivo TAK desconectado")
TAK_REFUSED = EventType("exchange.tak.refused", "Dispositivo TAK rechazado")

EIDO_EXPORTED = EventType("exchange.eido.exported", "Incidente exportado como documento EIDO")
EIDO_IMPORTED = EventType("exchange.eido.imported", "Documentos EIDO importados")
EIDO_REFUSED = EventType("exchange.eido.refused", "Documento EIDO rechazado (no valida)")
EXPORTED = EventType("exchange.exported", "Datos exportados para análisis")

TEXTS: dict[str, Label] = {
    "object_eido": N_("Documento EIDO"),
    "object_export": N_("Exportación de datos"),
    "object_tak_device": N_("Dispositivo TAK"),
}

MANIFEST = declare(
    Manifest(
        domain="exchange",
        permissions=(EIDO_EXPORT, EIDO_IMPORT),
        events=(
            EIDO_EXPORTED,
            EIDO_IMPORTED,
            EIDO_REFUSED,
            EXPORTED,
            TAK_SUBSCRIBED,
            TAK_UNSUBSCRIBED,
            TAK_REFUSED,
        ),
        texts=TEXTS,
        scopes=SCOPES,
        api=("views", "api"),  # views: CoT under /api/command; api: /api/exchange
        cli_group=(
            "exchange",
            N_(
                "Intercambio de datos: documentos NENA EIDO, exportaciones para análisis y "
                "Cursor-on-Target hacia dispositivos TAK."
            ),
        ),
    )
)
