"""What the exchange domain declares (issue 19): NENA EIDO documents in and out, and the
analysts' exports (GeoJSON, GeoPackage, CSV). Every export and every import is on record
through the actor (what, how many; never the contents)."""

from __future__ import annotations

from kuntur.core.i18n import N_
from kuntur.core.registry import EventType, Label, Manifest, Permission, declare
from kuntur.identity.roles import Role

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
        api=("views", "api"),  # views: CoT under /api/command; api: /api/exchange
        cli_group=(
            "exchange",
            N_("Intercambio de datos: documentos NENA EIDO y exportaciones para análisis."),
        ),
    )
)
