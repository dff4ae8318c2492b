"""What the exchange domain declares (issue 19): NENA EIDO documents in and out, and the
analysts' exports (GeoJSON, GeoPackage, CSV). Every export and every import is on record
through the actor (what, how many; never the contents)."""

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

EIDO_EXPORTED = EventType("exchange.eido.exported", "Incidente exportado como documento EIDO")
EIDO_IMPORTED = EventType("exchange.eido.imported", "Documentos EIDO importados")
EIDO_REFUSED = EventType("exchange.eido.refused", "Documento EIDO rechazado (no valida)")
EXPORTED = EventType("exchange.exported", "Datos exportados para análisis")

TEXTS: dict[str, Label] = {
    "object_eido": N_("Documento EIDO"),
    "object_export": N_("Exportación de datos"),
}

MANIFEST = declare(
    Manifest(
        domain="exchange",
        permissions=(EIDO_EXPORT, EIDO_IMPORT),
        events=(EIDO_EXPORTED, EIDO_IMPORTED, EIDO_REFUSED, EXPORTED),
        texts=TEXTS,
        scopes=SCOPES,
        api=("views", "api"),  # views: CoT under /api/command; api: /api/exchange
        cli_group=(
            "exchange",
            N_("Intercambio de datos: documentos NENA EIDO y exportaciones para análisis."),
        ),
    )
)
