"""Identity's messages (logon, limits), Spanish first: the API answers with them and the
login page shows them (``web.i18n`` takes them in)."""

from __future__ import annotations

from kuntur.core.i18n import N_, Nn_, Text, render

TEXT: dict[str, Text] = {
    "login_failed": N_("Usuario, contraseña o código incorrectos"),
    # Said only once the password was right: the account needs its second factor.
    "login_totp_needed": N_(
        "Esta cuenta requiere el código de verificación (segundo factor): escríbalo y vuelva "
        "a intentar"
    ),
    # Plural forms: ``n`` picks one by each language's rule (the catalogue's header).
    "login_locked": Nn_(
        "Cuenta bloqueada por intentos fallidos; intente de nuevo en {n} minuto",
        "Cuenta bloqueada por intentos fallidos; intente de nuevo en {n} minutos",
    ),
    "login_too_many": Nn_(
        "Demasiados intentos de inicio de sesión; intente de nuevo en {n} segundo",
        "Demasiados intentos de inicio de sesión; intente de nuevo en {n} segundos",
    ),
    # Caps on what a logon or token form takes, checked before any hashing or storing.
    "username_too_long": N_("El usuario admite a lo sumo {n} caracteres"),
    "password_too_long": N_("La contraseña admite a lo sumo {n} caracteres"),
    "totp_too_long": N_("El código de verificación admite a lo sumo {n} caracteres"),
    "label_too_long": N_("El nombre del token admite a lo sumo {n} caracteres"),
}


def message(key: str, lang: str | None = None, **values: object) -> str:
    return render(TEXT[key], lang, **values)
