"""What the field domain declares: the officer's permission to use the app as a unit, the
desk's permission to see and revoke the devices, their audit events, and the officer's
landing page on the web (/campo/inicio, a link to the app; the app itself, /campo, is served
by ``field.views`` without a login: it signs in by itself)."""

from __future__ import annotations

from kuntur.core.i18n import N_
from kuntur.core.registry import EventType, Label, Manifest, Page, Permission, declare
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
    # The officer's landing page after a logon on the web (/campo/inicio).
    "field_app": N_("Aplicación de campo"),
    "field_home_lead": N_(
        "Su cargo usa Kuntur desde el teléfono: abra la aplicación de campo en el teléfono de "
        "servicio, inicie el turno con su usuario y elija su unidad. Se instala como una "
        "aplicación y funciona sin conexión."
    ),
    "field_home_open": N_("Abrir la aplicación de campo"),
    # The desk's side (on the dispatch page, field/static/desk.js).
    "field_board": N_("Aplicación de campo"),
    "field_unit": N_("Unidad"),
    "field_incident": N_("Incidente"),
    "field_delivery": N_("Entrega"),
    "field_contact": N_("Último contacto"),
    "field_sent": N_("Enviado"),
    "field_received": N_("Recibido"),
    "field_acknowledged": N_("Acusado"),
    "field_off_app": N_("sin aplicación"),
    "field_no_dispatches": N_("Ningún despacho abierto."),
    "field_devices": N_("Equipos conectados"),
    "field_no_devices": N_("Ningún equipo de campo conectado."),
    "field_revoke": N_("Revocar"),
    "field_revoke_confirm": N_("¿Revocar este equipo? Su sesión termina en el acto."),
}

MANIFEST = declare(
    Manifest(
        domain="field",
        permissions=(USE, DEVICES),
        events=(SIGNED_IN, DEVICE_REVOKED, ACKNOWLEDGED, REPORT_REFUSED),
        pages=(
            Page(
                "/campo/inicio",
                "field_home.html",
                USE,
                nav="field_app",
                nav_order=90,
                active="field_app",
            ),
        ),
        texts=TEXTS,
    )
)
