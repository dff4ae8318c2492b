"""What the demo scenario declares: its audit event and its CLI group."""

from __future__ import annotations

from kuntur.core.registry import EventType, Label, Manifest, declare

DEMO_SEEDED = EventType("demo.seed", "Escenario de demostración cargado", "Demo scenario seeded")

TEXTS: dict[str, Label] = {
    "demo_accounts": (
        "CUENTAS DE DEMOSTRACIÓN (solo en esta demo con datos sintéticos)",
        "DEMO ACCOUNTS (only in this demo with synthetic data)",
    ),
    "demo_accounts_note": (
        "Las contraseñas las imprime «kuntur demo users» (no se muestran aquí); el código de "
        "verificación lo da «kuntur demo totp USUARIO».",
        "`kuntur demo users` prints their passwords (not shown here); the verification code "
        "comes from `kuntur demo totp USERNAME`.",
    ),
    "demo_totp": ("pide código de verificación", "asks for a verification code"),
}

MANIFEST = declare(
    Manifest(
        domain="demo",
        events=(DEMO_SEEDED,),
        texts=TEXTS,
        cli_group=("demo", "Escenario de demostración (datos sintéticos)."),
    )
)
