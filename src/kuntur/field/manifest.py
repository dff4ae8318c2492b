"""What the field domain declares: the officer's permission to use the app as a unit, the
desk's permission to see and revoke the devices, their audit events and the /campo page
(served by ``field.views`` without a login: the app signs in by itself)."""

from __future__ import annotations

from kuntur.core.i18n import N_
from kuntur.core.registry import EventType, Label, Manifest, Permission, declare
from kuntur.identity.roles import Role

USE = Permission(
    "field.use",
    "Usar la aplicación de campo como la unidad del turno (despachos, órdenes, estado, "
    "posición, notas)",
    roles=(Role.FIELD_OFFICER,),
)
DEVICES = Permission(
    "field.devices",
    "Ver los equipos de campo conectados, su último contacto y la entrega de cada despacho; "
    "revocar un equipo",
    roles=(Role.DISPATCHER, Role.COMMANDER, Role.ADMIN),
)

SIGNED_IN = EventType("field.signed_in", "Equipo de campo conectado para un turno")
DEVICE_REVOKED = EventType("field.device_revoked", "Equipo de campo revocado")
ACKNOWLEDGED = EventType("field.acknowledged", "Despacho u orden acusado desde el campo")
REPORT_REFUSED = EventType("field.report_refused", "Reporte de campo rechazado o en conflicto")

TEXTS: dict[str, Label] = {
    "object_field_device": N_("Equipo de campo"),
}

MANIFEST = declare(
    Manifest(
        domain="field",
        permissions=(USE, DEVICES),
        events=(SIGNED_IN, DEVICE_REVOKED, ACKNOWLEDGED, REPORT_REFUSED),
        texts=TEXTS,
    )
)
