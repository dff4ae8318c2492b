"""What the demo scenario declares: its audit event and its CLI group."""

from __future__ import annotations

from kuntur.core.i18n import N_
from kuntur.core.registry import EventType, Label, Manifest, declare

DEMO_SEEDED = EventType("demo.seed", "Escenario de demostración cargado")

TEXTS: dict[str, Label] = {
    "demo_accounts": N_("CUENTAS DE DEMOSTRACIÓN (solo en esta demo con datos sintéticos)"),
    "demo_accounts_note": N_(
        "Las contraseñas las imprime «kuntur demo users» (no se muestran aquí); el código de "
        "verificación lo da «kuntur demo totp USUARIO»."
    ),
    "demo_totp": N_("pide código de verificación"),
}

MANIFEST = declare(
    Manifest(
        domain="demo",
        events=(DEMO_SEEDED,),
        texts=TEXTS,
        cli_group=("demo", N_("Escenario de demostración (datos sintéticos).")),
    )
)
