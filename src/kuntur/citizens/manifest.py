"""What the citizens domain declares (issue 16, part A): anonymous tips from the public,
and the citizen liaison desk that answers them, closes them or turns them into incidents.

The public pages (/denuncia, /seguimiento) need no login and are served by
``citizens.public``; the desk page is declared here like any other."""

from __future__ import annotations

from kuntur.core.i18n import N_
from kuntur.core.registry import EventType, Label, Manifest, Page, Permission, declare
from kuntur.identity.roles import Role

TIPS_TRIAGE = Permission(
    "tips.triage",
    "Atender denuncias ciudadanas anónimas: bandeja, mensajes, convertir en incidente, cerrar",
    roles=(Role.CITIZEN_LIAISON,),
)
TIPS_CONTACT = Permission(
    "tips.contact",
    "Ver los datos de contacto que un denunciante dejó (descifrados, con motivo)",
    roles=(Role.CITIZEN_LIAISON,),
)

TIP_QUEUE_READ = EventType("tip.queue", "Consulta de la bandeja de denuncias ciudadanas")
TIP_READ = EventType("tip.read", "Lectura de una denuncia ciudadana")
TIP_REVIEWING = EventType("tip.reviewing", "Denuncia ciudadana en revisión")
TIP_CONTACT_READ = EventType(
    "tip.contact", "Lectura de los datos de contacto de un denunciante (descifrados)"
)
TIP_PHOTO_READ = EventType("tip.photo", "Lectura de una foto de una denuncia ciudadana")
TIP_REPLIED = EventType("tip.replied", "Mensaje de la mesa al denunciante")
TIP_CONVERTED = EventType("tip.converted", "Denuncia ciudadana convertida en incidente")
TIP_CLOSED = EventType("tip.closed", "Denuncia ciudadana cerrada")

TEXTS: dict[str, Label] = {
    "citizens_desk": N_("Denuncias ciudadanas"),
    "object_tip": N_("Denuncia ciudadana"),
}

MANIFEST = declare(
    Manifest(
        domain="citizens",
        permissions=(TIPS_TRIAGE, TIPS_CONTACT),
        events=(
            TIP_QUEUE_READ,
            TIP_READ,
            TIP_REVIEWING,
            TIP_CONTACT_READ,
            TIP_PHOTO_READ,
            TIP_REPLIED,
            TIP_CONVERTED,
            TIP_CLOSED,
        ),
        pages=(
            Page(
                "/enlace-ciudadano",
                "citizens_desk.html",
                TIPS_TRIAGE,
                nav="citizens_desk",
                nav_order=36,
                active="citizens",
            ),
        ),
        texts=TEXTS,
        api=("views", "public"),
        cli_group=("citizens", N_("Denuncias ciudadanas anónimas: claves de la mesa de enlace.")),
    )
)
