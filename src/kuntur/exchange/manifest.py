"""What the exchange domain declares (issue 19): the feeds and documents by which the
joint command trades information with the systems around it — Cursor-on-Target to and
from TAK devices to begin with (``kuntur exchange tak serve``).

A TAK device's subscription, its end and a refused device are on record (device,
agency, address, how many marks were sent), never the marks themselves."""

from __future__ import annotations

from kuntur.core.i18n import N_
from kuntur.core.registry import EventType, Label, Manifest, declare

TAK_SUBSCRIBED = EventType(
    "exchange.tak.subscribed", "Dispositivo TAK suscrito al cuadro operativo"
)
TAK_UNSUBSCRIBED = EventType("exchange.tak.unsubscribed", "Dispositivo TAK desconectado")
TAK_REFUSED = EventType("exchange.tak.refused", "Dispositivo TAK rechazado")

TEXTS: dict[str, Label] = {
    "object_tak_device": N_("Dispositivo TAK"),
}

MANIFEST = declare(
    Manifest(
        domain="exchange",
        events=(TAK_SUBSCRIBED, TAK_UNSUBSCRIBED, TAK_REFUSED),
        texts=TEXTS,
        cli_group=(
            "exchange",
            N_("Intercambio con otros sistemas: Cursor-on-Target hacia dispositivos TAK."),
        ),
    )
)
