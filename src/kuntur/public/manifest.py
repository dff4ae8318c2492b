"""What the public domain declares (issue 16, part B): statistics released with a
published privacy budget, results the public can check, and public alerts (OASIS CAP 1.2).

The public page and the public API need no login (``views``); only making a release and
issuing or cancelling an alert need a permission, and each is on record."""

from __future__ import annotations

from kuntur.core.i18n import N_
from kuntur.core.registry import EventType, Label, Manifest, Page, Permission, declare
from kuntur.identity.roles import Role

STATISTICS_RELEASE = Permission(
    "statistics.release",
    "Publicar estadísticas con privacidad diferencial (gasta presupuesto de privacidad)",
    roles=(Role.COMMANDER,),
)
ALERTS_ISSUE = Permission(
    "alerts.issue",
    "Emitir y cancelar alertas públicas (CAP) por distrito",
    roles=(Role.COMMANDER,),
)

STATISTICS_RELEASED = EventType(
    "public.release", "Estadísticas publicadas con privacidad diferencial"
)
ALERT_ISSUED = EventType("public.alert.issued", "Alerta pública emitida (CAP)")
ALERT_CANCELLED = EventType("public.alert.cancelled", "Alerta pública cancelada (CAP)")

TEXTS: dict[str, Label] = {
    "public_alerts": N_("Alertas públicas"),
    "object_public_release": N_("Publicación de estadísticas"),
    "object_public_alert": N_("Alerta pública"),
}

MANIFEST = declare(
    Manifest(
        domain="public",
        permissions=(STATISTICS_RELEASE, ALERTS_ISSUE),
        events=(STATISTICS_RELEASED, ALERT_ISSUED, ALERT_CANCELLED),
        pages=(
            # Issuing and cancelling alerts (the public page itself, /estadisticas, needs no
            # login and is served by views.py).
            Page(
                "/alertas-publicas",
                "public_alerts_desk.html",
                ALERTS_ISSUE,
                nav="public_alerts",
                nav_order=70,
                active="public_alerts",
            ),
        ),
        texts=TEXTS,
        api=("views", "site"),  # site: the public page, outside the API schema
        cli_group=(
            "public",
            N_("Estadísticas públicas con privacidad diferencial y alertas públicas (CAP)."),
        ),
    )
)
